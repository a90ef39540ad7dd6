"""SentenceTransformerEmbedder: the real model's limit and cut points; one load (and one file check) per embedder,
under its own lock; pickling drops a model loaded from a path; loading changes no environment variable."""

from __future__ import annotations

import hashlib
import pickle
import subprocess
import sys
import threading
import time
from typing import Any

import pytest

from adaptive_splitters.embeddings.bundled import ModelIntegrityError
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder

LONE = "\ud800"


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


def test_real_model_cut_points_accept_lone_surrogates_with_unchanged_offsets(
    minilm: SentenceTransformerEmbedder,
) -> None:
    text = " ".join(f"interpretability{i} {LONE}" for i in range(200))
    cuts = minilm.cut_points(text)
    assert cuts
    assert cuts == minilm.cut_points(text.replace(LONE, "\ufffd"))


def test_cut_points_leave_the_models_tokenizer_as_encode_set_it(minilm: SentenceTransformerEmbedder) -> None:
    """A fast tokenizer keeps its truncation setting on itself; ``encode`` sets it to the window and cut points
    must see every token. Were both on one tokenizer, a thread cutting while another encodes could read a text
    truncated at the window; so cut points never touch the model's tokenizer."""
    text = " ".join(f"interpretability{i}" for i in range(300))
    minilm.embed(["a sentence encoded first"])
    backend = minilm.model.tokenizer.backend_tokenizer
    encoding = backend.truncation
    assert encoding is not None  # what encode leaves: truncation at the window
    cuts = minilm.cut_points(text)
    assert backend.truncation == encoding
    assert len(cuts) >= 2  # past the window: the text was read whole


def test_a_model_or_a_path_is_needed() -> None:
    with pytest.raises(ValueError, match="needs a model or a path"):
        SentenceTransformerEmbedder()


class FakeSentenceTransformer:
    """Stands in for ``SentenceTransformer``: records its loads, slowly (so threads overlap)."""

    loads: list[dict[str, Any]] = []  # noqa: RUF012 - reset by the fixture

    def __init__(self, path: str, **kwargs: Any) -> None:
        time.sleep(0.05)
        FakeSentenceTransformer.loads.append({"path": path, **kwargs})


@pytest.fixture
def fake_loader(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import sentence_transformers

    FakeSentenceTransformer.loads = []
    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", FakeSentenceTransformer)
    return FakeSentenceTransformer.loads


@pytest.fixture
def digests(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []
    real = hashlib.file_digest

    def counting(handle: Any, digest: Any) -> Any:
        calls.append(handle)
        return real(handle, digest)

    monkeypatch.setattr(hashlib, "file_digest", counting)
    return calls


def test_each_embedder_loads_and_checks_its_files_once(
    tmp_path: Any, fake_loader: list[dict[str, Any]], digests: list[Any]
) -> None:
    (tmp_path / "weights.bin").write_bytes(b"abc")
    checksums = {"weights.bin": hashlib.sha256(b"abc").hexdigest()}
    embedder = SentenceTransformerEmbedder(path=str(tmp_path), offline=True, checksums=checksums)
    threads = [threading.Thread(target=lambda: embedder.model) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert embedder.model is embedder.model
    assert len(fake_loader) == 1  # eight threads, one load, under the embedder's own lock
    assert len(digests) == 1  # the files were checked once, before that load
    assert fake_loader[0]["local_files_only"] is True  # offline without touching HF_HUB_OFFLINE

    other = SentenceTransformerEmbedder(path=str(tmp_path), checksums=checksums)
    assert other.model is not embedder.model
    assert len(fake_loader) == 2
    assert len(digests) == 2  # a second embedder checks on its own first load
    assert fake_loader[1]["local_files_only"] is False  # a model name on the hub may download

    (tmp_path / "weights.bin").write_bytes(b"abd")
    assert embedder.model is not None  # already loaded: not checked again
    clone = pickle.loads(pickle.dumps(embedder))
    assert clone._model is None  # the copy reloads lazily, and checks the files again first
    with pytest.raises(ModelIntegrityError, match=r"'weights\.bin'"):
        clone.embed(["x"])
    assert len(fake_loader) == 2


def test_a_given_model_is_kept_when_pickled() -> None:
    embedder = SentenceTransformerEmbedder(model=[1, 2, 3], name="given")
    clone = pickle.loads(pickle.dumps(embedder))
    assert clone.model == [1, 2, 3]
    assert clone.name == "given"


def test_loading_the_bundled_model_needs_and_changes_no_environment_variable() -> None:
    code = (
        "import os\n"
        "import sentence_transformers, torch  # their own import-time settings are not ours\n"
        "for name in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'):\n"
        "    os.environ.pop(name, None)\n"
        "before = dict(os.environ)\n"
        "from adaptive_splitters.embeddings.resolve import resolve_embedder\n"
        "assert resolve_embedder(None).embed(['offline, from local files']).shape == (1, 384)\n"
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
