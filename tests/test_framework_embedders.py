"""LangChain Embeddings and LlamaIndex BaseEmbedding as embedders: detected by duck typing, sync and async."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from adaptive_splitters.embeddings import (
    EmbeddingCache,
    FrameworkEmbedder,
    SentenceTransformerEmbedder,
    resolve_embedder,
)
from adaptive_splitters.engine import AdaptiveChunker

TEXTS = ["Providers must document their models.", "The weather is sunny today."]


class MiniLMEmbeddings(Embeddings):
    """A LangChain Embeddings over the bundled all-MiniLM-L6-v2."""

    def __init__(self, model: SentenceTransformerEmbedder) -> None:
        self.model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class AsyncOnlyEmbeddings(MiniLMEmbeddings):
    """A LangChain Embeddings whose sync path is not implemented."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        await asyncio.sleep(0)
        return self.model.embed(texts).tolist()


class MiniLMLlamaEmbedding(BaseEmbedding):
    """A LlamaIndex BaseEmbedding over the bundled all-MiniLM-L6-v2."""

    _model: Any = PrivateAttr()

    def __init__(self, model: SentenceTransformerEmbedder, **kwargs: Any) -> None:
        super().__init__(model_name="minilm-llama", **kwargs)
        self._model = model

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embedding(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._model.embed([text])[0].tolist()


def test_langchain_embeddings_match_the_model(minilm: SentenceTransformerEmbedder) -> None:
    adapter = resolve_embedder(MiniLMEmbeddings(minilm))
    assert isinstance(adapter, FrameworkEmbedder)
    assert np.allclose(adapter.embed(TEXTS), minilm.embed(TEXTS), atol=1e-5)


def test_llama_index_embedding_matches_the_model(minilm: SentenceTransformerEmbedder) -> None:
    adapter = resolve_embedder(MiniLMLlamaEmbedding(minilm))
    assert isinstance(adapter, FrameworkEmbedder)
    assert adapter.name.startswith("minilm-llama@")
    assert np.allclose(adapter.embed(TEXTS), minilm.embed(TEXTS), atol=1e-5)


def test_async_only_embeddings_run_with_and_without_a_loop(minilm: SentenceTransformerEmbedder) -> None:
    adapter = resolve_embedder(AsyncOnlyEmbeddings(minilm))
    expected = minilm.embed(TEXTS)
    assert np.allclose(adapter.embed(TEXTS), expected, atol=1e-5)

    async def inside_a_loop() -> np.ndarray:
        return adapter.embed(TEXTS)

    assert np.allclose(asyncio.run(inside_a_loop()), expected, atol=1e-5)


def test_framework_embedders_are_cached_and_used_by_the_engine() -> None:
    fake = DeterministicFakeEmbedding(size=16)
    cache = EmbeddingCache(fake)
    first = cache.embed(TEXTS)
    again = cache.embed(TEXTS)
    assert np.array_equal(first, again)
    assert cache.stats.texts_embedded == 2
    assert cache.stats.cache_hits == 2
    text = ("Rules apply to providers. They must document their models.\n\n") * 300
    result = AdaptiveChunker(candidates=["recursive_1100", "recursive_600"], embedder=fake).chunk(text)
    assert result.cost["embedding"]["texts_embedded"] > 0
    assert any(row["ICC"] is not None or row["DCC"] is not None for row in result.scores.values())


def test_frameworks_are_not_imported_by_resolving_other_embedders() -> None:
    resolve_embedder(lambda texts: [[1.0, 0.0] for _ in texts])
    assert "adaptive_splitters.embeddings" in sys.modules
    with pytest.raises(TypeError):
        FrameworkEmbedder(object(), "embed_documents", "aembed_documents")
