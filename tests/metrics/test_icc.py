"""ICC (intrachunk cohesion) with a transparent embedder: exact values, undefined cases, pooled pieces."""

from __future__ import annotations

import math

import numpy as np
import pytest
from letter_vectors import letters, vectors

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors
from adaptive_splitters.metrics import chunk_pieces, intrachunk_cohesion


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


def test_pool_mode_weights_pieces_by_tokens() -> None:
    text = "aaaabb"
    # pool: blocks "aaaa" (1, 0) and "bb" (0, 1), each weighing 1 token with this counter -> (1, 1)/sqrt 2
    doc = SourceDocument.build(text, blocks=[4])
    pooled = SpanVectors(doc, EmbeddingCache(letters, counter=len), "pool", counter=lambda _: 1).of([(0, 6)])
    assert pooled[0] == pytest.approx([1 / math.sqrt(2), 1 / math.sqrt(2)])
    truncated = vectors(text, [4]).of([(0, 6)])
    assert truncated[0] == pytest.approx(np.array([4.0, 2.0]) / math.hypot(4, 2))
