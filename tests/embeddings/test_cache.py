"""EmbeddingCache: each distinct text embedded once, in batches; bad embedder outputs named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from adaptive_splitters.embeddings.adapters import CallableEmbedder
from adaptive_splitters.embeddings.cache import EmbeddingCache
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder


def letters(texts: list[str]) -> np.ndarray:
    return np.array([[t.count("a") + 1.0, t.count("b"), len(t)] for t in texts])


@pytest.mark.parametrize(
    ("function", "match"),
    [
        (lambda texts: np.ones((len(texts) + 1, 3)), r"returned shape \(3, 3\) for 2 texts"),
        (lambda texts: np.ones(len(texts)), r"returned shape \(2,\) for 2 texts"),
        (lambda texts: np.array([[1.0, np.nan]] * len(texts)), "NaN or infinite"),
        (lambda texts: np.array([[0.0, 0.0] if t == "b" else [1.0, 0.0] for t in texts]), "zero vector for text 'b'"),
        (lambda texts: [["x", "y"] for _ in texts], "not a numeric array"),
    ],
)
def test_bad_embedder_outputs_are_named(function: Any, match: str) -> None:
    cache = EmbeddingCache(CallableEmbedder(function, name="broken-model"))
    with pytest.raises(ValueError, match=match) as caught:
        cache.embed(["a", "b"])
    assert "'broken-model'" in str(caught.value)


def test_dimension_change_is_an_error() -> None:
    dims = iter([2, 3])

    def varying(texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), next(dims)))

    cache = EmbeddingCache(varying)
    cache.embed(["a"])
    with pytest.raises(ValueError, match="dimension 3, earlier ones had 2"):
        cache.embed(["b"])


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        EmbeddingCache(letters, batch_size=0)


def test_cache_embeds_each_distinct_text_once_in_batches() -> None:
    batches: list[list[str]] = []

    def recording(texts: list[str]) -> np.ndarray:
        batches.append(list(texts))
        return letters(texts)

    cache = EmbeddingCache(recording, counter=len)
    texts = [f"text {i} " + "a" * i for i in range(70)]
    rows = cache.embed([*texts, *texts[:5]])
    assert rows.shape == (75, 3)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert [len(b) for b in batches] == [32, 32, 6]
    assert sorted(t for b in batches for t in b) == sorted(texts)
    assert cache.stats.texts_embedded == 70
    assert cache.stats.cache_hits == 5
    assert cache.stats.tokens_embedded == sum(len(t) for t in texts)
    again = cache.embed(texts[::-1])
    assert len(batches) == 3
    assert cache.stats.cache_hits == 75
    assert np.array_equal(again, rows[:70][::-1])
    assert cache.embed([]).shape == (0, 3)


def test_real_model_vectors_are_normalised_and_cached(minilm: SentenceTransformerEmbedder) -> None:
    cache = EmbeddingCache(minilm)
    rows = cache.embed(["The cat sat on the mat.", "A cat was sitting on a mat.", "Quarterly revenue grew."])
    assert rows.shape == (3, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]
    direct = minilm.model.encode(["The cat sat on the mat."], normalize_embeddings=True)
    assert np.allclose(rows[0], direct[0], atol=1e-5)
    # a sentence-transformers model object resolves to the same vectors
    assert np.allclose(EmbeddingCache(minilm.model).embed(["The cat sat on the mat."])[0], rows[0], atol=1e-5)
