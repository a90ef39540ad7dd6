"""Self-Retrieval (SR): do the document's own sentences, asked as queries, find their text within a budget of
retrieved tokens, when the chunks are stored as a vector store would store them?"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import BuiltinMetric, ScoringContext

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.embeddings import SpanVectors

SR_WEIGHT = 1.0
"""SR's weight where it is given no other; by default it decides alone (docs/method.md#selection)."""

_WORD_CHARS = re.compile(r"\w")
MAX_QUERIES = 256
MIN_QUERY_CHARS = 30
BUDGET_CHUNKS = 4


def query_spans(vectors: SpanVectors, max_queries: int = MAX_QUERIES, min_chars: int = MIN_QUERY_CHARS) -> list[Span]:
    """The queries: the document's sentences (cut at block boundaries) of at least ``min_chars`` word characters
    (so that table rules and runs of punctuation ask nothing), at most ``max_queries`` of them evenly spaced
    through the document (deterministic)."""
    text = vectors.text
    found = [(s, e) for s, e in vectors.sentences() if len(_WORD_CHARS.findall(text, s, e)) >= min_chars]
    if len(found) <= max_queries:
        return found
    picks = np.linspace(0, len(found) - 1, max_queries).round().astype(int)
    return [found[i] for i in dict.fromkeys(picks.tolist())]


def self_retrieval(
    spans: Sequence[Span],
    queries: Sequence[Span],
    query_vectors: np.ndarray,
    chunk_vectors: np.ndarray,
    chunk_tokens: Sequence[int],
    budget: int,
) -> float | None:
    """Mean over queries of the share of the query's characters inside the chunks retrieved for it.

    Chunks are ranked by cosine to the query (ties by position) and taken in rank order while their tokens fit
    ``budget``, the first always (docs/method.md#self-retrieval-sr). ``None`` without queries or chunks.
    """
    if not queries or not spans:
        return None
    starts = np.array([s for s, _ in spans])
    ends = np.array([e for _, e in spans])
    tokens = np.asarray(chunk_tokens, dtype=np.int64)
    order = np.arange(len(spans))
    sims = query_vectors.astype(np.float64) @ chunk_vectors.astype(np.float64).T
    shares = []
    for row, (a, b) in zip(sims, queries, strict=True):
        taken: list[Span] = []
        for c in np.flatnonzero((starts < b) & (ends > a)):
            ahead = (row > row[c]) | ((row == row[c]) & (order < c))
            if not ahead.any() or int(tokens[ahead].sum()) + int(tokens[c]) <= budget:
                taken.append((max(a, int(starts[c])), min(b, int(ends[c]))))
        shares.append(_union_length(taken) / (b - a))
    return float(np.mean(shares))


def _union_length(ranges: list[Span]) -> int:
    total, reach = 0, None
    for s, e in sorted(ranges):
        if reach is None or s >= reach:
            total += e - s
            reach = e
        elif e > reach:
            total += e - reach
            reach = e
    return total


@dataclass(frozen=True)
class SelfRetrieval(BuiltinMetric):
    """SR as a metric (docs/method.md#self-retrieval-sr): the document's sentences as queries, chunks as stored
    by a vector store reading at most the embedder's window, a budget of ``budget_chunks`` chunks of
    ``chunk_size`` tokens."""

    name: str = "SR"
    weight: float = SR_WEIGHT
    budget_chunks: int = BUDGET_CHUNKS
    max_queries: int = MAX_QUERIES
    embeds: ClassVar[bool] = True

    def texts(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> Iterable[tuple[Span, ...]]:
        """The query sentences (the chunks themselves are embedded for every candidate anyway)."""
        return [(q,) for q in query_spans(context.span_vectors(), self.max_queries)]

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """:func:`self_retrieval` on the shared span vectors."""
        vectors = context.span_vectors()
        queries = query_spans(vectors, self.max_queries)
        kept = [span for span in spans if span[1] > span[0]]
        if not queries or not kept:
            return None
        window = getattr(vectors.cache.embedder, "max_piece_tokens", None) or 2**31
        tokens = [context.counter(doc.text[s:e]) for s, e in kept]
        budget = self.budget_chunks * context.limits.max_tokens
        return self_retrieval(kept, queries, vectors.of(queries), vectors.retrieved(kept, window), tokens, budget)
