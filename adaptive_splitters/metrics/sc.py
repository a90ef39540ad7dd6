"""Size Compliance (SC): the share of chunks whose token count lies in ``[min_tokens, max_tokens]``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from adaptive_splitters.core.spans import Span


def size_compliance(
    text: str,
    spans: Sequence[Span],
    counter: Callable[[str], int],
    min_tokens: int = 100,
    max_tokens: int = 1100,
) -> float | None:
    """``1 - (chunks below min_tokens or above max_tokens) / n``; both bounds inclusive (PAPER_SPEC §1.1).

    An empty chunk counts as out of span. Returns ``None`` when there are no chunks.
    """
    if not spans:
        return None
    outside = 0
    for start, end in spans:
        tokens = counter(text[start:end])
        if tokens < min_tokens or tokens > max_tokens:
            outside += 1
    return 1.0 - outside / len(spans)
