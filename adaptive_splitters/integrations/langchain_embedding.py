"""LangChain ``Embeddings``: ``MiniLMEmbeddings``, the bundled all-MiniLM-L6-v2 (offline, CPU), so a LangChain
pipeline (splitter, vector store, budget retriever) runs right after ``pip install``; ``ContextualEmbeddings``,
any embeddings with our chunks' vectors leaning towards their neighbours."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from adaptive_splitters.core import checks
from adaptive_splitters.embeddings.context import DEFAULT_CONTEXT_WEIGHT, with_context
from adaptive_splitters.embeddings.source import EmbeddingSource
from adaptive_splitters.output.records import NEIGHBOUR_KEYS


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


class ContextualEmbeddings(Embeddings):
    """Any LangChain embeddings, with each of our chunks' vectors leaning towards its neighbours
    (docs/method.md#contextual-vectors): what a vector store should keep for chunks sized for the embedder.

    Args:
        base: the embeddings to wrap (``MiniLMEmbeddings()``, or any other); queries go to it unchanged.
        documents: our chunks (``AdaptiveTextSplitter().split_documents(...)``), whose ``id`` and
            ``adaptive_prev_id``/``adaptive_next_id`` say which texts neighbour which.
        context_weight: the share of each neighbour's vector added to a chunk's (default 0.25; 0: ``base``'s
            vectors).

    A text among ``documents`` is embedded with its neighbours' texts (one call to ``base`` for all of them, each
    distinct text once) and stored as ``v + w * (v_prev + v_next)`` scaled to the length of ``v``; any other text as
    ``base`` embeds it, and so is a text that several chunks share with different neighbours (a repeated footer
    leans towards none of its places).
    """

    def __init__(
        self, base: Embeddings, documents: Sequence[Document], context_weight: float = DEFAULT_CONTEXT_WEIGHT
    ) -> None:
        self.base = base
        self.context_weight = checks.non_negative_number("context_weight", context_weight)
        by_id = {d.id: d.page_content for d in documents if d.id is not None}
        sides: dict[str, set[tuple[str | None, str | None]]] = {}
        for d in documents:
            sides.setdefault(d.page_content, set()).add(
                (_text(by_id, d, NEIGHBOUR_KEYS[0]), _text(by_id, d, NEIGHBOUR_KEYS[1]))
            )
        self.neighbours: dict[str, tuple[str | None, str | None]] = {
            text: next(iter(pairs)) for text, pairs in sides.items() if len(pairs) == 1
        }  # a text found in several places (a footer, a disclaimer) leans towards none of them

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text: a chunk's with its neighbours' (at its own length), any other text's as ``base``
        gives it."""
        if not texts:
            return []
        sides = {t: self.neighbours.get(t, (None, None)) for t in texts}
        unique = list(dict.fromkeys([*texts, *(n for pair in sides.values() for n in pair if n is not None)]))
        at = {t: i for i, t in enumerate(unique)}
        pairs = [sides.get(t, (None, None)) for t in unique]  # a neighbour's own neighbours are not embedded
        before = [None if b is None else at[b] for b, _ in pairs]
        after = [None if a is None else at[a] for _, a in pairs]
        vectors = with_context(np.asarray(self.base.embed_documents(unique)), before, after, self.context_weight)
        return [[float(x) for x in vectors[at[t]]] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        """``base``'s vector of the query."""
        return self.base.embed_query(text)


def _text(by_id: dict[str, str], doc: Document, key: str) -> str | None:
    """The text of the chunk ``doc``'s ``key`` metadata names, when it is among the documents."""
    wanted = doc.metadata.get(key)
    return by_id.get(wanted) if isinstance(wanted, str) else None
