"""Intrachunk Cohesion (ICC): how close a chunk's blocks are to the chunk as a whole."""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import BuiltinMetric, ScoringContext

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.embeddings import SpanVectors


def chunk_pieces(span: Span, split_points: Sequence[int]) -> list[Span]:
    """``span`` cut at the split points strictly inside it; empty pieces are dropped."""
    start, end = span
    cuts = [start]
    i = bisect_left(split_points, start)
    while i < len(split_points) and split_points[i] < end:
        if split_points[i] > cuts[-1]:
            cuts.append(split_points[i])
        i += 1
    cuts.append(end)
    pieces = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    return pieces or [span]


def intrachunk_cohesion(doc: SourceDocument, spans: Sequence[Span], vectors: SpanVectors) -> float | None:
    """Mean over chunks with at least 2 blocks of the mean cosine between each block piece and its chunk.

    Pieces are the chunk cut at the document's split points; chunks with fewer than 2 pieces are excluded.
    The result is clipped to [0, 1]; ``None`` when no chunk has 2 pieces (docs/method.md#intrachunk-cohesion-icc).
    """
    split_points = doc.split_points or ()
    eligible: list[int] = []
    pieces: list[Span] = []
    owners: list[int] = []
    for index, span in enumerate(spans):
        cut = chunk_pieces(span, split_points)
        if len(cut) >= 2:
            eligible.append(index)
            pieces.extend(cut)
            owners.extend([len(eligible) - 1] * len(cut))
    if not eligible:
        return None
    chunk_vectors = vectors.of([spans[i] for i in eligible])
    piece_vectors = vectors.of(pieces)
    owner = np.asarray(owners)
    sims = np.einsum("ij,ij->i", piece_vectors.astype(np.float64), chunk_vectors[owner].astype(np.float64))
    per_chunk = np.bincount(owner, weights=sims) / np.bincount(owner)
    return float(np.clip(per_chunk.mean(), 0.0, 1.0))


@dataclass(frozen=True)
class IntrachunkCohesion(BuiltinMetric):
    """ICC as a metric (docs/method.md#intrachunk-cohesion-icc): embeds each chunk and its block pieces."""

    name: str = "ICC"
    embeds: ClassVar[bool] = True

    def texts(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> Iterable[tuple[Span, ...]]:
        """Every chunk's block pieces."""
        split_points = doc.split_points or ()
        return [(piece,) for span in spans for piece in chunk_pieces(span, split_points)]

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """:func:`intrachunk_cohesion` on the shared span vectors."""
        return intrachunk_cohesion(doc, spans, context.span_vectors())
