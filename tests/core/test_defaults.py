"""The defaults that follow from the embedder, and the paper's configuration by name."""

from __future__ import annotations

import pytest
from hashing_embedders import HashingEmbeddings, hashed_vectors

from adaptive_splitters import AdaptiveChunker, AdaptiveTextSplitter
from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.core.limits import default_chunk_size


@pytest.mark.parametrize(("window", "size"), [(256, 128), (512, 256), (8192, 1100), (2, 1), (1, 1), (None, 256)])
def test_the_default_size_is_half_the_window_at_most_the_papers(window: int | None, size: int) -> None:
    assert default_chunk_size(window) == size


def test_the_bundled_model_gives_128_and_the_candidates_follow() -> None:
    chunker = AdaptiveChunker()
    assert chunker.chunk_size == 128
    assert [c.name for c in chunker.candidates] == ["recursive_128", "recursive_70", "page"]
    assert chunker.config.long_texts == "sentences"
    assert [m.name for m in chunker.metrics][:6] == ["SC", "BI", "RC", "ICC", "DCC", "SR"]
    assert AdaptiveTextSplitter()._chunk_size == 128


def test_an_embedder_that_reports_no_window_gets_256() -> None:
    assert AdaptiveChunker(embedder=hashed_vectors).chunk_size == 256
    assert AdaptiveTextSplitter(embedder=HashingEmbeddings()).chunker.chunk_size == 256


def test_a_model_object_reporting_its_window_sizes_the_chunks() -> None:
    class Model:
        max_seq_length = 512
        tokenizer = None

        def encode(self, texts: list[str]) -> list[list[float]]:
            return hashed_vectors(texts)

    assert AdaptiveChunker(embedder=Model()).chunk_size == 256


def test_a_given_chunk_size_wins_over_the_window() -> None:
    assert AdaptiveChunker(chunk_size=1100).chunk_size == 1100
    assert AdaptiveChunker(max_tokens=300).chunk_size == 300


def test_the_papers_configuration_by_name() -> None:
    config = ChunkerConfig.paper()
    chunker = AdaptiveChunker(config)
    assert [c.name for c in chunker.candidates] == ["recursive_1100", "recursive_600", "page"]
    assert [m.name for m in chunker.metrics] == ["SC", "BI", "RC", "ICC", "DCC"]
    assert (chunker.chunk_size, config.selection, config.long_texts) == (1100, "paper", "truncate")
    assert (chunker.limits.min_tokens, chunker.limits.merge_limit) == (100, 1150)
    assert ChunkerConfig.paper(long_texts="pool").long_texts == "pool"
    with pytest.raises(TypeError, match="unknown setting 'colour'"):
        ChunkerConfig.paper(colour="red")


def test_the_max_tokens_alias_works_with_the_derived_default() -> None:
    assert AdaptiveTextSplitter(max_tokens=200).chunker.chunk_size == 200
    assert ChunkerConfig.paper(max_tokens=600).chunk_size == 600
    with pytest.raises(ValueError, match="not both"):
        AdaptiveTextSplitter(chunk_size=100, max_tokens=200)


def test_the_size_follows_the_model_of_a_given_embedding_cache() -> None:
    from adaptive_splitters.embeddings import EmbeddingCache

    assert AdaptiveChunker(embedding_cache=EmbeddingCache(hashed_vectors)).chunk_size == 256
    assert AdaptiveChunker(embedding_cache=EmbeddingCache()).chunk_size == 128
