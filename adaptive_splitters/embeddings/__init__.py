"""Embeddings for ICC and DCC (docs/method.md#intrachunk-cohesion-icc, docs/method.md#document-contextual-coherence-dcc,
docs/method.md#long-texts): one protocol, adapters, a shared cache, and span vectors.

The modules follow the data path: :mod:`~adaptive_splitters.embeddings.adapters` (the protocol and the adapters
every embedder is wrapped in; lone surrogates replaced on the way to a model),
:mod:`~adaptive_splitters.embeddings.bundled` (the bundled all-MiniLM-L6-v2: its folder, pinned hashes and their
check; ``docs/model.md``), :mod:`~adaptive_splitters.embeddings.sentence_transformer` (a sentence-transformers model,
loaded lazily and offline), :mod:`~adaptive_splitters.embeddings.resolve` (``embedder=`` → adapter),
:mod:`~adaptive_splitters.embeddings.cache` (each text embedded once, vectors checked and normalised),
:mod:`~adaptive_splitters.embeddings.vectors` (span vectors, ``pool`` or ``truncate``) and
:mod:`~adaptive_splitters.embeddings.source` (one owner's lazily loaded model).

The default model is loaded on the first embedding; torch and sentence-transformers are imported only then, so
importing this package stays light. Every name below is re-exported for ``from adaptive_splitters.embeddings
import ...``; code inside the package imports the exact submodule.
"""

from __future__ import annotations

from adaptive_splitters.core.config import LONG_TEXT_MODES
from adaptive_splitters.embeddings.adapters import (
    DEFAULT_BATCH_SIZE,
    CallableEmbedder,
    Embedder,
    EmbedderAdapter,
    FrameworkEmbedder,
    model_text,
)
from adaptive_splitters.embeddings.bundled import (
    BUNDLED_MODEL_REVISION,
    BUNDLED_MODEL_SHA256,
    BUNDLED_MODEL_SOURCE,
    BUNDLED_MODEL_WHEEL,
    ModelIntegrityError,
    bundled_model_path,
    file_sha256,
    verify_bundled_model,
    verify_model_files,
)
from adaptive_splitters.embeddings.cache import EmbeddingCache, EmbeddingStats
from adaptive_splitters.embeddings.resolve import DEFAULT_MODEL, resolve_embedder
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder
from adaptive_splitters.embeddings.source import EmbeddingSource
from adaptive_splitters.embeddings.vectors import LongTexts, SpanVectors

__all__ = [
    "BUNDLED_MODEL_REVISION",
    "BUNDLED_MODEL_SHA256",
    "BUNDLED_MODEL_SOURCE",
    "BUNDLED_MODEL_WHEEL",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MODEL",
    "LONG_TEXT_MODES",
    "CallableEmbedder",
    "Embedder",
    "EmbedderAdapter",
    "EmbeddingCache",
    "EmbeddingSource",
    "EmbeddingStats",
    "FrameworkEmbedder",
    "LongTexts",
    "ModelIntegrityError",
    "SentenceTransformerEmbedder",
    "SpanVectors",
    "bundled_model_path",
    "file_sha256",
    "model_text",
    "resolve_embedder",
    "verify_bundled_model",
    "verify_model_files",
]
