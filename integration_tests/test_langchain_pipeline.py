"""CLAIR documents → AdaptiveTextSplitter → InMemoryVectorStore (real all-MiniLM-L6-v2) → retriever.

Real components only: the bundled embedding model behind a LangChain ``Embeddings``, LangChain's own vector store
and retriever, all five metrics. Three small CLAIR documents keep it to well under a minute on two cores.
"""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore

from adaptive_splitters import AdaptiveTextSplitter
from adaptive_splitters.langchain import MiniLMEmbeddings
from adaptive_splitters.output.units import PAGE_SEPARATOR
from adaptive_splitters.text.tokens import TokenCounter

CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair"
NAMES = (
    "Norma (légal)_EDPS Generative AI guidelines",
    "Ada (technique)_Standards - Explicability",
    "Ada (technique)_Standards - Transparency",
)
QUERIES = ("What must providers document about explainability?", "How should personal data be protected?")
FLAT = (str, int, float, bool)

pytestmark = pytest.mark.skipif(not (CLAIR / "parsed").is_dir(), reason=f"the CLAIR corpus is not at {CLAIR}")


@cache
def clair(name: str) -> dict[str, Any]:
    return json.loads((CLAIR / "parsed" / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def embeddings() -> MiniLMEmbeddings:
    return MiniLMEmbeddings()


@pytest.fixture(scope="module")
def splitter() -> AdaptiveTextSplitter:
    return AdaptiveTextSplitter()  # every default: six metrics, bundled model, o200k_base, 128 tokens (its window / 2)


def pdf_pages(name: str) -> list[Document]:
    """One Document per page, as PDF loaders give them (0-based ``page``)."""
    pages = list(clair(name)["pages"].values())
    return [Document(page_content=p, metadata={"source": f"{name}.pdf", "page": i}) for i, p in enumerate(pages)]


def check_flat(doc: Document) -> None:
    bad = {k: type(v).__name__ for k, v in doc.metadata.items() if not isinstance(v, FLAT)}
    assert not bad, f"non-flat metadata {bad}"


def test_whole_documents_through_a_vector_store(splitter: AdaptiveTextSplitter, embeddings: MiniLMEmbeddings) -> None:
    sources = {name: clair(name)["full_text"] for name in NAMES}
    docs = splitter.split_documents([Document(page_content=t, metadata={"source": n}) for n, t in sources.items()])
    counter = TokenCounter("o200k_base")
    for name, text in sources.items():
        assert "".join(d.page_content for d in docs if d.metadata["source"] == name) == text
    assert max(counter(d.page_content) for d in docs) <= 128

    store = InMemoryVectorStore(embeddings)
    ids = store.add_documents(docs)
    assert ids == [d.id for d in docs]
    store.add_documents(docs)  # deterministic ids: re-ingestion replaces, never duplicates
    assert len(store.store) == len(docs)

    retriever = store.as_retriever(search_kwargs={"k": 4})
    for query in QUERIES:
        results = retriever.invoke(query)
        assert len(results) == 4
        for doc in results:
            start, end = doc.metadata["start_index"], doc.metadata["end_index"]
            assert sources[doc.metadata["source"]][start:end] == doc.page_content
            check_flat(doc)
            scores = json.loads(doc.metadata["adaptive_scores"])
            assert set(scores["chosen"]) == {"SC", "BI", "RC", "ICC", "DCC", "SR"}
            assert scores["chosen"]["SR"] is not None
            assert doc.metadata["adaptive_candidate"] in scores["objective"]


def test_pdf_like_pages_are_grouped_per_source(splitter: AdaptiveTextSplitter, embeddings: MiniLMEmbeddings) -> None:
    pages = {name: pdf_pages(name) for name in NAMES[:2]}
    joined = {f"{n}.pdf": PAGE_SEPARATOR.join(p.page_content for p in ps) for n, ps in pages.items()}
    docs = splitter.split_documents([p for ps in pages.values() for p in ps])
    for source, text in joined.items():
        own = [d for d in docs if d.metadata["source"] == source]
        assert "".join(d.page_content for d in own) == text
        assert own[0].metadata["page_start"] == 0
        assert own[-1].metadata["page_end"] == len(pages[source.removesuffix(".pdf")]) - 1
        assert all(a.metadata["page_end"] <= b.metadata["page_start"] + 1 for a, b in itertools.pairwise(own))
    store = InMemoryVectorStore.from_documents(docs, embeddings)
    for doc in store.as_retriever(search_kwargs={"k": 3}).invoke(QUERIES[0]):
        start, end = doc.metadata["start_index"], doc.metadata["end_index"]
        assert joined[doc.metadata["source"]][start:end] == doc.page_content
        assert doc.metadata["page_start"] <= doc.metadata["page_end"]
        check_flat(doc)


def test_pdf_like_pages_split_one_by_one() -> None:
    splitter = AdaptiveTextSplitter(group_pages=False, metrics=["SC", "BI", "RC"])
    pages = pdf_pages(NAMES[1])
    docs = splitter.split_documents(pages)
    for doc in docs:
        page = doc.metadata["page"]
        start, end = doc.metadata["start_index"], doc.metadata["end_index"]
        assert pages[page].page_content[start:end] == doc.page_content
        assert doc.metadata["page_start"] == doc.metadata["page_end"] == page
    assert len({d.id for d in docs}) == len(docs)
