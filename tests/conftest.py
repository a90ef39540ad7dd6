"""Shared fixtures: the real default embedding model, loaded once per session (offline)."""

from __future__ import annotations

import pytest

from adaptive_splitters.embeddings import SentenceTransformerEmbedder, resolve_embedder


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """The bundled all-MiniLM-L6-v2, loaded on first embedding and shared by every test."""
    embedder = resolve_embedder(None)
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder
