"""Two levels: parents made of whole chosen chunks, chosen per document by the paper's five metrics; the chunks are
exactly those of one level, every chunk lies in its parent, and the parents cost no embedding of their own."""

from __future__ import annotations

from importlib import resources

import pytest
from hashing_embedders import biased_vectors

from adaptive_splitters import AdaptiveChunker
from adaptive_splitters.levels import PARENT_METRICS, parent_of, snap

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
CHUNKS = [(0, 10), (10, 25), (25, 30), (30, 50), (50, 60)]


def test_snap_moves_each_boundary_to_the_nearest_chunk_start() -> None:
    assert snap([(0, 12), (12, 31), (31, 60)], CHUNKS) == [(0, 10), (10, 30), (30, 60)]
    assert snap([(0, 40), (40, 60)], CHUNKS) == [(0, 30), (30, 60)]  # 40: 30 and 50 tie, the earlier wins
    assert snap([(0, 60)], CHUNKS) == [(0, 60)]
    assert snap([(0, 2), (2, 4), (4, 60)], CHUNKS) == [(0, 60)]  # boundaries inside one chunk never cut it
    assert snap([(0, 60)], []) == []


def test_each_chunk_has_the_parent_its_start_lies_in() -> None:
    assert parent_of(CHUNKS, [(0, 10), (10, 30), (30, 60)]) == [0, 1, 1, 2, 2]


@pytest.fixture(scope="module")
def results() -> tuple[object, object]:
    flat = AdaptiveChunker(embedder=biased_vectors).chunk(SAMPLE)
    two = AdaptiveChunker(embedder=biased_vectors, parent_size=512).chunk(SAMPLE)
    return flat, two


def test_the_chunks_are_those_of_one_level_and_each_lies_in_its_parent(results: tuple) -> None:
    flat, two = results
    assert flat.parents is None
    assert [(c.start, c.end) for c in two.chunks] == [(c.start, c.end) for c in flat.chunks]
    assert two.chosen == flat.chosen
    assert two.scores == flat.scores
    parents = two.parents
    assert parents is not None
    assert parents.spans[0][0] == 0
    assert parents.spans[-1][1] == len(SAMPLE)
    assert all(a[1] == b[0] for a, b in zip(parents.spans, parents.spans[1:], strict=False))  # they tile the text
    for chunk in two.chunks:
        start, end = parents.spans[chunk.metadata["parent"]]
        assert start <= chunk.start <= chunk.end <= end
    starts = {c.start for c in two.chunks}
    assert {s for s, _ in parents.spans} <= starts  # runs of whole chunks
    assert len(parents.spans) < len(two.chunks)


def test_parents_are_chosen_by_the_papers_five_metrics_among_structural_candidates(results: tuple) -> None:
    _, two = results
    parents = two.parents
    assert set(parents.candidates) == {"recursive_512", "page", "markdown_sections", "structure_pattern"}
    for name, scores in parents.scores.items():
        assert all(scores[m] is not None for m in PARENT_METRICS), name
    best = max(parents.objective, key=lambda name: parents.objective[name] or 0)
    assert parents.chosen == best
    assert parents.chosen in parents.reason
    assert parents.spans == parents.candidates[parents.chosen]


def test_parents_cost_no_embedding_of_their_own(results: tuple) -> None:
    flat, two = results
    assert two.cost["embedding"]["texts_embedded"] == flat.cost["embedding"]["texts_embedded"]


def test_a_parent_size_not_above_the_chunk_size_is_refused() -> None:
    with pytest.raises(ValueError, match=r"parent_size \(100\) must be larger than chunk_size \(128\)"):
        AdaptiveChunker(chunk_size=128, parent_size=100)
    with pytest.raises(ValueError, match="parent_size"):
        AdaptiveChunker(parent_size=0)
