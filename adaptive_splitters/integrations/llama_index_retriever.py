"""Budget retrieval for LlamaIndex (a thin adapter over :mod:`adaptive_splitters.retrieval.budget`;
docs/method.md#budget-retrieval).

- :class:`TokenBudgetPostprocessor`, a node postprocessor (serialisable with ``to_dict``/``from_dict`` like every
  LlamaIndex component): keeps retrieved nodes in rank order while their tokens fit a budget and joins nodes of one
  document that touch or overlap into one node, in document order.
- :class:`BudgetRetriever`, a retriever over a ``VectorStoreIndex`` that asks the index for as many nodes as the
  budget takes (``index.as_retriever()`` takes ``similarity_top_k = 2`` whatever their size), or over any retriever
  whose results it trims.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Hashable, Sequence
from typing import Annotated, Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.schema import BaseNode, NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode
from pydantic import Field, PrivateAttr

from adaptive_splitters.core import checks
from adaptive_splitters.integrations._budget_fields import Budget, Order, Tokenizer
from adaptive_splitters.output.ids import chunk_id
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

__all__ = ["BudgetRetriever", "TokenBudgetPostprocessor"]


class TokenBudgetPostprocessor(BaseNodePostprocessor):
    """Keep retrieved nodes in rank order while their tokens fit ``budget``; join neighbours into one node.

    Nodes are neighbours when they come from one document (``ref_doc_id``) and their ``start_char_idx`` and
    ``end_char_idx`` (which must span exactly their text) touch or overlap. A joined node is a new ``TextNode``
    with the passage's text and offsets, the first node's metadata, exclusions and source, the best score, and an
    id from the package's id recipe; a lone node is returned as it was retrieved.
    """

    budget: Budget = Field(default=DEFAULT_BUDGET, description="tokens delivered per query; the first node always")
    tokenizer: Annotated[str, Tokenizer] = Field(
        default=DEFAULT_TOKENIZER, description="the tiktoken encoding that counts the budget"
    )
    join: bool = Field(default=True, description="join nodes of one document that touch or overlap")
    order: Order = Field(default="rank", description="'rank' (best passage first) or 'document'")

    _count: TokenCounter | None = PrivateAttr(default=None)
    _count_for: str | None = PrivateAttr(default=None)

    @classmethod
    def class_name(cls) -> str:
        return "TokenBudgetPostprocessor"

    def passages(
        self,
        nodes: Sequence[NodeWithScore],
        window: int = 0,
        after: Sequence[NodeWithScore] = (),
        before: Sequence[NodeWithScore] = (),
    ) -> list[Passage]:
        """The passages delivered for ``nodes`` (best first), the best one bringing up to ``window`` of its
        neighbours ``after`` and ``before`` it (each nearest first)."""
        if self._count is None or self._count_for != self.tokenizer:
            self._count, self._count_for = TokenCounter(self.tokenizer), self.tokenizer
        beside = ([_retrieved(n) for n in after], [_retrieved(n) for n in before])
        return deliver(
            [_retrieved(n) for n in nodes],
            self.budget,
            self._count,
            join=self.join,
            order=self.order,
            window=window,
            neighbours=lambda item, width: beside,
        )

    def _postprocess_nodes(
        self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None
    ) -> list[NodeWithScore]:
        return [_node(p) for p in self.passages(nodes)]


class BudgetRetriever(BaseRetriever):
    """Retrieve nodes, rerank them, and deliver them while their tokens fit a budget, neighbours joined
    (:class:`TokenBudgetPostprocessor`); reranking: :func:`~adaptive_splitters.retrieval.rerank.rerank`. Delivered
    nodes keep the index's similarity as their ``score``, so their order, not their scores, carries the reranking.

    Args:
        index: a ``VectorStoreIndex`` (or any index with ``as_retriever(similarity_top_k=...)``), asked for
            ``fetch_k`` nodes first and twice as many while all of them fit; or
        retriever: any retriever, invoked as it is and its results trimmed to the budget, in its order (not
            reranked). Give exactly one.
        budget, tokenizer, join, order: as :class:`TokenBudgetPostprocessor`'s.
        window: nodes the best node brings on each side, where they fit (default 1; 0 for none), followed by its
            NEXT and PREVIOUS relationships and read from the index's docstore (or its vector store when that keeps
            the nodes): the text around the best match (:data:`~adaptive_splitters.retrieval.DEFAULT_WINDOW`).
        fetch_k: nodes asked of the index first (default 100: the pool reranking reorders).
        lexical_weight: the weight of the BM25 ranking of the retrieved nodes, fused with the index's ranking by
            reciprocal rank (default 1.0; 0: the index's ranking alone).
        neighbour_weight: the share of each neighbour's (PREVIOUS, NEXT) similarity a node adds to its own before
            the fusion (default 0.25; 0: none; nodes without scores: none).
        retriever_kwargs: more arguments for ``index.as_retriever`` (``filters``, say).
    """

    def __init__(
        self,
        index: Any = None,
        retriever: BaseRetriever | None = None,
        *,
        budget: int = DEFAULT_BUDGET,
        tokenizer: str = DEFAULT_TOKENIZER,
        join: bool = True,
        order: str = "rank",
        window: int = DEFAULT_WINDOW,
        fetch_k: int = RERANK_FETCH,
        lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
        neighbour_weight: float = DEFAULT_NEIGHBOUR_WEIGHT,
        retriever_kwargs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if (index is None) == (retriever is None):
            msg = "BudgetRetriever needs exactly one of index= and retriever="
            raise ValueError(msg)
        self.index = index
        self.retriever = retriever
        self.postprocessor = TokenBudgetPostprocessor(budget=budget, tokenizer=tokenizer, join=join, order=order)
        self.fetch_k = checks.positive_int("fetch_k", fetch_k)
        self.window = checks.non_negative_int("window", window)
        self.lexical_weight = checks.non_negative_number("lexical_weight", lexical_weight)
        self.neighbour_weight = checks.non_negative_number("neighbour_weight", neighbour_weight)
        self.retriever_kwargs = dict(retriever_kwargs or {})
        self.retriever_kwargs.pop("similarity_top_k", None)
        super().__init__(**kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.retriever is not None:
            return self._deliver(self.retriever.retrieve(query_bundle))
        k, best = self.fetch_k, None
        near: tuple[list[NodeWithScore], list[NodeWithScore]] = ([], [])
        while True:
            found = self._reranked(query_bundle, self._search(k).retrieve(query_bundle))
            if self._wants_neighbours(found) and found[0].node.node_id != best:
                best, near = found[0].node.node_id, self._neighbours(found[0])
            passages = self.postprocessor.passages(found, self.window if best else 0, *near)
            if not may_take_more(passages, len(found), k):
                return [_node(p) for p in passages]
            k = next_fetch(k)

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.retriever is not None:
            return self._deliver(await self.retriever.aretrieve(query_bundle))
        k, best = self.fetch_k, None
        near: tuple[list[NodeWithScore], list[NodeWithScore]] = ([], [])
        while True:
            found = self._reranked(query_bundle, await self._search(k).aretrieve(query_bundle))
            if self._wants_neighbours(found) and found[0].node.node_id != best:
                best, near = found[0].node.node_id, await asyncio.to_thread(self._neighbours, found[0])
            passages = self.postprocessor.passages(found, self.window if best else 0, *near)
            if not may_take_more(passages, len(found), k):
                return [_node(p) for p in passages]
            k = next_fetch(k)

    def _reranked(self, query: QueryBundle, found: Sequence[NodeWithScore]) -> list[NodeWithScore]:
        """``found`` reranked for the query string (:func:`~adaptive_splitters.retrieval.rerank.rerank`), its
        scores read as similarities (:func:`~adaptive_splitters.retrieval.rerank.as_similarities`)."""
        scores = as_similarities([n.score for n in found])
        candidates = [
            Candidate(
                n.node.get_content(),
                scores[i],
                n.node.node_id,
                _related(n.node, NodeRelationship.PREVIOUS),
                _related(n.node, NodeRelationship.NEXT),
            )
            for i, n in enumerate(found)
        ]
        order = rerank(
            query.query_str, candidates, lexical_weight=self.lexical_weight, neighbour_weight=self.neighbour_weight
        )
        return [found[i] for i in order]

    def _search(self, k: int) -> BaseRetriever:
        """The index's retriever for ``k`` nodes, with ``retriever_kwargs`` (and the index's callbacks)."""
        return self.index.as_retriever(similarity_top_k=k, **self.retriever_kwargs)  # type: ignore[no-any-return]

    def _wants_neighbours(self, found: Sequence[NodeWithScore]) -> bool:
        """Neighbours are brought for the best node, unless the search is filtered: a neighbour read from the
        docstore is not checked against the filters, and must not leak past them."""
        return bool(self.window and found and not self.retriever_kwargs.get("filters"))

    def _neighbours(self, best: NodeWithScore) -> tuple[list[NodeWithScore], list[NodeWithScore]]:
        """The nodes after and before ``best`` (NEXT and PREVIOUS, ``window`` of each, nearest first), with its
        score: they are delivered for it."""
        sides: list[list[NodeWithScore]] = []
        for relation in (NodeRelationship.NEXT, NodeRelationship.PREVIOUS):
            side, node = [], best.node
            for _ in range(self.window):
                related = node.relationships.get(relation)
                found = self._node(related.node_id) if isinstance(related, RelatedNodeInfo) else None
                if found is None:
                    break
                side.append(NodeWithScore(node=found, score=best.score))
                node = found
            sides.append(side)
        return sides[0], sides[1]

    def _node(self, node_id: str) -> BaseNode | None:
        """The stored node ``node_id``: from the docstore, else from a vector store that keeps nodes; ``None``."""
        node = self.index.docstore.get_node(node_id, raise_error=False)
        if node is None and getattr(self.index.vector_store, "stores_text", False):
            try:
                nodes = self.index.vector_store.get_nodes(node_ids=[node_id])
            except NotImplementedError:
                nodes = []
            node = nodes[0] if nodes else None
        return node  # type: ignore[no-any-return]

    def _deliver(self, found: Sequence[NodeWithScore]) -> list[NodeWithScore]:
        return [_node(p) for p in self.postprocessor.passages(found)]


def _related(node: BaseNode, relation: NodeRelationship) -> str | None:
    """The id of ``node``'s one ``relation`` (PREVIOUS, NEXT), if it has one."""
    related = node.relationships.get(relation)
    return related.node_id if isinstance(related, RelatedNodeInfo) else None


def _retrieved(found: NodeWithScore) -> Retrieved:
    """A node as the delivery takes it: its document id names one text, so touching nodes are neighbours."""
    return Retrieved(found.node.get_content(), *_place(found), item=found, exact=True)


def _place(found: NodeWithScore) -> tuple[Hashable | None, int | None]:
    """The document whose text the node's offsets index, and its start (``None`` when the offsets do not span
    exactly the node's text, or the node has no document)."""
    node = found.node
    start, end, source = getattr(node, "start_char_idx", None), getattr(node, "end_char_idx", None), node.ref_doc_id
    if source is None or start is None or end is None or end - start != len(node.get_content()):
        return None, None
    return source, start


def _node(passage: Passage) -> NodeWithScore:
    """One passage as a scored node: a lone node as retrieved; joined nodes as one new ``TextNode``."""
    first: NodeWithScore = passage.parts[0].item
    if len(passage.parts) == 1:
        return first
    node = first.node
    scores = [p.item.score for p in passage.parts if p.item.score is not None]
    assert passage.start is not None
    assert passage.end is not None
    joined = TextNode(
        id_=chunk_id(str(passage.source), passage.start, passage.end),
        text=passage.text,
        start_char_idx=passage.start,
        end_char_idx=passage.end,
        metadata=copy.deepcopy(node.metadata),
        excluded_embed_metadata_keys=list(node.excluded_embed_metadata_keys),
        excluded_llm_metadata_keys=list(node.excluded_llm_metadata_keys),
        metadata_template=node.metadata_template,
        metadata_separator=node.metadata_separator,
        text_template=getattr(node, "text_template", TextNode.model_fields["text_template"].default),
    )
    last = max((p.item.node for p in passage.parts), key=lambda n: n.end_char_idx or 0)
    joined.metadata.pop("chunk_index", None)  # a passage is no one chunk
    joined.metadata.pop("page_end", None)
    if "page_end" in last.metadata:
        joined.metadata["page_end"] = last.metadata["page_end"]
    if "adaptive_tokens" in joined.metadata:
        joined.metadata["adaptive_tokens"] = passage.tokens
    joined.metadata["adaptive_chunk_ids"] = [p.item.node.node_id for p in passage.parts]
    joined.excluded_embed_metadata_keys.append("adaptive_chunk_ids")
    joined.excluded_llm_metadata_keys.append("adaptive_chunk_ids")
    if NodeRelationship.SOURCE in node.relationships:
        joined.relationships[NodeRelationship.SOURCE] = node.relationships[NodeRelationship.SOURCE]
    return NodeWithScore(node=joined, score=max(scores) if scores else None)
