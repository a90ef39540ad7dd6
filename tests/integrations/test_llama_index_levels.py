"""AdaptiveNodeParser with parent_size: both levels with PARENT/CHILD as HierarchicalNodeParser sets them, so
get_leaf_nodes, get_root_nodes and AutoMergingRetriever work unchanged over a real index and docstore."""

from __future__ import annotations

from importlib import resources

import pytest
from hashing_embedders import HashingEmbedding, biased_vectors
from llama_index.core import StorageContext, VectorStoreIndex
from llama_index.core.node_parser import get_leaf_nodes, get_root_nodes
from llama_index.core.retrievers import AutoMergingRetriever
from llama_index.core.schema import BaseNode, Document, NodeRelationship

from adaptive_splitters.llama_index import AdaptiveNodeParser

SAMPLE = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
QUERY = "annual leave and public holidays for employees"


def parse(**settings: object) -> list[BaseNode]:
    parser = AdaptiveNodeParser(embedder=biased_vectors, **settings)
    return parser.get_nodes_from_documents([Document(text=SAMPLE, id_="sample")])


@pytest.fixture(scope="module")
def nodes() -> list[BaseNode]:
    return parse(parent_size=512)


def test_the_leaves_are_the_one_level_chunks(nodes: list[BaseNode]) -> None:
    flat = parse()
    leaves = get_leaf_nodes(nodes)
    assert [(n.node_id, n.get_content(), n.start_char_idx, n.end_char_idx) for n in leaves] == [
        (n.node_id, n.get_content(), n.start_char_idx, n.end_char_idx) for n in flat
    ]


def test_roots_are_parents_of_whole_chunks_linked_both_ways(nodes: list[BaseNode]) -> None:
    roots, leaves = get_root_nodes(nodes), get_leaf_nodes(nodes)
    assert len(roots) + len(leaves) == len(nodes)
    assert roots[0].start_char_idx == 0
    assert roots[-1].end_char_idx == len(SAMPLE)
    assert all(a.end_char_idx == b.start_char_idx for a, b in zip(roots, roots[1:], strict=False))
    by_id = {n.node_id: n for n in nodes}
    for root in roots:
        assert root.get_content() == SAMPLE[root.start_char_idx : root.end_char_idx]
        assert root.metadata["adaptive_level"] == "parent"
        children = [by_id[c.node_id] for c in root.relationships[NodeRelationship.CHILD]]
        assert children
        assert "".join(c.get_content() for c in children) == root.get_content()  # whole chunks, in order
        assert all(c.relationships[NodeRelationship.PARENT].node_id == root.node_id for c in children)
        assert root.ref_doc_id == "sample"
        for key in ("adaptive_level", "adaptive_parent_scores"):
            assert key in root.excluded_embed_metadata_keys
            assert key in root.excluded_llm_metadata_keys
    assert len({n.node_id for n in nodes}) == len(nodes)  # a parent of one chunk has its own id


def test_previous_and_next_stay_within_a_level(nodes: list[BaseNode]) -> None:
    level = {n.node_id: n.metadata.get("adaptive_level") for n in nodes}
    for node in nodes:
        for relation in (NodeRelationship.PREVIOUS, NodeRelationship.NEXT):
            if relation in node.relationships:
                assert level[node.relationships[relation].node_id] == level[node.node_id]


def test_the_same_documents_give_the_same_nodes(nodes: list[BaseNode]) -> None:
    again = parse(parent_size=512)
    assert [(n.node_id, n.get_content()) for n in again] == [(n.node_id, n.get_content()) for n in nodes]


def test_auto_merging_retriever_merges_into_our_parents(nodes: list[BaseNode]) -> None:
    storage = StorageContext.from_defaults()
    storage.docstore.add_documents(nodes)
    index = VectorStoreIndex(get_leaf_nodes(nodes), storage_context=storage, embed_model=HashingEmbedding())
    base = index.as_retriever(similarity_top_k=12)
    merged = AutoMergingRetriever(base, storage).retrieve(QUERY)
    parents = [n for n in merged if n.node.metadata.get("adaptive_level") == "parent"]
    assert parents  # at least one parent had half of its chunks retrieved
    retrieved = {n.node.node_id for n in base.retrieve(QUERY)}
    for found in parents:
        node = found.node
        assert node.get_content() == SAMPLE[node.start_char_idx : node.end_char_idx]
        children = {c.node_id for c in node.relationships[NodeRelationship.CHILD]}
        assert len(children & retrieved) / len(children) > 0.5
        assert not {n.node.node_id for n in merged} & children  # the parent replaced them


def test_the_parent_size_is_a_serialised_field() -> None:
    parser = AdaptiveNodeParser(parent_size=512)
    assert AdaptiveNodeParser.from_dict(parser.to_dict()) == parser
    assert parser.to_dict()["parent_size"] == 512


def test_each_level_keeps_one_chain_across_input_nodes() -> None:
    from llama_index.core.node_parser import SentenceSplitter

    inputs = SentenceSplitter(chunk_size=400, chunk_overlap=0).get_nodes_from_documents(
        [Document(text=SAMPLE[:6000], id_="sample")]
    )
    assert len(inputs) >= 2
    nodes = AdaptiveNodeParser(embedder=biased_vectors, chunk_size=60, parent_size=200)(inputs)
    leaves = [n for n in nodes if "adaptive_level" not in n.metadata]
    for a, b in zip(leaves, leaves[1:], strict=False):
        assert a.relationships[NodeRelationship.NEXT].node_id == b.node_id
        assert b.relationships[NodeRelationship.PREVIOUS].node_id == a.node_id


def test_child_links_carry_no_copy_of_the_childrens_metadata(nodes: list[BaseNode]) -> None:
    for root in get_root_nodes(nodes):
        assert all(not info.metadata for info in root.relationships[NodeRelationship.CHILD])
