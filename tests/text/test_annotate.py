"""Section breadcrumbs of chunks from the document's titles."""

from __future__ import annotations

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.text.annotate import sections
from adaptive_splitters.text.titles import detect_titles


def test_section_lists_enclosing_headings_outermost_first() -> None:
    text = "intro\n# A\ntext\n## B\nx\n### C\ny\n## D\nz\n# E\n"
    doc = SourceDocument.build(text, titles=detect_titles(text))
    spans = [(0, 6), (23, 26), (32, 35), (40, 41), (15, 20), (30, 33)]
    # a heading starting exactly at the span's start (B at 15, D at 30) belongs to the chunk, not to its breadcrumb
    assert sections(doc, spans) == ["", "A > B > C", "A > D", "E", "A", "A"]
