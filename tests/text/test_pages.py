"""Pages from form feeds and PageBreak markers."""

from __future__ import annotations

from adaptive_splitters.text.pages import detect_pages


def test_no_marker_means_pages_unknown() -> None:
    assert detect_pages("just text\n\nmore") is None
    assert detect_pages("") is None


def test_page_ends_after_the_marker_and_its_newlines() -> None:
    text = "one\n<!-- PageBreak -->\n\ntwo\n<!-- PageBreak -->\n\n"
    # the trailing marker closes page 2 and opens no page 3
    assert detect_pages(text) == [0, 24]


def test_form_feeds_and_crlf() -> None:
    assert detect_pages("a\x0cb\x0c\r\nc") == [0, 2, 6]
    assert detect_pages("a\x0c\x0cb") == [0, 2, 3]
