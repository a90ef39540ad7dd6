"""Section breadcrumbs of chunks from the document's titles."""

from __future__ import annotations

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.text.annotate import page_numbers, sections
from adaptive_splitters.text.titles import detect_titles


def test_section_lists_enclosing_headings_outermost_first() -> None:
    text = "intro\n# A\ntext\n## B\nx\n### C\ny\n## D\nz\n# E\n"
    doc = SourceDocument.build(text, titles=detect_titles(text))
    spans = [(0, 6), (23, 26), (32, 35), (40, 41), (15, 20), (30, 33)]
    # a heading starting exactly at the span's start (B at 15, D at 30) belongs to the chunk, not to its breadcrumb
    assert sections(doc, spans) == ["", "A > B > C", "A > D", "E", "A", "A"]


def test_a_chunk_starting_with_the_blank_line_before_a_heading_belongs_to_that_heading() -> None:
    text = "# A\n\ntext of a\n\n# B\n\ntext of b\n\n## C\n\ntext of c"
    doc = SourceDocument.build(text, titles=detect_titles(text))
    b, c = text.index("\n\n# B"), text.index("\n\n## C")
    spans = [(0, b), (b, c), (c, len(text))]  # as carried headings leave them: "\n\n# B ...", "\n\n## C ..."
    assert sections(doc, spans) == ["", "", "B"]  # not "A" for B's chunk, nor "B" for a chunk that is all blank
    blank = text.index("\n\ntext of a")
    assert sections(doc, [(0, blank), (blank, blank + 2), (blank + 2, len(text))]) == ["", "A", "A"]


def test_pages_are_those_of_the_chunk_text_not_of_its_blank_edges() -> None:
    pages = ["Text of page one.\n\n", "# Two\n\nText of page two.\n\n", "Three."]
    text = "".join(pages)
    doc = SourceDocument.build(text, pages=pages)
    one_end = len(pages[0]) - 2  # the chunk of page two opens with the blank line that ends page one
    two_end = len(pages[0]) + len(pages[1])
    spans = [(0, one_end), (one_end, two_end), (two_end, len(text))]
    assert page_numbers(doc, spans) == [[1], [2], [3]]
    assert page_numbers(doc, [(0, len(text))]) == [[1, 2, 3]]
    assert page_numbers(doc, [(one_end, one_end + 2), (one_end + 2, len(text))]) == [[1], [2, 3]]  # blank: its start
