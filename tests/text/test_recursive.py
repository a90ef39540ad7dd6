"""The split-then-merge recursive splitter (the paper's method) on spans, with the real o200k counter."""

from __future__ import annotations

import random
import re

import pytest
from markdown_like import make_document

from adaptive_splitters.core.config import KeepSeparator
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.recursive import RecursiveSplitter
from adaptive_splitters.text.separators import MIN_PIECE_CHARS, SEPARATORS, spans_at_cuts, split_at_pattern
from adaptive_splitters.text.tokens import TokenCounter

COUNTER = TokenCounter()


DOC = make_document()


def tokens(text: str, span: Span) -> int:
    return COUNTER(text[span[0] : span[1]])


def assert_tiles(spans: list[Span], length: int) -> None:
    assert spans, "no spans"
    assert spans[0][0] == 0
    assert spans[-1][1] == length
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start == end


def assert_covers(spans: list[Span], length: int) -> None:
    """Every character is in some span; starts and ends never move back.

    A chunk may start where the previous one starts: when a chunk is no longer than the overlap, all of it is
    repeated (the reference behaves the same).
    """
    assert spans[0][0] == 0
    assert spans[-1][1] == length
    for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
        assert s1 <= s2 <= e1 <= e2
        assert (s1, e1) != (s2, e2)


class TestSeparators:
    """The paper's 14 separators, coarsest first."""

    def test_fourteen_separators_ending_with_characters(self) -> None:
        assert len(SEPARATORS) == 14
        assert SEPARATORS[-1] == ""
        assert SEPARATORS[8:13] == (r"(?:\r?\n){2,}", r"\r?\n", r"[.!?]\s+", r",\s+", r"\s+")

    @pytest.mark.parametrize("level", range(1, 7))
    def test_heading_separators_match_exactly_that_many_hashes(self, level: int) -> None:
        pattern = re.compile(SEPARATORS[level - 1])
        assert pattern.search("text\n" + "#" * level + " Heading")
        assert not pattern.search("text\n" + "#" * (level + 1) + " Heading")
        assert not pattern.search("#" * level + " Heading")  # only at the start of a line after a newline

    @pytest.mark.parametrize("item", ["1. ", "(a) ", "iv) ", "  12) ", "A. "])
    def test_numbered_items(self, item: str) -> None:
        assert re.compile(SEPARATORS[6]).search("x\n" + item + "text")

    @pytest.mark.parametrize("bullet", ["-", "*", "•", "●", "▪", "–", "—"])
    def test_bullets(self, bullet: str) -> None:
        assert re.compile(SEPARATORS[7]).search(f"x\n{bullet} text")

    @pytest.mark.parametrize("keep", ["start", "end"])
    @pytest.mark.parametrize("size", [8, 40, 128])
    def test_windows_line_ends_are_never_cut_in_two(self, keep: KeepSeparator, size: int) -> None:
        lf = "First paragraph has some words here.\nLine two goes on.\n\nSecond paragraph, with words.\n\nThird.\n" * 6
        crlf = lf.replace("\n", "\r\n")
        spans = RecursiveSplitter(size, keep_separator=keep, min_chunk_tokens=0).split_spans(crlf)
        assert not [crlf[s:e] for s, e in spans if crlf[e - 1] == "\r" and crlf[e : e + 1] == "\n"]
        assert "".join(crlf[s:e] for s, e in spans) == crlf
        if size >= 40:  # paragraphs and lines cut where they are cut in the same text with \n line ends
            cuts = {s for s, _ in spans}
            lf_cuts = {s for s, _ in RecursiveSplitter(size, keep_separator=keep, min_chunk_tokens=0).split_spans(lf)}
            assert {len(crlf[:c].replace("\r\n", "\n")) for c in cuts} == lf_cuts


class TestSplitAtPattern:
    """Cutting at a separator: the delimiter starts the next piece; short pieces merge forward."""

    def test_delimiter_attached_to_start(self) -> None:
        text = "intro text here\n## A section body\n## B section body"
        spans = split_at_pattern(text, re.compile(SEPARATORS[1]))
        assert [text[s:e] for s, e in spans] == ["intro text here\n", "## A section body\n", "## B section body"]

    def test_pieces_under_ten_characters_merge_into_the_next(self) -> None:
        text = "ab. cd. efghijklmnop. qrstuvwxyz"
        spans = split_at_pattern(text, re.compile(r"[.!?]\s+"))
        assert [text[s:e] for s, e in spans] == ["ab. cd. efghijklmnop", ". qrstuvwxyz"]
        assert MIN_PIECE_CHARS == 10

    def test_a_short_last_piece_stays(self) -> None:
        text = "long enough piece. x"
        assert split_at_pattern(text, re.compile(r"[.!?]\s+")) == [(0, 17), (17, 20)]

    def test_no_match_gives_the_whole_text(self) -> None:
        assert split_at_pattern("no separator here", re.compile(r"\n")) == [(0, 17)]

    def test_offset_shifts_spans(self) -> None:
        assert split_at_pattern("first line\nsecond line", re.compile(r"\n"), offset=5) == [(5, 15), (15, 27)]

    def test_capturing_groups_are_harmless(self) -> None:
        text = "aaaaaaaaaaaa, bbbbbbbbbbbbb, cccccccccccc"
        spans = split_at_pattern(text, re.compile(r"(,)(\s+)"))
        assert [text[s:e] for s, e in spans] == ["aaaaaaaaaaaa", ", bbbbbbbbbbbbb", ", cccccccccccc"]


class TestKeepSeparatorAtTheEnd:
    """``keep_separator="end"``: a closing separator ends the piece before it; short pieces join the one before."""

    PROSE = (
        "The plant treats river water. It draws from two intakes, north and south. Operators test it hourly.\n\n"
        "Storage holds a day of demand. The tanks sit on the ridge above town, where gravity feeds the network.\n\n"
        "## Pumps\n\nThree pumps lift water to the tanks. Each can carry the load alone, so two rest at any time. "
    ) * 6

    def test_a_sentence_end_stays_with_its_sentence(self) -> None:
        text = "ab. cd. efghijklmnop. qrstuvwxyz"
        spans = split_at_pattern(text, re.compile(r"[.!?]\s+"), keep_separator="end")
        assert [text[s:e] for s, e in spans] == ["ab. cd. ", "efghijklmnop. ", "qrstuvwxyz"]

    def test_a_short_first_piece_stays_and_short_later_ones_join_the_one_before(self) -> None:
        text = "x. long enough piece. yz"
        assert [text[s:e] for s, e in split_at_pattern(text, re.compile(r"[.!?]\s+"), keep_separator="end")] == [
            "x. ",
            "long enough piece. yz",
        ]

    @pytest.mark.parametrize("size", [12, 25, 40, 60])
    def test_chunks_end_on_their_separator_and_start_with_a_word(self, size: int) -> None:
        spans = RecursiveSplitter(size, keep_separator="end").split_spans(self.PROSE)
        assert_tiles(spans, len(self.PROSE))
        assert all(tokens(self.PROSE, span) <= size for span in spans)
        texts = [self.PROSE[s:e] for s, e in spans]
        assert all(t[0].isalnum() or t.startswith("## ") for t in texts[1:]), [t[:12] for t in texts]
        assert all(t.rstrip()[-1] in ".,s" or t.rstrip().endswith("Pumps") for t in texts)
        paper = [self.PROSE[s:e] for s, e in RecursiveSplitter(size).split_spans(self.PROSE)]
        assert any(t.startswith((". ", "\n\n", ", ")) for t in paper[1:])  # the paper's: "start"

    def test_headings_items_and_bullets_still_open_their_piece(self) -> None:
        text = "Some opening words here.\n## Section\nbody text of it\n- a bullet point here\n1. an item here"
        spans = RecursiveSplitter(6, keep_separator="end").split_spans(text)
        starts = {text[s:e].split(maxsplit=1)[0] for s, e in spans}
        assert {"##", "-", "1."} <= starts

    def test_an_unknown_value_is_refused(self) -> None:
        with pytest.raises(ValueError, match="keep_separator must be 'start' or 'end'"):
            RecursiveSplitter(keep_separator="middle")  # type: ignore[arg-type]


class TestToChunkSize:
    """The paper's mode: greedy packing of the leaves, forward, overlap 0."""

    @pytest.mark.parametrize("size", [40, 120, 600, 1100])
    def test_spans_tile_and_fit(self, size: int) -> None:
        spans = RecursiveSplitter(chunk_size=size, counter=COUNTER).split_spans(DOC)
        assert_tiles(spans, len(DOC))
        assert max(tokens(DOC, s) for s in spans) <= size

    def test_a_text_that_fits_is_one_span(self) -> None:
        assert RecursiveSplitter(chunk_size=1100).split_spans("A short text.\n\nTwo paragraphs.") == [(0, 30)]

    def test_empty_text_gives_no_spans(self) -> None:
        assert RecursiveSplitter().split_spans("") == []
        assert RecursiveSplitter().split_text("") == []

    def test_packing_is_greedy(self) -> None:
        splitter = RecursiveSplitter(chunk_size=120, counter=COUNTER)
        leaves = splitter.leaves(DOC, 0, len(DOC), 120)
        spans = splitter.split_spans(DOC)
        for chunk, following in zip(spans, spans[1:], strict=False):
            inside = [leaf for leaf in leaves if chunk[0] <= leaf[0] and leaf[1] <= chunk[1]]
            first_next = next(leaf for leaf in leaves if leaf[0] == following[0])
            assert sum(tokens(DOC, leaf) for leaf in inside) + tokens(DOC, first_next) > 120

    def test_chunk_boundaries_are_leaf_boundaries(self) -> None:
        splitter = RecursiveSplitter(chunk_size=120, counter=COUNTER)
        starts = {s for s, _ in splitter.leaves(DOC, 0, len(DOC), 120)}
        assert {s for s, _ in splitter.split_spans(DOC)} <= starts

    def test_headings_start_chunks(self) -> None:
        text = make_document(seed=3, sections=3)
        spans = RecursiveSplitter(chunk_size=300, counter=COUNTER).split_spans(text)
        starts = [text[s : s + 2] for s, _ in spans[1:]]
        assert "# " in starts or "##" in starts

    def test_range_split_uses_absolute_offsets(self) -> None:
        splitter = RecursiveSplitter(chunk_size=60, counter=COUNTER)
        spans = splitter.split_spans(DOC, 100, 2000)
        assert spans[0][0] == 100
        assert spans[-1][1] == 2000
        assert_tiles([(s - 100, e - 100) for s, e in spans], 1900)

    def test_split_text_equals_the_slices(self) -> None:
        splitter = RecursiveSplitter(chunk_size=80, counter=COUNTER)
        assert splitter.split_text(DOC) == [DOC[s:e] for s, e in splitter.split_spans(DOC)]
        assert "".join(splitter.split_text(DOC)) == DOC

    def test_character_level_cut_takes_longest_fitting_prefix(self) -> None:
        text = "x" * 5000
        spans = RecursiveSplitter(chunk_size=10, counter=COUNTER).split_spans(text)
        assert_tiles(spans, len(text))
        for start, end in spans[:-1]:
            assert COUNTER(text[start:end]) <= 10
            assert COUNTER(text[start : end + 1]) > 10

    def test_deterministic(self) -> None:
        assert RecursiveSplitter(100).split_spans(DOC) == RecursiveSplitter(100).split_spans(DOC)


class TestBackward:
    """Backward order packs from the end: the remainder is the first chunk."""

    def test_spans_tile_and_fit(self) -> None:
        spans = RecursiveSplitter(chunk_size=120, merging_order="backward", counter=COUNTER).split_spans(DOC)
        assert_tiles(spans, len(DOC))
        assert max(tokens(DOC, s) for s in spans) <= 120

    def test_packing_is_greedy_from_the_end(self) -> None:
        splitter = RecursiveSplitter(chunk_size=120, merging_order="backward", counter=COUNTER)
        leaves = splitter.leaves(DOC, 0, len(DOC), 120)
        spans = splitter.split_spans(DOC)
        for previous, chunk in zip(spans, spans[1:], strict=False):
            inside = [leaf for leaf in leaves if chunk[0] <= leaf[0] and leaf[1] <= chunk[1]]
            last_previous = next(leaf for leaf in leaves if leaf[1] == previous[1])
            assert sum(tokens(DOC, leaf) for leaf in inside) + tokens(DOC, last_previous) > 120

    def test_differs_from_forward(self) -> None:
        forward = RecursiveSplitter(chunk_size=120).split_spans(DOC)
        backward = RecursiveSplitter(chunk_size=120, merging_order="backward").split_spans(DOC)
        assert forward != backward
        assert forward[0][0] == backward[0][0] == 0


class TestSmallOnly:
    """``small_only`` keeps the natural leaves and only merges the small ones."""

    def test_tiles_fits_and_keeps_leaf_boundaries(self) -> None:
        splitter = RecursiveSplitter(chunk_size=120, merging="small_only", min_chunk_tokens=40, counter=COUNTER)
        spans = splitter.split_spans(DOC)
        assert_tiles(spans, len(DOC))
        leaves = splitter.leaves(DOC, 0, len(DOC), 120)
        assert {s for s, _ in spans} <= {s for s, _ in leaves}
        for span in spans:
            parts = [leaf for leaf in leaves if span[0] <= leaf[0] and leaf[1] <= span[1]]
            assert sum(tokens(DOC, leaf) for leaf in parts) <= 120

    def test_small_groups_remain_only_when_no_neighbour_can_take_them(self) -> None:
        splitter = RecursiveSplitter(chunk_size=120, merging="small_only", min_chunk_tokens=40, counter=COUNTER)
        leaves = splitter.leaves(DOC, 0, len(DOC), 120)
        spans = splitter.split_spans(DOC)

        def size(span: Span) -> int:
            return sum(tokens(DOC, leaf) for leaf in leaves if span[0] <= leaf[0] and leaf[1] <= span[1])

        for i, span in enumerate(spans):
            if size(span) < 40:
                assert i + 1 == len(spans) or size(span) + size(spans[i + 1]) > 120
                assert i == 0 or size(span) + size(spans[i - 1]) > 120

    def test_keeps_more_chunks_than_greedy_packing(self) -> None:
        greedy = RecursiveSplitter(chunk_size=120).split_spans(DOC)
        small = RecursiveSplitter(chunk_size=120, merging="small_only", min_chunk_tokens=40).split_spans(DOC)
        assert len(small) > len(greedy)

    @pytest.mark.parametrize("order", ["forward", "backward"])
    def test_with_overlap_every_character_is_covered(self, order: str) -> None:
        splitter = RecursiveSplitter(
            chunk_size=120, chunk_overlap=20, merging="small_only", merging_order=order, counter=COUNTER
        )
        assert_covers(splitter.split_spans(DOC), len(DOC))


class TestOverlap:
    """Overlap repeats up to ``chunk_overlap`` tokens of a chunk at the start of the next."""

    @pytest.mark.parametrize(("size", "overlap"), [(60, 10), (120, 30), (300, 100)])
    @pytest.mark.parametrize("order", ["forward", "backward"])
    def test_every_character_is_covered(self, size: int, overlap: int, order: str) -> None:
        splitter = RecursiveSplitter(chunk_size=size, chunk_overlap=overlap, merging_order=order, counter=COUNTER)
        spans = splitter.split_spans(DOC)
        assert_covers(spans, len(DOC))
        assert splitter.split_text(DOC) == [DOC[s:e] for s, e in spans]

    @pytest.mark.parametrize(("size", "overlap"), [(60, 10), (120, 30), (300, 100)])
    def test_overlap_and_size_bounds(self, size: int, overlap: int) -> None:
        spans = RecursiveSplitter(chunk_size=size, chunk_overlap=overlap, counter=COUNTER).split_spans(DOC)
        overlaps = [DOC[b[0] : a[1]] for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1]]
        assert overlaps, "no overlap was made"
        # the overlap parts' counts sum to at most ``overlap``; BPE may count the joined text a token or two apart
        assert max(COUNTER(text) for text in overlaps) <= overlap + 2
        # the overlap is prepended without a size check, so a chunk can reach about size + overlap
        assert max(tokens(DOC, s) for s in spans) <= size + overlap + 2

    def test_zero_overlap_tiles(self) -> None:
        assert_tiles(RecursiveSplitter(chunk_size=60, chunk_overlap=0).split_spans(DOC), len(DOC))


class TestValidation:
    """Invalid settings raise ``ValueError`` naming the setting and the value."""

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"chunk_size": 100, "chunk_overlap": 100},
                r"chunk_overlap \(100\) must be smaller than chunk_size \(100\)",
            ),
            (
                {"chunk_size": 100, "chunk_overlap": 150},
                r"chunk_overlap \(150\) must be smaller than chunk_size \(100\)",
            ),
            ({"chunk_size": -5}, r"chunk_size must be a positive integer \(received -5\)"),
            ({"chunk_size": 0}, r"chunk_size must be a positive integer \(received 0\)"),
            ({"chunk_overlap": -1}, r"chunk_overlap must be a non-negative integer \(received -1\)"),
            ({"min_chunk_tokens": -3}, r"min_chunk_tokens must be a non-negative integer \(received -3\)"),
            ({"merging": "greedy"}, r"merging must be 'to_chunk_size' or 'small_only' \(received 'greedy'\)"),
            ({"merging_order": "sideways"}, r"merging_order must be 'forward' or 'backward' \(received 'sideways'\)"),
            ({"separators": ["("]}, r"invalid separator regex"),
        ],
    )
    def test_invalid_settings(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            RecursiveSplitter(**kwargs)  # type: ignore[arg-type]


def test_item_and_bullet_separators_cut_where_the_paper_patterns_match() -> None:
    """split_at_pattern runs the item and bullet separators in linear time, with the paper's cuts."""
    pieces = ["\n", " ", "\t", "\r", "\x0c", "1", "12", "abcd", "abcde", "B", ".", ")", "(", "-", "•", "x"]
    rng = random.Random(14)
    for separator in (SEPARATORS[6], SEPARATORS[7]):
        pattern = re.compile(separator)
        for _ in range(3000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
            expected = spans_at_cuts(len(text), [m.start() for m in pattern.finditer(text)])
            assert split_at_pattern(text, pattern) == expected, text
