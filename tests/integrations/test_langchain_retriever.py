"""BudgetRetriever (LangChain) over a real in-memory vector store: chunks in rank order within the budget, neighbours
joined into exact passages, VectorStoreRetriever settings kept, async equal to sync, clear errors."""

from __future__ import annotations

import asyncio
from importlib import resources
from typing import Any

import pytest
from hashing_embedders import HashingEmbeddings, biased_vectors
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.vectorstores import InMemoryVectorStore
from pydantic import ValidationError

from adaptive_splitters.langchain import AdaptiveTextSplitter, BudgetRetriever
from adaptive_splitters.output.ids import text_key
from adaptive_splitters.text.tokens import TokenCounter

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
OTHER = "A second source. " * 200
QUERY = "annual leave and public holidays for employees"
PLAIN: dict[str, Any] = {"lexical_weight": 0, "neighbour_weight": 0}
"""The store\'s own ranking, not reranked: what these tests check delivery against."""
COUNT = TokenCounter("o200k_base")


@pytest.fixture(scope="module")
def chunks() -> list[Document]:
    splitter = AdaptiveTextSplitter(chunk_size=60, embedder=biased_vectors, metrics=["SC", "BI", "RC"])
    return splitter.split_documents(
        [Document(page_content=SAMPLE, metadata={"source": "sample.md"}), Document(page_content=OTHER)]
    )


@pytest.fixture(scope="module")
def store(chunks: list[Document]) -> InMemoryVectorStore:
    return InMemoryVectorStore.from_documents(chunks, HashingEmbeddings())


def texts_of(source: str) -> str:
    return SAMPLE if source == "sample.md" else OTHER


def test_chunks_carry_their_size_and_source_key(chunks: list[Document]) -> None:
    for doc in chunks:
        assert doc.metadata["adaptive_tokens"] == COUNT(doc.page_content) <= 60
        assert isinstance(doc.metadata["adaptive_source"], str)
    assert {d.metadata["adaptive_source"] for d in chunks if d.metadata.get("source") == "sample.md"} == {
        text_key(SAMPLE)
    }


def test_delivers_the_top_ranked_chunks_that_fit_the_budget_joined_into_exact_passages(
    store: InMemoryVectorStore,
) -> None:
    out = BudgetRetriever(vectorstore=store, budget=400, window=0, **PLAIN).invoke(QUERY)
    ranked = store.similarity_search(QUERY, k=len(store.store))
    delivered = [i for d in out for i in d.metadata.get("adaptive_chunk_ids", [d.id])]
    assert sorted(delivered) == sorted(d.id for d in ranked[: len(delivered)])  # a prefix of the ranking
    assert sum(d.metadata["adaptive_tokens"] for d in ranked[: len(delivered)]) <= 400
    assert sum(d.metadata["adaptive_tokens"] for d in ranked[: len(delivered) + 1]) > 400  # the next did not fit
    assert ranked[0].id in out[0].metadata.get("adaptive_chunk_ids", [out[0].id])  # rank order: the best first
    spans: dict[str, list[tuple[int, int]]] = {}
    for doc in out:
        start, end = doc.metadata["start_index"], doc.metadata["end_index"]
        assert doc.page_content == texts_of(doc.metadata.get("source", ""))[start:end]
        spans.setdefault(doc.metadata["adaptive_source"], []).append((start, end))
    for pieces in spans.values():
        pieces.sort()
        assert all(a[1] < b[0] for a, b in zip(pieces, pieces[1:], strict=False))  # neighbours were joined


def test_neighbouring_chunks_are_one_passage_with_their_ids(store: InMemoryVectorStore, chunks: list[Document]) -> None:
    """A query drawn from two neighbouring chunks retrieves both: one Document spanning both, in document order."""
    a, b = chunks[3], chunks[4]
    budget = a.metadata["adaptive_tokens"] + b.metadata["adaptive_tokens"]
    out = BudgetRetriever(vectorstore=store, budget=budget, window=0).invoke(a.page_content + b.page_content)
    assert len(out) == 1
    (passage,) = out
    assert passage.metadata["adaptive_chunk_ids"] == [a.id, b.id]
    assert (passage.metadata["start_index"], passage.metadata["end_index"]) == (
        a.metadata["start_index"],
        b.metadata["end_index"],
    )
    assert passage.page_content == a.page_content + b.page_content


def test_the_best_chunk_brings_its_neighbours_first(store: InMemoryVectorStore, chunks: list[Document]) -> None:
    """With window=1 the best chunk comes with the chunk after and the chunk before it (one passage), then the
    ranking goes on; a neighbour that does not fit is left out without ending the taking."""
    ranked = store.similarity_search(QUERY, k=len(store.store))
    best = ranked[0]
    index = next(i for i, c in enumerate(chunks) if c.id == best.id)
    around = [
        c for c in chunks[index - 1 : index + 2] if c.metadata["adaptive_source"] == best.metadata["adaptive_source"]
    ]
    out = BudgetRetriever(vectorstore=store, budget=600, window=1, **PLAIN).invoke(QUERY)
    assert len(around) > 1
    assert set(out[0].metadata["adaptive_chunk_ids"]) >= {c.id for c in around}
    first = out[0]
    assert first.page_content == SAMPLE[first.metadata["start_index"] : first.metadata["end_index"]]
    assert first.metadata["start_index"] <= around[0].metadata["start_index"]
    assert first.metadata["end_index"] >= around[-1].metadata["end_index"]
    assert sum(COUNT(d.page_content) for d in out) <= 600
    tight = BudgetRetriever(vectorstore=store, budget=best.metadata["adaptive_tokens"], window=1, **PLAIN).invoke(QUERY)
    assert [d.id for d in tight] == [best.id]  # no room for the neighbours: the best chunk alone


def test_a_vector_store_retriever_keeps_its_filter_but_not_its_k(store: InMemoryVectorStore) -> None:
    base = store.as_retriever(search_kwargs={"k": 4, "filter": lambda d: d.metadata.get("source") != "sample.md"})
    out = BudgetRetriever(retriever=base, budget=500).invoke(QUERY)
    assert all(d.metadata.get("source") != "sample.md" for d in out)
    assert sum(COUNT(d.page_content) for d in out) > 4 * 30  # more than k = 4 chunks' worth


def test_the_search_grows_until_the_budget_is_filled(store: InMemoryVectorStore) -> None:
    small = BudgetRetriever(vectorstore=store, budget=1500, fetch_k=2, **PLAIN).invoke(QUERY)
    large = BudgetRetriever(vectorstore=store, budget=1500, fetch_k=500, **PLAIN).invoke(QUERY)
    assert [d.page_content for d in small] == [d.page_content for d in large]
    assert sum(COUNT(d.page_content) for d in small) > 1300


def test_any_retriever_is_trimmed_to_the_budget(chunks: list[Document]) -> None:
    class Fixed(BaseRetriever):
        docs: list[Document]

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            return self.docs

    out = BudgetRetriever(retriever=Fixed(docs=chunks[:10]), budget=100).invoke("anything")
    taken = sum(len(d.metadata.get("adaptive_chunk_ids", [d.id])) for d in out)
    assert 1 <= taken < 10
    assert sum(COUNT(d.page_content) for d in out) <= 100


async def test_ainvoke_equals_invoke(store: InMemoryVectorStore) -> None:
    retriever = BudgetRetriever(vectorstore=store, budget=700, fetch_k=4)
    assert [d.page_content for d in await retriever.ainvoke(QUERY)] == [d.page_content for d in retriever.invoke(QUERY)]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "1000"])
def test_a_budget_that_is_not_a_positive_integer_is_refused(store: InMemoryVectorStore, bad: Any) -> None:
    with pytest.raises(ValidationError, match="budget must be a positive integer number of tokens"):
        BudgetRetriever(vectorstore=store, budget=bad)


def test_exactly_one_source_of_chunks_is_needed(store: InMemoryVectorStore) -> None:
    with pytest.raises(ValidationError, match="exactly one of vectorstore= and retriever="):
        BudgetRetriever(budget=10)
    with pytest.raises(ValidationError, match="exactly one of"):
        BudgetRetriever(vectorstore=store, retriever=store.as_retriever())
    with pytest.raises(ValidationError, match="is not available offline"):
        BudgetRetriever(vectorstore=store, tokenizer="no_such_encoding")


def test_joined_passages_carry_their_own_size_neighbours_and_pages(
    store: InMemoryVectorStore, chunks: list[Document]
) -> None:
    out = BudgetRetriever(vectorstore=store, budget=800).invoke(QUERY)
    joined = [d for d in out if len(d.metadata.get("adaptive_chunk_ids", [])) > 1]
    assert joined
    by_id = {c.id: c for c in chunks}
    for doc in joined:
        parts = [by_id[i] for i in doc.metadata["adaptive_chunk_ids"]]
        assert doc.metadata["adaptive_tokens"] == COUNT(doc.page_content)
        assert doc.metadata.get("adaptive_prev_id") == parts[0].metadata.get("adaptive_prev_id")
        assert doc.metadata.get("adaptive_next_id") == parts[-1].metadata.get("adaptive_next_id")
        assert "chunk_index" not in doc.metadata
        assert len(set(doc.metadata["adaptive_chunk_ids"])) == len(parts)  # no chunk twice


def test_a_changed_tokenizer_counts_the_budget(store: InMemoryVectorStore) -> None:
    retriever = BudgetRetriever(vectorstore=store, budget=300)
    retriever.invoke(QUERY)
    by_characters = retriever.model_copy(update={"tokenizer": len})
    assert sum(len(d.page_content) for d in by_characters.invoke(QUERY)) <= 300


def test_mmr_fills_the_budget_too(store: InMemoryVectorStore) -> None:
    mmr = BudgetRetriever(retriever=store.as_retriever(search_type="mmr"), budget=3000, window=0).invoke(QUERY)
    similar = BudgetRetriever(vectorstore=store, budget=3000, window=0).invoke(QUERY)
    assert sum(COUNT(d.page_content) for d in mmr) > 2900 - 60
    assert sum(COUNT(d.page_content) for d in mmr) == pytest.approx(sum(COUNT(d.page_content) for d in similar), abs=60)


def test_neighbours_never_pass_a_filter(store: InMemoryVectorStore) -> None:
    def public(doc: Document) -> bool:
        return doc.metadata.get("chunk_index", 0) % 2 == 0

    out = BudgetRetriever(vectorstore=store, budget=600, search_kwargs={"filter": public}).invoke(QUERY)
    assert out
    for doc in out:
        ids = doc.metadata.get("adaptive_chunk_ids", [doc.id])
        assert all(public(store.get_by_ids([i])[0]) for i in ids)
    called = BudgetRetriever(vectorstore=store, budget=600).invoke(QUERY, filter=lambda d: False)
    assert called == []  # what invoke is given reaches the search


def test_the_search_never_asks_for_more_than_max_fetch() -> None:
    from adaptive_splitters.retrieval import MAX_FETCH, next_fetch

    asked = [32]
    while asked[-1] < MAX_FETCH:
        asked.append(next_fetch(asked[-1]))
    assert asked[-1] == MAX_FETCH
    assert asked[-2] < MAX_FETCH


def test_a_chunk_split_again_has_a_source_and_neighbours_of_its_own(chunks: list[Document]) -> None:
    parent = chunks[5]
    assert {"adaptive_prev_id", "adaptive_next_id"} <= parent.metadata.keys()
    splitter = AdaptiveTextSplitter(chunk_size=20, embedder=biased_vectors, metrics=["SC", "BI", "RC"])
    pieces = splitter.split_documents([parent])
    assert len(pieces) >= 2
    assert "adaptive_prev_id" not in pieces[0].metadata
    assert "adaptive_next_id" not in pieces[-1].metadata
    assert pieces[0].metadata["adaptive_next_id"] == pieces[1].id
    assert {p.metadata["adaptive_source"] for p in pieces} == {text_key(parent.page_content)}  # its offsets' text


def test_a_users_tokens_key_is_kept(chunks: list[Document]) -> None:
    splitter = AdaptiveTextSplitter(chunk_size=60, embedder=biased_vectors, metrics=["SC", "BI", "RC"])
    out = splitter.split_documents([Document(page_content=SAMPLE[:3000], metadata={"tokens": ["tag"]})])
    assert all(d.metadata["tokens"] == ["tag"] for d in out)


def test_by_default_the_results_are_reranked_so_a_name_the_embedder_misses_comes_first(
    store: InMemoryVectorStore,
) -> None:
    """The store ranks the one chunk naming Ortiz ninth for this question; reranking (BM25 over the fetched
    results fused with the store's order) delivers it first, and turning it off gives the store's order back."""
    query = "Who is Helena Ortiz?"
    ranked = store.similarity_search(query, k=len(store.store))
    assert next(i for i, d in enumerate(ranked) if "Ortiz" in d.page_content) > 4
    assert "Ortiz" in BudgetRetriever(vectorstore=store, budget=150, window=0).invoke(query)[0].page_content
    plain = BudgetRetriever(vectorstore=store, budget=150, window=0, **PLAIN).invoke(query)
    assert "Ortiz" not in plain[0].page_content


def test_reranking_reads_the_stores_scores_and_our_neighbour_ids(store: InMemoryVectorStore) -> None:
    """The delivered order is exactly :func:`rerank` over what the store returns: its scores (cosine similarities
    here) and the neighbour ids our chunks carry (so the neighbour weight changes the order), sync and async
    alike."""
    from adaptive_splitters.retrieval.rerank import Candidate, rerank

    found = store.similarity_search_with_score(QUERY, k=100)
    candidates = [
        Candidate(d.page_content, s, d.id, d.metadata.get("adaptive_prev_id"), d.metadata.get("adaptive_next_id"))
        for d, s in found
    ]
    for weight in (0.0, 0.25, 1.0):
        expected = [found[i][0].id for i in rerank(QUERY, candidates, neighbour_weight=weight)]
        retriever = BudgetRetriever(vectorstore=store, budget=200, window=0, join=False, neighbour_weight=weight)
        out = retriever.invoke(QUERY)
        assert [d.id for d in out] == expected[: len(out)]
        assert [d.id for d in asyncio.run(retriever.ainvoke(QUERY))] == [d.id for d in out]
    by_weight = {
        w: [d.id for d in BudgetRetriever(vectorstore=store, budget=400, window=0, neighbour_weight=w).invoke(QUERY)]
        for w in (0.0, 1.0)
    }
    assert by_weight[0.0] != by_weight[1.0]


@pytest.mark.parametrize("field", ["lexical_weight", "neighbour_weight"])
@pytest.mark.parametrize("bad", [-1, float("nan"), "0.5"])
def test_a_reranking_weight_that_is_not_a_number_from_0_is_refused(
    store: InMemoryVectorStore, field: str, bad: Any
) -> None:
    with pytest.raises(ValidationError, match="must be a finite number >= 0"):
        BudgetRetriever(vectorstore=store, **{field: bad})


def test_a_wrapped_retrievers_order_is_kept(chunks: list[Document]) -> None:
    """A retriever that is not a store's (an ensemble, a cross-encoder) has ordered its results: they are
    trimmed to the budget in its order, not reranked."""

    class Fixed(BaseRetriever):
        docs: list[Document]

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            return self.docs

    picked = [c for c in chunks if "Ortiz" not in c.page_content][:3] + [c for c in chunks if "Ortiz" in c.page_content]
    out = BudgetRetriever(retriever=Fixed(docs=picked), budget=10_000, join=False, window=0).invoke("Helena Ortiz")
    assert [d.id for d in out] == [d.id for d in picked]
