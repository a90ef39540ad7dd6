"""The markdown sections candidate: one span per section at a chosen heading depth.

A section runs from a heading of level ``<= max_level`` to the next one; text before the first heading is a
span of its own. A section above the maximum size is cut at its deeper headings, level by level; what is
still too large is left to post-processing, which re-splits it recursively (``resplit``). Titles come from
the document when given (CLAIR's parser), else from its markdown headings.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from adaptive_splitters.candidates.base import NotApplicable, Split, SplitContext
from adaptive_splitters.core import checks
from adaptive_splitters.core.document import SourceDocument, Title
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.titles import detect_titles

MAX_HEADING_LEVEL = 12


@dataclass
class MarkdownSectionsCandidate:
    """Sections at heading level ``<= max_level`` (2: ``#`` and ``##``), cut deeper when too large."""

    max_level: int = 2
    name: str = "markdown_sections"
    resplit: bool = True

    def __post_init__(self) -> None:
        if checks.positive_int("max_level", self.max_level) > MAX_HEADING_LEVEL:
            msg = f"max_level must be an integer from 1 to {MAX_HEADING_LEVEL} (received {self.max_level!r})"
            raise ValueError(msg)

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """The section spans (they tile the text); :class:`NotApplicable` when the text has no headings."""
        text = doc.text
        titles = doc.titles if doc.titles is not None else detect_titles(text)
        starts = sorted({t.start for t in titles if 0 <= t.start <= len(text)})
        if not starts:
            msg = "the document has no headings"
            raise NotApplicable(msg)
        levels = _levels_by_start(titles)
        max_tokens = context.limits.max_tokens
        out: list[Span] = []
        pending = [(span, self.max_level + 1) for span in _cut(0, len(text), starts, levels, self.max_level)]
        pending.reverse()
        while pending:  # depth first, in document order
            span, level = pending.pop()
            if level > MAX_HEADING_LEVEL or context.counter(text[span[0] : span[1]]) <= max_tokens:
                out.append(span)
                continue
            pieces = _cut(span[0], span[1], starts, levels, level)
            pending.extend((piece, level + 1) for piece in reversed(pieces))
        return Split(out)


def _levels_by_start(titles: Sequence[Title]) -> dict[int, int]:
    """The smallest heading level starting at each offset."""
    levels: dict[int, int] = {}
    for t in titles:
        levels[t.start] = min(t.level, levels.get(t.start, t.level))
    return levels


def _cut(start: int, end: int, starts: Sequence[int], levels: dict[int, int], level: int) -> list[Span]:
    """``[start, end)`` cut before every heading of level ``<= level`` strictly inside it."""
    bounds = [start, *(s for s in starts if start < s < end and levels[s] <= level), end]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a] or [(start, end)]
