"""Documents → IngestionPipeline([AdaptiveNodeParser, embed model], docstore, cache) → VectorStoreIndex → retriever.

Real components only: LlamaIndex's pipeline, docstore, cache, vector index and retriever; the bundled
all-MiniLM-L6-v2 behind a small LlamaIndex ``BaseEmbedding``; all five metrics; no LLM anywhere. Two small CLAIR
documents keep it short on two cores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llama_index.core import VectorStoreIndex
from llama_index.core.ingestion import DocstoreStrategy, IngestionCache, IngestionPipeline
from llama_index.core.ingestion.pipeline import get_transformation_hash
from llama_index.core.schema import BaseNode, Document, TextNode
from llama_index.core.storage.docstore import SimpleDocumentStore

from adaptive_splitters import AdaptiveNodeParser
from adaptive_splitters.integrations.llama_index import MiniLMEmbedding

ROOT = Path(__file__).resolve().parents[1]
CLAIR = ROOT.parent / "shared" / "data" / "clair" / "parsed"
NAMES = ("Norma (légal)_EDPS Generative AI guidelines", "Ada (technique)_Standards - Explicability")
QUERIES = ("What must providers document about explainability?", "How should personal data be protected?")


def documents() -> list[Document]:
    """Two small CLAIR documents, with stable ids (a docstore keys on them) and ``source`` metadata."""
    docs = []
    for name in NAMES:
        data = json.loads((CLAIR / f"{name}.json").read_text(encoding="utf-8"))
        docs.append(Document(text=data["full_text"], id_=name, metadata={"source": name}))
    return docs


def identity(nodes: list[BaseNode]) -> list[tuple[Any, ...]]:
    return [
        (n.node_id, n.get_content(), n.start_char_idx, n.end_char_idx, n.ref_doc_id, json.dumps(n.metadata))  # type: ignore[attr-defined]
        for n in nodes
    ]


def check_slices(nodes: list[BaseNode], texts: dict[str, str]) -> None:
    for node in nodes:
        assert isinstance(node, TextNode)
        assert node.ref_doc_id in texts
        assert node.start_char_idx is not None
        assert node.end_char_idx is not None
        assert texts[node.ref_doc_id][node.start_char_idx : node.end_char_idx] == node.text


pytestmark = pytest.mark.skipif(not CLAIR.is_dir(), reason=f"the CLAIR corpus is not at {CLAIR}")


@pytest.fixture(scope="module")
def embed_model() -> MiniLMEmbedding:
    return MiniLMEmbedding()


def test_pipeline_index_retriever_cache(embed_model: MiniLMEmbedding) -> None:
    docs = documents()
    texts = {d.id_: d.text for d in docs}
    cache = IngestionCache()
    parser = AdaptiveNodeParser(chunk_size=300)

    def pipeline(p: AdaptiveNodeParser) -> IngestionPipeline:
        return IngestionPipeline(
            transformations=[p, embed_model],
            docstore=SimpleDocumentStore(),
            docstore_strategy=DocstoreStrategy.DUPLICATES_ONLY,
            cache=cache,
        )

    first = pipeline(parser)
    nodes = first.run(documents=docs)
    assert {n.ref_doc_id for n in nodes} == set(texts)
    check_slices(nodes, texts)
    assert all(n.embedding is not None for n in nodes)
    assert len({n.node_id for n in nodes}) == len(nodes)
    chosen = {n.ref_doc_id: n.metadata["adaptive_candidate"] for n in nodes}
    assert set(chosen) == set(texts)
    assert first.run(documents=docs) == []  # the docstore saw these documents

    # the same settings: every transformation comes from the cache, nothing is embedded again
    assert cache.get(get_transformation_hash(docs, parser)) is not None
    stored = len(cache.cache.get_all(collection=cache.collection))
    embedded = embed_model.embedded
    again = pipeline(AdaptiveNodeParser(chunk_size=300)).run(documents=documents())
    assert identity(again) == identity(nodes)
    assert embed_model.embedded == embedded
    assert len(cache.cache.get_all(collection=cache.collection)) == stored

    # one setting changed: the cache misses, so the parser and the model run again
    other = AdaptiveNodeParser(chunk_size=250)
    assert cache.get(get_transformation_hash(docs, other)) is None
    changed = pipeline(other).run(documents=documents())
    assert len(cache.cache.get_all(collection=cache.collection)) == stored + 2
    assert embed_model.embedded > embedded
    check_slices(changed, texts)

    index = VectorStoreIndex(nodes, embed_model=embed_model)
    retriever = index.as_retriever(similarity_top_k=4)
    for query in QUERIES:
        hits = retriever.retrieve(query)
        assert len(hits) == 4
        check_slices([hit.node for hit in hits], texts)
        assert all(hit.score is not None for hit in hits)


def test_two_workers_give_the_same_nodes() -> None:
    """Workers get the parser by pickling: every setting must survive (cheap metrics: settings are the point)."""
    docs = documents()
    parser = AdaptiveNodeParser(chunk_size=120, tokenizer="cl100k_base", selection="paper", metrics=["SC", "BI", "RC"])
    local = IngestionPipeline(transformations=[parser]).run(documents=docs)
    workers = IngestionPipeline(transformations=[parser]).run(documents=documents(), num_workers=2)
    assert sorted(identity(workers)) == sorted(identity(local))
    check_slices(workers, {d.id_: d.text for d in docs})
