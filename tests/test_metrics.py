"""The five metrics on small hand-made cases with exact expected values, and their undefined (None) cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors
from adaptive_splitters.metrics import (
    METRIC_NAMES,
    block_integrity,
    chunk_pieces,
    context_windows,
    contextual_coherence,
    intrachunk_cohesion,
    references_completeness,
    size_compliance,
)


def words(text: str) -> int:
    return len(text.split())


def letters(texts: list[str]) -> np.ndarray:
    """A transparent embedder: how many ``a`` and ``b`` a text has."""
    return np.array([[t.count("a"), t.count("b")] for t in texts], dtype=float)


def vectors(text: str, split_points: list[int] | None = None, mode: str = "truncate") -> SpanVectors:
    doc = SourceDocument.build(text, blocks=split_points)
    return SpanVectors(doc, EmbeddingCache(letters, counter=len), mode, counter=len)


def test_metric_names() -> None:
    assert METRIC_NAMES == ("SC", "BI", "RC", "ICC", "DCC")


# --- SC -------------------------------------------------------------------------------------------------------


def test_size_compliance_bounds_are_inclusive() -> None:
    text = "w " * 10
    spans = [(0, 4), (4, 10), (10, 20), (20, 20)]  # 2, 3, 5 and 0 words
    assert size_compliance(text, spans, words, min_tokens=2, max_tokens=3) == 0.5
    assert size_compliance(text, spans, words, min_tokens=0, max_tokens=5) == 1.0


def test_size_compliance_empty_chunk_is_out_of_span_and_no_chunks_is_none() -> None:
    assert size_compliance("abc", [(0, 0), (0, 3)], len, min_tokens=1, max_tokens=5) == 0.5
    assert size_compliance("abc", [], len) is None


# --- BI -------------------------------------------------------------------------------------------------------


def test_block_integrity_counts_blocks_cut_beyond_the_tolerance() -> None:
    # blocks [0, 10) [10, 30) [30, 40); only chunk starts count, and only strictly inside (l + 5, r - 5)
    assert block_integrity([(0, 20), (20, 40)], [10, 30], 40) == pytest.approx(2 / 3)
    assert block_integrity([(0, 15), (15, 40)], [10, 30], 40) == 1.0  # 15 is not > 10 + 5
    assert block_integrity([(0, 16), (16, 40)], [10, 30], 40) == pytest.approx(2 / 3)
    assert block_integrity([(0, 25), (25, 40)], [10, 30], 40) == 1.0  # 25 is not < 30 - 5
    assert block_integrity([(0, 20), (20, 40)], [10, 30], 40, tolerance=10) == 1.0
    # several starts in one block break it once
    assert block_integrity([(0, 17), (17, 22), (22, 40)], [10, 30], 40) == pytest.approx(2 / 3)


def test_block_integrity_undefined_and_trivial_cases() -> None:
    assert block_integrity([], [10], 40) is None
    assert block_integrity([(0, 40)], [10], 40) == 1.0
    assert block_integrity([(0, 20), (20, 40)], None, 40) == 0.0  # one block, cut in its middle
    assert block_integrity([(0, 20), (20, 40)], [], 40) == 0.0


# --- RC -------------------------------------------------------------------------------------------------------


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


# --- ICC ------------------------------------------------------------------------------------------------------


def test_chunk_pieces_cut_at_split_points_and_drop_empty_pieces() -> None:
    assert chunk_pieces((0, 10), [3, 7]) == [(0, 3), (3, 7), (7, 10)]
    assert chunk_pieces((3, 10), [3, 7, 12]) == [(3, 7), (7, 10)]
    assert chunk_pieces((4, 6), [3, 7]) == [(4, 6)]
    assert chunk_pieces((5, 5), [5]) == [(5, 5)]


def test_intrachunk_cohesion_exact_value() -> None:
    text = "aaaabbbb"
    # one chunk of two blocks: pieces (1, 0) and (0, 1), chunk (1, 1)/sqrt 2 -> cos 1/sqrt 2 each
    assert intrachunk_cohesion(SourceDocument.build(text, blocks=[4]), [(0, 8)], vectors(text, [4])) == (
        pytest.approx(1 / math.sqrt(2))
    )
    # "aaaab" + "bbb": a chunk of 3 blocks "aa" "aab" "bbb"
    doc = SourceDocument.build(text, blocks=[2, 5])
    chunk = np.array([4.0, 4.0]) / math.hypot(4, 4)
    pieces = [np.array([1.0, 0.0]), np.array([2.0, 1.0]) / math.hypot(2, 1), np.array([0.0, 1.0])]
    expected = float(np.mean([p @ chunk for p in pieces]))
    assert intrachunk_cohesion(doc, [(0, 8)], vectors(text, [2, 5])) == pytest.approx(expected)


def test_intrachunk_cohesion_excludes_single_block_chunks() -> None:
    text = "aaaabbbbab"
    doc = SourceDocument.build(text, blocks=[4, 8])
    vec = vectors(text, [4, 8])
    # chunk 2 ("ab") lies in one block and is excluded; chunk 1 has the value of the case above
    assert intrachunk_cohesion(doc, [(0, 8), (8, 10)], vec) == pytest.approx(1 / math.sqrt(2))
    assert intrachunk_cohesion(doc, [(0, 4), (4, 8), (8, 10)], vec) is None
    assert intrachunk_cohesion(SourceDocument.build(text), [(0, 10)], vectors(text)) is None  # no blocks
    assert intrachunk_cohesion(doc, [], vec) is None


# --- DCC ------------------------------------------------------------------------------------------------------


def test_context_windows_keep_two_members_and_a_new_last_member() -> None:
    text = "aaaabbbbbbbb"
    spans = [(0, 4), (4, 8), (8, 12)]
    assert [m for m, _ in context_windows(spans, text, len, 8)] == [[0, 1], [1, 2]]
    assert [p for _, p in context_windows(spans, text, len, 8)] == [[(0, 8)], [(4, 12)]]
    # a budget for all three: the window from chunk 1 ends on the same last member and is dropped
    assert [m for m, _ in context_windows(spans, text, len, 100)] == [[0, 1, 2]]
    # no pair fits: the first chunk is admitted alone, and no window is kept
    assert context_windows(spans, text, len, 7) == []
    # the first member is always admitted, however large
    assert [m for m, _ in context_windows([(0, 10), (10, 12)], text, len, 3)] == []
    assert [m for m, _ in context_windows([(0, 10), (10, 12)], text, len, 12)] == [[0, 1]]


def test_context_windows_concatenate_unseen_tails_of_overlapping_chunks() -> None:
    text = "abcdefghij"
    # chunk 1 overlaps chunk 0 by 2 characters: its tail is [6, 9); chunk 2 leaves a gap: its tail is [9, 10)
    windows = context_windows([(0, 6), (4, 9), (9, 10)], text, len, 100)
    assert windows == [([0, 1, 2], [(0, 10)])]
    windows = context_windows([(0, 4), (6, 8)], text, len, 100)
    assert windows == [([0, 1], [(0, 4), (6, 8)])]  # a gap: the window text skips it


def test_contextual_coherence_exact_value() -> None:
    text = "aaaabbbbbbbb"
    doc = SourceDocument.build(text)
    spans = [(0, 4), (4, 8), (8, 12)]
    # windows "aaaabbbb" -> (1, 1)/sqrt 2 with chunks (1, 0), (0, 1); "bbbbbbbb" -> (0, 1) with (0, 1), (0, 1)
    expected = (2 / math.sqrt(2) + 2) / 4
    assert contextual_coherence(doc, spans, vectors(text), len, window_tokens=8) == pytest.approx(expected)
    # one window of all three: (4, 8)/sqrt 80
    w = np.array([4.0, 8.0]) / math.hypot(4, 8)
    expected = (w[0] + w[1] + w[1]) / 3
    assert contextual_coherence(doc, spans, vectors(text), len, window_tokens=100) == pytest.approx(expected)


def test_contextual_coherence_undefined_cases() -> None:
    text = "aaaabbbb"
    doc = SourceDocument.build(text)
    assert contextual_coherence(doc, [(0, 8)], vectors(text), len) is None
    assert contextual_coherence(doc, [], vectors(text), len) is None
    assert contextual_coherence(doc, [(0, 4), (4, 8)], vectors(text), len, window_tokens=7) is None


def test_contextual_coherence_counts_each_chunk_once() -> None:
    calls: list[str] = []

    def counting(text: str) -> int:
        calls.append(text)
        return len(text)

    text = "ab" * 50
    spans = [(i, i + 10) for i in range(0, 100, 10)]
    context_windows(spans, text, counting, 30)
    assert len(calls) <= 2 * len(spans)  # each chunk's whole text and its tail once, not once per window


def test_pool_mode_weights_pieces_by_tokens() -> None:
    text = "aaaabb"
    # pool: blocks "aaaa" (1, 0) and "bb" (0, 1), each weighing 1 token with this counter -> (1, 1)/sqrt 2
    doc = SourceDocument.build(text, blocks=[4])
    pooled = SpanVectors(doc, EmbeddingCache(letters, counter=len), "pool", counter=lambda _: 1).of([(0, 6)])
    assert pooled[0] == pytest.approx([1 / math.sqrt(2), 1 / math.sqrt(2)])
    truncated = vectors(text, [4]).of([(0, 6)])
    assert truncated[0] == pytest.approx(np.array([4.0, 2.0]) / math.hypot(4, 2))
