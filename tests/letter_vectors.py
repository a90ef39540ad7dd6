"""A transparent embedder for metric tests: a text's vector is how many a and b it has."""

from __future__ import annotations

import numpy as np

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors


def letters(texts: list[str]) -> np.ndarray:
    """A transparent embedder: how many ``a`` and ``b`` a text has."""
    return np.array([[t.count("a"), t.count("b")] for t in texts], dtype=float)


def vectors(text: str, split_points: list[int] | None = None, mode: str = "truncate") -> SpanVectors:
    doc = SourceDocument.build(text, blocks=split_points)
    return SpanVectors(doc, EmbeddingCache(letters, counter=len), mode, counter=len)
