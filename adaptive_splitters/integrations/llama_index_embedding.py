"""``MiniLMEmbedding``: the bundled all-MiniLM-L6-v2 as a LlamaIndex embedding model (offline, CPU)."""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import Field, PrivateAttr

from adaptive_splitters.embeddings.resolve import DEFAULT_MODEL


class MiniLMEmbedding(BaseEmbedding):
    """The bundled all-MiniLM-L6-v2 as a LlamaIndex embedding model: offline, CPU, normalised vectors.

    An embedding model for ingestion pipelines that works right after ``pip install``; ``embedded`` counts the
    texts it has embedded (private, so it does not change the ingestion cache key).
    """

    model_name: str = Field(default=DEFAULT_MODEL, description="The bundled model's upstream name.")

    _model: Any = PrivateAttr(default=None)
    _embedded: int = PrivateAttr(default=0)

    @classmethod
    def class_name(cls) -> str:
        """``"MiniLMEmbedding"``."""
        return "MiniLMEmbedding"

    @property
    def embedded(self) -> int:
        """How many texts this model has embedded."""
        return self._embedded

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if self._model is None:
            from adaptive_splitters.embeddings import resolve_embedder

            self._model = resolve_embedder()
        self._embedded += len(texts)
        return [[float(x) for x in row] for row in self._model.embed(list(texts))]  # already unit length

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
