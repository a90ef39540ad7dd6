"""``BudgetRetriever``: a LangChain retriever that delivers chunks within a token budget instead of a fixed k
(a thin adapter over :mod:`adaptive_splitters.retrieval.budget`; docs/method.md#budget-retrieval).

``vectorstore.as_retriever()`` takes 4 chunks whatever their size: about 230 tokens of our embedder-sized chunks.
This retriever searches the same store, takes chunks in rank order while their tokens fit ``budget``, and joins
chunks of one source that touch or overlap into one ``Document`` (exact offsets, no text repeated).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import VectorStore, VectorStoreRetriever
from pydantic import ConfigDict, Field, PrivateAttr, model_validator

from adaptive_splitters.integrations._budget_fields import Budget, FetchK, Order, Tokenizer, Weight, Window
from adaptive_splitters.output.records import NEIGHBOUR_KEYS
from adaptive_splitters.retrieval.budget import (
    DEFAULT_BUDGET,
    DEFAULT_TOKENIZER,
    DEFAULT_WINDOW,
    Passage,
    Retrieved,
    deliver,
    may_take_more,
    next_fetch,
)
from adaptive_splitters.retrieval.rerank import (
    DEFAULT_LEXICAL_WEIGHT,
    DEFAULT_NEIGHBOUR_WEIGHT,
    RERANK_FETCH,
    Candidate,
    as_similarities,
    rerank,
)
from adaptive_splitters.text.tokens import TokenCounter

__all__ = ["BudgetRetriever"]

SOURCE_KEYS = ("source", "page", "row", "seq_num")
"""What names the text a chunk's ``start_index`` indexes when it has no ``adaptive_source`` (other splitters'
chunks: a loader's ``source`` and, where present, its page or record)."""


class BudgetRetriever(BaseRetriever):
    """Retrieve chunks in rank order while their tokens fit ``budget``; neighbouring chunks become one passage.

    Args:
        vectorstore: the store to search (``similarity_search`` with ``search_kwargs``), or
        retriever: a retriever to wrap: a ``VectorStoreRetriever`` (``store.as_retriever(...)``) is searched with
            its own search type and kwargs but as many results as the budget takes; any other retriever is invoked
            as it is and its results trimmed to the budget, in its order (not reranked: an ensemble or a
            cross-encoder has ordered them already). Give exactly one of the two.
        budget: tokens delivered per query (default :data:`~adaptive_splitters.retrieval.budget.DEFAULT_BUDGET`,
            1,000); the first chunk is delivered even when it alone is larger.
        tokenizer: what counts the budget: a tiktoken name (default ``"o200k_base"``, the package's own) or any
            ``str -> int``.
        fetch_k: results asked of the store first (default 100: the pool reranking reorders), doubled while all of
            them fit.
        lexical_weight: the weight of the BM25 ranking of the fetched results, fused with the store's ranking by
            reciprocal rank (default 1.0; 0: the store's ranking alone).
        neighbour_weight: the share of each neighbour's similarity a result adds to its own before the fusion
            (default 0.25; 0: none). Needs scores: a ``similarity`` search asks the store's
            ``similarity_search_with_score`` (distances turned into similarities by their order), a
            ``similarity_score_threshold`` search gives relevance scores, ``mmr`` none (then no neighbour step); our
            chunks' neighbour ids say which results neighbour which.
        join: join chunks of one source that touch or overlap into one ``Document`` in document order (default
            True). A joined ``Document`` has the first chunk's metadata with ``start_index``/``end_index`` of the
            passage and ``adaptive_chunk_ids``, the ids of the chunks it joins.
        order: ``"rank"`` (default: the passage with the best chunk first) or ``"document"``.
        window: neighbours the best chunk brings on each side, where they fit (default 1; 0 for none), looked up
            in the store by the ids our chunks carry (``adaptive_prev_id``/``adaptive_next_id``) with
            ``get_by_ids``: the text around the best match (:data:`~adaptive_splitters.retrieval.DEFAULT_WINDOW`).
            Stores without ``get_by_ids``, and chunks without those ids, bring none.
        search_kwargs: more arguments for the store's search (``filter``, say).

    Reranking (:func:`~adaptive_splitters.retrieval.rerank.rerank`) reads only the fetched results, so it works
    over any store; it is measured in the README ("The retrieval side").

    Chunks are neighbours when their metadata name one text (``adaptive_source``, which
    :class:`~adaptive_splitters.AdaptiveTextSplitter` sets, else ``source`` with its ``page``/``row``) and their
    ``start_index`` and length make them touch or overlap.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    vectorstore: VectorStore | None = None
    retriever: BaseRetriever | None = None
    budget: Budget = DEFAULT_BUDGET
    tokenizer: Annotated[Any, Tokenizer] = DEFAULT_TOKENIZER
    fetch_k: FetchK = RERANK_FETCH
    lexical_weight: Weight = DEFAULT_LEXICAL_WEIGHT
    neighbour_weight: Weight = DEFAULT_NEIGHBOUR_WEIGHT
    join: bool = True
    order: Order = "rank"
    window: Window = DEFAULT_WINDOW
    search_kwargs: dict[str, Any] = Field(default_factory=dict)

    _count: TokenCounter | None = PrivateAttr(default=None)
    _count_for: Any = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_source(self) -> BudgetRetriever:
        if (self.vectorstore is None) == (self.retriever is None):
            msg = "BudgetRetriever needs exactly one of vectorstore= and retriever="
            raise ValueError(msg)
        return self

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        store, search_type, search = self._search(kwargs)
        if store is None:
            assert self.retriever is not None
            docs = self.retriever.invoke(query, config={"callbacks": run_manager.get_child()}, **kwargs)
            return self._documents(self._deliver(docs))
        k, near = self.fetch_k, Near()
        while True:
            docs = self._reranked(query, self._scored_search(store, query, search_type, _sized(search_type, search, k)))
            if self._wants_neighbours(docs, search) and not near.of(docs[0]):
                near = Near(docs[0], *self._neighbours(docs[0], store.get_by_ids))
            passages = self._deliver(docs, near)
            if not may_take_more(passages, len(docs), k):
                return self._documents(passages)
            k = next_fetch(k)

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        store, search_type, search = self._search(kwargs)
        if store is None:
            assert self.retriever is not None
            docs = await self.retriever.ainvoke(query, config={"callbacks": run_manager.get_child()}, **kwargs)
            return self._documents(self._deliver(docs))
        k, near = self.fetch_k, Near()
        while True:
            sized = _sized(search_type, search, k)
            docs = self._reranked(query, await self._ascored_search(store, query, search_type, sized))
            if self._wants_neighbours(docs, search) and not near.of(docs[0]):
                near = Near(docs[0], *await self._aneighbours(docs[0], store))
            passages = self._deliver(docs, near)
            if not may_take_more(passages, len(docs), k):
                return self._documents(passages)
            k = next_fetch(k)

    def _search(self, given: dict[str, Any]) -> tuple[VectorStore | None, str, dict[str, Any]]:
        """The store to search, its search type and arguments (without ``k``: the budget sets it), ``given`` (what
        ``invoke`` was called with) last; no store for a plain retriever."""
        if isinstance(self.retriever, VectorStoreRetriever):
            store, search_type, kwargs = (
                self.retriever.vectorstore,
                self.retriever.search_type,
                self.retriever.search_kwargs,
            )
        elif self.vectorstore is not None:
            store, search_type, kwargs = self.vectorstore, "similarity", {}
        else:
            return None, "", {}
        kwargs = {**kwargs, **self.search_kwargs, **given}
        kwargs.pop("k", None)
        return store, search_type, kwargs

    def _scored_search(
        self, store: VectorStore, query: str, search_type: str, search: dict[str, Any]
    ) -> list[tuple[Document, float | None]]:
        """The store's results with their scores as similarities where the neighbour weight needs them and the
        store gives them (:func:`~adaptive_splitters.retrieval.rerank.as_similarities`), else without."""
        if self.neighbour_weight and search_type == "similarity":
            try:
                return _similarities(store.similarity_search_with_score(query, **search))
            except NotImplementedError:
                pass
        if self.neighbour_weight and search_type == "similarity_score_threshold":
            return list(store.similarity_search_with_relevance_scores(query, **search))
        return [(d, None) for d in store.search(query, search_type, **search)]

    async def _ascored_search(
        self, store: VectorStore, query: str, search_type: str, search: dict[str, Any]
    ) -> list[tuple[Document, float | None]]:
        """:meth:`_scored_search`, awaited."""
        if self.neighbour_weight and search_type == "similarity":
            try:
                return _similarities(await store.asimilarity_search_with_score(query, **search))
            except NotImplementedError:
                pass
        if self.neighbour_weight and search_type == "similarity_score_threshold":
            return list(await store.asimilarity_search_with_relevance_scores(query, **search))
        return [(d, None) for d in await store.asearch(query, search_type, **search)]

    def _reranked(self, query: str, found: Sequence[tuple[Document, float | None]]) -> list[Document]:
        """``found`` reranked (:func:`~adaptive_splitters.retrieval.rerank.rerank`)."""
        candidates = [
            Candidate(d.page_content, s, d.id, d.metadata.get(NEIGHBOUR_KEYS[0]), d.metadata.get(NEIGHBOUR_KEYS[1]))
            for d, s in found
        ]
        order = rerank(query, candidates, lexical_weight=self.lexical_weight, neighbour_weight=self.neighbour_weight)
        return [found[i][0] for i in order]

    def _wants_neighbours(self, docs: Sequence[Document], search: dict[str, Any]) -> bool:
        """Neighbours are brought for the best chunk, unless the search is filtered: a neighbour fetched by id is
        not checked against the filter, and must not leak past it."""
        return bool(self.window and docs and "filter" not in search)

    def _neighbours(self, best: Document, get: Callable[[list[str]], Sequence[Document]]) -> tuple[list[Document], ...]:
        """The chunks after and before ``best``, ``window`` of each, nearest first, by the neighbour ids our chunks
        carry, fetched by ``get`` (a store without ``get_by_ids`` gives none)."""
        sides: list[list[Document]] = []
        for key in (NEIGHBOUR_KEYS[1], NEIGHBOUR_KEYS[0]):
            side, doc = [], best
            for _ in range(self.window):
                wanted = doc.metadata.get(key)
                try:
                    found = list(get([wanted])) if isinstance(wanted, str) else []
                except NotImplementedError:
                    found = []
                if not found:
                    break
                doc = found[0]
                side.append(doc)
            sides.append(side)
        return tuple(sides)

    async def _aneighbours(self, best: Document, store: VectorStore) -> tuple[list[Document], ...]:
        """:meth:`_neighbours` through the store's ``aget_by_ids``."""
        found: dict[str, Document] = {}
        for _ in range(self.window):  # one lookup per step out, both sides at once
            after, before = self._neighbours(best, lambda ids: [found[i] for i in ids if i in found])
            edge = [after[-1] if after else best, before[-1] if before else best]
            wanted = [d.metadata.get(key) for d, key in zip(edge, (NEIGHBOUR_KEYS[1], NEIGHBOUR_KEYS[0]), strict=True)]
            ids = [i for i in wanted if isinstance(i, str) and i not in found]
            if not ids:
                break
            try:
                found.update((d.id, d) for d in await store.aget_by_ids(ids) if d.id is not None)
            except NotImplementedError:
                break
        return self._neighbours(best, lambda ids: [found[i] for i in ids if i in found])

    def _counter(self) -> TokenCounter:
        """The budget's counter for the current ``tokenizer`` (built again when it was changed or copied)."""
        if self._count is None or self._count_for is not self.tokenizer:
            self._count, self._count_for = TokenCounter(self.tokenizer), self.tokenizer
        return self._count

    def _deliver(self, docs: Sequence[Document], near: Near | None = None) -> list[Passage]:
        ranked = [_retrieved(d) for d in docs]
        after = [_retrieved(d) for d in near.after] if near is not None else []
        before = [_retrieved(d) for d in near.before] if near is not None else []
        return deliver(
            ranked,
            self.budget,
            self._counter(),
            join=self.join,
            order=self.order,
            window=self.window if near is not None and near.best is not None else 0,
            neighbours=lambda item, width: (after, before),
        )

    @staticmethod
    def _documents(passages: Sequence[Passage]) -> list[Document]:
        return [_document(p) for p in passages]


@dataclass(frozen=True)
class Near:
    """The best chunk of a search and its neighbours after and before it (none yet: ``best`` is ``None``)."""

    best: Document | None = None
    after: Sequence[Document] = ()
    before: Sequence[Document] = ()

    def of(self, doc: Document) -> bool:
        """True when these are ``doc``'s neighbours (a larger search may rank another chunk first)."""
        return self.best is not None and self.best.id == doc.id and self.best.page_content == doc.page_content


def _sized(search_type: str, search: dict[str, Any], k: int) -> dict[str, Any]:
    """The search arguments for ``k`` results: MMR picks them among its own ``fetch_k`` (LangChain's default 20),
    which must grow with ``k`` or the budget is never filled."""
    if search_type == "mmr":
        return {**search, "k": k, "fetch_k": max(int(search.get("fetch_k", 20)), 2 * k)}
    return {**search, "k": k}


def _similarities(found: Sequence[tuple[Document, float]]) -> list[tuple[Document, float | None]]:
    """A scored search's results with their scores as similarities (none where their sense is unclear)."""
    scores = as_similarities([s for _, s in found])
    return [(d, score) for (d, _), score in zip(found, scores, strict=True)]


def _retrieved(doc: Document) -> Retrieved:
    source, start = _place(doc)
    return Retrieved(
        doc.page_content, source, start, item=doc, exact=isinstance(source, tuple) and source[0] == "adaptive_source"
    )


def _place(doc: Document) -> tuple[Hashable | None, int | None]:
    """The text ``doc``'s ``start_index`` indexes, and that offset (``None`` when either is unknown)."""
    meta = doc.metadata
    start, end = meta.get("start_index"), meta.get("end_index")
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        return None, None
    if end is not None and end != start + len(doc.page_content):  # offsets that do not span this text
        return None, None
    if isinstance(meta.get("adaptive_source"), str):
        return ("adaptive_source", meta["adaptive_source"]), start
    if "source" not in meta:
        return None, None
    try:
        key = tuple((name, meta[name]) for name in SOURCE_KEYS if name in meta)
        hash(key)
    except TypeError:  # an unhashable source value: never joined
        return None, None
    return key, start


def _document(passage: Passage) -> Document:
    """One passage as a ``Document``: a lone chunk as it was retrieved; joined chunks as one text with the first
    chunk's metadata, the passage's offsets, size, neighbours and last page, and the joined chunks' ids."""
    first: Document = passage.parts[0].item
    if len(passage.parts) == 1:
        return first
    last: Document = max((part.item for part in passage.parts), key=lambda d: d.metadata.get("end_index", 0))
    metadata = copy.deepcopy(first.metadata)
    metadata.pop("chunk_index", None)  # a passage is no one chunk
    metadata.update(start_index=passage.start, end_index=passage.end, adaptive_tokens=passage.tokens)
    for key, doc in ((NEIGHBOUR_KEYS[0], first), (NEIGHBOUR_KEYS[1], last), ("page_end", last)):
        metadata.pop(key, None)
        if key in doc.metadata:
            metadata[key] = doc.metadata[key]
    metadata["adaptive_chunk_ids"] = [part.item.id for part in passage.parts]
    return Document(page_content=passage.text, metadata=metadata)
