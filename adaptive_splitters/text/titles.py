"""Titles from markdown headings (levels 1-12, as CLAIR uses); `annotate` turns them into breadcrumbs.

A title's section runs from its heading to the next heading of the same or a higher level (a level number
``<=`` its own), or to the end of the text: CLAIR's ``titles[*].end`` rule. Headings inside fenced code are
ignored.
"""

from __future__ import annotations

import re

from adaptive_splitters.core.document import Title
from adaptive_splitters.text.blocks import HEADING_RE, iter_lines

_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""The characters ``str.splitlines`` ends a line at."""


def detect_titles(text: str, max_level: int = 12) -> list[Title]:
    """The markdown headings of ``text`` as :class:`Title` (``title`` is the heading line, ``#`` included).

    Linear time: one pass over the lines, then one stack pass for the section ends.
    """
    found: list[tuple[str, int, int]] = []
    fence: str | None = None
    for offset, line in iter_lines(text):
        content = line.rstrip(LINE_ENDS)
        stripped = content.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        opening = _FENCE_RE.match(content)
        if opening:
            fence = opening.group(1)
            continue
        heading = HEADING_RE.match(content)
        if heading and len(heading.group(1)) <= max_level:
            found.append((content.rstrip(), offset, len(heading.group(1))))
    ends = [len(text)] * len(found)
    open_titles: list[int] = []  # indexes of titles whose section is still open, levels increasing
    for index, (_, _, level) in enumerate(found):
        while open_titles and found[open_titles[-1]][2] >= level:
            ends[open_titles.pop()] = found[index][1]
        open_titles.append(index)
    return [Title(title, start, end, level) for (title, start, level), end in zip(found, ends, strict=True)]
