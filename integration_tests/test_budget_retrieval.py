"""The README pipelines end to end on the bundled sample: our splitter (every default, the bundled model) into a
real store, then budget retrieval — LangChain's Chroma under ``BudgetRetriever``, LlamaIndex's ``VectorStoreIndex``
under ``BudgetRetriever`` and ``TokenBudgetPostprocessor``. Checked: the budget, neighbours joined into one passage,
exact offsets into the source, and more context than the frameworks' fixed k; without reranking, the store's top
results and the best one's neighbours delivered."""

from __future__ import annotations

from importlib import resources

import pytest

chromadb = pytest.importorskip("chromadb", reason="chromadb is not installed (pip install -e '.[integration]')")
langchain_chroma = pytest.importorskip("langchain_chroma", reason="langchain-chroma is not installed")

from langchain_core.documents import Document as LCDocument  # noqa: E402
from llama_index.core import Document, VectorStoreIndex  # noqa: E402
from llama_index.core.ingestion import IngestionPipeline  # noqa: E402

from adaptive_splitters.integrations.llama_index import MiniLMEmbedding  # noqa: E402
from adaptive_splitters.langchain import (  # noqa: E402
    AdaptiveTextSplitter,
    BudgetRetriever,
    ContextualEmbeddings,
    MiniLMEmbeddings,
)
from adaptive_splitters.llama_index import AdaptiveNodeParser, ContextualEmbedding, TokenBudgetPostprocessor  # noqa: E402
from adaptive_splitters.llama_index import BudgetRetriever as LlamaBudgetRetriever  # noqa: E402
from adaptive_splitters.text.tokens import TokenCounter  # noqa: E402

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
QUERIES = (
    "How many days of annual leave do employees get?",
    "What happens when an employee reports a security incident?",
    "Who approves remote work?",
)
BUDGET = 1000
COUNT = TokenCounter("o200k_base")
PLAIN = {"lexical_weight": 0.0, "neighbour_weight": 0.0}
"""No reranking: the store's own order, for the checks that compare with it."""


def test_langchain_chroma_budget_retriever() -> None:
    chunks = AdaptiveTextSplitter().split_documents([LCDocument(page_content=SAMPLE, metadata={"source": "sample"})])
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    embeddings = ContextualEmbeddings(MiniLMEmbeddings(), chunks)  # the README pipeline's vectors
    store = langchain_chroma.Chroma.from_documents(chunks, embeddings, client=client, collection_name="sample_chunks")
    retriever = BudgetRetriever(vectorstore=store, budget=BUDGET)
    joined = 0
    for query in QUERIES:
        out = retriever.invoke(query)
        fixed = store.as_retriever().invoke(query)  # LangChain's default: k = 4
        assert sum(COUNT(d.page_content) for d in out) <= BUDGET
        assert sum(COUNT(d.page_content) for d in out) > 2 * sum(COUNT(d.page_content) for d in fixed)
        ids = [i for d in out for i in d.metadata.get("adaptive_chunk_ids", [d.id])]
        assert len(ids) == len(set(ids))
        plain = BudgetRetriever(vectorstore=store, budget=BUDGET, **PLAIN).invoke(query)
        plain_ids = [i for d in plain for i in d.metadata.get("adaptive_chunk_ids", [d.id])]
        assert {d.id for d in fixed} <= set(plain_ids)  # without reranking the top 4 are delivered too
        spans = sorted((d.metadata["start_index"], d.metadata["end_index"]) for d in out)
        for doc in out:
            assert doc.page_content == SAMPLE[doc.metadata["start_index"] : doc.metadata["end_index"]]
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))  # neighbours were joined
        joined += sum(len(d.metadata.get("adaptive_chunk_ids", [])) > 1 for d in out)
        best = store.similarity_search(query, k=1)[0]
        beside = {best.metadata.get("adaptive_prev_id"), best.metadata.get("adaptive_next_id")} - {None}
        assert beside <= set(plain_ids)  # the best chunk's neighbours, fetched by id from Chroma
    assert joined > 0


def test_llama_index_vector_store_index_budget_retriever_and_postprocessor() -> None:
    embed_model = ContextualEmbedding(base=MiniLMEmbedding())  # the README pipeline
    pipeline = IngestionPipeline(transformations=[AdaptiveNodeParser(), embed_model])
    nodes = pipeline.run(documents=[Document(text=SAMPLE, id_="sample")])
    assert all(n.embedding is not None for n in nodes)
    index = VectorStoreIndex(nodes, embed_model=embed_model)
    retriever = LlamaBudgetRetriever(index=index, budget=BUDGET)
    wide = index.as_retriever(similarity_top_k=40)
    plain = LlamaBudgetRetriever(index=index, budget=BUDGET, window=0, **PLAIN)
    unranked = LlamaBudgetRetriever(index=index, budget=BUDGET, **PLAIN)
    joined = 0
    for query in QUERIES:
        out = retriever.retrieve(query)
        fixed = index.as_retriever().retrieve(query)  # LlamaIndex's default: top 2
        assert sum(COUNT(f.node.get_content()) for f in out) <= BUDGET
        assert sum(COUNT(f.node.get_content()) for f in out) > 2 * sum(COUNT(f.node.get_content()) for f in fixed)
        for found in out:
            node = found.node
            assert node.ref_doc_id == "sample"
            assert node.get_content() == SAMPLE[node.start_char_idx : node.end_char_idx]
        spans = sorted((f.node.start_char_idx, f.node.end_char_idx) for f in out)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
        joined += sum(len(f.node.metadata.get("adaptive_chunk_ids", [])) > 1 for f in out)
        postprocessed = TokenBudgetPostprocessor(budget=BUDGET).postprocess_nodes(wide.retrieve(query))
        assert [f.node.get_content() for f in postprocessed] == [f.node.get_content() for f in plain.retrieve(query)]
        best = fixed[0].node
        beside = {r.node_id for k, r in best.relationships.items() if k.name in ("PREVIOUS", "NEXT")}
        near = unranked.retrieve(query)
        assert beside <= {i for f in near for i in f.node.metadata.get("adaptive_chunk_ids", [f.node.node_id])}
    assert joined > 0


def test_llama_index_over_chroma_reads_neighbours_from_the_vector_store() -> None:
    """Chroma keeps the nodes' text, so the index's docstore is empty: neighbours come from the vector store."""
    from hashing_embedders import HashingEmbedding, biased_vectors
    from llama_index.core import StorageContext

    chroma_vs = pytest.importorskip("llama_index.vector_stores.chroma", reason="llama-index-vector-stores-chroma")
    parser = AdaptiveNodeParser(chunk_size=60, embedder=biased_vectors, metrics=["SC", "BI", "RC"])
    nodes = parser.get_nodes_from_documents([Document(text=SAMPLE, id_="sample")])
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = chroma_vs.ChromaVectorStore(chroma_collection=client.get_or_create_collection("neighbours"))
    index = VectorStoreIndex(
        nodes, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=HashingEmbedding()
    )
    assert not index.docstore.docs
    query = QUERIES[0]
    best = index.as_retriever(similarity_top_k=1).retrieve(query)[0].node
    out = LlamaBudgetRetriever(index=index, budget=BUDGET, **PLAIN).retrieve(query)
    beside = {r.node_id for k, r in best.relationships.items() if k.name in ("PREVIOUS", "NEXT")}
    assert beside
    assert beside <= set(out[0].node.metadata.get("adaptive_chunk_ids", []))
    assert out[0].node.get_content() == SAMPLE[out[0].node.start_char_idx : out[0].node.end_char_idx]


def test_langchain_chroma_reranking_reads_its_distances_as_similarities() -> None:
    """Chroma's scored search gives distances (rising): the retriever negates them before neighbours borrow from
    each other, so its order is :func:`rerank` over the negated distances."""
    from adaptive_splitters.retrieval.rerank import Candidate, rerank

    chunks = AdaptiveTextSplitter().split_documents([LCDocument(page_content=SAMPLE, metadata={"source": "sample"})])
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = langchain_chroma.Chroma.from_documents(chunks, MiniLMEmbeddings(), client=client, collection_name="scored")
    for query in QUERIES:
        found = store.similarity_search_with_score(query, k=100)
        distances = [s for _, s in found]
        assert distances == sorted(distances)
        assert distances[0] < distances[-1]
        candidates = [
            Candidate(d.page_content, -s, d.id, d.metadata.get("adaptive_prev_id"), d.metadata.get("adaptive_next_id"))
            for d, s in found
        ]
        expected = [found[i][0].id for i in rerank(query, candidates)]
        out = BudgetRetriever(vectorstore=store, budget=300, window=0, join=False).invoke(query)
        assert [d.id for d in out] == expected[: len(out)]
