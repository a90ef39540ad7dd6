"""``BudgetRetriever``: a LangChain retriever that delivers chunks within a token budget instead of a fixed k
(a thin adapter over :mod:`adaptive_splitters.retrieval.budget`; docs/method.md#budget-retrieval).

``vectorstore.as_retriever()`` takes 4 chunks whatever their size: about 230 tokens of our embedder-sized chunks.
This retriever searches the same store, takes chunks in rank order while their tokens fit ``budget``, and joins
chunks of one source that touch or overlap into one ``Document`` (exact offsets, no text repeated).
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Hashable, Sequence
from typing import Annotated, Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import VectorStore, VectorStoreRetriever
from pydantic import ConfigDict, Field, PrivateAttr, model_validator

from adaptive_splitters.integrations._budget_fields import Budget, FetchK, Order, Tokenizer, Window
from adaptive_splitters.retrieval.budget import (
    DEFAULT_BUDGET,
    DEFAULT_TOKENIZER,
    DEFAULT_WINDOW,
    Passage,
    Retrieved,
    deliver,
    may_take_more,
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
            as it is and its results trimmed to the budget. Give exactly one of the two.
        budget: tokens delivered per query (default :data:`~adaptive_splitters.retrieval.budget.DEFAULT_BUDGET`,
            1,000); the first chunk is delivered even when it alone is larger.
        tokenizer: what counts the budget: a tiktoken name (default ``"o200k_base"``, the package's own) or any
            ``str -> int``.
        fetch_k: results asked of the store first; doubled while all of them fit (default 32).
        join: join chunks of one source that touch or overlap into one ``Document`` in document order (default
            True). A joined ``Document`` has the first chunk's metadata with ``start_index``/``end_index`` of the
            passage and ``adaptive_chunk_ids``, the ids of the chunks it joins.
        order: ``"rank"`` (default: the passage with the best chunk first) or ``"document"``.
        window: neighbours the best chunk brings on each side, where they fit (default 1; 0 for none), looked up
            in the store by the ids our chunks carry (``adaptive_prev_id``/``adaptive_next_id``) with
            ``get_by_ids``: the text around the best match (:data:`~adaptive_splitters.retrieval.DEFAULT_WINDOW`).
            Stores without ``get_by_ids``, and chunks without those ids, bring none.
        search_kwargs: more arguments for the store's search (``filter``, say).

    Chunks are neighbours when their metadata name one text (``adaptive_source``, which
    :class:`~adaptive_splitters.AdaptiveTextSplitter` sets, else ``source`` with its ``page``/``row``) and their
    ``start_index`` and length make them touch or overlap.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    vectorstore: VectorStore | None = None
    retriever: BaseRetriever | None = None
    budget: Budget = DEFAULT_BUDGET
    tokenizer: Annotated[Any, Tokenizer] = DEFAULT_TOKENIZER
    fetch_k: FetchK = 32
    join: bool = True
    order: Order = "rank"
    window: Window = DEFAULT_WINDOW
    search_kwargs: dict[str, Any] = Field(default_factory=dict)

    _count: TokenCounter | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_source(self) -> BudgetRetriever:
        if (self.vectorstore is None) == (self.retriever is None):
            msg = "BudgetRetriever needs exactly one of vectorstore= and retriever="
            raise ValueError(msg)
        return self

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        store, search_type, kwargs = self._search()
        if store is None:
            assert self.retriever is not None
            docs = self.retriever.invoke(query, config={"callbacks": run_manager.get_child()})
            return self._documents(self._deliver(docs))
        k, near = self.fetch_k, None
        while True:
            docs = store.search(query, search_type, **kwargs, k=k)
            if near is None:
                near = self._neighbours(docs[:1], store.get_by_ids)
            passages = self._deliver(docs, near)
            if not may_take_more(passages, len(docs), k):
                return self._documents(passages)
            k *= 2

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun
    ) -> list[Document]:
        store, search_type, kwargs = self._search()
        if store is None:
            assert self.retriever is not None
            docs = await self.retriever.ainvoke(query, config={"callbacks": run_manager.get_child()})
            return self._documents(self._deliver(docs))
        k, near = self.fetch_k, None
        while True:
            docs = await store.asearch(query, search_type, **kwargs, k=k)
            if near is None:
                near = await asyncio.to_thread(self._neighbours, docs[:1], store.get_by_ids)
            passages = self._deliver(docs, near)
            if not may_take_more(passages, len(docs), k):
                return self._documents(passages)
            k *= 2

    def _search(self) -> tuple[VectorStore | None, str, dict[str, Any]]:
        """The store to search, its search type and arguments (without ``k``); no store for a plain retriever."""
        if isinstance(self.retriever, VectorStoreRetriever):
            kwargs = {**self.retriever.search_kwargs, **self.search_kwargs}
            kwargs.pop("k", None)
            return self.retriever.vectorstore, self.retriever.search_type, kwargs
        if self.vectorstore is not None:
            return self.vectorstore, "similarity", {k: v for k, v in self.search_kwargs.items() if k != "k"}
        return None, "", {}

    def _neighbours(self, top: Sequence[Document], get: Callable[[list[str]], Sequence[Document]]) -> list[Retrieved]:
        """The best chunk's neighbours, ``window`` on each side, nearest first, next before previous, fetched by
        ``get`` (ids → documents; a store without ``get_by_ids`` gives none)."""
        out: list[Retrieved] = []
        sides = {"adaptive_next_id": top[0] if top else None, "adaptive_prev_id": top[0] if top else None}
        for _ in range(self.window):
            for key, doc in list(sides.items()):
                wanted = doc.metadata.get(key) if doc is not None else None
                try:
                    found = list(get([wanted])) if isinstance(wanted, str) else []
                except NotImplementedError:
                    found = []
                sides[key] = found[0] if found else None
                out += [Retrieved(d.page_content, *_place(d), item=d) for d in found[:1]]
        return out

    def _deliver(self, docs: Sequence[Document], near: Sequence[Retrieved] = ()) -> list[Passage]:
        if self._count is None:
            self._count = TokenCounter(self.tokenizer)
        ranked = [Retrieved(d.page_content, *_place(d), item=d) for d in docs]
        return deliver(
            ranked,
            self.budget,
            self._count,
            join=self.join,
            order=self.order,
            window=self.window,
            neighbours=lambda item, width: near,
        )

    @staticmethod
    def _documents(passages: Sequence[Passage]) -> list[Document]:
        return [_document(p) for p in passages]


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
    chunk's metadata, the passage's offsets and the joined chunks' ids."""
    first: Document = passage.parts[0].item
    if len(passage.parts) == 1:
        return first
    last: Document = passage.parts[-1].item
    metadata = copy.deepcopy(first.metadata)
    metadata.update(start_index=passage.start, end_index=passage.end, tokens=passage.tokens)
    if "page_end" in last.metadata:
        metadata["page_end"] = last.metadata["page_end"]
    metadata["adaptive_chunk_ids"] = [part.item.id for part in passage.parts]
    return Document(page_content=passage.text, metadata=metadata)
