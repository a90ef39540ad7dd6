"""Document Contextual Coherence (DCC): how well each chunk fits its ~3000-token neighbourhood."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import BuiltinMetric, ScoringContext

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.embeddings import SpanVectors


def context_windows(
    spans: Sequence[Span], text: str, counter: Callable[[str], int], window_tokens: int = 3000
) -> list[tuple[list[int], list[Span]]]:
    """The kept windows as ``(member indices, tail spans)`` (docs/method.md#document-contextual-coherence-dcc).

    A window starts at every chunk (step 1) and admits the following chunks while the tokens of their unseen tails
    fit ``window_tokens``; the first chunk is always admitted. A window is kept only if it has at least 2 members
    and its last member differs from the previously kept window's. Its text is the concatenation of the tails.

    Each tail is counted once: the first member's tail is the whole chunk, and a later member ``j``'s tail is
    ``text[max(end[j-1], start[j]) : end[j]]`` whatever the window start, so both are precomputed per chunk.
    """
    n = len(spans)
    whole = [counter(text[s:e]) for s, e in spans]
    tails: list[Span] = [spans[0]] if n else []
    for j in range(1, n):
        start, end = spans[j]
        tails.append((max(spans[j - 1][1], start), end))
    tail_tokens = [whole[0] if n else 0] + [counter(text[a:b]) if b > a else 0 for a, b in tails[1:]]
    windows: list[tuple[list[int], list[Span]]] = []
    last_member = -1
    for i in range(n):
        count = whole[i]
        j = i + 1
        while j < n and count + tail_tokens[j] <= window_tokens:
            count += tail_tokens[j]
            j += 1
        members = list(range(i, j))
        if len(members) >= 2 and members[-1] != last_member:
            parts = [spans[i]] + [tails[k] for k in members[1:] if tails[k][1] > tails[k][0]]
            windows.append((members, _merge_contiguous(parts)))
            last_member = members[-1]
    return windows


def contextual_coherence(
    doc: SourceDocument,
    spans: Sequence[Span],
    vectors: SpanVectors,
    counter: Callable[[str], int],
    window_tokens: int = 3000,
) -> float | None:
    """Mean cosine over all (window, member chunk) pairs, clipped to [0, 1].

    ``None`` with fewer than 2 chunks or when no window is kept (e.g. every neighbour pair exceeds the budget).
    """
    if len(spans) < 2:
        return None
    windows = context_windows(spans, doc.text, counter, window_tokens)
    if not windows:
        return None
    chunk_vectors = vectors.of(list(spans)).astype(np.float64)
    window_vectors = vectors.of_joined([parts for _, parts in windows]).astype(np.float64)
    total = 0.0
    pairs = 0
    for w, (members, _) in enumerate(windows):
        total += float((chunk_vectors[members[0] : members[-1] + 1] @ window_vectors[w]).sum())
        pairs += len(members)
    return float(np.clip(total / pairs, 0.0, 1.0))


def _merge_contiguous(parts: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in parts:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class ContextualCoherence(BuiltinMetric):
    """DCC as a metric (docs/method.md#document-contextual-coherence-dcc): embeds chunks and their windows."""

    name: str = "DCC"
    embeds: ClassVar[bool] = True

    def texts(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> Iterable[tuple[Span, ...]]:
        """Every kept context window (none with fewer than 2 chunks)."""
        if len(spans) < 2:
            return []
        return [tuple(parts) for _, parts in context_windows(spans, doc.text, context.counter)]

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """:func:`contextual_coherence` on the shared span vectors."""
        return contextual_coherence(doc, spans, context.span_vectors(), context.counter)
