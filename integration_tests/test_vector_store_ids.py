"""Real Chroma stores fed by both adapters: ids unique within a call, so nothing is refused or overwritten."""

from __future__ import annotations

import pytest
from hashing_embedders import HashingEmbedding, HashingEmbeddings

chromadb = pytest.importorskip("chromadb", reason="chromadb is not installed (pip install -e '.[integration]')")
langchain_chroma = pytest.importorskip("langchain_chroma", reason="langchain-chroma is not installed")
chroma_vs = pytest.importorskip("llama_index.vector_stores.chroma", reason="llama-index-vector-stores-chroma missing")

from langchain_core.documents import Document as LCDocument  # noqa: E402
from llama_index.core import Document, StorageContext, VectorStoreIndex  # noqa: E402

from adaptive_splitters import AdaptiveNodeParser, AdaptiveTextSplitter  # noqa: E402

TEXT = "Alpha beta gamma delta. " * 8
FAST = ["SC", "BI", "RC"]


def client() -> object:
    return chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))


def test_chroma_from_documents_takes_identical_texts_and_duplicate_files() -> None:
    splitter = AdaptiveTextSplitter(chunk_size=5, metrics=FAST)
    docs = splitter.split_documents(
        [
            LCDocument(page_content=TEXT, metadata={"source": "a.md"}),
            LCDocument(page_content=TEXT, metadata={"source": "a.md"}),
        ]
    )
    docs += splitter.create_documents([TEXT, TEXT])
    store = langchain_chroma.Chroma.from_documents(
        docs, HashingEmbeddings(), client=client(), collection_name="identical"
    )
    assert store._collection.count() == len(docs)  # no DuplicateIDError, nothing overwritten


def test_llama_index_chroma_store_keeps_each_documents_nodes() -> None:
    parser = AdaptiveNodeParser(chunk_size=5, metrics=FAST)
    nodes = parser.get_nodes_from_documents([Document(id_="a", text=TEXT), Document(id_="b", text=TEXT)])
    collection = client().get_or_create_collection("nodes")  # type: ignore[attr-defined]
    vector_store = chroma_vs.ChromaVectorStore(chroma_collection=collection)
    index = VectorStoreIndex(
        nodes, storage_context=StorageContext.from_defaults(vector_store=vector_store), embed_model=HashingEmbedding()
    )
    assert collection.count() == len(nodes)
    index.delete_ref_doc("b")
    assert collection.count() == sum(1 for n in nodes if n.ref_doc_id == "a") > 0
