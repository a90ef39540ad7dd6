"""Shared fixtures: the real default embedding model, loaded once per session (offline), and a cheap
deterministic embedder for tests that are not about the model."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hashing_embedders import hashed_vectors

from adaptive_splitters.embeddings import SentenceTransformerEmbedder, resolve_embedder


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """The bundled all-MiniLM-L6-v2, loaded on first embedding and shared by every test."""
    embedder = resolve_embedder(None)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


@pytest.fixture(scope="session")
def cheap_embedder() -> Callable[[list[str]], list[list[float]]]:
    """Texts -> unit vectors of hashed words: deterministic, instant, offline (``embedder=cheap_embedder``)."""
    return hashed_vectors
