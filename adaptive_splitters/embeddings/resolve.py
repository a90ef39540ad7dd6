"""From what a user passes as ``embedder=`` to an :class:`~adaptive_splitters.embeddings.adapters.EmbedderAdapter`.

The default is the bundled all-MiniLM-L6-v2 (``docs/model.md``), loaded offline and only on the first embedding.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from adaptive_splitters.embeddings.adapters import (
    CallableEmbedder,
    Embedder,
    EmbedderAdapter,
    FrameworkEmbedder,
    object_name,
)
from adaptive_splitters.embeddings.bundled import BUNDLED_MODEL_SHA256, bundled_model_path
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_ALIASES = frozenset({"all-MiniLM-L6-v2", DEFAULT_MODEL})
"""Model names that resolve to the bundled copy."""


def resolve_embedder(spec: Any = None, *, device: str | None = None) -> EmbedderAdapter:
    """The embedder for ``spec``.

    Args:
        spec: ``None`` (the bundled all-MiniLM-L6-v2, offline), a model name or local path (``"all-MiniLM-L6-v2"``
            and ``"sentence-transformers/all-MiniLM-L6-v2"`` resolve to the bundled copy), a sentence-transformers
            model, a LangChain ``Embeddings``, a LlamaIndex embedding, an object with ``embed(texts)``, or any callable
            ``list[str] -> vectors``.
        device: the torch device for models loaded by name.

    Raises:
        TypeError: ``spec`` is none of the above.
    """
    if spec is None or isinstance(spec, (str, os.PathLike)):
        return _named_model(spec, device)
    if isinstance(spec, EmbedderAdapter):
        return spec
    if hasattr(spec, "encode") and hasattr(spec, "tokenizer"):
        return SentenceTransformerEmbedder(spec)
    if hasattr(spec, "embed_documents") or hasattr(spec, "aembed_documents"):  # LangChain Embeddings
        return FrameworkEmbedder(spec, "embed_documents", "aembed_documents")
    if hasattr(spec, "get_text_embedding_batch") or hasattr(spec, "aget_text_embedding_batch"):  # LlamaIndex
        return FrameworkEmbedder(spec, "get_text_embedding_batch", "aget_text_embedding_batch")
    if isinstance(spec, Embedder):
        return CallableEmbedder(spec.embed, object_name(spec))
    if hasattr(spec, "encode"):
        return CallableEmbedder(spec.encode, object_name(spec))
    if callable(spec):
        return CallableEmbedder(spec)
    msg = (
        "embedder must be None, a model name or path, a sentence-transformers model, a LangChain or LlamaIndex "
        f"embedding, an object with embed(texts), or a callable texts -> vectors (received {type(spec).__name__})"
    )
    raise TypeError(msg)


def _named_model(spec: str | os.PathLike[str] | None, device: str | None) -> SentenceTransformerEmbedder:
    """The bundled model (``None`` or an alias), a local model folder (loaded offline), or a model on the hub."""
    if spec is None or (isinstance(spec, str) and spec in BUNDLED_ALIASES):
        return SentenceTransformerEmbedder(
            path=str(bundled_model_path()),
            name=DEFAULT_MODEL,
            offline=True,
            device=device,
            checksums=BUNDLED_MODEL_SHA256,
        )
    path = str(spec)
    local = Path(path).expanduser()
    if local.is_dir():
        return SentenceTransformerEmbedder(path=str(local), name=path, offline=True, device=device)
    if isinstance(spec, os.PathLike) or local.is_absolute() or path.startswith((".", "~")):
        msg = f"no embedding model folder at {path!r}"
        raise ValueError(msg)
    return SentenceTransformerEmbedder(path=path, name=path, device=device)  # a model name on the hub


def input_window(spec: Any = None) -> int | None:
    """How many of its own tokens the embedder ``spec`` reads, when it says so without being loaded: a
    sentence-transformers model's ``max_seq_length``, or the ``sentence_bert_config.json`` of a model folder (the
    bundled model's: 256); ``None`` when unknown (LangChain and LlamaIndex embeddings, callables, hub names)."""
    if isinstance(spec, SentenceTransformerEmbedder):
        spec = spec.spec
    if spec is None or (isinstance(spec, str) and spec in BUNDLED_ALIASES):
        spec = bundled_model_path()
    if isinstance(spec, (str, os.PathLike)):
        config = Path(spec).expanduser() / "sentence_bert_config.json"
        try:
            length = json.loads(config.read_text(encoding="utf-8")).get("max_seq_length")
        except (OSError, ValueError, AttributeError):
            return None
    else:
        length = getattr(spec, "max_seq_length", None)
    return length if isinstance(length, int) and not isinstance(length, bool) and length > 0 else None


def embedder_label(spec: Any) -> str:
    """An embedder object described for a cache key: its model name (without the object's id, so the same model
    gives the same label in every process) and its input window when known, which sets the default chunk size.
    Objects that carry no model name (two functions of one name, two instances of one class) share a label."""
    name = resolve_embedder(spec).name
    for owner in (spec, getattr(spec, "__self__", None)):
        name = name.removesuffix(f"@{id(owner):x}")
    window = input_window(spec)
    return f"{name!r}, window {window}" if window is not None else repr(name)
