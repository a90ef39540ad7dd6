"""Self-Retrieval (SR): sentences as queries, chunks as a vector store keeps them, a budget of tokens."""

from __future__ import annotations

import numpy as np
import pytest
from hashing_embedders import hashed_vectors

from adaptive_splitters import AdaptiveChunker
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors
from adaptive_splitters.metrics.sr import query_spans, self_retrieval


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float64)
    return v / np.linalg.norm(v)


SPANS = [(0, 10), (10, 20), (20, 30)]
CHUNKS = np.stack([unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)])


def test_each_query_finds_its_own_chunk_first() -> None:
    queries = [(2, 8), (12, 18), (22, 28)]
    assert self_retrieval(SPANS, queries, CHUNKS, CHUNKS, [10, 10, 10], budget=10) == 1.0


def test_a_chunk_ranked_past_the_budget_is_not_taken() -> None:
    # the query points at chunk 0 first, chunk 1 second, its own text (chunk 2) third
    query = unit(3, 2, 1)[None, :]
    assert self_retrieval(SPANS, [(22, 28)], query, CHUNKS, [10, 10, 10], budget=20) == 0.0
    assert self_retrieval(SPANS, [(22, 28)], query, CHUNKS, [10, 10, 10], budget=30) == 1.0
    # smaller chunks ahead of it leave room within the same budget
    assert self_retrieval(SPANS, [(22, 28)], query, CHUNKS, [5, 5, 10], budget=20) == 1.0


def test_the_first_chunk_is_always_taken_even_over_budget() -> None:
    assert self_retrieval(SPANS, [(2, 8)], CHUNKS[:1], CHUNKS, [500, 10, 10], budget=20) == 1.0


def test_a_query_cut_by_a_boundary_counts_the_share_found() -> None:
    query = unit(1, 0, 0)[None, :]  # finds chunk 0 only; the query runs 6..14, 4 of its 8 characters in chunk 0
    assert self_retrieval(SPANS, [(6, 14)], query, CHUNKS, [10, 10, 10], budget=10) == 0.5


def test_ties_go_to_the_earlier_chunk() -> None:
    query = unit(1, 1, 0)[None, :]
    assert self_retrieval(SPANS, [(12, 18)], query, CHUNKS, [10, 10, 10], budget=10) == 0.0
    assert self_retrieval(SPANS, [(2, 8)], query, CHUNKS, [10, 10, 10], budget=10) == 1.0


def test_undefined_without_queries_or_chunks() -> None:
    assert self_retrieval(SPANS, [], np.zeros((0, 3)), CHUNKS, [10, 10, 10], 10) is None
    assert self_retrieval([], [(0, 5)], CHUNKS[:1], np.zeros((0, 3)), [], 10) is None


def _vectors(text: str, mode: str = "sentences") -> SpanVectors:
    doc = SourceDocument.build(text)
    return SpanVectors(doc, EmbeddingCache(hashed_vectors), mode)


def test_queries_are_the_longer_sentences_evenly_spaced() -> None:
    text = "".join(f"Sentence number {i} talks about topic {i} at length. Short one. " for i in range(10))
    vectors = _vectors(text)
    queries = query_spans(vectors)
    assert [text[s:e].strip() for s, e in queries] == [
        f"Sentence number {i} talks about topic {i} at length." for i in range(10)
    ]
    sampled = query_spans(vectors, max_queries=4)
    assert [text[s:e].split()[2] for s, e in sampled] == ["0", "3", "6", "9"]


def test_a_chunk_past_the_window_is_found_only_by_its_beginning() -> None:
    sentences = [f"Topic{i} alpha{i} beta{i} gamma{i} delta{i}. " for i in range(6)]
    text = "".join(sentences)
    vectors = _vectors(text)
    one_chunk = [(0, len(text))]
    counter = vectors.counter
    first = counter(sentences[0])
    stored = vectors.retrieved(one_chunk, window=first)[0]  # the window holds the first sentence only
    assert stored @ vectors.of([(0, len(sentences[0]))])[0] == pytest.approx(1.0)
    whole = vectors.retrieved(one_chunk, window=10**9)[0]
    assert whole == pytest.approx(vectors.of(one_chunk)[0])


def test_the_engine_scores_sr_with_a_budget_of_four_chunk_sizes() -> None:
    text = "".join(f"Subject{i % 7} verb{i} object{i % 3} adverb{i} adjective{i % 5} noun{i}. " for i in range(60))
    chunker = AdaptiveChunker(metrics=["SR"], embedder=hashed_vectors, chunk_size=40)
    result = chunker.chunk(text)
    vectors = _vectors(text)
    queries = query_spans(vectors)
    for name, chunks in result.candidates.items():
        spans = [c.span for c in chunks]
        tokens = [chunker.counter(c.text) for c in chunks]
        expected = self_retrieval(spans, queries, vectors.of(queries), vectors.retrieved(spans, 2**31), tokens, 160)
        assert result.scores[name]["SR"] == pytest.approx(expected)
        assert 0.0 < result.scores[name]["SR"] <= 1.0


def test_punctuation_and_emoji_runs_ask_nothing() -> None:
    assert query_spans(_vectors("..... ,,,,, !!!!! 😀😀😀😀😀😀😀😀 " * 20)) == []
