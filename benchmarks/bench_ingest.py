"""End-to-end ingestion, measured: wall time from raw texts to a queryable index, ours against the frameworks'.

Pipelines, each from raw texts (one ``Document`` per text, the text's name its only metadata in LangChain, its id in
LlamaIndex) to an index a query can be run against:

- (a) LangChain ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` + ``MiniLMEmbeddings`` into
  Chroma (``langchain_chroma.Chroma.from_documents``, an ephemeral client, a fresh collection per run);
- (b) LlamaIndex ``SentenceSplitter()`` + ``MiniLMEmbedding`` into a ``VectorStoreIndex``;
- (c) ours: ``AdaptiveTextSplitter()`` (default settings) + ``MiniLMEmbeddings`` into Chroma, and
  ``AdaptiveNodeParser()`` + ``MiniLMEmbedding`` into a ``VectorStoreIndex``; and the README pipelines, the same
  with contextual vectors: ``ContextualEmbeddings(MiniLMEmbeddings(), chunks)`` into Chroma, and
  ``ContextualEmbedding(base=MiniLMEmbedding())`` run on the nodes (as an ingestion step) before the index, which
  keeps their vectors (its time counted as storing);
- (d) LlamaIndex ``SemanticSplitterNodeParser(embed_model=MiniLMEmbedding())`` into a ``VectorStoreIndex``.

LangChain's ``SemanticChunker`` is not run: ``langchain-experimental`` would also install ``langchain-community`` and
``httpx-sse``, packages this environment does not have.

How: one process; every splitter, parser and embedding model is built once (each framework's embedding wrapper and
our splitters hold their own copy of the bundled all-MiniLM-L6-v2) and warmed up on a short synthetic text before
anything is measured. Then one untimed pass per pipeline under ``tracemalloc`` gives the peak memory (the peak of
Python allocations during the run, numpy's included, torch's own allocator's not; it also warms the token-count memo
as a long-running ingest would), and ``--rounds`` timed rounds follow, the pipeline order rotated by one each round
(interleaved, so drift in the machine's speed falls on every pipeline alike); the median of the rounds is reported.
Each run is timed in two parts: chunking (the splitter or parser; ours: the adaptive selection, which embeds the
candidates' pieces itself; (d): the semantic breakpoints, likewise) and storing (embedding the chunks into the store
or index).

Per corpus a markdown table: seconds (median of the rounds), the ratio to (a) and to (b), tokens embedded per second
(cl100k tokens of the texts the pipeline embeds into its index, as embedded: the chunks with their overlap and, in
LlamaIndex, the metadata it embeds with them; embedding done while chunking is timed but not counted), chunks,
the ``tracemalloc`` peak, and the share of the time spent chunking.

Corpora: the COVID-QA articles (``../shared/data/retrieval/covidqa/corpus/*.txt``) and the CLAIR documents'
``full_text`` (``../shared/data/clair/parsed/*.json``), the ``--docs`` smallest of each, smallest first.

Usage: ``HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python benchmarks/bench_ingest.py [--data covidqa,clair]
[--docs N] [--rounds R] [--no-memory]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import tracemalloc
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPORA = {"covidqa": DATA / "retrieval" / "covidqa" / "corpus", "clair": DATA / "clair" / "parsed"}
WARM_UP = "\n\n".join(
    f"Section {i}. " + " ".join(f"Sentence {j} of section {i} says something about ingestion." for j in range(12))
    for i in range(6)
)


@dataclass(frozen=True)
class Text:
    """A raw text to ingest and its name."""

    name: str
    text: str


@dataclass(frozen=True)
class Run:
    """One pipeline run: seconds chunking and storing, and the texts it embedded into its index."""

    chunking: float
    storing: float
    embedded: list[str]

    @property
    def seconds(self) -> float:
        """The whole run's wall time."""
        return self.chunking + self.storing


@dataclass(frozen=True)
class Pipeline:
    """A named ingestion pipeline: raw texts in, a timed run out."""

    name: str
    run: Callable[[Sequence[Text]], Run]


def load(corpus: str, docs: int) -> list[Text]:
    """The ``docs`` smallest texts of ``corpus``, smallest first."""
    folder = CORPORA[corpus]
    if corpus == "covidqa":
        texts = [Text(p.stem, p.read_text(encoding="utf-8")) for p in folder.glob("*.txt")]
    else:
        texts = [Text(p.stem, json.loads(p.read_text(encoding="utf-8"))["full_text"]) for p in folder.glob("*.json")]
    return smallest([t for t in texts if t.text.strip()], docs)


def smallest(texts: Sequence[Text], n: int) -> list[Text]:
    """The ``n`` shortest texts, shortest first (ties by name)."""
    return sorted(texts, key=lambda t: (len(t.text), t.name))[:n]


def rotated(items: Sequence[Any], by: int) -> list[Any]:
    """``items`` rotated left by ``by`` places (the order of round ``by``)."""
    if not items:
        return []
    k = by % len(items)
    return [*items[k:], *items[:k]]


def langchain_pipeline(name: str, splitter: Any, embeddings: Any, client: Any, contextual: bool = False) -> Pipeline:
    """A LangChain splitter into Chroma: ``split_documents`` then ``Chroma.from_documents`` (with ``contextual``,
    through ``ContextualEmbeddings(embeddings, chunks)``)."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document

    from adaptive_splitters.langchain import ContextualEmbeddings

    def run(texts: Sequence[Text]) -> Run:
        documents = [Document(page_content=t.text, metadata={"source": t.name}) for t in texts]
        start = time.perf_counter()
        chunks = splitter.split_documents(documents)
        split = time.perf_counter()
        wrapped = ContextualEmbeddings(embeddings, chunks) if contextual else embeddings
        store = Chroma.from_documents(chunks, wrapped, client=client, collection_name=f"ingest-{uuid.uuid4().hex}")
        end = time.perf_counter()
        assert store.similarity_search(chunks[0].page_content, k=1), "the store answers no query"
        store.delete_collection()
        return Run(split - start, end - split, [c.page_content for c in chunks])

    return Pipeline(name, run)


def llama_pipeline(name: str, parser: Any, embed_model: Any, contextual: bool = False) -> Pipeline:
    """A LlamaIndex node parser into a ``VectorStoreIndex``: ``get_nodes_from_documents`` then the index (with
    ``contextual``, the nodes embedded first by ``ContextualEmbedding(base=embed_model)``)."""
    from llama_index.core import Document, VectorStoreIndex
    from llama_index.core.schema import MetadataMode

    from adaptive_splitters.llama_index import ContextualEmbedding

    def run(texts: Sequence[Text]) -> Run:
        documents = [Document(text=t.text, id_=t.name) for t in texts]
        start = time.perf_counter()
        nodes = parser.get_nodes_from_documents(documents)
        split = time.perf_counter()
        if contextual:
            wrapped = ContextualEmbedding(base=embed_model)
            index = VectorStoreIndex(wrapped(nodes), embed_model=wrapped)
        else:
            index = VectorStoreIndex(nodes, embed_model=embed_model)
        end = time.perf_counter()
        assert index.as_retriever(similarity_top_k=1).retrieve(nodes[0].get_content()), "the index answers no query"
        return Run(split - start, end - split, [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes])

    return Pipeline(name, run)


def pipelines() -> list[Pipeline]:
    """The seven pipelines, (a) and (b) first, built once, sharing one embedding wrapper per framework."""
    import chromadb
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from llama_index.core.node_parser import SemanticSplitterNodeParser, SentenceSplitter

    from adaptive_splitters.integrations.llama_index import AdaptiveNodeParser, MiniLMEmbedding
    from adaptive_splitters.langchain import AdaptiveTextSplitter, MiniLMEmbeddings

    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    lc_embeddings, li_embedding = MiniLMEmbeddings(), MiniLMEmbedding()
    recursive = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return [
        langchain_pipeline("(a) LangChain recursive 1000/200 → Chroma", recursive, lc_embeddings, client),
        llama_pipeline("(b) LlamaIndex SentenceSplitter → VectorStoreIndex", SentenceSplitter(), li_embedding),
        langchain_pipeline("(c) ours, AdaptiveTextSplitter → Chroma", AdaptiveTextSplitter(), lc_embeddings, client),
        llama_pipeline("(c) ours, AdaptiveNodeParser → VectorStoreIndex", AdaptiveNodeParser(), li_embedding),
        langchain_pipeline(
            "(c) ours, README: AdaptiveTextSplitter + ContextualEmbeddings → Chroma",
            AdaptiveTextSplitter(),
            lc_embeddings,
            client,
            contextual=True,
        ),
        llama_pipeline(
            "(c) ours, README: AdaptiveNodeParser + ContextualEmbedding → VectorStoreIndex",
            AdaptiveNodeParser(),
            li_embedding,
            contextual=True,
        ),
        llama_pipeline(
            "(d) LlamaIndex SemanticSplitterNodeParser → VectorStoreIndex",
            SemanticSplitterNodeParser(embed_model=li_embedding),
            li_embedding,
        ),
    ]


def peak_bytes(pipeline: Pipeline, texts: Sequence[Text]) -> int:
    """The ``tracemalloc`` peak of one untimed run of ``pipeline`` (Python allocations made during it)."""
    tracemalloc.start()
    try:
        pipeline.run(texts)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(pipes: Sequence[Pipeline], texts: Sequence[Text], rounds: int) -> dict[str, list[Run]]:
    """``rounds`` timed runs of every pipeline, interleaved, the order rotated by one each round."""
    runs: dict[str, list[Run]] = {p.name: [] for p in pipes}
    for r in range(rounds):
        for pipe in rotated(pipes, r):
            runs[pipe.name].append(pipe.run(texts))
    return runs


def median_run(runs: Sequence[Run]) -> Run:
    """The run of median wall time (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda run: run.seconds)
    return ordered[(len(ordered) - 1) // 2]


def table(
    runs: dict[str, list[Run]], peaks: dict[str, int], count: Callable[[str], int], baselines: tuple[str, str]
) -> str:
    """The markdown table of ``runs`` (their pipelines in order), with ratios to the two ``baselines``."""
    seconds = {name: statistics.median(r.seconds for r in rs) for name, rs in runs.items()}
    lines = [
        "| pipeline | s (median) | × (a) | × (b) | tokens/s | chunks | peak MiB (tracemalloc) | chunking / storing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rs in runs.items():
        run = median_run(rs)
        tokens = sum(count(text) for text in run.embedded)
        share = statistics.median(r.chunking / r.seconds for r in rs)
        lines.append(
            f"| {name} | {seconds[name]:.2f} | {seconds[name] / seconds[baselines[0]]:.2f} "
            f"| {seconds[name] / seconds[baselines[1]]:.2f} | {tokens / seconds[name]:.0f} | {len(run.embedded)} "
            f"| {peaks[name] / 2**20:.1f} | {share:.0%} / {1 - share:.0%} |"
        )
    return "\n".join(lines)


def bench(
    corpus: str, pipes: Sequence[Pipeline], docs: int, rounds: int, count: Callable[[str], int], memory: bool = True
) -> str:
    """The report for one corpus: a heading line and the table (peaks 0 without ``memory``)."""
    texts = load(corpus, docs)
    peaks = {p.name: peak_bytes(p, texts) if memory else 0 for p in pipes}
    runs = measure(pipes, texts, rounds)
    tokens = sum(count(t.text) for t in texts)
    heading = f"### {corpus}: {len(texts)} texts, {tokens} cl100k tokens, {rounds} rounds"
    return f"{heading}\n\n{table(runs, peaks, count, (pipes[0].name, pipes[1].name))}"


def main() -> None:
    """Parse the options, build and warm up the pipelines, print one table per corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="covidqa,clair", help="comma-separated corpora: covidqa, clair")
    parser.add_argument("--docs", type=int, default=4, help="the N smallest documents of each corpus")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (the median is reported)")
    parser.add_argument("--no-memory", dest="memory", action="store_false", help="skip the tracemalloc runs")
    args = parser.parse_args()
    from adaptive_splitters.text.tokens import TokenCounter

    count = TokenCounter("cl100k_base")
    pipes = pipelines()
    for pipe in pipes:  # loads every model and warms every code path, on a text outside the corpora
        pipe.run([Text("warm-up", WARM_UP)])
    for corpus in args.data.split(","):
        print(bench(corpus.strip(), pipes, args.docs, args.rounds, count, args.memory), end="\n\n", flush=True)


if __name__ == "__main__":
    main()
