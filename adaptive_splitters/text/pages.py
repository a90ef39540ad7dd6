"""Page detection from form feeds and ``<!-- PageBreak -->`` markers, for texts given without pages.

A page ends after its marker and the newlines that follow it (CLAIR's pages end with
``"<!-- PageBreak -->\\n\\n"``), so page boundaries fall where the parser's page texts would be joined.
"""

from __future__ import annotations

import re

PAGE_BREAK_RE = re.compile(r"<!--\s*PageBreak\s*-->[ \t]*(?:\r\n|\r|\n)*|\x0c(?:\r\n|\r|\n)*", re.IGNORECASE)
"""A page break marker or a form feed, with the line breaks after it."""


def detect_pages(text: str) -> list[int] | None:
    """Page-start offsets (the first is 0), or ``None`` when the text has no page break marker.

    A marker at the very end of the text closes the last page and starts no new one.
    """
    starts = [0]
    found = False
    for match in PAGE_BREAK_RE.finditer(text):
        found = True
        end = match.end()
        if end < len(text) and end > starts[-1]:
            starts.append(end)
    return starts if found else None
