"""LangChain's parent retrievers over our splitters, on a real vector store and InMemoryStore:
ParentDocumentRetriever(child_splitter, parent_splitter) and MultiVectorRetriever over split_with_parents."""

from __future__ import annotations

from importlib import resources

import pytest
from hashing_embedders import HashingEmbeddings, biased_vectors
from langchain_core.documents import Document
from langchain_core.stores import InMemoryStore
from langchain_core.vectorstores import InMemoryVectorStore

from adaptive_splitters.langchain import AdaptiveTextSplitter

retrievers = pytest.importorskip("langchain_classic.retrievers", reason='pip install -e ".[integration]"')

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
QUERY = "annual leave and public holidays for employees"
FAST = ["SC", "BI", "RC"]
SOURCE = [Document(page_content=SAMPLE, metadata={"source": "sample.md"})]


def splitter(**settings: object) -> AdaptiveTextSplitter:
    return AdaptiveTextSplitter(embedder=biased_vectors, metrics=FAST, **settings)


def test_parent_document_retriever_with_our_splitters_as_child_and_parent() -> None:
    store, docstore = InMemoryVectorStore(HashingEmbeddings()), InMemoryStore()
    retriever = retrievers.ParentDocumentRetriever(
        vectorstore=store,
        docstore=docstore,
        child_splitter=splitter(chunk_size=60),
        parent_splitter=splitter(chunk_size=400),
        search_kwargs={"k": 4},
    )
    retriever.add_documents(SOURCE)
    parents = splitter(chunk_size=400).split_documents(SOURCE)
    children = sum(len(splitter(chunk_size=60).split_documents([p])) for p in parents)
    assert len(store.store) == children  # no child overwrote another: ids of chunks of chunks index the source
    found = retriever.invoke(QUERY)
    assert 1 <= len(found) <= 4
    for doc in found:
        assert doc.page_content == SAMPLE[doc.metadata["start_index"] : doc.metadata["end_index"]]


def test_multi_vector_retriever_over_split_with_parents() -> None:
    chunks, parents = splitter(chunk_size=60, parent_size=400).split_with_parents(SOURCE)
    assert chunks
    assert parents
    ids = {p.id for p in parents}
    assert all(c.metadata["doc_id"] in ids for c in chunks)
    assert [(c.id, c.page_content) for c in chunks] == [
        (c.id, c.page_content) for c in splitter(chunk_size=60, parent_size=400).split_documents(SOURCE)
    ]
    store, docstore = InMemoryVectorStore(HashingEmbeddings()), InMemoryStore()
    retriever = retrievers.MultiVectorRetriever(vectorstore=store, docstore=docstore, search_kwargs={"k": 4})
    retriever.vectorstore.add_documents(chunks)
    retriever.docstore.mset([(p.id, p) for p in parents])
    found = retriever.invoke(QUERY)
    assert found
    top = store.similarity_search(QUERY, k=1)[0]
    assert found[0].id == top.metadata["doc_id"]  # the best chunk's parent first
    for doc in found:
        assert doc.metadata["adaptive_level"] == "parent"
        assert doc.page_content == SAMPLE[doc.metadata["start_index"] : doc.metadata["end_index"]]


def test_split_with_parents_needs_a_parent_size() -> None:
    with pytest.raises(ValueError, match="split_with_parents needs parent_size"):
        splitter().split_with_parents(SOURCE)


def test_children_of_parents_with_the_same_text_keep_their_own_ids() -> None:
    """A source whose parents repeat one text: a child's id indexes the source, not its parent, so the vector store
    keeps every child (keyed by the parent's offsets, the children of equal parents would share ids)."""
    text = "Annual leave is twenty-five days a year for every employee.\n\n" * 60
    store = InMemoryVectorStore(HashingEmbeddings())
    retriever = retrievers.ParentDocumentRetriever(
        vectorstore=store,
        docstore=InMemoryStore(),
        child_splitter=splitter(chunk_size=30),
        parent_splitter=splitter(chunk_size=120),
    )
    retriever.add_documents([Document(page_content=text, metadata={"source": "leave.md"})])
    parents = splitter(chunk_size=120).split_documents([Document(page_content=text, metadata={"source": "leave.md"})])
    assert len({p.page_content for p in parents}) < len(parents)  # repeated parent texts
    children = [c for p in parents for c in splitter(chunk_size=30).split_documents([p])]
    assert len({c.id for c in children}) == len(children)
    assert len(store.store) == len(children)
