"""Quickstart: split the bundled sample with AdaptiveTextSplitter, offline, see why the winner won, then store the
chunks and retrieve within a token budget.

Run: ``python examples/langchain_quickstart.py`` (under a minute on two cores; the first run loads the bundled
all-MiniLM-L6-v2 model, for the metrics and for the vector store).
"""

from __future__ import annotations

import json
from importlib import resources

from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore

from adaptive_splitters.langchain import AdaptiveTextSplitter, BudgetRetriever, ContextualEmbeddings, MiniLMEmbeddings


def main() -> None:
    text = resources.files("adaptive_splitters").joinpath("data/sample.md").read_text(encoding="utf-8")
    splitter = AdaptiveTextSplitter()  # 128 o200k tokens at most (half the embedder's window), a hard limit
    docs = splitter.split_documents([Document(page_content=text, metadata={"source": "sample.md"})])

    first = docs[0].metadata
    scores = json.loads(first["adaptive_scores"])
    print(f"{len(text):,} characters -> {len(docs)} chunks; chosen candidate: {first['adaptive_candidate']}")
    print(f"\nobjective per candidate: {scores['objective']}")
    print("\nmetric scores of every candidate (None: undefined for this document):")
    result = splitter.chunker.chunk(text)  # the same engine, for the full table
    metrics = ["SC", "BI", "RC", "ICC", "DCC"]
    print(f"{'candidate':<16}" + "".join(f"{m:>8}" for m in metrics) + f"{'objective':>11}")
    for name, row in result.scores.items():
        cells = "".join(f"{'-' if row[m] is None else f'{row[m]:.3f}':>8}" for m in metrics)
        objective = result.objective.get(name)
        print(f"{name:<16}{cells}{'-' if objective is None else f'{objective:.3f}':>11}")
    print(f"reason: {result.reason}")

    print("\nthe first chunks (start_index/end_index slice the source exactly):")
    for doc in docs[:3]:
        meta = doc.metadata
        assert text[meta["start_index"] : meta["end_index"]] == doc.page_content
        preview = doc.page_content[:70].replace("\n", " ")
        print(f"  #{meta['chunk_index']} [{meta['start_index']}:{meta['end_index']}] id={doc.id[:8]}… {preview!r}")

    embeddings = ContextualEmbeddings(MiniLMEmbeddings(), docs)  # each chunk stored leaning towards its neighbours
    store = InMemoryVectorStore.from_documents(docs, embeddings)  # any store; Chroma works the same way
    retriever = BudgetRetriever(vectorstore=store, budget=1000)  # not k = 4: as many chunks as 1,000 tokens take
    query = "How is the water disinfected?"
    print(f"\nQuery: {query}")
    for doc in retriever.invoke(query):
        meta = doc.metadata
        assert text[meta["start_index"] : meta["end_index"]] == doc.page_content  # joined passages are exact too
        joined = len(meta.get("adaptive_chunk_ids", [doc.id]))
        preview = doc.page_content.strip()[:60].replace("\n", " ")
        where = f"[{meta['start_index']}:{meta['end_index']}]"
        print(f"  {where} {meta['adaptive_tokens']} tokens, {joined} chunk(s) {preview!r}")


if __name__ == "__main__":
    main()
