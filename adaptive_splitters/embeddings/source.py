"""One owner's embedding model: the ``embedder=`` spec, resolved and loaded lazily, once, thread-safely, and the
span vectors of each document over it (docs/method.md#long-texts)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adaptive_splitters.embeddings.adapters import EmbedderAdapter
from adaptive_splitters.embeddings.cache import EmbeddingCache, EmbeddingProgress
from adaptive_splitters.embeddings.resolve import resolve_embedder
from adaptive_splitters.embeddings.vectors import SpanVectors

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument


class EmbeddingSource:
    """The embedder an owner (a chunker, a splitter) uses, resolved on first use and kept.

    Args:
        embedder: anything :func:`adaptive_splitters.embeddings.resolve.resolve_embedder` accepts (default: the
            bundled all-MiniLM-L6-v2).

    Pickling keeps the spec and drops the resolved model; the copy resolves it again on first use.
    """

    def __init__(self, embedder: Any = None) -> None:
        self.embedder = embedder
        self._model: EmbedderAdapter | None = None
        self._lock = threading.Lock()

    def model(self) -> EmbedderAdapter:
        """The resolved embedder, resolved once (two threads never both resolve it)."""
        with self._lock:
            if self._model is None:
                self._model = resolve_embedder(self.embedder)
            return self._model

    def vectors(
        self,
        doc: SourceDocument,
        long_texts: str,
        counter: Callable[[str], int],
        cache: EmbeddingCache | None = None,
        clause_tokens: int | None = None,
        progress: EmbeddingProgress | None = None,
    ) -> SpanVectors:
        """Span vectors of ``doc`` in ``long_texts`` mode, weighted by ``counter`` (``clause_tokens``: see
        :class:`SpanVectors`).

        With ``cache=None`` the vectors sit in a fresh cache of this document's texts over :meth:`model` (memory
        stays bounded during ingestion and no cache is shared between threads), which tells ``progress`` of its
        work; otherwise in the given shared cache, whose own embedder is used.
        """
        if cache is None:
            cache = EmbeddingCache(self.model(), counter=counter, progress=progress)
        return SpanVectors(doc, cache, long_texts, counter, clause_tokens)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_model"] = None  # resolved (and loaded) again, lazily, by the copy
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EmbeddingSource({self.embedder!r})"
