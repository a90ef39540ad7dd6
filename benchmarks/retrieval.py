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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from clair_table3 import load_cache, save_cache  # the scripts sit side by side in benchmarks/

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
            out[scope][name] = {"tokens": index.tokens} | score_questions(index, data.questions, queries, scope)
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


@dataclass
class Options:
    """Which rows to add to the default, its candidates and their ceiling."""

    baselines: Sequence[str]
    paper: bool = False
    extra: Sequence[str] = ()
    sweep: Sequence[int] = ()
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def run(data: DataSet, vectors: Vectors, options: Options) -> None:
    """Print one data set's tables: both scopes, our default, its candidates, their ceiling, the baselines."""
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
    if not (args.root / "questions.csv").is_file():
        print(f"no retrieval data at {args.root}", file=sys.stderr)
        return 2
    from adaptive_splitters.text.tokens import bundled_tiktoken_cache

    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled_tiktoken_cache()))  # the baselines' tiktoken, offline
    vectors = Vectors(args.cache)
    options = Options(
        baselines=[] if args.no_baselines else [b for b in args.baselines.split(",") if b],
        paper=args.paper,
        extra=[e for e in args.extra.split(",") if e],
        sweep=[int(n) for n in args.sweep.split(",") if n],
        settings={text: json.loads(text) for text in args.settings},
    )
    print(f"all-MiniLM-L6-v2; budgets in cl100k tokens; k = {K}; recall, precision and IoU in %")
    for name in args.data.split(","):
        data = load_covidqa(args.root, args.docs) if name == "covidqa" else load_chroma(args.root)
        run(data, vectors, options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
