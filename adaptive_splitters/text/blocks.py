"""Block detection for plain text and markdown: the split points a parser would give (CLAIR's ``split_points``).

Blocks are paragraphs, markdown tables, ``<Table>``/``<Figure>``/``<Formula>`` elements, lists, fenced code,
parser comments (``<!-- PageBreak -->``...), and headings, which stay with the block after them. Consecutive short
paragraphs stay together, as the CLAIR parser does, so Block Integrity does not punish cuts between one-line
paragraphs. One pass over the lines: linear in the text length.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

HEADING_RE = re.compile(r" {0,3}(#{1,12})(?:[ \t]|$)")
"""An ATX heading line: up to three spaces, 1-12 ``#``, then a space or the end of the line."""

_LIST_RE = re.compile(
    r"[ \t]*(?:[-*+·•●▪◦‣▸▹○◯‒–—][ \t]|\(?[0-9]{1,3}[.)][ \t]|\(?[A-Za-z]{1,2}[.)][ \t]|\([ivxIVX]{1,4}\)[ \t])"
)
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CONTAINERS = (("<table", "</table>"), ("<figure", "</figure>"), ("<formula", "</formula>"))

DEFAULT_SHORT_CHARS = 450
"""Paragraphs under this many characters (about 100 o200k tokens) are kept with a short neighbour."""

DEFAULT_MAX_LIST_CHARS = 4000
"""A list longer than this (about 900 tokens, under the paper's 1100-token chunk) is cut between items."""

_TEXT_KINDS = frozenset({"text", "list", "footnote"})


@dataclass
class _Item:
    start: int
    kind: str
    size: int = 0
    forced: bool = False  # a form feed ends it: always split after


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, line)`` for every line of ``text``, line terminators kept (``str.splitlines`` rules)."""
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line
        offset += len(line)


def detect_blocks(
    text: str, *, short_chars: int = DEFAULT_SHORT_CHARS, max_list_chars: int = DEFAULT_MAX_LIST_CHARS
) -> list[int]:
    """Block split points of ``text``: strictly increasing offsets inside ``(0, len(text))``.

    Args:
        text: plain text or markdown.
        short_chars: two neighbouring paragraphs both shorter than this are one block (0 disables it).
        max_list_chars: a list grows until this size, then a new block starts at the next item.
    """
    items = _scan(text, max_list_chars)
    points: list[int] = []
    for a, b in itertools.pairwise(items):
        if _joined(a, b, short_chars):
            continue
        if 0 < b.start < len(text) and (not points or b.start > points[-1]):
            points.append(b.start)
    return points


def block_spans(text: str, split_points: list[int] | tuple[int, ...]) -> list[tuple[int, int]]:
    """The blocks as ``(start, end)`` spans tiling ``text``."""
    bounds = [0, *split_points, len(text)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _joined(a: _Item, b: _Item, short_chars: int) -> bool:
    if a.forced:
        return False
    if a.kind == "heading":
        return True
    if a.kind == "list" and b.kind == "list":
        return False  # a list cut at the size limit
    if b.kind == "footnote" and a.kind in _TEXT_KINDS:
        return True
    return a.kind in _TEXT_KINDS and b.kind in _TEXT_KINDS and a.size < short_chars and b.size < short_chars


def _scan(text: str, max_list_chars: int) -> list[_Item]:
    """Cut the text into items (one per block candidate); blank lines join the item before them."""
    items: list[_Item] = []
    closing: str | None = None  # the end marker of the open container (fence, <Table>, comment)
    after_blank = False
    for offset, line in iter_lines(text):
        content = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        cur = items[-1] if items else None
        stripped = content.strip()
        if closing is not None and cur is not None:
            cur.size += len(line)
            if _closes(stripped, closing):
                closing = None
            if line.endswith("\x0c"):
                cur.forced, closing = True, None
            continue
        if not stripped:
            after_blank = True
            if cur is not None:
                cur.size += len(line)
            if line.endswith("\x0c"):
                if cur is None:
                    items.append(_Item(0, "blank"))
                    cur = items[-1]
                cur.forced = True
            continue
        kind, closing = _classify(content, stripped)
        lower = stripped.lower()
        if cur is not None and not cur.forced and _continues(cur, kind, after_blank, content, max_list_chars):
            cur.size += len(line)
        else:
            cur = _Item(offset if items else 0, kind, len(line))
            items.append(cur)
        if closing is not None and _closes_same_line(lower, closing):
            closing = None
        if line.endswith("\x0c"):
            cur.forced, closing = True, None
        after_blank = False
    return items


def _classify(content: str, stripped: str) -> tuple[str, str | None]:
    """The kind of a non-blank line, and the end marker when it opens a multi-line element."""
    lower = stripped.lower()
    if lower.startswith("<!--"):
        return "marker", None if "-->" in lower else "-->"
    for opening, closing in _CONTAINERS:
        if lower.startswith(opening):
            return opening[1:], closing
    fence = _FENCE_RE.match(content)
    if fence:
        return "code", fence.group(1)
    if HEADING_RE.match(content):
        return "heading", None
    if stripped.startswith("|"):
        return "mdtable", None
    if stripped.startswith("\\*"):
        return "footnote", None
    if _LIST_RE.match(content):
        return "list", None
    return "text", None


def _continues(cur: _Item, kind: str, after_blank: bool, content: str, max_list_chars: int) -> bool:
    """Whether a line of ``kind`` extends the current item instead of starting a new one."""
    if kind in ("heading", "marker", "code", "table", "figure", "formula"):
        return False
    if cur.kind == "list":
        if kind == "list":
            return cur.size < max_list_chars
        return kind in ("text", "footnote") and (not after_blank or content[:1] in " \t")
    if after_blank:
        return False
    if cur.kind == "mdtable":
        return kind == "mdtable"
    return cur.kind in ("text", "footnote") and kind in ("text", "footnote")


def _closes(stripped: str, closing: str) -> bool:
    if closing[0] in "`~":
        return stripped.startswith(closing) and not stripped.strip(closing[0])
    return closing in stripped.lower()


def _closes_same_line(lower: str, closing: str) -> bool:
    if closing[0] in "`~":
        return False
    return closing in lower[1:]
