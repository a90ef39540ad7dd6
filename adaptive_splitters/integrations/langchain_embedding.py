"""``MiniLMEmbeddings``: the bundled all-MiniLM-L6-v2 as LangChain ``Embeddings`` (offline, CPU), so a LangChain
pipeline (splitter, vector store, budget retriever) runs right after ``pip install``."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from adaptive_splitters.embeddings.source import EmbeddingSource


class MiniLMEmbeddings(Embeddings):
    """The bundled all-MiniLM-L6-v2 as LangChain embeddings: offline, CPU, unit-length vectors.

    The model loads on the first call, once (one instance may be shared by threads; a pickled copy loads it again:
    :class:`~adaptive_splitters.embeddings.source.EmbeddingSource`); queries and documents are embedded alike (the
    model has no query prefix). It reads 256 word pieces: what lies past them is not seen, which is why our chunks
    are sized to half of that.
    """

    def __init__(self) -> None:
        self.source = EmbeddingSource()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One unit vector per text."""
        if not texts:
            return []
        return [[float(x) for x in row] for row in self.source.model().embed(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        """The vector of ``text``, as :meth:`embed_documents` gives it."""
        return self.embed_documents([text])[0]
