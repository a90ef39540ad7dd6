"""The paper's separators (docs/method.md#recursive_n-split-then-merge) and cutting a text at one of them.

A cut is made before each match, so the delimiter starts the next piece (the paper's ``keep_separator="start"``), or
with ``"end"`` a closing delimiter ends the piece before it; pieces under :data:`MIN_PIECE_CHARS` characters join a
neighbour. The recursive splitter (:mod:`.recursive`) tries the separators coarsest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from adaptive_splitters.core.config import KeepSeparator
from adaptive_splitters.core.spans import Span

SEPARATORS: tuple[str, ...] = (
    *(rf"(?<=\n)#{{{k}}}\s" for k in range(1, 7)),
    r"(?<=\n)\s*\(?[A-Za-z0-9]{1,4}[.)]\s+",
    r"(?<=\n)\s*[-*·•●▪◦‣▸▹○◯‒–—]\s+",
    r"(?:\r?\n){2,}",
    r"\r?\n",
    r"[.!?]\s+",
    r",\s+",
    r"\s+",
    "",
)
"""The paper's 14 separators, coarsest first: headings 1-6, numbered items, bullets, paragraphs, lines,
sentences, commas, whitespace, and finally single characters. The paragraph and line separators (the paper's
``\n{2,}`` and ``\n``) take a ``\r`` before each ``\n`` with it, so Windows line ends are never cut in two; on
``\n`` text they cut exactly where the paper's do."""

OPENING_SEPARATORS = frozenset(SEPARATORS[:8])
"""Headings, numbered items and bullets: they open the piece after them, whatever ``keep_separator`` says (any
other separator, a user's own included, is a closing one)."""

_LINEAR_FORMS: dict[str, str] = {
    r"(?<=\n)\s*\(?[A-Za-z0-9]{1,4}[.)]\s+": r"(?<=\n)\s*+(?P<cut>\(?[A-Za-z0-9]{1,4}[.)]\s+)?",
    r"(?<=\n)\s*[-*·•●▪◦‣▸▹○◯‒–—]\s+": r"(?<=\n)\s*+(?P<cut>[-*·•●▪◦‣▸▹○◯‒–—]\s+)?",
}
r"""Linear-time forms of the item and bullet separators, with the same cuts.

The paper's forms try ``\s*`` again after every newline of a run of blank lines, rescanning the run each time
(quadratic on ``"\n" * n``). Their item can only start where the whitespace ends, so every newline of one run leads
to the same verdict; the linear form consumes the run once, whether or not the item follows, and a match counts as
a cut only when its ``cut`` group took part. Cuts are identical: a failed attempt consumes only positions where
the paper's form fails too."""

_LINEAR_PATTERNS = {paper: re.compile(linear) for paper, linear in _LINEAR_FORMS.items()}
_DEFAULT_FLAGS = re.compile("").flags

MIN_PIECE_CHARS = 10
"""Pieces shorter than this many characters are merged into the next piece (the paper's rule)."""


def split_at_pattern(
    text: str,
    pattern: re.Pattern[str],
    offset: int = 0,
    *,
    keep_separator: KeepSeparator = "start",
    opening: bool = False,
) -> list[Span]:
    """Cut ``text`` before every match of ``pattern``: the delimiter starts the next piece (the paper's rule).

    With ``keep_separator="end"``, a closing delimiter (paragraph or line break, sentence end, comma, space) ends the
    piece before it instead, so a chunk ends with its period and the next starts with a word; an ``opening`` one
    (heading, item, bullet) starts the next piece, the whitespace before it left to the piece before. Pieces under
    ten characters join the following piece (the last may stay short); after a closing delimiter kept at the end,
    the piece before (the first may stay short). Returns spans shifted by ``offset``; they tile ``text``.
    """
    at_end = keep_separator == "end"
    linear = _LINEAR_PATTERNS.get(pattern.pattern) if pattern.flags == _DEFAULT_FLAGS else None
    if linear is not None:  # only the matches whose item took part are cuts (see _LINEAR_FORMS)
        cuts = [m.start("cut") if at_end else m.start() for m in linear.finditer(text) if m.start("cut") >= 0]
    elif not at_end or opening:  # the paper's headings start at their "#" (items and bullets run the linear form)
        cuts = [m.start() for m in pattern.finditer(text)]
    else:  # the mirror image: cut after each delimiter, short pieces joining the piece before them
        length = len(text)
        mirrored = spans_at_cuts(length, [length - m.end() for m in pattern.finditer(text)])
        return [(offset + length - e, offset + length - s) for s, e in reversed(mirrored)]
    return spans_at_cuts(len(text), cuts, offset)


def spans_at_cuts(length: int, cuts: Iterable[int], offset: int = 0) -> list[Span]:
    """Spans of ``[0, length)`` cut at ``cuts``, pieces under ten characters merged into the following piece
    (the last may stay short); shifted by ``offset``, they tile the range."""
    bounds = sorted({0, length, *cuts})
    spans: list[Span] = []
    pending = None
    for start, end in zip(bounds, bounds[1:], strict=False):
        if pending is not None:
            start = pending
        if end - start < MIN_PIECE_CHARS and end != length:
            pending = start
            continue
        pending = None
        spans.append((offset + start, offset + end))
    return spans
