"""One chunker, splitter or node parser shared by threads and async tasks gives exactly what the same calls give one
by one: the chosen candidate, every candidate's spans, every score (to 1e-9) and the reason.

Servers, LangChain's ``atransform_documents`` and LlamaIndex's async ingestion all share one object this way; a
score that moved there would be silent. The documents are real ones (CLAIR and COVID-QA articles), long enough that
threads overlap in every stage.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hashing_embedders import biased_vectors
from langchain_core.documents import Document
from llama_index.core.schema import Document as LlamaDocument

from adaptive_splitters import AdaptiveChunker, AdaptiveTextSplitter
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import AdaptiveResult
from adaptive_splitters.embeddings import SentenceTransformerEmbedder
from adaptive_splitters.integrations.llama_index import AdaptiveNodeParser
from adaptive_splitters.readers import read_document

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CLAIR = SHARED / "clair" / "parsed"
COVID = SHARED / "retrieval" / "covidqa" / "corpus"
THREADS = 8
TOLERANCE = 1e-9

pytestmark = pytest.mark.skipif(
    not (CLAIR.is_dir() and COVID.is_dir()), reason="CLAIR or COVID-QA not found at ../shared/data"
)


def clair(count: int, below: int) -> list[SourceDocument]:
    """The ``count`` largest CLAIR documents under ``below`` characters (their own blocks, pages and names)."""
    docs = [read_document(path) for path in sorted(CLAIR.glob("*.json"))]
    return sorted((d for d in docs if len(d.text) < below), key=lambda d: -len(d.text))[:count]


def covid(names: Sequence[str]) -> list[SourceDocument]:
    return [SourceDocument.build((COVID / f"{n}.txt").read_text(encoding="utf-8"), name=n) for n in names]


def signature(result: AdaptiveResult) -> dict[str, Any]:
    """What a user sees of a result: the choice, every candidate's spans, and the reason (scores compared apart)."""
    spans = {name: [(c.start, c.end) for c in chunks] for name, chunks in result.candidates.items()}
    return {"chosen": result.chosen, "spans": spans, "reason": result.reason}


def assert_same(got: AdaptiveResult, want: AdaptiveResult) -> None:
    assert signature(got) == signature(want)
    assert got.scores.keys() == want.scores.keys()
    for name, scores in want.scores.items():
        assert got.scores[name].keys() == scores.keys(), name
        for metric, value in scores.items():
            other = got.scores[name][metric]
            if value is None or math.isnan(value):  # an undefined metric stays undefined
                assert other is None or math.isnan(other), (name, metric, other)
            else:
                assert math.isclose(other, value, rel_tol=0, abs_tol=TOLERANCE), (name, metric, other, value)


def threaded(call: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``call`` on every item from ``THREADS`` threads at once, results in input order."""
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(call, items))


# the engine ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents() -> list[SourceDocument]:
    return [*clair(4, 60_000), *covid(["covidqa_2504", "covidqa_1689", "covidqa_776"])]


def test_one_chunker_in_threads_equals_one_by_one(documents: list[SourceDocument]) -> None:
    chunker = AdaptiveChunker(embedder=biased_vectors)
    alone = [chunker.chunk_document(d) for d in documents]
    for got, want in zip(threaded(chunker.chunk_document, documents * 2), alone * 2, strict=True):
        assert_same(got, want)


def test_one_document_from_every_thread_at_once(documents: list[SourceDocument]) -> None:
    chunker = AdaptiveChunker(embedder=biased_vectors)
    want = chunker.chunk_document(documents[0])
    for got in threaded(chunker.chunk_document, [documents[0]] * THREADS):
        assert_same(got, want)


@pytest.mark.slow
def test_the_bundled_model_shared_by_threads(minilm: SentenceTransformerEmbedder) -> None:
    """The default chunker (the bundled all-MiniLM-L6-v2, SR deciding) on short real documents, the model loaded
    once and read by every thread; and one document from every thread at once."""
    docs = [*covid(["covidqa_2651", "covidqa_2450", "covidqa_1547"]), *clair(1, 6_000)]
    chunker = AdaptiveChunker(embedder=minilm)
    alone = [chunker.chunk_document(d) for d in docs]
    for got, want in zip(threaded(chunker.chunk_document, docs), alone, strict=True):
        assert_same(got, want)
    for got in threaded(chunker.chunk_document, [docs[0]] * THREADS):
        assert_same(got, alone[0])


async def test_achunk_gathered_equals_chunk(documents: list[SourceDocument]) -> None:
    chunker = AdaptiveChunker(embedder=biased_vectors)
    texts = [d.text for d in documents[:4]]
    alone = [chunker.chunk(t) for t in texts]
    gathered = await asyncio.gather(*(chunker.achunk(t) for t in [*texts, texts[0], texts[0]]))
    for got, want in zip(gathered, [*alone, alone[0], alone[0]], strict=True):
        assert_same(got, want)


# the adapters --------------------------------------------------------------------------------------------------


def langchain_view(docs: Sequence[Document]) -> list[tuple[Any, ...]]:
    return [(d.id, d.page_content, d.metadata) for d in docs]


def llama_view(nodes: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Ids, text, offsets, metadata (scores and reason included) and relationships of every node."""
    return [
        (
            n.node_id,
            n.get_content(),
            n.start_char_idx,
            n.end_char_idx,
            n.metadata,
            {str(k): getattr(v, "node_id", None) for k, v in n.relationships.items()},
        )
        for n in nodes
    ]


def assert_threads_agree(call: Callable[[Any], Any], inputs: Sequence[Any]) -> None:
    """``call`` from ``THREADS`` threads gives what it gives one by one: on every input, and on the first input from
    every thread at once."""
    alone = [call(i) for i in inputs]
    assert all(alone)
    assert threaded(call, inputs) == alone
    assert threaded(call, [inputs[0]] * THREADS) == [alone[0]] * THREADS


def test_one_text_splitter_in_threads(documents: list[SourceDocument]) -> None:
    splitter = AdaptiveTextSplitter(embedder=biased_vectors)
    inputs = [[Document(page_content=d.text, metadata={"source": d.name})] for d in documents]
    assert_threads_agree(lambda i: langchain_view(splitter.split_documents(i)), inputs)


async def test_atransform_documents_gathered(documents: list[SourceDocument]) -> None:
    splitter = AdaptiveTextSplitter(embedder=biased_vectors)
    inputs = [[Document(page_content=d.text, metadata={"source": d.name})] for d in documents[:4]]
    alone = [langchain_view(splitter.transform_documents(i)) for i in inputs]
    gathered = await asyncio.gather(*(splitter.atransform_documents(i) for i in [*inputs, inputs[0], inputs[0]]))
    assert [langchain_view(g) for g in gathered] == [*alone, alone[0], alone[0]]


def test_one_node_parser_in_threads(documents: list[SourceDocument]) -> None:
    parser = AdaptiveNodeParser(embedder=biased_vectors)
    inputs = [[LlamaDocument(text=d.text, id_=d.name)] for d in documents]
    assert_threads_agree(lambda i: llama_view(parser.get_nodes_from_documents(i)), inputs)


async def test_node_parser_acall_gathered(documents: list[SourceDocument]) -> None:
    parser = AdaptiveNodeParser(embedder=biased_vectors)
    inputs = [[LlamaDocument(text=d.text, id_=d.name)] for d in documents[:4]]
    alone = [llama_view(parser(i)) for i in inputs]
    gathered = await asyncio.gather(*(parser.acall(i) for i in [*inputs, inputs[0], inputs[0]]))
    assert [llama_view(g) for g in gathered] == [*alone, alone[0], alone[0]]
