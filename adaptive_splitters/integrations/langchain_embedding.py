"""``MiniLMEmbeddings``: the bundled all-MiniLM-L6-v2 as LangChain ``Embeddings`` (offline, CPU), so a LangChain
pipeline (splitter, vector store, budget retriever) runs right after ``pip install``."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.embeddings import Embeddings

from adaptive_splitters.embeddings.adapters import EmbedderAdapter


class MiniLMEmbeddings(Embeddings):
    """The bundled all-MiniLM-L6-v2 as LangChain embeddings: offline, CPU, unit-length vectors.

    The model loads on the first call, once (one instance may be shared by threads); queries and documents are
    embedded alike (the model has no query prefix). It reads 256 word pieces: what lies past them is not seen, which
    is why our chunks are sized to half of that.
    """

    def __init__(self) -> None:
        self._model: EmbedderAdapter | None = None
        self._lock = threading.Lock()

    def _embedder(self) -> EmbedderAdapter:
        with self._lock:
            if self._model is None:
                from adaptive_splitters.embeddings import resolve_embedder

                self._model = resolve_embedder()
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text."""
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._embedder().embed(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        """The vector of ``text``, as :meth:`embed_documents` gives it."""
        return self.embed_documents([text])[0]

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the model is loaded again, lazily, by the copy

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
