"""Mapping a chunker's strings back to spans by an anchored forward search."""

from __future__ import annotations

import pytest

from adaptive_splitters.text.locate import spans_from_strings


class TestSpansFromStrings:
    """Each string is found at the previous end, else at its first occurrence after the previous start."""

    def test_contiguous_pieces(self) -> None:
        text = "alpha beta gamma"
        assert spans_from_strings(text, ["alpha ", "beta ", "gamma"]) == [(0, 6), (6, 11), (11, 16)]

    def test_repeated_text_is_placed_in_order(self) -> None:
        text = "ab ab ab "
        assert spans_from_strings(text, ["ab ", "ab ", "ab "]) == [(0, 3), (3, 6), (6, 9)]

    def test_overlapping_pieces(self) -> None:
        text = "one two three four"
        assert spans_from_strings(text, ["one two three", "three four"]) == [(0, 13), (8, 18)]

    def test_repeated_piece_after_stripped_whitespace_moves_forward(self) -> None:
        assert spans_from_strings("ab ab", ["ab", "ab"]) == [(0, 2), (3, 5)]

    def test_stripped_whitespace_leaves_a_gap(self) -> None:
        text = "first chunk.\n\n  second chunk."
        assert spans_from_strings(text, ["first chunk.", "second chunk."]) == [(0, 12), (16, 29)]

    def test_empty_piece_is_an_empty_span_at_the_previous_end(self) -> None:
        assert spans_from_strings("abcdef", ["abc", "", "def"]) == [(0, 3), (3, 3), (3, 6)]

    def test_spans_slice_back_to_the_pieces(self) -> None:
        text = "The cat sat. The cat sat. The dog ran."
        pieces = ["The cat sat. ", "The cat sat. ", "The dog ran."]
        assert [text[s:e] for s, e in spans_from_strings(text, pieces)] == pieces

    def test_missing_piece_names_candidate_and_index(self) -> None:
        with pytest.raises(ValueError, match=r"candidate 'mine' returned chunk 1 \('zzz'\.\.\.\) that does not occur"):
            spans_from_strings("abc abc", ["abc", "zzz"], name="mine")

    def test_piece_before_the_previous_start_is_not_found(self) -> None:
        with pytest.raises(ValueError, match="chunk 1"):
            spans_from_strings("alpha beta", ["beta", "alpha"])

    def test_non_string_piece(self) -> None:
        with pytest.raises(TypeError, match="returned chunk 0 of type int, not str"):
            spans_from_strings("abc", [1])  # type: ignore[list-item]
