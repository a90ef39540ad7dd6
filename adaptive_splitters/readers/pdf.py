"""PDF documents through the optional ``pdf`` extra (``pip install adaptive-splitters[pdf]``): pypdf (BSD-3-Clause,
pure Python) extracts each page's text.

The document's text is the page texts (as pypdf extracts them) joined with :data:`PAGE_JOIN`; offsets index that
text, and the separator belongs to the page before it, so page ``n`` (numbered from 1) is
``text[page_starts[n-1]:page_starts[n]]``.
"""

from __future__ import annotations

from pathlib import Path

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers.files import DocumentError

PAGE_JOIN = "\n\n"
"""Joins the extracted page texts (a paragraph break, so no chunk glues two pages' words together)."""


def read_pdf(path: str | Path) -> SourceDocument:
    """The PDF at ``path`` as a document with one page per PDF page, named after the file stem.

    Raises:
        DocumentError: pypdf is not installed (``no PDF support``), the file cannot be parsed or is encrypted
            (``unreadable``), or no page has text (``PDF without text``: a scan needs OCR first).
    """
    path = Path(path)
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as err:
        raise DocumentError(path, "no PDF support", "pip install 'adaptive-splitters[pdf]'") from err
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):  # an empty user password only restricts permissions
            raise DocumentError(path, "unreadable", "the PDF is encrypted with a password")
        texts = [page.extract_text() or "" for page in reader.pages]
    except OSError as err:
        raise DocumentError(path, "unreadable", err.strerror or str(err)) from err
    except (PyPdfError, ValueError, KeyError, TypeError) as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(path, "unreadable", f"not a readable PDF: {type(err).__name__}: {err}") from err
    if not any(t.strip() for t in texts):
        detail = f"{len(texts)} page(s), none with extractable text; a scanned PDF needs OCR first"
        raise DocumentError(path, "PDF without text", detail)
    pages = [t + PAGE_JOIN for t in texts[:-1]] + texts[-1:]
    return SourceDocument.build("".join(pages), pages=pages, name=path.stem)
