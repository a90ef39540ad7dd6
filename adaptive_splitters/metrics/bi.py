"""Block Integrity (BI): the share of gold blocks that no chunk start cuts through."""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import BuiltinMetric, ScoringContext


def block_integrity(
    spans: Sequence[Span], split_points: Iterable[int] | None, length: int, tolerance: int = 5
) -> float | None:
    """The fraction of blocks ``[l, r)`` with no predicted split ``p`` such that ``l + tolerance < p < r - tolerance``.

    Blocks are delimited by ``0``, the document's ``split_points`` and ``length``; predicted splits are the starts
    of chunks 2..n (docs/method.md#block-integrity-bi). ``None`` for no chunks, ``1.0`` for one chunk. Runs in
    O((blocks + splits) log splits).
    """
    if not spans:
        return None
    if len(spans) == 1:
        return 1.0
    points = sorted(split_points or ())
    blocks = len(points) + 1
    return (blocks - len(cut_blocks(spans, points, length, tolerance))) / blocks


def cut_blocks(
    spans: Sequence[Span], split_points: Iterable[int] | None, length: int, tolerance: int = 5
) -> list[Span]:
    """The blocks ``[l, r)`` that BI counts as broken: some chunk start ``p`` (of chunks 2..n) lies in
    ``(l + tolerance, r - tolerance)`` (docs/method.md#block-integrity-bi); reports highlight them."""
    predicted = sorted({start for start, _ in spans[1:]})
    bounds = [0, *sorted(split_points or ()), length]
    cut: list[Span] = []
    for left, right in itertools.pairwise(bounds):
        i = bisect_right(predicted, left + tolerance)
        if i < len(predicted) and predicted[i] < right - tolerance:
            cut.append((left, right))
    return cut


@dataclass(frozen=True)
class BlockIntegrity(BuiltinMetric):
    """BI as a metric (docs/method.md#block-integrity-bi): blocks from the document's split points."""

    name: str = "BI"

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """:func:`block_integrity` over the document's blocks."""
        return block_integrity(spans, doc.split_points or (), len(doc.text))
