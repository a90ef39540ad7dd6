"""Chunk metadata from the document's structure: the pages each span covers and its section breadcrumb.

Both are computed for all spans of a candidate in one sweep (``O((spans + pages + titles) log n)``), so a
50 MB text with tens of thousands of chunks, pages and headings stays linear.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from adaptive_splitters.core.document import SourceDocument, Title
from adaptive_splitters.core.spans import Chunk, Span, stripped_span

SECTION_SEPARATOR = " > "


def page_numbers(doc: SourceDocument, spans: Sequence[Span]) -> list[list[int]] | None:
    """For each span, the numbers of the non-empty pages its text overlaps, leading and trailing whitespace left
    out (a chunk that opens with the blank line ending a page is on the next page), or the page holding its start
    when it is blank or covers only empty pages; ``None`` when the document has no pages."""
    if doc.page_starts is None or doc.page_numbers is None:
        return None
    starts = doc.page_starts
    ends = [end for _, end in doc.page_spans()]
    out: list[list[int]] = []
    for span in spans:
        start, end = stripped_span(doc.text, *span) or span
        first = max(0, bisect_right(starts, start) - 1)
        last = max(first, bisect_left(starts, end) - 1)
        covered = [doc.page_numbers[i] for i in range(first, last + 1) if ends[i] > starts[i]]
        out.append(covered or [doc.page_numbers[first]])
    return out


def sections(doc: SourceDocument, spans: Sequence[Span]) -> list[str] | None:
    """For each span, the headings whose section encloses its start, outermost first, joined by " > ".

    The start is the span's first non-whitespace character: a chunk that begins with the blank line before a
    heading belongs to that heading's section, not to the one the blank line closes. A heading that starts exactly
    there is part of the chunk and left out (as the paper's titles context leaves out headings the chunk contains).
    ``None`` when the document has no titles.
    """
    if doc.titles is None:
        return None
    titles = sorted(doc.titles, key=lambda t: t.start)
    starts = [(stripped_span(doc.text, *span) or span)[0] for span in spans]
    order = sorted(range(len(spans)), key=lambda i: starts[i])
    out = [""] * len(spans)
    active: list[Title] = []
    next_title = 0
    length = len(doc.text)
    for index in order:
        offset = starts[index]
        while next_title < len(titles) and titles[next_title].start < offset:
            active.append(titles[next_title])
            next_title += 1
        active = [t for t in active if offset < t.end or offset == t.end == length]
        enclosing = sorted(active, key=lambda t: (t.level, t.start))
        out[index] = SECTION_SEPARATOR.join(t.title.lstrip("#").strip() for t in enclosing)
    return out


def annotated_chunks(doc: SourceDocument, name: str, spans: list[Span], metadata: Mapping[str, Any]) -> list[Chunk]:
    """The chunks of candidate ``name``: ``metadata`` (deep-copied per chunk), ``candidate``, ``chunk_index`` and,
    when the document has them, ``pages`` and ``section``."""
    pages = page_numbers(doc, spans)
    crumbs = sections(doc, spans)
    out = []
    for index, (start, end) in enumerate(spans):
        meta = {**copy.deepcopy(dict(metadata)), "candidate": name, "chunk_index": index}
        if pages is not None:
            meta["pages"] = pages[index]
        if crumbs is not None:
            meta["section"] = crumbs[index]
        out.append(Chunk(doc.text[start:end], start, end, meta))
    return out
