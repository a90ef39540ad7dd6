"""Budget retrieval for LlamaIndex over a real VectorStoreIndex: BudgetRetriever and TokenBudgetPostprocessor deliver
top-ranked nodes within the budget, neighbours joined into exact nodes, in a query engine, async, serialised."""

from __future__ import annotations

import asyncio
from importlib import resources
from typing import Any

import pytest
from hashing_embedders import HashingEmbedding, biased_vectors
from llama_index.core import VectorStoreIndex
from llama_index.core.llms.mock import MockLLM
from llama_index.core.schema import Document, NodeRelationship, NodeWithScore, RelatedNodeInfo
from pydantic import ValidationError

from adaptive_splitters.llama_index import AdaptiveNodeParser, BudgetRetriever, TokenBudgetPostprocessor
from adaptive_splitters.text.tokens import TokenCounter

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
QUERY = "annual leave and public holidays for employees"
PLAIN: dict[str, Any] = {"lexical_weight": 0, "neighbour_weight": 0}
"""The store\'s own ranking, not reranked: what these tests check delivery against."""
COUNT = TokenCounter("o200k_base")


@pytest.fixture(scope="module")
def index() -> VectorStoreIndex:
    parser = AdaptiveNodeParser(chunk_size=60, embedder=biased_vectors, metrics=["SC", "BI", "RC"])
    nodes = parser.get_nodes_from_documents([Document(text=SAMPLE, id_="sample")])
    return VectorStoreIndex(nodes, embed_model=HashingEmbedding())


def ids_of(found: NodeWithScore) -> list[str]:
    return list(found.node.metadata.get("adaptive_chunk_ids", [found.node.node_id]))


def test_delivers_the_top_ranked_nodes_that_fit_joined_into_exact_nodes(index: VectorStoreIndex) -> None:
    out = BudgetRetriever(index=index, budget=400, window=0, **PLAIN).retrieve(QUERY)
    ranked = index.as_retriever(similarity_top_k=1000).retrieve(QUERY)
    delivered = [i for found in out for i in ids_of(found)]
    assert sorted(delivered) == sorted(n.node.node_id for n in ranked[: len(delivered)])
    tokens = [COUNT(n.node.get_content()) for n in ranked]
    assert sum(tokens[: len(delivered)]) <= 400 < sum(tokens[: len(delivered) + 1])
    assert ranked[0].node.node_id in ids_of(out[0])
    assert any(len(ids_of(found)) > 1 for found in out)  # neighbours were retrieved and joined
    for found in out:
        node = found.node
        assert node.get_content() == SAMPLE[node.start_char_idx : node.end_char_idx]
        assert node.ref_doc_id == "sample"
    pieces = sorted((f.node.start_char_idx, f.node.end_char_idx) for f in out)
    assert all(a[1] < b[0] for a, b in zip(pieces, pieces[1:], strict=False))


def test_the_best_node_brings_its_neighbours_first(index: VectorStoreIndex) -> None:
    ranked = index.as_retriever(similarity_top_k=1000).retrieve(QUERY)
    best = ranked[0].node
    sides = (NodeRelationship.PREVIOUS, NodeRelationship.NEXT)
    around = {best.node_id} | {best.relationships[r].node_id for r in sides if r in best.relationships}
    assert len(around) > 1
    out = BudgetRetriever(index=index, budget=600, window=1, **PLAIN).retrieve(QUERY)
    assert set(ids_of(out[0])) >= around
    assert out[0].node.get_content() == SAMPLE[out[0].node.start_char_idx : out[0].node.end_char_idx]
    assert sum(COUNT(f.node.get_content()) for f in out) <= 600
    tight = BudgetRetriever(index=index, budget=COUNT(best.get_content()), window=1, **PLAIN).retrieve(QUERY)
    assert [f.node.node_id for f in tight] == [best.node_id]


def test_joined_nodes_keep_the_first_nodes_metadata_out_of_the_embedding_and_the_best_score(
    index: VectorStoreIndex,
) -> None:
    out = BudgetRetriever(index=index, budget=2000).retrieve(QUERY)
    joined = [f for f in out if len(ids_of(f)) > 1]
    assert joined
    scores = {n.node.node_id: n.score for n in index.as_retriever(similarity_top_k=1000).retrieve(QUERY)}
    for found in joined:
        assert found.score == max(scores[i] for i in ids_of(found))
        assert "adaptive_chunk_ids" in found.node.excluded_llm_metadata_keys
        assert "adaptive_scores" in found.node.excluded_embed_metadata_keys


def test_the_postprocessor_in_a_query_engine_keeps_the_budget(index: VectorStoreIndex) -> None:
    budget = TokenBudgetPostprocessor(budget=300)
    engine = index.as_query_engine(llm=MockLLM(), similarity_top_k=40, node_postprocessors=[budget])
    response = engine.query(QUERY)
    sources = response.source_nodes
    assert sources
    taken = sum(len(ids_of(f)) for f in sources)
    assert taken > 2  # more than LlamaIndex's default top 2
    assert sum(COUNT(f.node.get_content()) for f in sources) <= 300


def test_the_postprocessor_round_trips_through_to_dict(index: VectorStoreIndex) -> None:
    original = TokenBudgetPostprocessor(budget=321, tokenizer="cl100k_base", order="document", join=False)
    copy = TokenBudgetPostprocessor.from_dict(original.to_dict())
    assert (copy.budget, copy.tokenizer, copy.order, copy.join) == (321, "cl100k_base", "document", False)
    nodes = index.as_retriever(similarity_top_k=30).retrieve(QUERY)
    assert [n.node.node_id for n in copy.postprocess_nodes(nodes)] == [
        n.node.node_id for n in original.postprocess_nodes(nodes)
    ]


def test_the_index_is_asked_for_more_until_the_budget_is_filled(index: VectorStoreIndex) -> None:
    small = BudgetRetriever(index=index, budget=1500, fetch_k=2, **PLAIN).retrieve(QUERY)
    large = BudgetRetriever(index=index, budget=1500, fetch_k=500, **PLAIN).retrieve(QUERY)
    assert [f.node.get_content() for f in small] == [f.node.get_content() for f in large]


def test_any_retriever_is_trimmed(index: VectorStoreIndex) -> None:
    out = BudgetRetriever(retriever=index.as_retriever(similarity_top_k=30), budget=150).retrieve(QUERY)
    assert sum(COUNT(f.node.get_content()) for f in out) <= 150


async def test_aretrieve_equals_retrieve(index: VectorStoreIndex) -> None:
    retriever = BudgetRetriever(index=index, budget=700, fetch_k=4)
    got = await retriever.aretrieve(QUERY)
    assert [f.node.get_content() for f in got] == [f.node.get_content() for f in retriever.retrieve(QUERY)]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "1000"])
def test_a_budget_that_is_not_a_positive_integer_is_refused(index: VectorStoreIndex, bad: Any) -> None:
    with pytest.raises(ValidationError, match="budget must be a positive integer number of tokens"):
        TokenBudgetPostprocessor(budget=bad)
    with pytest.raises(ValueError, match="budget must be a positive integer number of tokens"):
        BudgetRetriever(index=index, budget=bad)


def test_exactly_one_source_of_nodes_is_needed(index: VectorStoreIndex) -> None:
    with pytest.raises(ValueError, match="exactly one of index= and retriever="):
        BudgetRetriever()
    with pytest.raises(ValueError, match="exactly one of"):
        BudgetRetriever(index=index, retriever=index.as_retriever())


def test_an_unknown_tokenizer_is_refused_at_construction() -> None:
    with pytest.raises(ValidationError, match="is not available offline"):
        TokenBudgetPostprocessor(tokenizer="no_such_encoding")


def test_joined_nodes_carry_their_own_size_and_no_chunk_index(index: VectorStoreIndex) -> None:
    out = BudgetRetriever(index=index, budget=800).retrieve(QUERY)
    joined = [f for f in out if len(ids_of(f)) > 1]
    assert joined
    for found in joined:
        assert found.node.metadata["adaptive_tokens"] == COUNT(found.node.get_content())
        assert "chunk_index" not in found.node.metadata
        assert len(set(ids_of(found))) == len(ids_of(found))


def test_a_changed_tokenizer_counts_the_budget(index: VectorStoreIndex) -> None:
    budget = TokenBudgetPostprocessor(budget=300)
    nodes = index.as_retriever(similarity_top_k=30).retrieve(QUERY)
    budget.postprocess_nodes(nodes)
    budget.tokenizer = "cl100k_base"
    cl100k = TokenCounter("cl100k_base")
    assert sum(cl100k(f.node.get_content()) for f in budget.postprocess_nodes(nodes)) <= 300


def test_by_default_the_nodes_are_reranked_so_a_name_the_embedder_misses_comes_first(index: VectorStoreIndex) -> None:
    """The index ranks the one node naming Ortiz fourth for this question; reranking delivers it first, and turning
    it off gives the index's order back."""
    query = "Who is Helena Ortiz?"
    ranked = index.as_retriever(similarity_top_k=1000).retrieve(query)
    assert next(i for i, n in enumerate(ranked) if "Ortiz" in n.node.get_content()) > 2
    assert "Ortiz" in BudgetRetriever(index=index, budget=150, window=0).retrieve(query)[0].node.get_content()
    plain = BudgetRetriever(index=index, budget=150, window=0, **PLAIN).retrieve(query)
    assert "Ortiz" not in plain[0].node.get_content()


def test_reranking_reads_the_node_scores_and_their_neighbour_relationships(index: VectorStoreIndex) -> None:
    """The delivered order is exactly :func:`rerank` over what the index returns (its similarity scores, the
    PREVIOUS/NEXT relationships), sync and async alike; the neighbour weight changes it."""
    from adaptive_splitters.retrieval.rerank import Candidate, rerank

    found = index.as_retriever(similarity_top_k=100).retrieve(QUERY)

    def related(n: NodeWithScore, relation: NodeRelationship) -> str | None:
        info = n.node.relationships.get(relation)
        return info.node_id if isinstance(info, RelatedNodeInfo) else None

    candidates = [
        Candidate(
            n.node.get_content(),
            n.score,
            n.node.node_id,
            related(n, NodeRelationship.PREVIOUS),
            related(n, NodeRelationship.NEXT),
        )
        for n in found
    ]
    orders = {}
    for weight in (0.0, 1.0):
        expected = [found[i].node.node_id for i in rerank(QUERY, candidates, neighbour_weight=weight)]
        retriever = BudgetRetriever(index=index, budget=200, window=0, join=False, neighbour_weight=weight)
        out = retriever.retrieve(QUERY)
        assert [n.node.node_id for n in out] == expected[: len(out)]
        assert [n.node.node_id for n in asyncio.run(retriever.aretrieve(QUERY))] == [n.node.node_id for n in out]
        orders[weight] = [
            n.node.node_id
            for n in BudgetRetriever(index=index, budget=400, window=0, neighbour_weight=weight).retrieve(QUERY)
        ]
    assert orders[0.0] != orders[1.0]


@pytest.mark.parametrize("field", ["lexical_weight", "neighbour_weight"])
def test_a_reranking_weight_that_is_not_a_number_from_0_is_refused(index: VectorStoreIndex, field: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must be a finite number >= 0"):
        BudgetRetriever(index=index, **{field: -1})


def test_a_wrapped_retrievers_order_is_kept(index: VectorStoreIndex) -> None:
    """Results of a retriever that is not the index's own are trimmed in its order, not reranked."""
    wrapped = index.as_retriever(similarity_top_k=6)
    given = [n.node.node_id for n in wrapped.retrieve("Who is Helena Ortiz?")]
    out = BudgetRetriever(retriever=wrapped, budget=10_000, join=False, window=0).retrieve("Who is Helena Ortiz?")
    assert [n.node.node_id for n in out] == given
