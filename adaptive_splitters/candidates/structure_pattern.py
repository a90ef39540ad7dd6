"""The structure_pattern candidate: cut at the document's own delimiter lines, a family or a hierarchy of them.

The families come from :mod:`adaptive_splitters.text.patterns` (markdown heading levels, ``ARTICLE``,
``Section``, ``§``, ``1.`` / ``1.2`` / ``1.2.3`` numbering, ``(a)`` / ``(i)`` items, roman numerals, all-caps
lines, ``ANNEX`` lines, page breaks). When the document has blocks, only a delimiter line that begins a block is
kept, so every cut falls between blocks. A family needs two occurrences to count.

A *pattern* is one family or a hierarchy of up to :data:`MAX_DEPTH`: cut at the first family, then cut every
piece still above ``max_tokens`` at the next family, and so on. The objective is the number of the document's
tokens lying in pieces of ``min_tokens`` to ``max_tokens`` tokens (the share of the text whose chunk fits as it
stands); ties go to fewer families, then to the earlier families in :data:`FAMILY_ORDER`. Every single family and
every ordered pair is scored; the best is then extended one family at a time while that strictly helps.

Piece sizes are sums of the token counts of the segments between consecutive delimiter lines (all families
together), so the text is tokenised once whatever the number of patterns scored; token counts are not additive,
so a piece's size is close to, not exactly, its own count. Post-processing then re-splits what is still
oversize and merges what is undersize (``resplit``). See docs/method.md#structure_pattern.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from adaptive_splitters.candidates.base import NotApplicable, Notes, Split, SplitContext
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.patterns import DelimiterFamily, detect_families

MAX_DEPTH = 3
"""The most families one pattern stacks."""

MIN_OCCURRENCES = 2
"""A family must occur this many times (after block alignment) to be considered."""

SEPARATOR = " > "


@dataclass(frozen=True)
class _Scale:
    """The union of all delimiter offsets (with 0 and the text's end) and token prefix sums over its segments."""

    bounds: tuple[int, ...]
    prefix: tuple[int, ...]

    def tokens(self, a: int, b: int) -> int:
        """Tokens of the segments from bound index ``a`` to bound index ``b``."""
        return self.prefix[b] - self.prefix[a]


@dataclass(frozen=True)
class _Choice:
    """A scored pattern: its families (indexes into the candidate list), the pieces and the objective."""

    families: tuple[int, ...]
    pieces: tuple[tuple[int, int], ...]
    fitting: int

    def key(self, ranks: Sequence[int]) -> tuple[int, int, tuple[int, ...]]:
        """Sort key, best first: more fitting tokens, fewer families, earlier families."""
        return (-self.fitting, len(self.families), tuple(ranks[f] for f in self.families))


@dataclass(frozen=True)
class StructurePatternCandidate:
    """Cut at the delimiter family, or hierarchy of families, whose pieces best fit the size limits."""

    name: str = "structure_pattern"
    resplit: bool = True

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """Spans tiling ``doc.text``, cut at the chosen pattern's lines; :class:`NotApplicable` without one."""
        text = doc.text
        detected = detect_families(text, doc.page_starts)
        families = [f for f in (_aligned(f, doc.split_points) for f in detected) if len(f.starts) >= MIN_OCCURRENCES]
        if not families:
            msg = "no repeated structure pattern"
            raise NotApplicable(msg)
        scale = _scale(text, families, context)
        position = {offset: i for i, offset in enumerate(scale.bounds)}
        indexed = [tuple(position[s] for s in f.starts if s > 0) for f in families]
        best = _choose(indexed, [f.rank for f in families], scale, context.limits)
        spans: list[Span] = [(scale.bounds[a], scale.bounds[b]) for a, b in best.pieces]
        pattern = SEPARATOR.join(families[i].name for i in best.families)
        report = {
            "pattern": pattern,
            "families": {f.name: len(f.starts) for f in families},
            "in_bounds": round(best.fitting / scale.prefix[-1], 4) if scale.prefix[-1] else 0.0,
        }
        return Split(spans, Notes({"structure_pattern": pattern}, report, f"structure_pattern cut at {pattern}"))


def _aligned(family: DelimiterFamily, split_points: Sequence[int] | None) -> DelimiterFamily:
    """``family`` without the lines that do not begin a block (all kept when blocks are unknown)."""
    if split_points is None:
        return family
    blocks = {0, *split_points}
    return DelimiterFamily(family.name, tuple(s for s in family.starts if s in blocks))


def _scale(text: str, families: Sequence[DelimiterFamily], context: SplitContext) -> _Scale:
    """Segment bounds (every family's offsets, 0 and the end) and the running token count over the segments."""
    bounds = sorted({0, len(text), *(s for f in families for s in f.starts)})
    prefix = [0]
    for a, b in itertools.pairwise(bounds):
        prefix.append(prefix[-1] + context.counter(text[a:b]))
    return _Scale(tuple(bounds), tuple(prefix))


def _choose(families: Sequence[tuple[int, ...]], ranks: Sequence[int], scale: _Scale, limits: SizeLimits) -> _Choice:
    """The best pattern: every single family and ordered pair, then extended greedily up to :data:`MAX_DEPTH`."""
    order = range(len(families))
    patterns = [(i,) for i in order] + [(i, j) for i, j in itertools.permutations(order, 2)]
    scored = [_score(p, families, scale, limits) for p in patterns]
    best = min(scored, key=lambda c: c.key(ranks))
    while len(best.families) < min(MAX_DEPTH, len(families)):
        longer = [_score((*best.families, k), families, scale, limits) for k in order if k not in best.families]
        better = min(longer, key=lambda c: c.key(ranks))
        if better.fitting <= best.fitting:
            break
        best = better
    return best


def _score(pattern: tuple[int, ...], families: Sequence[tuple[int, ...]], scale: _Scale, limits: SizeLimits) -> _Choice:
    """``pattern`` applied to the whole text, and the tokens of its pieces that fit the limits."""
    pieces: list[tuple[int, int]] = []
    _cut(0, len(scale.bounds) - 1, [families[f] for f in pattern], scale, limits.max_tokens, pieces)
    fitting = 0
    for a, b in pieces:
        size = scale.tokens(a, b)
        if limits.min_tokens <= size <= limits.max_tokens:
            fitting += size
    return _Choice(pattern, tuple(pieces), fitting)


def _cut(
    lo: int, hi: int, levels: Sequence[tuple[int, ...]], scale: _Scale, max_tokens: int, out: list[tuple[int, int]]
) -> None:
    """Cut bound range ``[lo, hi)`` at ``levels[0]``; pieces above ``max_tokens`` go on to the next level."""
    cuts = levels[0]
    inside = cuts[bisect.bisect_right(cuts, lo) : bisect.bisect_left(cuts, hi)]
    for a, b in itertools.pairwise((lo, *inside, hi)):
        if len(levels) > 1 and scale.tokens(a, b) > max_tokens:
            _cut(a, b, levels[1:], scale, max_tokens, out)
        else:
            out.append((a, b))
