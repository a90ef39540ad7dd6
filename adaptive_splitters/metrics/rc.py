"""References Completeness (RC): the share of entity-pronoun pairs that no chunk boundary separates."""

from __future__ import annotations

import warnings
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import BuiltinMetric, ScoringContext

PairLike = Sequence[Sequence[int]]


def references_completeness(
    spans: Sequence[Span], pairs: Iterable[PairLike] | None, *, text: str | None = None
) -> float | None:
    """``1 - missing / pairs`` (docs/method.md#references-completeness-rc), computed on the spans themselves.

    Boundaries are the starts of chunks 2..n and the ends of chunks 1..n-1. With the two mentions of a pair ordered
    by start (``a`` first; ends inclusive), the pair is missing iff a boundary ``β`` satisfies
    ``a.start < β <= b.end``. Returns ``None`` when there are no pairs or no chunks.

    When ``text`` is given, pairs that start on whitespace or end past the text (misaligned offsets, as in CLAIR's
    French documents) are still used as given, and one warning reports how many there are.
    """
    pair_list = [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in (pairs or ())]
    if not pair_list or not spans:
        return None
    if text is not None:
        suspicious = sum(1 for pair in pair_list if _misaligned(pair, text))
        if suspicious:
            warnings.warn(
                f"{suspicious} of {len(pair_list)} entity-pronoun pairs start on whitespace or end past the text "
                f"({len(text)} characters); they are used as given",
                stacklevel=2,
            )
    return 1.0 - sum(cut_pairs(spans, pair_list)) / len(pair_list)


def cut_pairs(spans: Sequence[Span], pairs: Sequence[PairLike]) -> list[bool]:
    """For each pair, whether a chunk boundary separates its two mentions (RC's "missing")."""
    boundaries = sorted({start for start, _ in spans[1:]} | {end for _, end in spans[:-1]})
    out = []
    for entity, pronoun in pairs:
        first, second = (pronoun, entity) if pronoun[0] < entity[0] else (entity, pronoun)
        i = bisect_right(boundaries, first[0])
        out.append(i < len(boundaries) and boundaries[i] <= second[1])
    return out


def _misaligned(pair: tuple[tuple[int, int], tuple[int, int]], text: str) -> bool:
    return any(not 0 <= start < len(text) or end >= len(text) or text[start].isspace() for start, end in pair)


@dataclass(frozen=True)
class ReferencesCompleteness(BuiltinMetric):
    """RC as a metric (docs/method.md#references-completeness-rc): ``None`` when the document has no pairs."""

    name: str = "RC"

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """:func:`references_completeness` over the document's pairs (given, or from the chunker's ``pairs``)."""
        pairs = context.pairs(doc)
        if pairs is None:
            return None
        return references_completeness(spans, pairs, text=doc.text)
