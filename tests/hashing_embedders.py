"""Cheap deterministic embedders for tests where the real model is not the point: LangChain and LlamaIndex
embedding classes over one hashing function (bag of hashed words, unit length)."""

from __future__ import annotations

import hashlib
import math

from langchain_core.embeddings import Embeddings
from llama_index.core.base.embeddings.base import BaseEmbedding

DIMENSIONS = 64


def hashed_vector(text: str) -> list[float]:
    """A unit vector from the hashed words of ``text`` (the same text always gives the same vector)."""
    vector = [0.0] * DIMENSIONS
    for word in text.lower().split():
        digest = hashlib.sha256(word.encode("utf-8", "surrogatepass")).digest()
        vector[digest[0] % DIMENSIONS] += 1.0 if digest[1] % 2 else -1.0
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def hashed_vectors(texts: list[str]) -> list[list[float]]:
    """A batch of :func:`hashed_vector`: an ``embedder=`` for engines whose tests are not about the model."""
    return [hashed_vector(t) for t in texts]


class HashingEmbeddings(Embeddings):
    """LangChain embeddings over :func:`hashed_vector`."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [hashed_vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return hashed_vector(text)


class HashingEmbedding(BaseEmbedding):
    """A LlamaIndex embedding over :func:`hashed_vector`."""

    def _get_text_embedding(self, text: str) -> list[float]:
        return hashed_vector(text)

    def _get_query_embedding(self, query: str) -> list[float]:
        return hashed_vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return hashed_vector(query)


def biased_vectors(texts: list[str]) -> list[list[float]]:
    """:func:`hashed_vectors` with one constant component more, so whitespace-only pieces (which a real corpus has)
    get a vector too: an ``embedder=`` for corpus tests, importable by worker processes."""
    return [[*hashed_vector(t), 1.0] for t in texts]


def poisoned_vectors(texts: list[str]) -> list[list[float]]:
    """:func:`biased_vectors`, but NaN for a text containing ``POISON``: a document that fails in its embedding
    stage, as a broken model would make it fail, for corpus tests (importable by worker processes)."""
    return [
        [math.nan] * (DIMENSIONS + 1) if "POISON" in t else v for t, v in zip(texts, biased_vectors(texts), strict=True)
    ]
