"""SourceDocument.build: pages, split points, titles and pairs validated once."""

from __future__ import annotations

import math

import pytest

from adaptive_splitters.core.document import SourceDocument, Title

TEXT = "Page one text. Page two text. Page three."
PAGES = ["Page one text. ", "Page two text. ", "Page three."]


class TestPages:
    """Pages as texts or offsets; numbers are 1-based by default."""

    def test_page_texts(self) -> None:
        doc = SourceDocument.build(TEXT, pages=PAGES)
        assert doc.page_starts == (0, 15, 30)
        assert doc.page_numbers == (1, 2, 3)
        assert doc.page_spans() == [(0, 15), (15, 30), (30, len(TEXT))]

    def test_page_offsets(self) -> None:
        doc = SourceDocument.build(TEXT, pages=[0, 15, 30])
        assert doc.page_starts == (0, 15, 30)
        assert doc.page_numbers == (1, 2, 3)

    def test_empty_page_gives_an_empty_span(self) -> None:
        doc = SourceDocument.build(TEXT, pages=[PAGES[0], "", PAGES[1], PAGES[2]])
        assert doc.page_spans() == [(0, 15), (15, 15), (15, 30), (30, len(TEXT))]
        assert doc.page_numbers == (1, 2, 3, 4)

    def test_custom_page_numbers(self) -> None:
        assert SourceDocument.build(TEXT, pages=PAGES, page_numbers=[5, 6, 7]).page_numbers == (5, 6, 7)

    def test_page_numbers_must_match_pages(self) -> None:
        with pytest.raises(ValueError, match="2 page numbers given for 3 pages"):
            SourceDocument.build(TEXT, pages=PAGES, page_numbers=[1, 2])

    def test_no_pages(self) -> None:
        doc = SourceDocument.build(TEXT)
        assert doc.page_starts is None
        assert doc.page_spans() == []

    def test_pages_that_do_not_concatenate_name_the_page(self) -> None:
        with pytest.raises(ValueError, match=r"pages do not concatenate to the text.*at page 2"):
            SourceDocument.build(TEXT, pages=[PAGES[0], "Page 2 text. ", PAGES[2]])

    def test_missing_last_page(self) -> None:
        with pytest.raises(ValueError, match="pages do not concatenate to the text"):
            SourceDocument.build(TEXT, pages=PAGES[:2])

    @pytest.mark.parametrize(
        ("pages", "message"),
        [
            ([3, 15], r"the first page must start at offset 0 \(received 3\)"),
            ([0, 20, 15], r"page starts must not decrease \(page 3 starts at 15, before 20\)"),
            ([0, 500], r"page start 500 lies past the end of the text"),
            ([], r"pages is empty"),
        ],
    )
    def test_bad_page_offsets(self, pages: list[int], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            SourceDocument.build(TEXT, pages=pages)

    def test_pages_as_one_string_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="not one string"):
            SourceDocument.build(TEXT, pages=TEXT)

    def test_mixed_pages_is_a_type_error(self) -> None:
        with pytest.raises(TypeError, match="all page texts"):
            SourceDocument.build(TEXT, pages=[0, "x"])  # type: ignore[list-item]

    def test_text_must_be_a_string(self) -> None:
        with pytest.raises(TypeError, match=r"text must be a str \(received bytes\)"):
            SourceDocument.build(b"bytes")  # type: ignore[arg-type]


class TestSplitPoints:
    """Split points are strictly increasing and inside the text."""

    def test_valid_points(self) -> None:
        assert SourceDocument.build(TEXT, blocks=[15, 30]).split_points == (15, 30)

    def test_block_spans_become_points(self) -> None:
        doc = SourceDocument.build(TEXT, blocks=[(0, 15), (15, 30), (30, len(TEXT))])
        assert doc.split_points == (15, 30)

    @pytest.mark.parametrize(
        ("blocks", "message"),
        [
            ([30, 15], r"strictly increasing \(split point 1 is 15 after 30\)"),
            ([15, 15], r"strictly increasing \(split point 1 is 15 after 15\)"),
            ([0], r"split point 0 \(0\) lies outside the text's interior"),
            ([15, len(TEXT)], rf"split point 1 \({len(TEXT)}\) lies outside the text's interior"),
            ([-4], r"split point 0 \(-4\) lies outside"),
            ([10, 999], r"split point 1 \(999\) lies outside"),
        ],
    )
    def test_bad_points(self, blocks: list[int], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            SourceDocument.build(TEXT, blocks=blocks)

    def test_block_span_outside_the_text(self) -> None:
        with pytest.raises(ValueError, match=r"block span \(30, 99\) .* lies outside the text"):
            SourceDocument.build(TEXT, blocks=[(0, 30), (30, 99)])

    def test_non_integer_point(self) -> None:
        with pytest.raises(TypeError, match=r"split point 0 must be an int \(received 1.5\)"):
            SourceDocument.build(TEXT, blocks=[1.5])  # type: ignore[list-item]


class TestTitlesAndPairs:
    """Titles accept CLAIR dicts; pairs become nested tuples."""

    def test_titles_from_dicts(self) -> None:
        doc = SourceDocument.build("# A\nbody", titles=[{"title": "# A", "start": 0, "end": 8, "level": 1}])
        assert doc.titles == (Title("# A", 0, 8, 1),)

    def test_pairs(self) -> None:
        doc = SourceDocument.build(TEXT, pairs=[[[0, 3], [15, 18]]])
        assert doc.pairs == (((0, 3), (15, 18)),)


class TestBadStructureArguments:
    """pairs and blocks given to AdaptiveChunker.chunk: a bad value is named with its argument (issue #14, 16)."""

    @staticmethod
    def chunk(**kwargs: object) -> object:
        from adaptive_splitters.engine import AdaptiveChunker

        return AdaptiveChunker(metrics=["SC", "BI", "RC"]).chunk(TEXT, **kwargs)  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, 3.5, True, "4", None])
    def test_pairs_with_non_integer_offsets_are_named(self, bad: object) -> None:
        with pytest.raises(
            ValueError, match=rf"pairs: an entity-pronoun pair .* \(received \[\[0, {bad!r}\], \[15, 18\]\]\)"
        ):
            self.chunk(pairs=[[[0, bad], [15, 18]]])

    @pytest.mark.parametrize("bad", [5, "pairs", 2.5])
    def test_pairs_not_a_sequence_are_named(self, bad: object) -> None:
        with pytest.raises(
            TypeError, match=rf"pairs must be a sequence of entity-pronoun pairs .*\(received .*{bad!r}\)"
        ):
            self.chunk(pairs=bad)

    def test_fractional_block_spans_are_rejected_not_truncated(self) -> None:
        with pytest.raises(
            TypeError, match=r"blocks: block span 0 must hold integer offsets \(received \(0.5, 40.7\)\)"
        ):
            self.chunk(blocks=[(0.5, 40.7)])

    @pytest.mark.parametrize("bad", [math.inf, math.nan, True])
    def test_block_span_offsets_must_be_integers(self, bad: object) -> None:
        with pytest.raises(TypeError, match=r"blocks: block span 1 must hold integer offsets"):
            self.chunk(blocks=[(0, 15), (15, bad)])

    def test_a_block_span_needs_two_offsets(self) -> None:
        with pytest.raises(
            ValueError, match=r"blocks: block span 0 must be two offsets \(start, end\) \(received \(0, 5, 9\)\)"
        ):
            self.chunk(blocks=[(0, 5, 9)])

    @pytest.mark.parametrize("bad", [100, 1.5, "15 30"])
    def test_blocks_not_a_sequence_are_named(self, bad: object) -> None:
        with pytest.raises(TypeError, match=rf"blocks must be a sequence of split points .*\(received .*{bad!r}\)"):
            self.chunk(blocks=bad)

    @pytest.mark.parametrize("bad", [math.inf, 15.0, True])
    def test_split_points_must_be_integers(self, bad: object) -> None:
        with pytest.raises(TypeError, match=rf"blocks: split point 1 must be an int \(received {bad!r}\)"):
            self.chunk(blocks=[10, bad])

    def test_numpy_integer_offsets_are_accepted(self) -> None:
        np = pytest.importorskip("numpy")
        doc = SourceDocument.build(TEXT, blocks=np.array([15, 30]), pairs=[[[np.int64(0), np.int64(3)], [15, 18]]])
        assert doc.split_points == (15, 30)
        assert all(type(p) is int for p in doc.split_points)
        assert doc.pairs == (((0, 3), (15, 18)),)
        spans = SourceDocument.build(TEXT, blocks=[(np.int32(0), np.int32(15)), (15, len(TEXT))])
        assert spans.split_points == (15,)
