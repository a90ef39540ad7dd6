"""Reading documents from files: text and markdown (:mod:`.files`), CLAIR JSON (:mod:`.clair`), PDF (:mod:`.pdf`).

:func:`read_document` picks the reader by suffix; every failure is a :class:`DocumentError` with its ``reason``.
"""

from __future__ import annotations

from pathlib import Path

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers.clair import read_clair, read_pairs, with_mentions
from adaptive_splitters.readers.files import (
    SKIP_REASONS,
    SUFFIXES,
    TEXT_SUFFIXES,
    DocumentError,
    Found,
    Search,
    Skipped,
    describe_skipped,
    read_text,
    read_text_document,
    search_documents,
)
from adaptive_splitters.readers.pdf import PAGE_JOIN, read_pdf

__all__ = [
    "PAGE_JOIN",
    "SKIP_REASONS",
    "SUFFIXES",
    "TEXT_SUFFIXES",
    "DocumentError",
    "Found",
    "Search",
    "Skipped",
    "describe_skipped",
    "read_clair",
    "read_document",
    "read_pairs",
    "read_pdf",
    "read_text",
    "read_text_document",
    "search_documents",
    "with_mentions",
]


def read_document(path: str | Path) -> SourceDocument:
    """The document stored at ``path``; its name is CLAIR's ``document_name`` or the file stem.

    Raises:
        DocumentError: the file cannot be read, is binary, empty, not UTF-8, of an unsupported type, a JSON file
            that is not CLAIR's parsed format, or a PDF without text (or PDF support is not installed).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return read_pdf(path)
    if suffix == ".json":
        return read_clair(path)
    if suffix in TEXT_SUFFIXES:
        return read_text_document(path)
    detail = f"{suffix or 'no extension'}; expected one of {', '.join(SUFFIXES)}"
    raise DocumentError(path, "unsupported", detail)
