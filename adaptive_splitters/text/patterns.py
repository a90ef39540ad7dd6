"""Delimiter families: the document's own structure patterns, each with the line starts where it occurs.

A *family* is one kind of delimiter line: markdown headings of one level, ``Article 12`` / ``ARTICLE XII``,
``Section 3``, ``§ 4``, ``1.`` / ``1.2`` / ``1.2.3`` numbering, ``(a)`` and ``(i)`` items, roman numerals
(``IV.``), all-caps heading lines, ``SCHEDULE`` / ``ANNEX`` / ``APPENDIX`` lines and page breaks (form feeds and
the markers :mod:`adaptive_splitters.text.pages` detects). The ``structure_pattern`` candidate chooses among
them (docs/method.md#structure_pattern).

Linear time: each family is one ``finditer`` pass of a pattern compiled with ``re.M`` and anchored at a line
start: it begins with the line break before the line. The search runs over ``"\n" + text`` with every line break
``str.splitlines`` knows (``\r``, form feed, ``\u2028``...) replaced by ``\n``, the same length, so the first line
has a break too, lines start where block detection's do, and a match's start is the line's offset in ``text``;
the literal first character lets the engine skip from one ``\n`` to the next. Every repeat inside a pattern is
bounded or followed by a character it cannot match, and no pattern crosses a line break, so no pass rescans a
run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from adaptive_splitters.text.pages import detect_pages

_BREAK = "\n"
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""The other line breaks ``str.splitlines`` (and so block detection) knows: searched as ``\n``."""

_PREFIX = _BREAK + r"[ \t]{0,8}(?:#{1,12}[ \t]{1,4})?(?:\*\*|__)?"
"""What may stand before a delimiter on its line: indentation, markdown heading marks, bold marks."""

_ROMAN = r"[IVXLCDM]{1,8}"

FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    *((f"markdown_h{k}", _BREAK + rf" {{0,3}}#{{{k}}}(?=[ \t]|{_BREAK}|\Z)") for k in range(1, 7)),
    ("annex", _PREFIX + r"(?:SCHEDULE|ANNEX|APPENDIX|Schedule|Annex|Appendix|ANNEXE|Annexe)\b"),
    ("article", _PREFIX + rf"(?:ARTICLE|Article|ART\.|Art\.)[ \t]{{1,4}}(?:\d{{1,4}}[a-z]{{0,3}}|{_ROMAN})\b"),
    (
        "section",
        _PREFIX + rf"(?:SECTION|Section|Sec\.)[ \t]{{1,4}}(?:\d{{1,4}}(?:\.\d{{1,4}}){{0,3}}|{_ROMAN}|[A-Z])\b",
    ),
    ("paragraph_sign", _PREFIX + r"§{1,2}[ \t]{0,4}\d"),
    ("roman", _PREFIX + _ROMAN + r"[.)][ \t]+\S"),
    ("numbered_1", _PREFIX + r"\d{1,3}\.[ \t]+\S"),
    ("numbered_2", _PREFIX + r"\d{1,3}\.\d{1,3}\.?[ \t]+\S"),
    ("numbered_3", _PREFIX + r"\d{1,3}\.\d{1,3}\.\d{1,3}\.?[ \t]+\S"),
    ("caps_heading", _PREFIX + r"(?P<body>[^\n]{3,120}+)(?=\n|\Z)"),
    ("item_alpha", _BREAK + r"[ \t]{0,8}\([a-z]\)[ \t]+\S"),
    ("item_roman", _BREAK + r"[ \t]{0,8}\([ivxl]{1,6}\)[ \t]+\S"),
)
"""Each family's name and pattern: ``\n``, then the line (compiled with ``re.M``, searched in ``"\n" + text``)."""

PAGE_BREAK = "page_break"

FAMILY_ORDER: tuple[str, ...] = (*(name for name, _ in FAMILY_PATTERNS), PAGE_BREAK)
"""The fixed order of the families, coarse to fine: it breaks the candidate's ties."""

_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.M)) for name, pattern in FAMILY_PATTERNS
)
_MIN_CAPS_LETTERS = 3
_NOT_CAPS_START = ("|", "<", "!", "[", "\\")


@dataclass(frozen=True)
class DelimiterFamily:
    """One kind of delimiter and the offsets where its lines start (strictly increasing)."""

    name: str
    starts: tuple[int, ...]

    @property
    def rank(self) -> int:
        """The family's place in :data:`FAMILY_ORDER`."""
        return FAMILY_ORDER.index(self.name)


def detect_families(text: str, page_starts: Sequence[int] | None = None) -> list[DelimiterFamily]:
    """Every family found in ``text`` at least once, in :data:`FAMILY_ORDER`.

    Args:
        text: the document text.
        page_starts: the document's page starts when known (given pages); else page breaks are detected with
            :func:`adaptive_splitters.text.pages.detect_pages`. The first page's start (0) is not a delimiter.
    """
    found: list[DelimiterFamily] = []
    lines = _lines(text)
    for name, pattern in _COMPILED:
        starts = tuple(_caps_starts(pattern, lines) if name == "caps_heading" else _starts(pattern, lines))
        if starts:
            found.append(DelimiterFamily(name, starts))
    pages = list(page_starts) if page_starts is not None else detect_pages(text) or []
    breaks = tuple(sorted({p for p in pages if 0 < p < len(text)}))
    if breaks:
        found.append(DelimiterFamily(PAGE_BREAK, breaks))
    return found


def _lines(text: str) -> str:
    """``"\n" + text`` with every line break as ``\n`` (same length): a match at ``i`` starts with the break
    before the line at offset ``i`` of ``text``."""
    lines = "\n" + text
    for other in _OTHER_BREAKS:
        if other in lines:
            lines = lines.replace(other, "\n")
    return lines


def _starts(pattern: re.Pattern[str], text: str) -> list[int]:
    return [match.start() for match in pattern.finditer(text)]


def _caps_starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Line starts of all-caps lines: no lowercase letter, at least three letters, not a table or markup line."""
    out = []
    for match in pattern.finditer(text):
        body = match.group("body").strip(" \t*_")
        if body.startswith(_NOT_CAPS_START) or not body.isupper():
            continue
        if sum(c.isalpha() for c in body) >= _MIN_CAPS_LETTERS:
            out.append(match.start())
    return out
