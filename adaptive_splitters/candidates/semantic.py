"""The semantic candidate (docs/method.md#semantic): cut where consecutive sentences drift apart, within hard sizes.

Units are the document's sentences, cut again at its block boundaries (or its blocks, when the sentences are very
short: lists, tables); they are embedded through the document's shared span vectors, so the metrics read the same
cache afterwards. The distance between consecutive units is ``1 - cos``; a breakpoint is a distance (or, with
``threshold="gradient"``, the distance's gradient) above its ``amount``-th percentile, as in LangChain's
SemanticChunker. The groups are then held to hard sizes, counted on their own text: a group above ``max_tokens``
is split at its largest internal distance (down to single units; a unit above the maximum is cut by the recursive
splitter on its own offsets), a group under ``min_tokens`` is merged into its more similar neighbour while the
merge fits, and one that cannot merge takes text from a neighbour until both fit. No span exceeds ``max_tokens``,
so post-processing leaves the spans alone (``resplit=False``).
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from adaptive_splitters.candidates.base import Notes, Split, SplitContext
from adaptive_splitters.core import checks
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.blocks import block_spans
from adaptive_splitters.text.sentences import check_language, sentence_starts
from adaptive_splitters.text.tokens import TokenCounter

THRESHOLDS = ("percentile", "gradient")
UNITS = ("blocks", "sentences")


@dataclass(frozen=True)
class SemanticCandidate:
    """Semantic breakpoints between sentences, with hard minimum and maximum sizes (docs/method.md#semantic).

    Args:
        threshold: ``"percentile"`` (a breakpoint where the distance exceeds its ``amount``-th percentile) or
            ``"gradient"`` (where the distance's gradient exceeds its ``amount``-th percentile).
        amount: the percentile, in [0, 100] (95, LangChain's default).
        units: ``"blocks"`` (default; a document with fewer than two blocks uses its sentences) or
            ``"sentences"``. Blocks are the pieces the pool-mode metrics embed anyway, so the default adds no
            embedding to an adaptive run (bundled sample: 60 texts embedded with or without it, 398 with sentence
            units) and needs no sentence splitting; on the retrieval benchmark it also retrieves better alone.
        short_sentence_tokens: with ``units="sentences"``, the blocks are the units after all when the median
            sentence has fewer tokens than this (lists, tables).
        language: the sentence segmenter's language.
    """

    threshold: str = "percentile"
    amount: float = 95.0
    short_sentence_tokens: int = 8
    language: str = "en"
    units: str = "blocks"
    name: str = "semantic"
    resplit: bool = False

    def __post_init__(self) -> None:
        checks.one_of(*THRESHOLDS)("threshold", self.threshold)
        amount = checks.non_negative_number("amount", self.amount)
        if amount > 100:
            msg = f"amount must be a percentile in [0, 100] (received {self.amount!r})"
            raise ValueError(msg)
        object.__setattr__(self, "amount", amount)
        checks.non_negative_int("short_sentence_tokens", self.short_sentence_tokens)
        checks.one_of(*UNITS)("units", self.units)
        check_language(self.language)

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """Spans at the semantic breakpoints, each within ``context.limits`` (see the module doc)."""
        text, counter = doc.text, context.counter
        units, kind = self.unit_spans(doc, counter)
        distances = np.zeros(0, dtype=np.float64)
        if len(units) > 1:
            vectors = context.span_vectors().of([_embedded(doc, unit) for unit in units]).astype(np.float64)
            distances = 1.0 - np.einsum("ij,ij->i", vectors[:-1], vectors[1:])
        else:
            vectors = np.ones((len(units), 1))
        cutoff, breaks = breakpoints(distances, self.threshold, self.amount)
        sizer = _Sizer(text, counter, context, units, vectors, distances)
        spans = sizer.spans(breaks)
        report = {
            "breakpoints": len(breaks),
            "threshold": {"type": self.threshold, "amount": self.amount, "value": cutoff},
            "units": kind,
        }
        return Split(spans, Notes(metadata={}, report=report, reason=""))

    def unit_spans(self, doc: SourceDocument, counter: TokenCounter) -> tuple[list[Span], str]:
        """The units and their kind (see ``units``): sentences cut at the block boundaries, or the blocks.
        Whitespace-only units join the unit before them."""
        text = doc.text
        points = tuple(doc.split_points or ())
        blocks = _solid(text, block_spans(text, points)) if points else []
        if self.units == "blocks" and len(blocks) > 1:
            return blocks, "blocks"  # no sentence splitting: the slowest part on large documents
        starts = sorted({*sentence_starts(text, self.language), *points})
        sentences = _solid(text, block_spans(text, starts))
        short = (
            len(sentences) > 1
            and statistics.median(counter(text[s:e]) for s, e in sentences) < self.short_sentence_tokens
        )
        if len(blocks) > 1 and short:
            return blocks, "blocks"
        return sentences, "sentences"


def breakpoints(distances: np.ndarray, threshold: str, amount: float) -> tuple[float | None, list[int]]:
    """The cut-off and the boundaries ``i`` (between unit ``i`` and ``i + 1``) where the distance (``percentile``)
    or its gradient (``gradient``) exceeds its ``amount``-th percentile; none for too few distances."""
    values = distances
    if threshold == "gradient":
        if len(distances) < 2:
            return None, []
        values = np.gradient(distances)
    if not len(values):
        return None, []
    cutoff = float(np.percentile(values, amount))
    return cutoff, [int(i) for i in np.flatnonzero(values > cutoff)]


def _solid(text: str, spans: list[Span]) -> list[Span]:
    """``spans`` with each whitespace-only span joined to the span before it (the first to the one after it)."""
    out: list[Span] = []
    for start, end in spans:
        if end <= start:
            continue
        if out and (not text[start:end].strip() or not text[out[-1][0] : out[-1][1]].strip()):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _embedded(doc: SourceDocument, unit: Span) -> Span:
    """The span embedded for ``unit``: the unit itself, or its text without surrounding whitespace when the
    unit crosses a block boundary (whitespace joined to it), so no whitespace-only piece is embedded."""
    start, end = unit
    points = doc.split_points or ()
    if bisect.bisect_right(points, start) == bisect.bisect_left(points, end):
        return unit
    text = doc.text[start:end]
    lead = len(text) - len(text.lstrip())
    return (start + lead, start + len(text.rstrip()))


class _Sizer:
    """Groups of atoms (units, and the recursive splitter's pieces of units above the maximum) held to the sizes
    of ``limits``; token counts are of each group's own text."""

    def __init__(
        self,
        text: str,
        counter: TokenCounter,
        context: SplitContext,
        units: Sequence[Span],
        vectors: np.ndarray,
        distances: np.ndarray,
    ) -> None:
        self.text, self.counter, self.limits = text, counter, context.limits
        self.splitter = context.splitter()
        self.atoms: list[Span] = []
        owner: list[int] = []
        for index, (start, end) in enumerate(units):
            pieces = self._fitted(start, end)
            self.atoms.extend(pieces)
            owner.extend([index] * len(pieces))
        self.starts = [start for start, _ in self.atoms]
        self.weights = np.array([max(1, self.tokens(s, e)) for s, e in self.atoms], dtype=np.float64)
        self.prefix = np.concatenate([[0.0], np.cumsum(self.weights)])
        self.vectors = vectors[owner] * self.weights[:, None] if owner else vectors
        gaps = [float(distances[a]) if b != a else 0.0 for a, b in itertools.pairwise(owner)]
        self.gaps = np.array(gaps, dtype=np.float64)  # gap i: between atoms i and i + 1
        self.unit_end = {index: i for i, index in enumerate(owner)}  # the last atom of each unit

    def tokens(self, start: int, end: int) -> int:
        """The token count of ``text[start:end]``."""
        return int(self.counter(self.text[start:end]))

    def _fitted(self, start: int, end: int) -> list[Span]:
        """``[start, end)``, or the recursive splitter's pieces of it when it exceeds the maximum (a packed piece
        still above it replaced by its leaves; only a single character can stay above it)."""
        size = self.limits.max_tokens
        if self.tokens(start, end) <= size:
            return [(start, end)]
        out: list[Span] = []
        for s, e in self.splitter.split_spans(self.text, start, end):
            fits = self.tokens(s, e) <= size
            out.extend([(s, e)] if fits else self.splitter.leaves(self.text, s, e, size))
        return out

    def spans(self, breaks: Sequence[int]) -> list[Span]:
        """The sized spans for the units' breakpoints ``breaks``."""
        if not self.atoms:
            return []
        cuts = sorted({self.unit_end[b] + 1 for b in breaks})
        groups: list[tuple[int, int]] = []
        for a, b in itertools.pairwise([0, *cuts, len(self.atoms)]):
            groups.extend(self._fit(a, b))
        groups = self._merge(groups)
        return self._rebalance(groups)

    def _span(self, group: tuple[int, int]) -> Span:
        return (self.atoms[group[0]][0], self.atoms[group[1] - 1][1])

    def _fits(self, group: tuple[int, int], limit: int) -> bool:
        a, b = group
        if self.prefix[b] - self.prefix[a] > 2 * limit:  # surely too large: not counted
            return False
        return self.tokens(*self._span(group)) <= limit

    def _fit(self, a: int, b: int) -> list[tuple[int, int]]:
        """``[a, b)`` split at its largest internal distance until every group fits (or is one atom)."""
        out: list[tuple[int, int]] = []
        stack = [(a, b)]
        while stack:
            a, b = stack.pop()
            if b - a == 1 or self._fits((a, b), self.limits.max_tokens):
                out.append((a, b))
                continue
            k = a + int(np.argmax(self.gaps[a : b - 1])) + 1  # the first largest: deterministic
            stack.extend([(k, b), (a, k)])
        return out

    def _similarity(self, left: tuple[int, int], right: tuple[int, int]) -> float:
        u = self.vectors[left[0] : left[1]].sum(axis=0)
        v = self.vectors[right[0] : right[1]].sum(axis=0)
        norm = float(np.linalg.norm(u) * np.linalg.norm(v))
        return float(u @ v) / norm if norm else 0.0

    def _merge(self, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Groups under ``min_tokens`` merged into the more similar neighbour while the merge fits; passes
        repeat until nothing changes."""
        limit = min(self.limits.max_tokens, self.limits.merge_limit)
        changed = True
        while changed:
            changed = False
            out: list[tuple[int, int]] = []
            i = 0
            while i < len(groups):
                group = groups[i]
                if self.tokens(*self._span(group)) < self.limits.min_tokens:
                    options = [(j, self._similarity(group, groups[j])) for j in (i + 1,) if j < len(groups)]
                    options += [(-1, self._similarity(out[-1], group))] if out else []
                    for j, _ in sorted(options, key=lambda option: -option[1]):
                        merged = (group[0], groups[j][1]) if j > i else (out[-1][0], group[1])
                        if self._fits(merged, limit):
                            if j > i:
                                groups[j] = merged
                            else:
                                out[-1] = merged
                            changed = True
                            break
                    else:
                        out.append(group)
                    i += 1
                    continue
                out.append(group)
                i += 1
            groups = out
        return groups

    def _rebalance(self, groups: list[tuple[int, int]]) -> list[Span]:
        """Spans of ``groups``, each one still under ``min_tokens`` moving its boundary with its more similar
        neighbour (then the other) so that both hold between ``min_tokens`` and ``max_tokens``."""
        spans = [self._span(g) for g in groups]
        low = self.limits.min_tokens
        for i, group in enumerate(groups):
            if self.tokens(*spans[i]) >= low or len(spans) < 2:
                continue
            options = [(j, self._similarity(group, groups[j])) for j in (i - 1, i + 1) if 0 <= j < len(groups)]
            for j, _ in sorted(options, key=lambda option: -option[1]):
                left, right = sorted((i, j))
                cut = self._balanced_cut(spans[left][0], spans[left][1], spans[right][1])
                if cut is not None:
                    spans[left], spans[right] = (spans[left][0], cut), (cut, spans[right][1])
                    break
        return spans

    def _balanced_cut(self, start: int, middle: int, end: int) -> int | None:
        """A cut of ``[start, end)`` leaving both sides within the sizes: an atom boundary (largest distance
        first), else a finer cut of the recursive splitter (nearest ``middle`` first)."""
        first, last = bisect.bisect_right(self.starts, start), bisect.bisect_left(self.starts, end)
        inner = sorted(range(first, last), key=lambda a: (-float(self.gaps[a - 1]), a))
        coarse = [self.starts[a] for a in inner if self.starts[a] != middle]
        found = self._first_fitting(start, coarse, end)
        if found is None:
            leaves = self.splitter.leaves(self.text, start, end, max(1, self.limits.min_tokens // 4))
            fine = sorted((s for s, _ in leaves[1:]), key=lambda s: (abs(s - middle), s))
            found = self._first_fitting(start, fine, end)
        return found

    def _first_fitting(self, start: int, cuts: Sequence[int], end: int) -> int | None:
        low, high = self.limits.min_tokens, self.limits.max_tokens
        for cut in cuts:
            if low <= self.tokens(start, cut) <= high and low <= self.tokens(cut, end) <= high:
                return cut
        return None
