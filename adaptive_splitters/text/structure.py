"""Filling in the structure a document was given without: blocks, pages and titles detected from its text.

Given structure always wins: only the fields that are ``None`` are detected.
"""

from __future__ import annotations

import dataclasses

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.text.blocks import detect_blocks
from adaptive_splitters.text.pages import detect_pages
from adaptive_splitters.text.titles import detect_titles


def with_detected_structure(doc: SourceDocument) -> SourceDocument:
    """``doc`` with missing split points, page starts (when the text has page markers) and titles detected."""
    changes: dict[str, object] = {}
    if doc.split_points is None:
        changes["split_points"] = tuple(detect_blocks(doc.text))
    if doc.page_starts is None:
        starts = detect_pages(doc.text)
        if starts is not None:
            changes["page_starts"] = tuple(starts)
            changes["page_numbers"] = tuple(range(1, len(starts) + 1))
    if doc.titles is None:
        changes["titles"] = tuple(detect_titles(doc.text))
    return dataclasses.replace(doc, **changes) if changes else doc  # type: ignore[arg-type]
