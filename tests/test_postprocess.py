"""Post-processing on spans (PAPER_SPEC §4.3): gap repair, oversize re-split, undersize merge; size settings."""

from __future__ import annotations

import pytest

from adaptive_splitters.candidates import default_candidate_names
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import Span
from adaptive_splitters.postprocess import (
    carry_headings,
    merge_undersized,
    postprocess,
    repair_gaps,
    split_oversized,
)
from adaptive_splitters.text.recursive import RecursiveSplitter
from adaptive_splitters.text.tokens import TokenCounter

CHARS = TokenCounter(len)  # one token per character: sizes below are plain lengths
O200K = TokenCounter()


def text_of(sizes: list[int]) -> tuple[str, list[Span]]:
    """A text made of contiguous spans of the given lengths, each its own letter."""
    spans: list[Span] = []
    start = 0
    for size in sizes:
        spans.append((start, start + size))
        start += size
    return "".join(chr(ord("a") + i % 26) * n for i, n in enumerate(sizes)), spans


class TestRepairGaps:
    """Gaps join the span after them; a tail joins the last span; overlaps stay."""

    def test_gap_joins_the_following_span(self) -> None:
        assert repair_gaps([(0, 3), (5, 10)], 10) == [(0, 3), (3, 10)]

    def test_leading_text_joins_the_first_span(self) -> None:
        assert repair_gaps([(2, 6), (6, 10)], 10) == [(0, 6), (6, 10)]

    def test_tail_joins_the_last_span(self) -> None:
        assert repair_gaps([(0, 4), (4, 8)], 10) == [(0, 4), (4, 10)]

    def test_overlaps_are_kept(self) -> None:
        assert repair_gaps([(0, 6), (4, 10)], 10) == [(0, 6), (4, 10)]

    def test_no_spans(self) -> None:
        assert repair_gaps([], 7) == [(0, 7)]
        assert repair_gaps([], 0) == []


class TestSplitOversized:
    """Spans above the maximum are replaced by recursive-splitter spans; others pass through."""

    def test_only_oversize_spans_are_resplit(self) -> None:
        paragraph = "Short sentence number one. " * 30
        text = "Small page.\n" + paragraph + "\nAnother small page."
        spans = [(0, 12), (12, 12 + len(paragraph) + 1), (13 + len(paragraph), len(text))]
        out = split_oversized(text, spans, O200K, max_tokens=50)
        assert out[0] == spans[0]
        assert out[-1] == spans[-1]
        middle = out[1:-1]
        assert len(middle) > 1
        assert middle == RecursiveSplitter(chunk_size=50, counter=O200K).split_spans(text, *spans[1])
        assert all(O200K(text[s:e]) <= 50 for s, e in middle)

    def test_tiling_is_kept(self) -> None:
        text = "word " * 2000
        out = split_oversized(text, [(0, 5000), (5000, 10000)], O200K, max_tokens=100)
        assert out[0][0] == 0
        assert out[-1][1] == 10000
        assert all(a[1] == b[0] for a, b in zip(out, out[1:], strict=False))


class TestMergeUndersized:
    """Spans under the minimum merge into the next span, else the previous, within the merge limit."""

    def test_merges_into_the_next(self) -> None:
        text, spans = text_of([5, 45, 60])
        assert merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100) == [(0, 50), (50, 110)]

    def test_merges_into_the_previous_when_the_next_is_too_big(self) -> None:
        text, spans = text_of([60, 5, 98])
        assert merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100) == [(0, 65), (65, 163)]

    def test_last_span_merges_into_the_previous(self) -> None:
        text, spans = text_of([40, 40, 3])
        assert merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100) == [(0, 40), (40, 83)]

    def test_stays_when_no_neighbour_has_room(self) -> None:
        text, spans = text_of([98, 5, 98])
        assert merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100) == spans

    def test_merge_limit_is_inclusive(self) -> None:
        text, spans = text_of([5, 95])
        assert merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100) == [(0, 100)]

    def test_chains_of_small_spans_merge_until_big_enough(self) -> None:
        text, spans = text_of([3, 3, 3, 3, 50])
        assert merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100) == [(0, 12), (12, 62)]

    def test_merging_is_by_offsets(self) -> None:
        text, spans = text_of([5, 45, 60, 2])
        out = merge_undersized(text, spans, CHARS, min_tokens=10, merge_limit=100)
        assert out[0][0] == 0
        assert out[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(out, out[1:], strict=False))
        assert "".join(text[s:e] for s, e in out) == text

    def test_sizes_are_counts_of_the_merged_text(self) -> None:
        text = "Hello" + " world" * 3
        spans = [(0, 5), (5, len(text))]
        assert merge_undersized(text, spans, O200K, min_tokens=5, merge_limit=100) == [(0, len(text))]


class TestPostprocess:
    """Repair, then re-split (when asked), then merge; overlapping spans are only repaired."""

    def test_resplit_only_when_asked(self) -> None:
        text = "Sentence of a few words. " * 80
        assert postprocess(text, [(0, len(text))], O200K, SizeLimits(100, 10), resplit=False) == [(0, len(text))]
        out = postprocess(text, [(0, len(text))], O200K, SizeLimits(100, 10), resplit=True)
        assert len(out) > 1
        assert all(O200K(text[s:e]) <= 150 for s, e in out)

    def test_gaps_are_repaired_then_small_spans_merged(self) -> None:
        text, _ = text_of([50, 5, 50])
        assert postprocess(text, [(0, 50), (60, 105)], CHARS, SizeLimits(100, 10, 150)) == [(0, 50), (50, 105)]
        assert postprocess(text, [(2, 50), (55, 60), (60, 105)], CHARS, SizeLimits(100, 20, 150)) == [
            (0, 50),
            (50, 105),
        ]

    def test_overlapping_spans_are_not_merged(self) -> None:
        text, _ = text_of([50, 50])
        spans = [(0, 60), (55, 58), (58, 100)]
        assert postprocess(text, spans, CHARS, SizeLimits(100, 10)) == spans


class TestCarryHeadings:
    """A heading (or a run of them) that ends a chunk moves, with the whitespace before it, to the next chunk."""

    TEXT = "Intro text here.\n\n# Setup\n\n## Install\n\nRun the installer.\n"
    HEADINGS = (18, 27)  # "# Setup", "## Install"
    BODY = TEXT.index("\n\nRun")

    def test_a_run_of_headings_moves_to_the_section_it_opens(self) -> None:
        out = carry_headings(self.TEXT, [(0, self.BODY), (self.BODY, len(self.TEXT))], self.HEADINGS, CHARS, 100)
        assert out == [(0, 16), (16, len(self.TEXT))]
        assert self.TEXT[16:].lstrip().startswith("# Setup\n\n## Install\n\nRun the installer.")

    def test_it_stays_when_the_next_chunk_would_exceed_the_size(self) -> None:
        spans = [(0, self.BODY), (self.BODY, len(self.TEXT))]
        assert carry_headings(self.TEXT, spans, self.HEADINGS, CHARS, len(self.TEXT) - 17) == spans

    def test_a_chunk_of_headings_alone_is_kept(self) -> None:
        spans = [(0, 16), (16, self.BODY), (self.BODY, len(self.TEXT))]
        assert carry_headings(self.TEXT, spans, self.HEADINGS, CHARS, 100) == spans

    def test_text_after_the_heading_in_its_chunk_keeps_it(self) -> None:
        cut = self.BODY + 10  # the chunk holds the heading and some of its section
        spans = [(0, cut), (cut, len(self.TEXT))]
        assert carry_headings(self.TEXT, spans, self.HEADINGS, CHARS, 100) == spans

    def test_only_the_trailing_headings_move(self) -> None:
        text = "# Top\n\nBody one.\n\n# Next\n\nBody two."
        cut = text.index("\n\nBody two")
        out = carry_headings(text, [(0, cut), (cut, len(text))], [0, text.index("# Next")], CHARS, 100)
        assert out == [(0, text.index("\n\n# Next")), (text.index("\n\n# Next"), len(text))]

    def test_it_stays_when_its_chunk_would_fall_under_min_tokens(self) -> None:
        spans = [(0, self.BODY), (self.BODY, len(self.TEXT))]
        assert carry_headings(self.TEXT, spans, self.HEADINGS, CHARS, 100, min_tokens=17) == spans
        assert carry_headings(self.TEXT, spans, self.HEADINGS, CHARS, 100, min_tokens=16) != spans

    def test_a_title_given_mid_line_is_not_a_heading_line(self) -> None:
        text = "Intro text here. See Setup\n\nRun the installer.\n"
        body = text.index("\n\nRun")
        spans = [(0, body), (body, len(text))]
        assert carry_headings(text, spans, [text.index("Setup")], CHARS, 100) == spans

    def test_other_line_ends_end_a_heading_line_too(self) -> None:
        text = "Intro text here.\r\r# Setup\rRun the installer.\r"
        cut = text.index("\rRun") + 3  # the chunk ends inside the section's text: the heading has company
        spans = [(0, cut), (cut, len(text))]
        assert carry_headings(text, spans, [text.index("# Setup")], CHARS, 100) == spans

    def test_with_separators_kept_at_the_end_the_blank_line_stays_behind(self) -> None:
        spans = [(0, self.BODY), (self.BODY, len(self.TEXT))]
        out = carry_headings(self.TEXT, spans, self.HEADINGS, CHARS, 100, keep_separator="end")
        assert out == [(0, 18), (18, len(self.TEXT))]
        assert self.TEXT[:18].endswith("here.\n\n")

    def test_postprocess_carries_only_when_given_headings(self) -> None:
        spans = [(0, self.BODY), (self.BODY, len(self.TEXT))]
        limits = SizeLimits(100, 0)
        assert postprocess(self.TEXT, spans, CHARS, limits) == spans  # the paper's post-processing
        assert postprocess(self.TEXT, spans, CHARS, limits, headings=self.HEADINGS) == [(0, 16), (16, len(self.TEXT))]


class TestSizeLimits:
    """One setting sizes everything; the paper's 1100 / 100 / 1150 are the defaults."""

    def test_paper_defaults(self) -> None:
        limits = SizeLimits()
        assert (limits.max_tokens, limits.min_tokens, limits.merge_limit) == (1100, 100, 1150)

    def test_merge_limit_defaults_to_max_plus_50(self) -> None:
        assert SizeLimits(max_tokens=800).merge_limit == 850
        assert SizeLimits(max_tokens=800, merge_limit=900).merge_limit == 900

    def test_strict_merge_respects_the_maximum(self) -> None:
        limits = SizeLimits.strict(600, 50)
        assert (limits.max_tokens, limits.min_tokens, limits.merge_limit) == (600, 50, 600)
        text, spans = text_of([590, 5])
        merged = merge_undersized(text, spans, CHARS, limits.min_tokens, limits.merge_limit)
        assert merged == [(0, 595)]
        text, spans = text_of([598, 5])
        assert merge_undersized(text, spans, CHARS, limits.min_tokens, limits.merge_limit) == spans

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"max_tokens": -5}, r"max_tokens must be a positive integer \(received -5\)"),
            ({"max_tokens": 0}, r"max_tokens must be a positive integer \(received 0\)"),
            ({"max_tokens": True}, r"max_tokens must be a positive integer \(received True\)"),
            ({"merge_limit": 0}, r"merge_limit must be a positive integer \(received 0\)"),
            ({"min_tokens": -1}, r"min_tokens must be a non-negative integer \(received -1\)"),
            ({"min_tokens": True}, r"min_tokens must be a non-negative integer \(received True\)"),
            ({"max_tokens": 600, "min_tokens": 800}, r"min_tokens \(800\) must not exceed the chunk size, max_tokens"),
        ],
    )
    def test_invalid_limits(self, kwargs: dict[str, int], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            SizeLimits(**kwargs)

    def test_default_candidates_follow_max_tokens(self) -> None:
        assert default_candidate_names() == ["recursive_1100", "recursive_600", "page"]
        assert default_candidate_names(800) == ["recursive_800", "recursive_436", "page"]
