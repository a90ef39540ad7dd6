"""Contextual vectors: each of our chunks stored as its vector plus a quarter of its neighbours', normalised, in
both frameworks' real vector stores; queries and other texts embedded as the wrapped model does."""

from __future__ import annotations

import asyncio
from importlib import resources

import numpy as np
import pytest
from hashing_embedders import HashingEmbedding, HashingEmbeddings, biased_vectors, hashed_vector
from langchain_core.documents import Document as LCDocument
from langchain_core.vectorstores import InMemoryVectorStore
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import MetadataMode, NodeRelationship

from adaptive_splitters.embeddings.context import with_context
from adaptive_splitters.langchain import AdaptiveTextSplitter, ContextualEmbeddings
from adaptive_splitters.llama_index import AdaptiveNodeParser, ContextualEmbedding

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
SETTINGS = {"chunk_size": 60, "embedder": biased_vectors, "metrics": ["SC", "BI", "RC"]}


def leaned(own: str, *neighbours: str, weight: float = 0.25) -> np.ndarray:
    vector = np.array(hashed_vector(own)) + weight * sum(np.array(hashed_vector(n)) for n in neighbours)
    return vector / np.linalg.norm(vector)


def test_with_context_adds_a_share_of_each_neighbour_at_the_rows_own_length() -> None:
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0], [0.0, 2.0]])
    out = with_context(vectors, [None, 0, None, None], [1, None, None, 0], 0.5)
    np.testing.assert_allclose(out[0], np.array([1.0, 0.5]) / np.linalg.norm([1.0, 0.5]), rtol=1e-6)
    np.testing.assert_allclose(out[1], np.array([0.5, 1.0]) / np.linalg.norm([0.5, 1.0]), rtol=1e-6)
    np.testing.assert_allclose(out[2], [3.0, 4.0], rtol=1e-6)  # no neighbours: its own vector
    np.testing.assert_allclose(out[3], 2 * np.array([0.5, 2.0]) / np.linalg.norm([0.5, 2.0]), rtol=1e-6)  # length 2
    with pytest.raises(ValueError, match="context_weight must be a finite number >= 0"):
        with_context(vectors, [None] * 4, [None] * 4, -1)
    with pytest.raises(ValueError, match="4 vectors but 2 and 4 neighbour indices"):
        with_context(vectors, [None] * 2, [None] * 4, 0.25)


def test_langchain_stores_each_chunk_with_its_neighbours_and_queries_unchanged() -> None:
    chunks = AdaptiveTextSplitter(**SETTINGS).split_documents([LCDocument(page_content=SAMPLE)])
    embeddings = ContextualEmbeddings(HashingEmbeddings(), chunks)
    store = InMemoryVectorStore.from_documents(chunks, embeddings)
    by_id = {c.id: c for c in chunks}
    assert len(chunks) > 3
    for chunk in chunks:
        sides = [
            by_id[i].page_content for k in ("adaptive_prev_id", "adaptive_next_id") if (i := chunk.metadata.get(k))
        ]
        assert sides  # every chunk of a text of several has a neighbour
        stored = np.array(store.store[chunk.id]["vector"])
        np.testing.assert_allclose(stored, leaned(chunk.page_content, *sides), rtol=1e-5, atol=1e-7)
    assert embeddings.embed_query("annual leave") == hashed_vector("annual leave")
    assert embeddings.embed_documents(["a text of no chunk"]) == [hashed_vector("a text of no chunk")]
    plain = ContextualEmbeddings(HashingEmbeddings(), chunks, context_weight=0)
    assert plain.embed_documents([chunks[1].page_content]) == [pytest.approx(hashed_vector(chunks[1].page_content))]
    with pytest.raises(ValueError, match="context_weight must be a finite number >= 0"):
        ContextualEmbeddings(HashingEmbeddings(), chunks, context_weight=float("nan"))


class CountingEmbedding(HashingEmbedding):
    """:class:`HashingEmbedding` that counts the texts it embeds (documents and queries)."""

    texts: int = 0

    def _get_text_embedding(self, text: str) -> list[float]:
        self.texts += 1
        return super()._get_text_embedding(text)

    def _get_query_embedding(self, query: str) -> list[float]:
        self.texts += 1
        return super()._get_query_embedding(query)


def test_llama_index_pipeline_embeds_nodes_with_their_neighbours_and_the_index_keeps_them() -> None:
    base = CountingEmbedding()
    contextual = ContextualEmbedding(base=base)
    nodes = IngestionPipeline(transformations=[AdaptiveNodeParser(**SETTINGS), contextual]).run(
        documents=[Document(text=SAMPLE, id_="sample")]
    )
    assert base.texts == len(nodes) > 3  # one embedding per node: the neighbours' vectors are reused
    by_id = {n.node_id: n for n in nodes}
    for node in nodes:
        sides = [
            by_id[r.node_id].get_content(metadata_mode=MetadataMode.EMBED)
            for k, r in node.relationships.items()
            if k in (NodeRelationship.PREVIOUS, NodeRelationship.NEXT)
        ]
        assert sides
        expected = leaned(node.get_content(metadata_mode=MetadataMode.EMBED), *sides)
        np.testing.assert_allclose(node.embedding, expected, rtol=1e-5, atol=1e-7)
    index = VectorStoreIndex(nodes, embed_model=contextual)
    assert base.texts == len(nodes)  # the index embedded nothing again
    found = index.as_retriever(similarity_top_k=1).retrieve("annual leave")
    assert base.texts == len(nodes) + 1  # the query, by the wrapped model
    assert found
    again = asyncio.run(contextual.acall([n.model_copy() for n in nodes]))
    np.testing.assert_allclose([n.embedding for n in again], [n.embedding for n in nodes], rtol=1e-6)


def test_llama_index_nodes_without_neighbours_keep_the_wrapped_models_vector() -> None:
    lone = Document(text="A single short note.", id_="lone")
    nodes = AdaptiveNodeParser(**SETTINGS).get_nodes_from_documents([lone])
    out = ContextualEmbedding(base=HashingEmbedding())(nodes)
    assert len(out) == 1
    assert out[0].embedding == hashed_vector(out[0].get_content(metadata_mode=MetadataMode.EMBED))


def test_langchain_a_text_found_in_several_places_leans_towards_none() -> None:
    """A repeated footer sits beside different chunks in two documents: stored as the model embeds it."""
    docs = [
        LCDocument(id="a1", page_content="about cats", metadata={"adaptive_next_id": "a2"}),
        LCDocument(id="a2", page_content="Confidential.", metadata={"adaptive_prev_id": "a1"}),
        LCDocument(id="b1", page_content="about tax", metadata={"adaptive_next_id": "b2"}),
        LCDocument(id="b2", page_content="Confidential.", metadata={"adaptive_prev_id": "b1"}),
    ]
    embeddings = ContextualEmbeddings(HashingEmbeddings(), docs)
    footer, cats = embeddings.embed_documents(["Confidential.", "about cats"])
    assert footer == hashed_vector("Confidential.")
    np.testing.assert_allclose(cats, leaned("about cats", "Confidential."), rtol=1e-5, atol=1e-7)


def test_llama_index_contextual_embedding_round_trips_and_checks_its_weight() -> None:
    from adaptive_splitters.llama_index import MiniLMEmbedding

    model = ContextualEmbedding(base=MiniLMEmbedding(), context_weight=0.5)
    again = ContextualEmbedding.from_dict(model.to_dict())
    assert isinstance(again.base, MiniLMEmbedding)
    assert again.context_weight == 0.5
    with pytest.raises(ValueError, match="restores a MiniLMEmbedding base only; give base= again for"):
        ContextualEmbedding.from_dict(ContextualEmbedding(base=HashingEmbedding()).to_dict())
    for bad in (float("inf"), True, -0.1):
        with pytest.raises(ValueError, match="context_weight must be a finite number >= 0"):
            ContextualEmbedding(base=HashingEmbedding(), context_weight=bad)


class BatchCounting(HashingEmbedding):
    """Counts the batch calls it receives."""

    batches: int = 0

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self.batches += 1
        return [hashed_vector(t) for t in texts]

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self.batches += 1
        return [hashed_vector(t) for t in texts]


def test_llama_index_contextual_embedding_uses_the_base_models_batches_sync_and_async() -> None:
    nodes = AdaptiveNodeParser(**SETTINGS).get_nodes_from_documents([Document(text=SAMPLE, id_="sample")])
    base = BatchCounting(embed_batch_size=1000)
    first = [n.embedding for n in ContextualEmbedding(base=base)([n.model_copy() for n in nodes])]
    assert base.batches == 1
    second = [n.embedding for n in asyncio.run(ContextualEmbedding(base=base).acall([n.model_copy() for n in nodes]))]
    assert base.batches == 2
    np.testing.assert_allclose(first, second, rtol=1e-6)
