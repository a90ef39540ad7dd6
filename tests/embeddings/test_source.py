"""EmbeddingSource: one owner's embedder, resolved once and thread-safely; span vectors per document; pickling
drops the model."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import numpy as np
import pytest

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings import resolve as resolve_module
from adaptive_splitters.embeddings.adapters import CallableEmbedder, EmbedderAdapter
from adaptive_splitters.embeddings.cache import EmbeddingCache
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder
from adaptive_splitters.embeddings.source import EmbeddingSource
from adaptive_splitters.embeddings.vectors import SpanVectors


def letters(texts: list[str]) -> np.ndarray:
    return np.array([[t.count("a") + 1.0, t.count("b"), len(t)] for t in texts])


DOC = SourceDocument.build("aaa bbb\nab ab ab\n", blocks=[8])


def test_the_default_is_the_bundled_model_resolved_lazily() -> None:
    source = EmbeddingSource()
    assert source._model is None
    model = source.model()
    assert isinstance(model, SentenceTransformerEmbedder)
    assert model._model is None  # resolving does not load: the first embedding does
    assert source.model() is model


def test_the_model_is_resolved_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    real = resolve_module.resolve_embedder

    def counting(spec: Any = None, **kwargs: Any) -> EmbedderAdapter:
        calls.append(spec)
        return real(spec, **kwargs)

    from adaptive_splitters.embeddings import source as source_module

    monkeypatch.setattr(source_module, "resolve_embedder", counting)
    source = EmbeddingSource(letters)
    seen: list[EmbedderAdapter] = []
    threads = [threading.Thread(target=lambda: seen.append(source.model())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert all(model is seen[0] for model in seen)


def test_vectors_use_a_fresh_cache_per_document_or_the_shared_one() -> None:
    source = EmbeddingSource(letters)
    first = source.vectors(DOC, "pool", len)
    second = source.vectors(DOC, "truncate", len)
    assert isinstance(first, SpanVectors)
    assert first.mode == "pool"
    assert second.mode == "truncate"
    assert first.cache is not second.cache  # one cache per document
    assert first.cache.embedder is second.cache.embedder is source.model()  # one model per owner
    assert first.counter is len
    assert first.of([(0, 8)]).shape == (1, 3)

    shared = EmbeddingCache(CallableEmbedder(letters, name="shared"), counter=len)
    vectors = EmbeddingSource(letters).vectors(DOC, "pool", len, cache=shared)
    assert vectors.cache is shared
    vectors.of([(0, 8)])
    assert len(shared) == 1


def test_pickling_drops_the_model_and_it_resolves_again() -> None:
    source = EmbeddingSource(letters)
    model = source.model()
    clone = pickle.loads(pickle.dumps(source))
    assert clone._model is None
    assert clone.embedder is letters
    assert isinstance(clone.model(), CallableEmbedder)
    assert clone.model() is not model
    assert clone.vectors(DOC, "pool", len).of([(0, 8)]).shape == (1, 3)
