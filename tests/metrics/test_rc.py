"""RC (references completeness) on small hand-made cases with exact values, and its undefined cases."""

from __future__ import annotations

import warnings

import pytest

from adaptive_splitters.metrics import references_completeness


def test_references_completeness_boundaries_and_inclusive_ends() -> None:
    spans = [(0, 50), (50, 100)]
    assert references_completeness(spans, [((10, 15), (60, 62))]) == 0.0  # 10 < 50 <= 62
    assert references_completeness(spans, [((60, 65), (70, 72))]) == 1.0
    assert references_completeness(spans, [((60, 65), (10, 12))]) == 0.0  # cataphora: ordered by start
    assert references_completeness(spans, [((50, 55), (60, 62))]) == 1.0  # a boundary at a.start does not cut
    assert references_completeness(spans, [((40, 45), (48, 50))]) == 0.0  # inclusive end: 50 <= 50 cuts
    assert references_completeness(spans, [((40, 45), (48, 49))]) == 1.0
    pairs = [((10, 15), (60, 62)), ((60, 65), (70, 72)), ((1, 2), (3, 4)), ((95, 96), (97, 98))]
    assert references_completeness(spans, pairs) == 0.75


def test_references_completeness_uses_chunk_ends_too() -> None:
    # overlapping chunks: the end of the first chunk (60) is a boundary as well as the start of the second (40)
    spans = [(0, 60), (40, 100)]
    assert references_completeness(spans, [((50, 52), (58, 61))]) == 0.0  # 50 < 60 <= 61
    assert references_completeness(spans, [((45, 50), (55, 58))]) == 1.0
    # an empty chunk on a boundary adds no boundary inside a chunk
    assert references_completeness([(0, 50), (50, 50), (50, 100)], [((10, 15), (20, 25))]) == 1.0


def test_references_completeness_none_without_pairs_or_chunks() -> None:
    assert references_completeness([(0, 10)], []) is None
    assert references_completeness([(0, 10)], None) is None
    assert references_completeness([], [((0, 1), (2, 3))]) is None


def test_references_completeness_warns_once_on_misaligned_pairs() -> None:
    text = "Alice said she would come. It rained."
    pairs = [((0, 4), (11, 13)), ((5, 8), (30, 31)), ((27, 28), (35, 40))]  # 5 is a space; 40 is past the end
    with pytest.warns(UserWarning, match="2 of 3 entity-pronoun pairs") as caught:
        value = references_completeness([(0, 27), (27, len(text))], pairs, text=text)
    assert len(caught) == 1
    assert value == pytest.approx(2 / 3)  # used as given: the second pair is cut by the boundary at 27
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        references_completeness([(0, len(text))], pairs[:1], text=text)
