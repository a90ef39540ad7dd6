"""LlamaIndex embedding models: ``MiniLMEmbedding``, the bundled all-MiniLM-L6-v2 (offline, CPU);
``ContextualEmbedding``, any model with each node's vector leaning towards its neighbours."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Annotated, Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import BeforeValidator, Field, PrivateAttr, field_validator
from llama_index.core.schema import BaseNode, MetadataMode, NodeRelationship, RelatedNodeInfo

from adaptive_splitters.core import checks
from adaptive_splitters.embeddings.context import DEFAULT_CONTEXT_WEIGHT, with_context
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


class ContextualEmbedding(BaseEmbedding):
    """Any LlamaIndex embedding model, with each node's vector leaning towards its PREVIOUS and NEXT nodes
    (docs/method.md#contextual-vectors) when it embeds nodes as a transformation (an ``IngestionPipeline`` step, or
    ``ContextualEmbedding(base=base)(nodes)`` before ``VectorStoreIndex(nodes, embed_model=...)``, which keeps the
    vectors nodes bring). Queries and plain texts go to ``base`` unchanged.

    A node whose neighbours are in the same call gets ``v + w * (v_prev + v_next)`` scaled to the length of ``v``,
    every vector being ``base``'s of the text the index would embed (``MetadataMode.EMBED``), all in one batch call
    to ``base``; a node without them keeps ``base``'s vector. ``to_dict``/``from_dict`` round-trip with a
    :class:`MiniLMEmbedding` base; another base is given again on restoring.
    """

    base: BaseEmbedding = Field(description="The embedding model wrapped.")
    context_weight: Annotated[float, BeforeValidator(partial(checks.non_negative_number, "context_weight"))] = Field(
        default=DEFAULT_CONTEXT_WEIGHT, description="The share of each neighbour's vector added to a node's."
    )

    @field_validator("base", mode="before")
    @classmethod
    def _restored(cls, value: Any) -> Any:
        """A serialised base (``to_dict``) restored: the bundled model's; another names itself in the error."""
        if isinstance(value, dict):
            if value.get("class_name") == MiniLMEmbedding.class_name():
                return MiniLMEmbedding.from_dict(value)
            name = value.get("class_name")
            msg = f"ContextualEmbedding restores a MiniLMEmbedding base only; give base= again for {name!r}"
            raise ValueError(msg)
        return value

    @classmethod
    def class_name(cls) -> str:
        """``"ContextualEmbedding"``."""
        return "ContextualEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.base.get_query_embedding(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return await self.base.aget_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.base.get_text_embedding(text)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return await self.base.aget_text_embedding(text)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.base.get_text_embedding_batch(texts)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return await self.base.aget_text_embedding_batch(texts)

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """Embed ``nodes`` with ``base`` (its batching) and lean each towards its neighbours among them."""
        return self._leaned(nodes, self.base.get_text_embedding_batch(_texts(nodes), **kwargs))

    async def acall(self, nodes: Sequence[BaseNode], **kwargs: Any) -> Sequence[BaseNode]:
        """:meth:`__call__`, awaited."""
        return self._leaned(nodes, await self.base.aget_text_embedding_batch(_texts(nodes), **kwargs))

    def _leaned(self, nodes: Sequence[BaseNode], embeddings: Sequence[Sequence[float]]) -> Sequence[BaseNode]:
        if not nodes:
            return nodes
        at = {node.node_id: i for i, node in enumerate(nodes)}
        sides = [[_related(node, relation, at) for node in nodes] for relation in (_PREVIOUS, _NEXT)]
        vectors = with_context(np.asarray(embeddings, dtype=np.float64), sides[0], sides[1], self.context_weight)
        for node, vector in zip(nodes, vectors, strict=True):
            node.embedding = [float(x) for x in vector]
        return nodes


def _texts(nodes: Sequence[BaseNode]) -> list[str]:
    """What an index embeds of each node."""
    return [node.get_content(metadata_mode=MetadataMode.EMBED) for node in nodes]


_PREVIOUS, _NEXT = NodeRelationship.PREVIOUS, NodeRelationship.NEXT


def _related(node: BaseNode, relation: NodeRelationship, at: dict[str, int]) -> int | None:
    """The index (in ``at``) of ``node``'s one ``relation``, when it is among the nodes embedded."""
    info = node.relationships.get(relation)
    return at.get(info.node_id) if isinstance(info, RelatedNodeInfo) else None
