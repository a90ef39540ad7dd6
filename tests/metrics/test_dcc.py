"""DCC (contextual coherence) with a transparent embedder: windows, exact values, undefined cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from letter_vectors import vectors

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.metrics import context_windows, contextual_coherence


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
