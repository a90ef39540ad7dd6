"""Adapters: lone surrogates replaced on the way to every model; LangChain Embeddings and LlamaIndex BaseEmbedding
detected by duck typing, sync and async."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import numpy as np
import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from adaptive_splitters.embeddings.adapters import EmbedderAdapter, FrameworkEmbedder, model_text
from adaptive_splitters.embeddings.cache import EmbeddingCache
from adaptive_splitters.embeddings.resolve import resolve_embedder
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder
from adaptive_splitters.engine import AdaptiveChunker

LONE = "\ud800"
SURROGATE_TEXT = f"text {LONE} more. " * 60  # the text of issue #14, item 6
TEXTS = ["Providers must document their models.", "The weather is sunny today."]


def letters(texts: list[str]) -> np.ndarray:
    return np.array([[t.count("a") + 1.0, t.count("b"), len(t)] for t in texts])


def strict(texts: list[str]) -> np.ndarray:
    """An embedder that, like every UTF-8 tokenizer or API, rejects lone surrogates."""
    for text in texts:
        text.encode("utf-8")
    return letters(texts)


# --- lone surrogates (issue #14, item 6) ---------------------------------------------------------------------------


def test_model_text_replaces_lone_surrogates_one_for_one() -> None:
    assert model_text("plain ascii") == "plain ascii"
    assert model_text("ok 😀 é") == "ok 😀 é"
    assert model_text(f"a{LONE}b\udfff") == "a\ufffdb\ufffd"
    assert model_text("\ud83d\ude00") == "\ufffd\ufffd"  # a pair left unjoined in a str is two lone halves
    assert len(model_text(SURROGATE_TEXT)) == len(SURROGATE_TEXT)


def test_lone_surrogates_reach_every_embedder_replaced_while_cache_keys_keep_them() -> None:
    seen: list[str] = []

    def recording(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return strict(texts)

    class LangChainLike:
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return recording(texts).tolist()  # type: ignore[no-any-return]

    class LlamaIndexLike:
        def get_text_embedding_batch(self, texts: list[str]) -> list[list[float]]:
            return recording(texts).tolist()  # type: ignore[no-any-return]

    class OurProtocol:
        def embed(self, texts: list[str]) -> np.ndarray:
            return recording(texts)

    class UserAdapter(EmbedderAdapter):
        name = "user-adapter"

        def embed(self, texts: list[str]) -> np.ndarray:
            return recording(texts)

        def cut_points(self, text: str) -> list[int]:
            text.encode("utf-8")
            return [text.index(" ", 10)]

    text = f"alpha {LONE} beta"
    for spec in (recording, LangChainLike(), LlamaIndexLike(), OurProtocol(), UserAdapter()):
        seen.clear()
        cache = EmbeddingCache(spec)
        rows = cache.embed([text, text])
        assert rows.shape == (2, 3)
        assert seen == ["alpha \ufffd beta"], spec  # the model sees U+FFFD, once
        assert list(cache.store) == [(cache.identity, text)]  # the key is the source text
        seen.clear()
        assert resolve_embedder(spec).embed([text]).shape == (1, 3)  # adapters called directly are covered too
        assert seen == ["alpha \ufffd beta"]
    adapter = UserAdapter()
    long_text = f"{LONE} " * 20
    assert adapter.cut_points(long_text) == [long_text.index(" ", 10)]  # offsets into the source text


def test_default_chunker_chunks_text_with_lone_surrogates_and_keeps_them() -> None:
    paragraphs = (f"text {LONE} more. " * 40 + "\n\n") * 6  # blocks of about 160 tokens
    chunker = AdaptiveChunker(chunk_size=400)  # two blocks a chunk: ICC is defined; the default embedder
    for text in (SURROGATE_TEXT, paragraphs):
        result = chunker.chunk(text)
        for chunks in result.candidates.values():
            assert "".join(c.text for c in chunks) == text
            assert [c.start for c in chunks] == [0, *(c.end for c in chunks[:-1])]
            assert chunks[-1].end == len(text)
            assert all(c.text == text[c.start : c.end] for c in chunks)
        assert LONE in result.chunks[0].text
    scores = result.scores[result.chosen]
    assert isinstance(scores["ICC"], float)
    assert isinstance(scores["DCC"], float)
    assert 0.0 <= scores["ICC"] <= 1.0
    assert 0.0 <= scores["DCC"] <= 1.0


# --- framework embedders -------------------------------------------------------------------------------------------


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
    assert "adaptive_splitters.embeddings.adapters" in sys.modules
    with pytest.raises(TypeError):
        FrameworkEmbedder(object(), "embed_documents", "aembed_documents")
