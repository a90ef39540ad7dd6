"""LlamaIndex ingestion with AdaptiveNodeParser: pipeline with a cache → vector index → budget retriever, offline.

Runs on the bundled sample (and two small CLAIR documents when ``../shared/data/clair`` is present) with the
bundled all-MiniLM-L6-v2; no network, no LLM. Prints the candidate chosen per document and what a query delivers
within 1,000 tokens: passages of neighbouring nodes joined, with their exact offsets into their source.

    python examples/llamaindex_ingestion.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from llama_index.core import VectorStoreIndex
from llama_index.core.ingestion import DocstoreStrategy, IngestionCache, IngestionPipeline
from llama_index.core.schema import Document
from llama_index.core.storage.docstore import SimpleDocumentStore

from adaptive_splitters import AdaptiveNodeParser
from adaptive_splitters.integrations.llama_index import MiniLMEmbedding
from adaptive_splitters.llama_index import BudgetRetriever, ContextualEmbedding

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "adaptive_splitters" / "data" / "sample.md"
CLAIR = ROOT.parent / "shared" / "data" / "clair" / "parsed"
CLAIR_NAMES = ("Norma (légal)_EDPS Generative AI guidelines", "Ada (technique)_Standards - Explicability")
QUERIES = ("How is the water coagulated?", "What must providers explain about their AI systems?")


def documents() -> list[Document]:
    """Documents with stable ids (LlamaIndex's default ids are random, and a docstore keys on them)."""
    docs = [Document(text=SAMPLE.read_text(encoding="utf-8"), id_="sample.md", metadata={"source": "sample.md"})]
    for name in CLAIR_NAMES if CLAIR.is_dir() else ():
        data = json.loads((CLAIR / f"{name}.json").read_text(encoding="utf-8"))
        docs.append(Document(text=data["full_text"], id_=name, metadata={"source": name}))
    return docs


def main() -> None:
    docs = documents()
    texts = {d.id_: d.text for d in docs}
    embed_model = ContextualEmbedding(base=MiniLMEmbedding())  # nodes stored leaning towards their neighbours
    parser = AdaptiveNodeParser()  # 128-token chunks for MiniLM; every setting is a public field: the cache key sees it
    pipeline = IngestionPipeline(
        transformations=[parser, embed_model],
        docstore=SimpleDocumentStore(),
        docstore_strategy=DocstoreStrategy.DUPLICATES_ONLY,
        cache=IngestionCache(),
    )
    nodes = pipeline.run(documents=docs)

    print("Chosen candidate per document:")
    for doc_id in texts:
        mine = [n for n in nodes if n.ref_doc_id == doc_id]
        if not mine:
            continue
        scores = json.loads(mine[0].metadata["adaptive_scores"])["objective"]
        table = ", ".join(f"{name} {value:.3f}" for name, value in scores.items() if value is not None)
        print(f"  {doc_id}: {mine[0].metadata['adaptive_candidate']} ({len(mine)} nodes; objective: {table})")

    index = VectorStoreIndex(nodes, embed_model=embed_model)
    retriever = BudgetRetriever(index=index, budget=1000)  # not a fixed top 2: as many nodes as 1,000 tokens take
    for query in QUERIES:
        print(f"\nQuery: {query}")
        for hit in retriever.retrieve(query):
            node = hit.node
            start, end = node.start_char_idx, node.end_char_idx  # type: ignore[attr-defined]
            exact = texts[node.ref_doc_id or ""][start:end] == node.get_content()
            joined = len(node.metadata.get("adaptive_chunk_ids", [node.node_id]))
            preview = " ".join(node.get_content().split())[:70]
            print(f"  {hit.score:.3f}  {node.ref_doc_id} [{start}:{end}] {joined} node(s) exact={exact}  {preview}...")


if __name__ == "__main__":
    main()
