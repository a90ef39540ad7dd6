"""Size Compliance (SC): the share of chunks whose token count lies in ``[min_tokens, max_tokens]``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import BuiltinMetric, ScoringContext


def size_compliance(
    text: str,
    spans: Sequence[Span],
    counter: Callable[[str], int],
    min_tokens: int = 100,
    max_tokens: int = 1100,
) -> float | None:
    """``1 - (chunks below min_tokens or above max_tokens) / n``; both bounds inclusive.

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


@dataclass(frozen=True)
class SizeCompliance(BuiltinMetric):
    """SC as a metric (docs/method.md#size-compliance-sc): sizes from the chunker's limits, no embeddings."""

    name: str = "SC"

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """:func:`size_compliance` within ``[min_tokens, max_tokens]``."""
        limits = context.limits
        return size_compliance(doc.text, spans, context.counter, limits.min_tokens, limits.max_tokens)
