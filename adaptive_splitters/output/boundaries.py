"""A candidate's chunk boundaries drawn over the text, as HTML: each chunk in its own colour with its number at
its start, the blocks it cuts (those Block Integrity counts as broken, docs/method.md#block-integrity-bi)
underlined in red.

Offsets are code points and the text is sliced here, in Python, so characters outside the BMP cannot shift a span
in the browser; every piece of text is escaped. A long view shows its first :data:`VIEW_CHARS` characters and folds
the rest in a ``<details>`` element, which the browser lays out only when opened.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adaptive_splitters.core.spans import Span

VIEW_CHARS = 20_000
"""Characters shown open per view; the view folds at the first chunk boundary from here on (within as many again)."""
CHUNK_COLOURS = 4
"""Chunks cycle through this many background classes (``k0`` ... ``k3``), so neighbours always differ."""


def boundary_view(text: str, spans: Sequence[Span], cut: Sequence[Span], open_chars: int = VIEW_CHARS) -> str:
    """The ``<div class="view">`` of ``text`` with the chunks ``spans`` and the cut blocks ``cut``: the first
    ``open_chars`` characters (to a chunk boundary when one is near) shown, the rest folded."""
    starts = [s for s, _ in spans]
    fold = fold_point(len(text), starts, open_chars)
    shown = _pieces(text, spans, starts, cut, 0, fold)
    if fold < len(text):
        first = bisect_right(starts, fold)  # the number of the chunk holding offset fold
        rest = len(text) - fold
        summary = f"the remaining {rest:,} characters (from offset {fold:,}, chunk {first} onward)"
        folded = _pieces(text, spans, starts, cut, fold, len(text))
        shown += f'<details class="more"><summary>{summary}</summary>{folded}</details>'
    return f'<div class="view">{shown}</div>'


def fold_point(length: int, starts: Sequence[int], open_chars: int) -> int:
    """Where a view of ``length`` characters folds: ``length`` when it fits in ``open_chars``, else the first
    chunk start at or after ``open_chars`` if one comes before ``2 * open_chars``, else ``open_chars``."""
    if length <= open_chars:
        return length
    later = [s for s in starts if open_chars <= s < min(length, 2 * open_chars)]
    return later[0] if later else open_chars


def _pieces(text: str, spans: Sequence[Span], starts: Sequence[int], cut: Sequence[Span], low: int, high: int) -> str:
    """The HTML of ``text[low:high]``: one ``<span>`` per stretch lying in one chunk (``starts``: the chunks'
    starts) or in none (a gap) and in or out of a cut block, each chunk preceded by its number."""
    cut_starts = [s for s, _ in cut]
    points = {low, high}
    points.update(p for span in (*spans, *cut) for p in span if low < p < high)
    ordered = sorted(points)
    out: list[str] = []
    for left, right in zip(ordered, ordered[1:], strict=False):
        index = bisect_right(starts, left) - 1
        inside = index >= 0 and left < spans[index][1]
        block = bisect_right(cut_starts, left) - 1
        in_cut = block >= 0 and left < cut[block][1]
        if inside and left == starts[index]:
            start, end = spans[index]
            kind = "mark breaks" if in_cut and left > cut[block][0] else "mark"
            out.append(f'<span class="{kind}" title="chunk {index + 1}: [{start}, {end})">{index + 1}</span>')
        classes = [f"k{index % CHUNK_COLOURS}" if inside else "gap"]
        if in_cut:
            classes.append("cut")
        out.append(f'<span class="{" ".join(classes)}">{html.escape(text[left:right])}</span>')
    return "".join(out)
