"""PDF documents: the pdf extra's absence is named (offsets and pages are checked through ``chunk``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from adaptive_splitters.readers import DocumentError, read_document
from tests.pdf_maker import make_pdf


def test_pdf_without_the_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.pdf"
    source.write_bytes(make_pdf(["Text."]))
    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if the pdf extra were not installed
    with pytest.raises(DocumentError, match=r"no PDF support \(pip install 'adaptive-splitters\[pdf\]'\)"):
        read_document(source)
