"""Retrieval, measured: our chunkers against LangChain's and LlamaIndex's on two question sets.

Two data sets under ``../shared/data/retrieval/`` (see its READMEs), their answers as character ranges:

- ``chroma``: Chroma's chunking evaluation, two page-less corpora and 132 questions;
- ``covidqa``: 98 COVID-QA research articles and 1,380 expert questions, each asked of its own article.

Every chunker splits every document; each chunk is embedded whole with the bundled all-MiniLM-L6-v2 as a vector
store would (the model truncates at 256 word pieces), each question embedded with the same model. Two scopes:
``doc`` ranks only the chunks of the question's own document, ``pool`` ranks every chunk of the data set. Per
question, then averaged:

- recall at a budget of B retrieved cl100k tokens (550, 1100, 2200): chunks are taken in rank order while their
  tokens fit B (at least one); the share of the answer's characters they cover;
- at k = 5: recall = |retrieved ∩ answer| / |answer|, precision = |retrieved ∩ answer| / |retrieved|,
  IoU = |retrieved ∩ answer| / (|retrieved| + |answer not covered|);
- tokens per chunk (cl100k).

Rows: our default (the engine as ``AdaptiveTextSplitter()`` runs it: the default settings and ``hard_limit``;
the shared embedding cache holds the bundled model, the default embedder), each of its candidates alone, the
per-document best of those candidates (the ceiling a selection can reach, known only in hindsight, computed per
budget in the ``doc`` scope) and the same chosen on half of each document's questions and scored on the other
half (what of the ceiling a selection could learn), the ceiling that question noise alone makes (the questions
dealt at random to the documents, so that none truly prefers a candidate), LangChain recursive 200/0, 400/0,
800/400 and token 800/400 (o200k tokens, as our sizes), LlamaIndex's ``SentenceSplitter()`` defaults, and with
``--paper`` the paper's candidates, metrics and rule at ``chunk_size=1100`` (in ``pool`` mode and under the hard
limit, as the adapters run it) for reference. Chunk ranges are exact: ours from offsets, the baselines' strings
located by :func:`adaptive_splitters.text.locate.spans_from_strings`. The questions are read here only, to
measure; nothing in the package sees them.

A second table per scope: at each budget the recall again, the full-answer rate (the share of questions given at
least ``FULL`` = 95% of their answer's characters) and the cl100k tokens delivered; at k = 2, 4 and 5 (LlamaIndex's
and LangChain's default k, and the first table's) the recall and the tokens of the k chunks, each counted whole
(overlap repeated, as a framework delivers them). Its last rows, ``ours, default + budget retrieval``, deliver our
default's chunks as the budget retrievers do: the first ``RERANK_FETCH`` (100) of the ranking reranked by the
package's own :func:`adaptive_splitters.retrieval.rerank` (their cosine similarities as scores, their neighbours in
the document as the ids our chunks carry; ``no reranking``: the embedder's ranking), then
:func:`adaptive_splitters.retrieval.deliver`: the best chunk first with its neighbours (one on each side,
``DEFAULT_WINDOW``, where they fit; ``window=0``: none), then the ranking while their passages fit the budget, the
chunks of one document that touch or overlap joined into one passage (so repeated text is not counted twice);
chunks of the other documents (``pool``) are delivered but never joined to them.

The swap test (``doc`` scope): each framework's default pipeline as users run it, LangChain's
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` with k = 4 and LlamaIndex's
``SentenceSplitter()`` with its top 2, against our default delivered by budget at B, that pipeline's mean delivered
tokens: recall, full-answer rate and tokens, and a verdict (the target: 10 recall points more or at most half their
missed share, and a higher full-answer rate). At LangChain's B also ``window=0``, no reranking, LangChain's own
pipeline with its first 100 chunks reranked as the retrievers rerank other splitters' chunks (words only: they
carry no neighbour ids) before its k (what the reranking alone gives it), and
``order="document"`` against ``"rank"``: the
answer position, the share of the delivered characters (passages in delivery order) before the first answer
character, averaged over the questions given some of their answer (lower: the answer nearer the context's start).
The swap test runs with ``--no-baselines`` too.

Embeddings are cached on disk (``--cache``, default ``~/.cache/adaptive-splitters/retrieval``, outside the
repository), so a rerun embeds only new texts; the numbers do not depend on the cache.

Usage: ``python benchmarks/retrieval.py [--data covidqa,chroma] [--docs N] [--paper] [--extra semantic,...]
[--sweep 64,128,256] [--settings JSON]... [--no-baselines | --baselines NAME,...]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from clair_table3 import load_cache, save_cache  # the scripts sit side by side in benchmarks/

from adaptive_splitters.embeddings.context import DEFAULT_CONTEXT_WEIGHT, with_context
from adaptive_splitters.retrieval import DEFAULT_WINDOW, Neighbours, Retrieved, deliver
from adaptive_splitters.retrieval.rerank import (
    DEFAULT_LEXICAL_WEIGHT,
    DEFAULT_NEIGHBOUR_WEIGHT,
    RERANK_FETCH,
    Candidate,
    rerank,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retrieval"
CACHE = Path.home() / ".cache" / "adaptive-splitters" / "retrieval"
BUDGETS = (550, 1100, 2200)
KEYS = (*(f"@{b}" for b in BUDGETS), "recall")
"""The per-question values the ceilings are computed for."""
K = 5
Span = tuple[int, int]


@dataclass
class Question:
    text: str
    doc: str
    references: list[Span]


@dataclass
class DataSet:
    name: str
    docs: dict[str, str]
    questions: list[Question]


@dataclass
class Chunking:
    """A chunker's spans per document; for ours also the chosen candidate and every candidate's spans."""

    spans: dict[str, list[Span]]
    chosen: dict[str, str] = field(default_factory=dict)
    candidates: dict[str, dict[str, list[Span]]] = field(default_factory=dict)
    seconds: float = 0.0


def load_chroma(root: Path) -> DataSet:
    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted((root / "corpora").glob("*.md"))}
    questions = []
    with (root / "questions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            refs = [(int(r["start_index"]), int(r["end_index"])) for r in json.loads(row["references"])]
            questions.append(Question(row["question"], row["corpus_id"], refs))
    return DataSet("chroma", docs, questions)


def load_covidqa(root: Path, limit: int | None = None) -> DataSet:
    folder = root / "covidqa"
    names = sorted(p.stem for p in (folder / "corpus").glob("*.txt"))[:limit]
    docs = {n: (folder / "corpus" / f"{n}.txt").read_text(encoding="utf-8") for n in names}
    questions = []
    with (folder / "questions.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["doc_id"] in docs:
                refs = [(int(r["start"]), int(r["end"])) for r in row["references"]]
                questions.append(Question(row["question"], row["doc_id"], refs))
    return DataSet("covidqa", docs, questions)


def load(root: Path, name: str, docs: int | None = None) -> DataSet:
    """The data set ``name`` (``covidqa``, limited to its first ``docs`` articles, or ``chroma``)."""
    return load_covidqa(root, docs) if name == "covidqa" else load_chroma(root)


# --- chunkers -------------------------------------------------------------------------------------------------


def ours(cache: Any, **settings: Any) -> Callable[[Mapping[str, str]], Chunking]:
    """Our engine as the adapters run it (``hard_limit=True``), keeping every candidate's spans."""

    def run(docs: Mapping[str, str]) -> Chunking:
        from adaptive_splitters import AdaptiveChunker

        chunker = AdaptiveChunker(hard_limit=True, embedding_cache=cache, **settings)
        out = Chunking({})
        started = time.perf_counter()
        for name, text in docs.items():
            result = chunker.chunk(text, name=name)
            out.spans[name] = [(c.start, c.end) for c in result.chunks]
            out.chosen[name] = result.chosen
            out.candidates[name] = {k: [(c.start, c.end) for c in v] for k, v in result.candidates.items()}
        out.seconds = time.perf_counter() - started
        return out

    return run


def splitter_rows(split: Callable[[str], list[str]], label: str) -> Callable[[Mapping[str, str]], Chunking]:
    def run(docs: Mapping[str, str]) -> Chunking:
        from adaptive_splitters.text.locate import spans_from_strings

        return Chunking({name: spans_from_strings(text, split(text), label) for name, text in docs.items()})

    return run


def langchain_recursive(size: int, overlap: int) -> Callable[[Mapping[str, str]], Chunking]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="o200k_base", chunk_size=size, chunk_overlap=overlap
    )
    return splitter_rows(splitter.split_text, f"langchain recursive {size}/{overlap}")


def langchain_token(size: int, overlap: int) -> Callable[[Mapping[str, str]], Chunking]:
    """LangChain's ``TokenTextSplitter`` windows (``size`` o200k tokens every ``size - overlap``), as spans on the
    tokens' own offsets: its decoded strings can cut a character in two, so they are not always in the text."""

    def run(docs: Mapping[str, str]) -> Chunking:
        from adaptive_splitters.text.tokens import get_encoding

        encoding = get_encoding("o200k_base")
        spans = {}
        for name, text in docs.items():
            tokens = encoding.encode(text, disallowed_special=())
            _, offsets = encoding.decode_with_offsets(tokens)
            bounds = [*offsets, len(text)]
            starts = range(0, max(1, len(tokens) - overlap), size - overlap)
            spans[name] = [(bounds[i], bounds[min(i + size, len(tokens))]) for i in starts]
        return Chunking(spans)

    return run


def langchain_default() -> Callable[[Mapping[str, str]], Chunking]:
    """LangChain's splitter as its documentation sets it up: ``RecursiveCharacterTextSplitter(chunk_size=1000,
    chunk_overlap=200)``, in characters (``len``)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return splitter_rows(splitter.split_text, "langchain default")


def llama_index_sentence() -> Callable[[Mapping[str, str]], Chunking]:
    def run(docs: Mapping[str, str]) -> Chunking:
        from llama_index.core import Document
        from llama_index.core.node_parser import SentenceSplitter

        parser = SentenceSplitter()  # chunk_size 1024, chunk_overlap 200, its default tokenizer
        spans = {}
        for name, text in docs.items():
            nodes = parser.get_nodes_from_documents([Document(text=text)])
            spans[name] = [(n.start_char_idx, n.end_char_idx) for n in nodes]  # type: ignore[misc]
            for node, (s, e) in zip(nodes, spans[name], strict=True):
                if s is None or text[s:e] != node.get_content():
                    msg = f"llama_index node offsets do not match its text in {name}"
                    raise ValueError(msg)
        return Chunking(spans)  # type: ignore[arg-type]

    return run


# --- embedding and scoring ------------------------------------------------------------------------------------


class Vectors:
    """Whole-text embeddings through one on-disk cached :class:`EmbeddingCache` (the chunks, as a store sees them)."""

    def __init__(self, folder: Path) -> None:
        from adaptive_splitters.embeddings import EmbeddingCache

        self.path = folder / "minilm.pkl"
        store = load_cache(self.path)
        self.cache = EmbeddingCache(None, store=store)
        self.saved = len(store)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return self.cache.embed(list(texts))

    def save(self) -> None:
        if len(self.cache.store) > self.saved:
            save_cache(self.path, dict(self.cache.store))
            self.saved = len(self.cache.store)


def covered(ranges: Sequence[Span], reference: Sequence[Span]) -> int:
    """Characters of ``reference`` inside the union of ``ranges``."""
    union: list[list[int]] = []
    for s, e in sorted(ranges):
        if union and s <= union[-1][1]:
            union[-1][1] = max(union[-1][1], e)
        else:
            union.append([s, e])
    return sum(max(0, min(e, re) - max(s, rs)) for s, e in union for rs, re in reference)


@dataclass
class Index:
    """One chunking of a data set, embedded: per chunk its document, span, cl100k tokens and vector."""

    docs: list[str]
    spans: list[Span]
    tokens: np.ndarray
    vectors: np.ndarray
    by_doc: dict[str, np.ndarray]


def build_index(data: DataSet, spans: Mapping[str, list[Span]], vectors: Vectors, count: Callable[[str], int]) -> Index:
    flat = [(d, s, e) for d in data.docs for s, e in spans[d] if e > s]
    texts = [data.docs[d][s:e] for d, s, e in flat]
    docs = [d for d, _, _ in flat]
    by_doc: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_doc.setdefault(d, []).append(i)
    return Index(
        docs,
        [(s, e) for _, s, e in flat],
        np.array([count(t) for t in texts]),
        vectors(texts),
        {d: np.array(v) for d, v in by_doc.items()},
    )


def score_questions(
    index: Index, questions: Sequence[Question], queries: np.ndarray, scope: str
) -> dict[str, np.ndarray]:
    """Per question: recall at each budget, and recall, precision, IoU at k."""
    out: dict[str, list[float]] = {f"@{b}": [] for b in BUDGETS} | {"recall": [], "precision": [], "iou": []}
    everything = np.arange(len(index.docs))
    sims = queries @ index.vectors.T  # every question against every chunk, once
    for q, row in zip(questions, sims, strict=True):
        pool = index.by_doc[q.doc] if scope == "doc" else everything
        order = pool[np.argsort(-row[pool], kind="stable")]
        answer = sum(e - s for s, e in q.references)
        mine = [(i, index.spans[i]) for i in order if index.docs[i] == q.doc]
        for budget in BUDGETS:
            used, taken = 0, []
            for i in order:
                if taken and used + index.tokens[i] > budget:
                    break
                used += index.tokens[i]
                taken.append(i)
            chosen = {int(i) for i in taken}
            out[f"@{budget}"].append(covered([s for i, s in mine if i in chosen], q.references) / answer)
        top = [int(i) for i in order[:K]]
        hit = covered([s for i, s in mine if i in top], q.references)
        size = sum(index.spans[i][1] - index.spans[i][0] for i in top)
        out["recall"].append(hit / answer)
        out["precision"].append(hit / size if size else 0.0)
        out["iou"].append(hit / (size + answer - hit))
    return {k: np.array(v) for k, v in out.items()}


def ceiling(per_candidate: Mapping[str, Mapping[str, np.ndarray]], questions: Sequence[Question]) -> dict[str, float]:
    """Per budget: each document scored with the candidate that did best on its own questions (hindsight)."""
    codes = _document_codes(questions)
    return {key: _hindsight(per_candidate, key, codes, slice(None)) for key in KEYS}


def _document_codes(questions: Sequence[Question]) -> np.ndarray:
    """Each question's document as a number from 0."""
    return np.unique([q.doc for q in questions], return_inverse=True)[1]


def _hindsight(
    per_candidate: Mapping[str, Mapping[str, np.ndarray]], key: str, codes: np.ndarray, order: slice | np.ndarray
) -> float:
    """The mean of ``key`` when each document (``codes``, one per question) takes the candidate best on the
    question scores ``order`` gives it."""
    per_doc = [np.bincount(codes, weights=values[key][order]) for values in per_candidate.values()]
    return float(np.max(per_doc, axis=0).sum()) / len(codes)


def held_out_ceiling(
    per_candidate: Mapping[str, Mapping[str, np.ndarray]], questions: Sequence[Question], repeats: int = 200
) -> dict[str, float]:
    """The ceiling's learnable part: each document's candidate chosen on a random half of its questions and
    scored on the other half (mean over ``repeats`` seeded splits). Near the best single candidate when the
    per-document differences are question noise, which no selection, labelled or not, can recover."""
    docs = np.array([q.doc for q in questions])
    rng = np.random.default_rng(0)
    sums = dict.fromkeys(KEYS, 0.0)
    for _ in range(repeats):
        half = rng.random(len(questions)) < 0.5
        for key in KEYS:
            hit, seen = 0.0, 0
            for doc in dict.fromkeys(docs):
                a, b = (docs == doc) & half, (docs == doc) & ~half
                if a.any() and b.any():
                    best = max(per_candidate, key=lambda c: float(per_candidate[c][key][a].mean()))
                    hit += float(per_candidate[best][key][b].sum())
                    seen += int(b.sum())
            sums[key] += hit / seen
    return {key: value / repeats for key, value in sums.items()}


def chance_ceiling(
    per_candidate: Mapping[str, Mapping[str, np.ndarray]], questions: Sequence[Question], repeats: int = 200
) -> dict[str, float]:
    """The hindsight ceiling that question noise alone makes: the questions, each with its scores under every
    candidate, dealt at random to the documents (each keeps its number of questions), so that no document truly
    prefers any candidate; mean over ``repeats`` seeded deals. Where the real ceiling is no higher, its gap over the
    best single candidate is luck that no selection can be expected to close."""
    codes = _document_codes(questions)
    rng = np.random.default_rng(0)
    sums = dict.fromkeys(KEYS, 0.0)
    for _ in range(repeats):
        dealt = rng.permutation(len(questions))
        for key in KEYS:
            sums[key] += _hindsight(per_candidate, key, codes, dealt)
    return {key: value / repeats for key, value in sums.items()}


# --- delivery: what a question is given, at k chunks or within a budget -----------------------------------------

KS = (2, 4, 5)
"""The k of the fixed-k columns: LlamaIndex's default top 2, LangChain's default 4, and the table's 5."""
FULL = 0.95
"""The share of an answer's characters that counts as the full answer delivered."""
Range = tuple[Hashable, int, int]
"""A delivered text: its source, start and end."""


@dataclass
class Delivery:
    """What one question is given: the delivered ranges in delivery order and their cl100k tokens."""

    ranges: list[Range]
    tokens: int


def rankings(index: Index, questions: Sequence[Question], queries: np.ndarray, scope: str) -> Iterator[np.ndarray]:
    """Per question its chunks best first, as :func:`score_questions` ranks them (one at a time: the ``pool``
    rankings of every question together are large)."""
    everything = np.arange(len(index.docs))
    sims = queries @ index.vectors.T
    for q, row in zip(questions, sims, strict=True):
        pool = index.by_doc[q.doc] if scope == "doc" else everything
        yield pool[np.argsort(-row[pool], kind="stable")]


RERANKING = {"lexical_weight": DEFAULT_LEXICAL_WEIGHT, "neighbour_weight": DEFAULT_NEIGHBOUR_WEIGHT}
"""The budget retrievers' default reranking (:func:`adaptive_splitters.retrieval.rerank.rerank`)."""
NO_RERANKING = {"lexical_weight": 0.0, "neighbour_weight": 0.0}


def reranked_rankings(
    index: Index,
    data: DataSet,
    queries: np.ndarray,
    scope: str,
    settings: Mapping[str, float] = RERANKING,
    neighbours: bool = True,
) -> Iterator[np.ndarray]:
    """:func:`rankings`, each one's first :data:`RERANK_FETCH` chunks reranked as the budget retrievers rerank
    what a search returns (their cosine similarity as the score; with ``neighbours``, their neighbours in the
    document as the ids our chunks carry; without, none, as other splitters' chunks), the rest after them."""
    texts = [data.docs[d][s:e] for d, (s, e) in zip(index.docs, index.spans, strict=True)]
    before, after = neighbour_rows(index) if neighbours else ([None] * len(texts), [None] * len(texts))
    sims = queries @ index.vectors.T
    for q, row, ranking in zip(data.questions, sims, rankings(index, data.questions, queries, scope), strict=True):
        pool = ranking[:RERANK_FETCH]
        found = [Candidate(texts[i], float(row[i]), int(i), before[int(i)], after[int(i)]) for i in pool]
        order = rerank(q.text, found, **settings)
        yield np.concatenate([pool[order], ranking[RERANK_FETCH:]])


def neighbour_rows(index: Index) -> tuple[list[int | None], list[int | None]]:
    """Per chunk of ``index``, the row of the chunk before it and after it in its document (``None``: none)."""
    before: list[int | None] = [None] * len(index.docs)
    after: list[int | None] = [None] * len(index.docs)
    for order in index.by_doc.values():
        for n, i in enumerate(order):
            before[int(i)] = int(order[n - 1]) if n else None
            after[int(i)] = int(order[n + 1]) if n + 1 < len(order) else None
    return before, after


def contextual(index: Index) -> Index:
    """``index`` with the vectors :class:`~adaptive_splitters.langchain.ContextualEmbeddings` and
    :class:`~adaptive_splitters.llama_index.ContextualEmbedding` store: each chunk's whole-text vector plus
    ``DEFAULT_CONTEXT_WEIGHT`` of its neighbours' in its document, at its own length."""
    leaned = with_context(index.vectors, *neighbour_rows(index), DEFAULT_CONTEXT_WEIGHT)
    return Index(index.docs, index.spans, index.tokens, leaned, index.by_doc)


def top_k(index: Index, ranking: np.ndarray, k: int) -> Delivery:
    """The ``k`` best chunks as a framework delivers them: every chunk whole, its tokens counted, overlap and all."""
    top = [int(i) for i in ranking[:k]]
    return Delivery([(index.docs[i], *index.spans[i]) for i in top], int(index.tokens[top].sum()))


def flat_tokens(tokens: np.ndarray, budget: int) -> int:
    """The tokens the flat budget delivers of chunks with ``tokens`` (in rank order): those whose running total
    fits, at least the first (the rule of :func:`score_questions`)."""
    total = np.cumsum(tokens)
    return int(total[max(0, int(np.searchsorted(total, budget, side="right")) - 1)])


def retrieved(index: Index, data: DataSet) -> list[Retrieved]:
    """Every chunk as the package's delivery takes it: its text, its document as the source, its start."""
    return [Retrieved(data.docs[d][s:e], d, s, exact=True) for d, (s, e) in zip(index.docs, index.spans, strict=True)]


def beside(index: Index, items: Sequence[Retrieved]) -> Neighbours:
    """The chunks after and before a chunk of ``index`` in its document (``items``, the index's chunks as
    delivered), nearest first: what the retrievers look up in a store by the neighbour ids our chunks carry."""
    where = {
        (items[i].source, items[i].start): (doc, n) for doc, order in index.by_doc.items() for n, i in enumerate(order)
    }

    def look(item: Retrieved, width: int) -> tuple[list[Retrieved], list[Retrieved]]:
        doc, n = where[(item.source, item.start)]
        order = index.by_doc[doc]
        after = [items[order[m]] for m in range(n + 1, min(len(order), n + width + 1))]
        before = [items[order[m]] for m in range(n - 1, max(-1, n - width - 1), -1)]
        return after, before

    return look


def by_budget(
    ranked: Sequence[Retrieved],
    budget: int,
    count: Callable[[str], int],
    order: str = "rank",
    window: int = 0,
    neighbours: Neighbours | None = None,
) -> Delivery:
    """``ranked`` delivered within ``budget`` by :func:`adaptive_splitters.retrieval.deliver`, neighbours joined
    (and the best chunk's ``window`` neighbours on each side brought first, from ``neighbours``)."""
    passages = deliver(ranked, budget, count, order=order, window=window, neighbours=neighbours)
    ranges = [(p.source, p.start, p.start + len(p.text)) for p in passages if p.start is not None]
    return Delivery(ranges, sum(p.tokens for p in passages))


def recall(delivery: Delivery, question: Question) -> float:
    """The share of the answer's characters delivered (from the question's own document only)."""
    hit = covered([(s, e) for source, s, e in delivery.ranges if source == question.doc], question.references)
    return hit / sum(e - s for s, e in question.references)


def full_rate(recalls: np.ndarray) -> float:
    """The share of questions given at least :data:`FULL` of their answer."""
    return float(np.mean(recalls >= FULL))


def answer_position(delivery: Delivery, question: Question) -> float | None:
    """The share of the delivered characters (the ranges one after another) before the first answer character;
    ``None`` when no answer character is delivered. Lower: the answer nearer the start of the reader's context."""
    total, before = sum(e - s for _, s, e in delivery.ranges), 0
    for source, s, e in delivery.ranges:
        starts = [max(s, a) for a, b in question.references if source == question.doc and max(s, a) < min(e, b)]
        if starts:
            return (before + min(starts) - s) / total
        before += e - s
    return None


def score_added(index: Index, questions: Sequence[Question], queries: np.ndarray, scope: str) -> dict[str, np.ndarray]:
    """Per question: the tokens the flat budget takes at each budget, and recall and tokens at each k of :data:`KS`."""
    out: dict[str, list[float]] = {}
    for q, ranking in zip(questions, rankings(index, questions, queries, scope), strict=True):
        for budget in BUDGETS:
            out.setdefault(f"tokens@{budget}", []).append(flat_tokens(index.tokens[ranking], budget))
        for k in KS:
            delivery = top_k(index, ranking, k)
            out.setdefault(f"R@k={k}", []).append(recall(delivery, q))
            out.setdefault(f"tokens@k={k}", []).append(delivery.tokens)
    return {key: np.array(values) for key, values in out.items()}


def score_budget_retrieval(
    index: Index,
    data: DataSet,
    queries: np.ndarray,
    scope: str,
    count: Callable[[str], int],
    window: int,
    reranking: Mapping[str, float] = RERANKING,
) -> dict[str, np.ndarray]:
    """Per question, at each budget: recall (``@B``) and tokens (``tokens@B``) of ``index``'s chunks, ranked
    and reranked with ``reranking`` (:func:`reranked_rankings`), delivered by :func:`by_budget` with ``window``
    neighbours of the best chunk, every chunk with its document as the source (so only one document's chunks
    join)."""
    items = retrieved(index, data)
    near = beside(index, items)
    out: dict[str, list[float]] = {}
    ranked_all = reranked_rankings(index, data, queries, scope, reranking)
    for q, ranking in zip(data.questions, ranked_all, strict=True):
        ranked = [items[i] for i in ranking]
        for budget in BUDGETS:
            delivery = by_budget(ranked, budget, count, window=window, neighbours=near)
            out.setdefault(f"@{budget}", []).append(recall(delivery, q))
            out.setdefault(f"tokens@{budget}", []).append(delivery.tokens)
    return {key: np.array(values) for key, values in out.items()}


# --- the table --------------------------------------------------------------------------------------------------

BASELINES: dict[str, Callable[[], Callable[[Mapping[str, str]], Chunking]]] = {
    "LangChain recursive 200/0": lambda: langchain_recursive(200, 0),
    "LangChain recursive 400/0": lambda: langchain_recursive(400, 0),
    "LangChain recursive 800/400": lambda: langchain_recursive(800, 400),
    "LangChain token 800/400": lambda: langchain_token(800, 400),
    "LlamaIndex SentenceSplitter()": llama_index_sentence,
}
COLUMNS = ("tokens", *(f"@{b}" for b in BUDGETS), "recall", "precision", "iou")


def measure(
    data: DataSet, rows: Mapping[str, Mapping[str, list[Span]]], vectors: Vectors, scopes: Sequence[str]
) -> dict[str, dict[str, dict[str, np.ndarray]]]:
    """scope → row → per-question values (and ``tokens``, per chunk), each row's chunks embedded once."""
    from adaptive_splitters.text.tokens import TokenCounter

    count = TokenCounter("cl100k_base")
    queries = vectors([q.text for q in data.questions])
    out: dict[str, dict[str, dict[str, np.ndarray]]] = {scope: {} for scope in scopes}
    for name, spans in rows.items():
        index = build_index(data, spans, vectors, count)
        for scope in scopes:
            out[scope][name] = (
                {"tokens": index.tokens}
                | score_questions(index, data.questions, queries, scope)
                | score_added(index, data.questions, queries, scope)
            )
    return out


def table(values: Mapping[str, Mapping[str, np.ndarray]], extra: Mapping[str, Mapping[str, float]]) -> str:
    head = f"| chunker | tokens/chunk | {' | '.join(f'budget {b}' for b in BUDGETS)} | recall@5 | precision@5 | IoU@5 |"
    lines = [head, "|---|" + "---:|" * (len(COLUMNS))]
    for name, row in values.items():
        cells = [f"{row['tokens'].mean():.0f}"] + [f"{100 * row[k].mean():.1f}" for k in COLUMNS[1:-2]]
        cells += [f"{100 * row[k].mean():.2f}" for k in COLUMNS[-2:]]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    for name, row in extra.items():
        cells = [""] + [f"{100 * row[k]:.1f}" if k in row else "" for k in COLUMNS[1:]]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def added_table(values: Mapping[str, Mapping[str, np.ndarray]]) -> str:
    """Per row at each budget: recall, full-answer rate and tokens delivered; at each k of :data:`KS`: recall and
    tokens delivered (blank where a row has no k)."""
    columns = [c for b in BUDGETS for c in (f"R@{b}", f"full@{b}", f"tokens@{b}")]
    columns += [c for k in KS for c in (f"R@k={k}", f"tokens@k={k}")]
    lines = [f"| chunker | {' | '.join(columns)} |", "|---|" + "---:|" * len(columns)]
    for name, row in values.items():
        cells = []
        for b in BUDGETS:
            recalls = row[f"@{b}"]
            cells += [
                f"{100 * recalls.mean():.1f}",
                f"{100 * full_rate(recalls):.1f}",
                f"{row[f'tokens@{b}'].mean():.0f}",
            ]
        for k in KS:
            at_k = f"R@k={k}" in row
            cells += [f"{100 * row[f'R@k={k}'].mean():.1f}", f"{row[f'tokens@k={k}'].mean():.0f}"] if at_k else ["", ""]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


# --- the swap test ----------------------------------------------------------------------------------------------

LANGCHAIN_DEFAULT = "LangChain RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), k = 4"
PIPELINES: dict[str, tuple[Callable[[], Callable[[Mapping[str, str]], Chunking]], int]] = {
    LANGCHAIN_DEFAULT: (langchain_default, 4),
    "LlamaIndex SentenceSplitter(), top 2": (llama_index_sentence, 2),
}
"""Each framework's default pipeline as users run it: its splitter, and how many chunks its retriever returns."""
BUDGET_RETRIEVAL = "ours, default + budget retrieval"


def summary(deliveries: Sequence[Delivery], questions: Sequence[Question]) -> dict[str, float]:
    """Means over the questions: recall and full-answer rate (%), tokens delivered, and the answer position (%, over
    the questions given some of their answer)."""
    recalls = np.array([recall(d, q) for d, q in zip(deliveries, questions, strict=True)])
    positions = [p for d, q in zip(deliveries, questions, strict=True) if (p := answer_position(d, q)) is not None]
    return {
        "recall": 100 * float(recalls.mean()),
        "full": 100 * full_rate(recalls),
        "tokens": float(np.mean([d.tokens for d in deliveries])),
        "position": 100 * float(np.mean(positions)) if positions else float("nan"),
    }


def verdict(theirs: Mapping[str, float], ours: Mapping[str, float]) -> str:
    """Whether ours (a :func:`summary`) meets the target against theirs: 10 recall points more or at most half
    their missed share, and a higher full-answer rate; else by how many recall points it falls short (the
    nearer of the two recall targets)."""
    gain = ours["recall"] - theirs["recall"]
    missed = (100 - ours["recall"]) / (100 - theirs["recall"]) if theirs["recall"] < 100 else float("inf")
    said = (
        f"recall {gain:+.1f} points, missed share {missed:.2f} of theirs, "
        f"full-answer {ours['full']:.1f}% against {theirs['full']:.1f}%"
    )
    fuller = ours["full"] > theirs["full"]
    if gain >= 10 or missed <= 0.5:
        return f"{said}: target met" if fuller else f"{said}: target missed, the full-answer rate not higher"
    halve = 100 - (100 - theirs["recall"]) / 2 - ours["recall"]
    short = f"{said}: target missed by {min(10 - gain, halve):.1f} points"
    return short if fuller else f"{short}, and the full-answer rate not higher"


def swap_test(
    data: DataSet, index: Index, queries: np.ndarray, vectors: Vectors, count: Callable[[str], int]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Each default pipeline of :data:`PIPELINES` (``doc`` scope) and our README pipeline (our default ``index``
    with contextual vectors, reranked, delivered by budget) at the tokens that pipeline delivers on average; at
    LangChain's also in document order, without neighbours, with whole-text vectors, without reranking, and
    LangChain's own pipeline reranked as the budget retriever would rerank its chunks (no neighbour ids) before its
    k. The rows (label →
    :func:`summary`) and a verdict per pair."""
    items = retrieved(index, data)
    near = beside(index, items)
    leaned = contextual(index)
    orders = {
        name: [[items[i] for i in r] for r in reranked_rankings(source, data, queries, "doc", settings)]
        for name, source, settings in (
            ("contextual", leaned, RERANKING),
            ("whole", index, RERANKING),
            ("plain", index, NO_RERANKING),
        )
    }
    rows: dict[str, dict[str, float]] = {}
    verdicts = []
    for label, (make, k) in PIPELINES.items():
        theirs = build_index(data, make()(data.docs).spans, vectors, count)
        deliveries = [top_k(theirs, r, k) for r in rankings(theirs, data.questions, queries, "doc")]
        rows[label] = summary(deliveries, data.questions)
        budget = round(rows[label]["tokens"])
        mine = f"{BUDGET_RETRIEVAL} (budget {budget})"
        variants = {mine: ("rank", DEFAULT_WINDOW, "contextual")}
        if label == LANGCHAIN_DEFAULT:
            variants |= {
                f'{mine}, order="document"': ("document", DEFAULT_WINDOW, "contextual"),
                f"{mine}, window=0": ("rank", 0, "contextual"),
                f"{mine}, whole-text vectors": ("rank", DEFAULT_WINDOW, "whole"),
                f"{mine}, whole-text vectors, no reranking": ("rank", DEFAULT_WINDOW, "plain"),
            }
        for name, (order, window, ranked) in variants.items():
            deliveries = [by_budget(r, budget, count, order, window, near) for r in orders[ranked]]
            rows[name] = summary(deliveries, data.questions)
        if label == LANGCHAIN_DEFAULT:
            again = reranked_rankings(theirs, data, queries, "doc", neighbours=False)  # their chunks carry no ids
            rows[f"{label}, reranked as ours"] = summary([top_k(theirs, r, k) for r in again], data.questions)
        verdicts.append(f"{label} → ours: {verdict(rows[label], rows[mine])}")
    return rows, verdicts


def swap_table(rows: Mapping[str, Mapping[str, float]], verdicts: Sequence[str]) -> str:
    """The swap test's rows (recall, full-answer rate and answer position in %), then its verdicts."""
    lines = ["| pipeline | recall | full-answer | tokens delivered | answer position |", "|---|---:|---:|---:|---:|"]
    for label, row in rows.items():
        cells = f"{row['recall']:.1f} | {row['full']:.1f} | {row['tokens']:.0f} | {row['position']:.1f}"
        lines.append(f"| {label} | {cells} |")
    return "\n".join([*lines, "", *verdicts])


@dataclass
class Options:
    """Which rows to add to the default, its candidates and their ceiling."""

    baselines: Sequence[str]
    paper: bool = False
    extra: Sequence[str] = ()
    sweep: Sequence[int] = ()
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def run(data: DataSet, vectors: Vectors, options: Options) -> None:
    """Print one data set's tables: both scopes, our default, its candidates, their ceiling, the baselines, and the
    swap test."""
    from adaptive_splitters.text.tokens import TokenCounter

    default = ours(vectors.cache)(data.docs)
    vectors.save()
    candidates = list(dict.fromkeys(c for doc in default.candidates.values() for c in doc))
    rows: dict[str, Mapping[str, list[Span]]] = {"ours, default (AdaptiveTextSplitter())": default.spans}
    alone = [f"our {name} alone" for name in candidates]
    for name, label in zip(candidates, alone, strict=True):  # where it did not apply: the document's choice
        rows[label] = {d: default.candidates[d].get(name, default.spans[d]) for d in data.docs}
    for name in options.extra:
        rows[f"{name} alone (extra)"] = ours(vectors.cache, candidates=[name], metrics=["SC"])(data.docs).spans
    for label, settings in options.settings.items():
        rows[f"ours, {label}"] = ours(vectors.cache, **settings)(data.docs).spans
    for size in options.sweep:
        sized = ours(vectors.cache, candidates=[f"recursive_{size}"], metrics=["SC"], chunk_size=size)
        rows[f"recursive_{size} alone, chunk_size={size} (sweep)"] = sized(data.docs).spans
    if options.paper:
        from adaptive_splitters.core.config import ChunkerConfig

        settings = ChunkerConfig.paper(long_texts="pool").changed()
        rows["ours, paper's configuration (chunk_size=1100)"] = ours(vectors.cache, **settings)(data.docs).spans
    for name in options.baselines:
        rows[name] = BASELINES[name]()(data.docs).spans
    try:
        results = measure(data, rows, vectors, ("doc", "pool"))
        count = TokenCounter("cl100k_base")
        queries = vectors([q.text for q in data.questions])
        index = build_index(data, default.spans, vectors, count)
        leaned = contextual(index)
        budgeted = {
            (scope, window, name): score_budget_retrieval(source, data, queries, scope, count, window, settings)
            for scope in ("doc", "pool")
            for window in (DEFAULT_WINDOW, 0)
            for name, source, settings in (
                ("contextual", leaned, RERANKING),
                ("reranked", index, RERANKING),
                ("plain", index, NO_RERANKING),
            )
        }
        at_k = {
            scope: {k: v for k, v in score_added(leaned, data.questions, queries, scope).items() if "@k=" in k}
            for scope in ("doc", "pool")
        }
        swap = swap_test(data, index, queries, vectors, count)
    finally:
        vectors.save()  # once for all the rows, whatever happened (the store is large)
    chosen = ", ".join(f"{c} {n}" for c, n in Counter(default.chosen.values()).most_common())
    print(f"\n## {data.name}: {len(data.docs)} documents, {len(data.questions)} questions; default chose {chosen}")
    print(f"default split and scored in {default.seconds:.0f} s")
    for scope in ("doc", "pool"):
        singles = {label: results[scope][label] for label in alone}
        extra = {}
        if scope == "doc":
            extra["per-document best of our candidates (hindsight)"] = ceiling(singles, data.questions)
            extra["the same, chosen on half the questions, scored on the rest"] = held_out_ceiling(
                singles, data.questions
            )
            extra["the hindsight best if no document truly preferred one (questions shuffled)"] = chance_ceiling(
                singles, data.questions
            )
        print(f"\n### scope {scope}: {'each question ranks its own document' if scope == 'doc' else 'one index'}\n")
        print(table(results[scope], extra))
        print(
            f"\nfull@B: answers at least {FULL:.0%} delivered, % of questions; tokens: cl100k delivered per question\n"
        )
        ours_budgeted = {
            f"{BUDGET_RETRIEVAL} (contextual vectors)": budgeted[scope, DEFAULT_WINDOW, "contextual"] | at_k[scope],
            f"{BUDGET_RETRIEVAL} (contextual vectors), window=0": budgeted[scope, 0, "contextual"],
            f"{BUDGET_RETRIEVAL} (whole-text vectors)": budgeted[scope, DEFAULT_WINDOW, "reranked"],
            f"{BUDGET_RETRIEVAL} (whole-text vectors), no reranking": budgeted[scope, DEFAULT_WINDOW, "plain"],
            f"{BUDGET_RETRIEVAL} (whole-text vectors), window=0, no reranking": budgeted[scope, 0, "plain"],
        }
        print(added_table(results[scope] | ours_budgeted))
    print("\n### swap test (doc scope): each framework's default pipeline against ours at the same delivered tokens\n")
    print(
        f"recall and full-answer (at least {FULL:.0%} of the answer) in %; answer position: % of the delivered"
        " characters before the first answer character (questions given some of it); ours in rank order unless"
        " said\n"
    )
    print(swap_table(*swap))


def prepared(root: Path, cache: Path) -> Vectors | None:
    """The cached embeddings, with the baselines' tiktoken set to load offline; ``None`` (and why, on standard
    error) when ``root`` holds no retrieval data."""
    if not (root / "questions.csv").is_file():
        print(f"no retrieval data at {root}", file=sys.stderr)
        return None
    from adaptive_splitters.text.tokens import bundled_tiktoken_cache

    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled_tiktoken_cache()))  # the baselines' tiktoken, offline
    return Vectors(cache)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=DATA, help="the shared retrieval data folder")
    parser.add_argument("--data", default="covidqa,chroma", help="data sets: covidqa, chroma (comma-separated)")
    parser.add_argument("--docs", type=int, default=None, help="only the first N COVID-QA articles (by id)")
    parser.add_argument("--baselines", default=",".join(BASELINES), help="baseline rows (comma-separated)")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--paper", action="store_true", help="also the paper's configuration at chunk_size=1100")
    parser.add_argument("--extra", default="", help="more candidates, each alone at the default size")
    parser.add_argument("--sweep", default="", help="sizes N: recursive_N alone at chunk_size=N")
    parser.add_argument(
        "--settings", action="append", default=[], metavar="JSON", help="a row of ours with these settings (repeatable)"
    )
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    vectors = prepared(args.root, args.cache)
    if vectors is None:
        return 2
    options = Options(
        baselines=[] if args.no_baselines else [b for b in args.baselines.split(",") if b],
        paper=args.paper,
        extra=[e for e in args.extra.split(",") if e],
        sweep=[int(n) for n in args.sweep.split(",") if n],
        settings={text: json.loads(text) for text in args.settings},
    )
    print(f"all-MiniLM-L6-v2; budgets in cl100k tokens; k = {K}; recall, precision and IoU in %")
    for name in args.data.split(","):
        run(load(args.root, name, args.docs), vectors, options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
