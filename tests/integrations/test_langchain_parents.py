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


def children_kept(documents: list[Document]) -> list[Document]:
    """``documents`` through ParentDocumentRetriever with our splitters: every child is kept under its own id (the
    store would overwrite children that shared one). Returns the parents."""
    store = InMemoryVectorStore(HashingEmbeddings())
    retriever = retrievers.ParentDocumentRetriever(
        vectorstore=store,
        docstore=InMemoryStore(),
        child_splitter=splitter(chunk_size=30),
        parent_splitter=splitter(chunk_size=120),
    )
    retriever.add_documents(documents)
    parents = splitter(chunk_size=120).split_documents(documents)
    children = [c for p in parents for c in splitter(chunk_size=30).split_documents([p])]
    assert len({c.id for c in children}) == len(children)
    assert len(store.store) == len(children)
    return parents


def test_children_of_parents_with_the_same_text_keep_their_own_ids() -> None:
    """A source whose parents repeat one text: a child's id indexes the source, not its parent (keyed by the
    parent's offsets, the children of equal parents would share ids)."""
    text = "Annual leave is twenty-five days a year for every employee.\n\n" * 60
    parents = children_kept([Document(page_content=text, metadata={"source": "leave.md"})])
    assert len({p.page_content for p in parents}) < len(parents)  # repeated parent texts


PAGES = [
    Document(
        page_content=" ".join(f"Rule {i:03d} covers pump {i} and its repair." for i in range(p, p + 30)),
        metadata={"source": "rules.pdf", "page": n, "page_label": f"p{n + 1}"},
    )
    for n, p in enumerate((0, 30))
]


def test_our_parents_split_again_give_chunks_of_their_own() -> None:
    _, parents = splitter(chunk_size=60, parent_size=400).split_with_parents(SOURCE)
    again = splitter(chunk_size=60).split_documents(parents)
    assert len(again) > len(parents)
    for doc in again:
        assert not {"adaptive_level", "adaptive_parent_id", "doc_id", "adaptive_parent_scores"} & doc.metadata.keys()
    chunks, _ = splitter(chunk_size=60, parent_size=400).split_with_parents(again[:1])
    assert all(c.metadata["doc_id"] == c.metadata["adaptive_parent_id"] for c in chunks)  # its own parent


def test_children_of_grouped_pdf_pages_keep_their_own_ids() -> None:
    children_kept(PAGES)


def test_documents_from_other_splitters_keep_their_ids() -> None:
    plain = Document(page_content=SAMPLE[:2000], metadata={"source": "s.md"})
    indexed = Document(page_content=SAMPLE[:2000], metadata={"source": "s.md", "start_index": 0, "end_index": 2000})
    assert [d.id for d in splitter(chunk_size=60).split_documents([plain])] == [
        d.id for d in splitter(chunk_size=60).split_documents([indexed])
    ]


def test_parents_of_grouped_pages_carry_the_page_they_start_on() -> None:
    chunks, parents = splitter(chunk_size=30, parent_size=120).split_with_parents(PAGES)
    assert {p.metadata["page"] for p in parents} == {0, 1}
    for parent in parents:
        assert parent.metadata["page"] == parent.metadata["page_start"]
    chunk_ids = {c.id for c in chunks}
    assert not chunk_ids & {p.id for p in parents}


def test_whitespace_alone_gives_no_parent_when_stripped() -> None:
    chunks, parents = splitter(parent_size=400, strip_whitespace=True).split_with_parents(
        [Document(page_content="   \n\n   ", metadata={"source": "blank.md"})]
    )
    assert chunks == []
    assert parents == []
