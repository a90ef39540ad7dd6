"""The boundary view: every chunk's text exactly (sliced by code point, escaped), cut blocks marked, long texts
folded."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from adaptive_splitters.output.boundaries import boundary_view, fold_point


class Pieces(HTMLParser):
    """The view's text pieces as ``(classes, text)`` and its chunk marks as ``(number, title)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, str]] = []
        self.marks: list[tuple[str, str]] = []
        self.folded = 0
        self._open: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append((tag, dict(attrs)))
        if tag == "details":
            self.folded += 1

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        tag, attrs = self._open[-1]
        if tag != "span":
            return
        classes = attrs.get("class") or ""
        if classes.startswith("mark"):
            self.marks.append((classes, data, attrs.get("title") or ""))  # type: ignore[arg-type]
        else:
            self.pieces.append((classes, data))


def _parsed(view: str) -> Pieces:
    parser = Pieces()
    parser.feed(view)
    parser.close()
    return parser


TEXT = '😀 first <b>bold</b> & more\n\n𝒳 second "quoted" part\n\n<script>alert(1)</script> third'


def _spans(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = [0, *cuts, len(text)]
    return list(zip(bounds, bounds[1:], strict=False))


def test_each_chunk_shows_its_exact_slice_with_characters_outside_the_bmp() -> None:
    spans = _spans(TEXT, [TEXT.index("𝒳"), TEXT.index("<script>")])
    parsed = _parsed(boundary_view(TEXT, spans, []))
    assert "".join(text for _, text in parsed.pieces) == TEXT
    assert [(number, title) for _, number, title in parsed.marks] == [
        (str(i), f"chunk {i}: [{start}, {end})") for i, (start, end) in enumerate(spans, 1)
    ]
    assert [classes for classes, _ in parsed.pieces] == ["k0", "k1", "k2"]


def test_document_text_is_escaped() -> None:
    view = boundary_view(TEXT, [(0, len(TEXT))], [])
    assert "<script>" not in view
    assert "<b>" not in view
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in view
    assert "&quot;quoted&quot;" in view


def test_cut_blocks_are_marked_and_a_chunk_starting_inside_one_is_flagged() -> None:
    text = "aaaaaaaaaa" + "b" * 20 + "cccccccccc"  # blocks [0, 10) [10, 30) [30, 40)
    parsed = _parsed(boundary_view(text, [(0, 20), (20, 40)], [(10, 30)]))
    assert parsed.pieces == [("k0", "a" * 10), ("k0 cut", "b" * 10), ("k1 cut", "b" * 10), ("k1", "c" * 10)]
    assert [classes for classes, _, _ in parsed.marks] == ["mark", "mark breaks"]


def test_text_outside_every_chunk_shows_as_a_gap() -> None:
    parsed = _parsed(boundary_view("abc  def", [(0, 3), (5, 8)], []))
    assert parsed.pieces == [("k0", "abc"), ("gap", "  "), ("k1", "def")]


def test_a_long_view_folds_the_rest_at_a_chunk_boundary() -> None:
    text = "".join(f"line {i:04d} 😀\n" for i in range(1000))  # 12 code points a line
    spans = _spans(text, list(range(1200, len(text), 1200)))
    view = boundary_view(text, spans, [], open_chars=5000)
    parsed = _parsed(view)
    assert parsed.folded == 1
    assert "".join(t for _, t in parsed.pieces) == text  # nothing lost, nothing shifted
    shown = view.split("<details", 1)[0]
    assert "".join(t for _, t in _parsed(shown + "</div>").pieces) == text[:6000]  # up to the first start >= 5000
    assert "the remaining 6,000 characters (from offset 6,000, chunk 6 onward)" in view


@pytest.mark.parametrize(
    ("length", "starts", "open_chars", "fold"),
    [
        (100, [0, 50], 100, 100),  # fits
        (1000, [0, 90, 150, 400], 100, 150),  # the first start at or after 100
        (1000, [0, 90, 250], 100, 100),  # none before 200: fold at 100 inside a chunk
        (150, [0, 120], 100, 120),
    ],
)
def test_fold_point(length: int, starts: list[int], open_chars: int, fold: int) -> None:
    assert fold_point(length, starts, open_chars) == fold
