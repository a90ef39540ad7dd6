"""The paper's Table 3 on the CLAIR corpus, side by side with the published numbers
(docs/method.md#reproducing-the-paper).

Candidates: the paper's four post-processed ones (recursive-1100, recursive-600, page, LLM-regex) and, as baselines,
raw page and LangChain's ``RecursiveCharacterTextSplitter`` (default, and the paper's 1100-token configuration),
whose strings are mapped to spans by the forward search
(:func:`adaptive_splitters.text.locate.spans_from_strings`, which places the default splitter's overlapping chunks)
and gap-repaired as the reference does (§3.2).

SC, BI and RC use the given maverick pairs and must equal the paper's (they do not depend on the model). ICC and DCC
use all-MiniLM-L6-v2 in both long-text modes (``truncate``, the paper's; ``pool``, ours), printed beside the
paper's jina-embeddings-v3 values. The Adaptive row selects among the four post-processed candidates (LLM-regex
with a scripted model, see the ``llm_regex`` block) under both rules (``paper`` and ``fair``); the win counts
compare with the poster (page 48%, recursive-1100 42%, LLM-regex 6%, recursive-600 4%). Wall time and tokens
embedded are printed against the reference's workload: every method's chunks, the parser blocks once per method,
and every DCC window text (§1.3, §9.1).

Embeddings are cached on disk (``--cache``, default ``~/.cache/adaptive-splitters/table3``, outside the repository),
so a rerun only embeds texts it has not seen.

    python benchmarks/clair_table3.py [--docs N] [--modes truncate,pool] [--cache DIR]

``--docs N`` runs the N smallest documents only (the table then is not comparable with the paper's means).

``--extra structure_pattern,semantic`` adds each named candidate as a post-processed row (after the paper's rows,
no paper value) and an Adaptive row per rule whose pool is the paper's four candidates plus the extras, with its
wins per candidate; without it every line printed is unchanged. An extra is split once per long-text mode, since
a candidate that embeds (``semantic``) reads the span vectors of that mode (with ``--no-embeddings``: ``pool``,
the engine's default, on the bundled all-MiniLM-L6-v2, for splitting only); where an extra does not apply to a
document (``NotApplicable``) its row averages the other documents and the Adaptive pool goes without it there.
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections import Counter
from pathlib import Path
from typing import Any

from adaptive_splitters.candidates import NotApplicable, SplitContext, resolve_candidate
from adaptive_splitters.candidates.llm_regex.candidate import LLMRegexCandidate
from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.core.spans import Span
from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.metrics.dcc import context_windows
from adaptive_splitters.metrics.icc import chunk_pieces
from adaptive_splitters.postprocess import candidate_spans, repair_gaps
from adaptive_splitters.readers import read_document, with_mentions
from adaptive_splitters.selection import select
from adaptive_splitters.text.locate import spans_from_strings
from adaptive_splitters.text.tokens import TokenCounter

CLAIR = Path(__file__).resolve().parents[1].parent / "shared/data/clair"
METRICS = ("RC", "ICC", "DCC", "BI", "SC")
PAPER_REGEX_ANSWER = "<regex>(?<=\\n)(?=#[^\\n]*\\n)|(?=^# )</regex>"
"""The scripted model's answer for every document: the paper's example regex, split before every heading line
(docs/method.md#llm_regex); it stands in for GPT-4o, offline."""
CANDIDATE_OBJECTS = {"llm_regex": LLMRegexCandidate(lambda prompt: PAPER_REGEX_ANSWER)}
PAPER_CANDIDATES = ("recursive_1100", "recursive_600", "page", "llm_regex")
"""The paper's four post-processed candidates, among which the Adaptive row selects."""
ROWS = (
    ("recursive_1100", "our recursive s=1100 *"),
    ("page", "page (post-processed) *"),
    ("llm_regex", "LLM regex (scripted answer) *"),
    ("recursive_600", "our recursive s=600 *"),
    ("page_raw", "page (raw) †"),
    ("langchain_default", "LangChain recursive (default) †"),
    ("langchain_1100", "LangChain recursive s=1100 †"),
)
PAPER = {  # Table 3, mean %: RC, ICC, DCC, BI, SC
    "adaptive": (99.0, 68.2, 88.8, 99.4, 99.9),
    "recursive_1100": (99.0, 66.6, 89.7, 98.1, 100.0),
    "page": (97.2, 69.2, 86.4, 99.9, 99.9),
    "llm_regex": (98.0, 70.9, 82.4, 98.1, 99.6),
    "recursive_600": (97.2, 69.6, 84.7, 94.8, 100.0),
    "page_raw": (97.1, 69.3, 86.1, 100.0, 92.7),
    "langchain_default": (96.1, 65.6, 88.8, 95.0, 97.7),
    "langchain_1100": (98.4, 64.7, 86.8, 98.6, 93.3),
}
POSTER_WINS = {"page": 48, "recursive_1100": 42, "llm_regex": 6, "recursive_600": 4}
CORPUS_TOKENS = 1_180_526


def langchain_spans(text: str, counter: TokenCounter, which: str) -> list[Span]:
    """LangChain's recursive splitter (docs/method.md#reproducing-the-paper) mapped back to spans and gap-repaired."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from adaptive_splitters.candidates import SEPARATORS

    if which == "default":
        splitter = RecursiveCharacterTextSplitter()
    else:
        splitter = RecursiveCharacterTextSplitter(
            separators=list(SEPARATORS),
            chunk_size=1100,
            chunk_overlap=0,
            is_separator_regex=True,
            keep_separator="start",
            length_function=counter,
        )
    pieces = splitter.split_text(text)
    return repair_gaps(spans_from_strings(text, pieces, f"langchain_{which}"), len(text))


def all_spans(doc: Any, counter: TokenCounter) -> dict[str, list[Span]]:
    """Every row's spans for one document."""
    context = SplitContext(counter)
    out: dict[str, list[Span]] = {}
    for name in PAPER_CANDIDATES:
        out[name] = candidate_spans(resolve_candidate(CANDIDATE_OBJECTS.get(name, name)), doc, context)
    out["page_raw"] = candidate_spans(resolve_candidate("page"), doc, context, raw=True)
    out["langchain_default"] = langchain_spans(doc.text, counter, "default")
    out["langchain_1100"] = langchain_spans(doc.text, counter, "1100")
    return out


def extra_spans(
    doc: Any, counter: TokenCounter, names: list[str], split_modes: list[str], cache: EmbeddingCache
) -> tuple[dict[str, dict[str, list[Span]]], dict[str, str], dict[str, float]]:
    """Each extra candidate's post-processed spans per long-text mode (the mode of the span vectors a candidate
    that embeds reads; the others split alike in every mode), the extras that do not apply with the reason, and
    the seconds each took (embedding included)."""
    out: dict[str, dict[str, list[Span]]] = {}
    skipped: dict[str, str] = {}
    seconds: dict[str, float] = dict.fromkeys(names, 0.0)
    for mode in split_modes:
        built: dict[str, SpanVectors] = {}

        def vectors(mode: str = mode, built: dict[str, SpanVectors] = built) -> SpanVectors:
            if mode not in built:
                built[mode] = SpanVectors(doc, cache, mode, counter)  # type: ignore[arg-type]
            return built[mode]

        context = SplitContext(counter, vectors=vectors)
        for name in names:
            tick = time.perf_counter()
            try:
                spans = candidate_spans(resolve_candidate(name), doc, context)
            except NotApplicable as reason:
                skipped[name] = str(reason)
            else:
                out.setdefault(name, {})[mode] = spans
            seconds[name] += time.perf_counter() - tick
    return out, skipped, seconds


def reference_workload(doc: Any, spans: dict[str, list[Span]], counter: TokenCounter) -> int:
    """Tokens the reference embeds for this document: per method, its chunks, every block, every DCC window."""
    text = doc.text
    block_tokens = sum(counter(text[a:b]) for a, b in chunk_pieces((0, len(text)), doc.split_points or ()))
    total = 0
    for method_spans in spans.values():
        total += sum(counter(text[a:b]) for a, b in method_spans) + block_tokens
        for _, tails in context_windows(method_spans, text, counter):
            total += counter("".join(text[a:b] for a, b in tails))
    return total


def load_cache(path: Path) -> dict[Any, Any]:
    """The on-disk embedding store, or an empty one."""
    if path.is_file():
        with path.open("rb") as handle:
            return dict(pickle.load(handle))
    return {}


def save_cache(path: Path, store: dict[Any, Any]) -> None:
    """Write the embedding store atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(store, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def mean(values: list[float | None]) -> float | None:
    """Mean of the defined values, or ``None``."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def fmt(value: float | None) -> str:
    """A percentage with one decimal, or a dash."""
    return "  —  " if value is None else f"{100 * value:5.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=None, help="only the N smallest documents")
    parser.add_argument("--modes", default="truncate,pool", help="long-text modes for ICC and DCC")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/adaptive-splitters/table3")
    parser.add_argument("--no-embeddings", action="store_true", help="SC, BI and RC only")
    parser.add_argument("--extra", default="", help="extra candidates, comma-separated (structure_pattern,semantic)")
    args = parser.parse_args()
    modes = [] if args.no_embeddings else [m.strip() for m in args.modes.split(",") if m.strip()]
    extras = [name.strip() for name in args.extra.split(",") if name.strip()]
    split_modes = modes or ["pool"]  # the long-text mode of the vectors an extra that embeds splits with
    paths = sorted((CLAIR / "parsed").glob("*.json"), key=lambda p: p.stat().st_size)
    if args.docs is not None:
        paths = paths[: args.docs]
    counter = TokenCounter()
    store: dict[Any, Any] = load_cache(args.cache / "minilm.pkl") if modes or extras else {}
    cache = EmbeddingCache(None, counter=counter, store=store)  # one model and one cache for both modes, all documents
    chunkers = {
        mode: AdaptiveChunker(
            ChunkerConfig.paper(metrics=("ICC", "DCC"), long_texts=mode, pairs="none", embedding_cache=cache)
        )
        for mode in modes
    }
    cheap = AdaptiveChunker(ChunkerConfig.paper(metrics=("SC", "BI", "RC"), pairs="none"))
    scores: dict[str, dict[str, dict[str, dict[str, float | None]]]] = {}  # doc -> row -> mode|"-" -> metrics
    started = time.perf_counter()
    ours = 0.0
    workload = 0
    corpus_tokens = 0
    saved = 0
    extra_seconds: Counter[str] = Counter()
    extra_skipped: dict[str, dict[str, str]] = {}  # name -> doc -> reason
    differs: Counter[str] = Counter()  # documents where an extra's spans differ between the modes
    for number, path in enumerate(paths, 1):
        doc = with_mentions(read_document(path), CLAIR / "mentions")
        tick = time.perf_counter()
        spans = all_spans(doc, counter)
        row_scores: dict[str, dict[str, dict[str, float | None]]] = {name: {} for name in spans}
        for name, values in cheap.score(doc, spans).items():
            row_scores[name]["-"] = values
        for mode, chunker in chunkers.items():
            for name, values in chunker.score(doc, spans).items():
                row_scores[name][mode] = values
        if extras:
            more, skipped, seconds = extra_spans(doc, counter, extras, split_modes, cache)
            extra_seconds.update(seconds)
            for name, reason in skipped.items():
                extra_skipped.setdefault(name, {})[doc.name] = reason
            for name, by_mode in more.items():
                row_scores[name] = {"-": cheap.score(doc, {name: by_mode[split_modes[0]]})[name]}
                differs[name] += len({tuple(s) for s in by_mode.values()}) > 1
            for mode, chunker in chunkers.items():  # all five metrics: an extra's spans may depend on the mode
                more_spans = {name: by_mode[mode] for name, by_mode in more.items()}
                for name, values in cheap.score(doc, more_spans).items():
                    row_scores[name][mode] = values
                for name, values in chunker.score(doc, more_spans).items():
                    row_scores[name][mode].update({k: v for k, v in values.items() if v is not None})
        scores[doc.name] = row_scores
        ours += time.perf_counter() - tick
        doc_tokens = counter(doc.text)
        corpus_tokens += doc_tokens
        workload += reference_workload(doc, spans, counter)
        print(f"[{number}/{len(paths)}] {doc.name[:70]} {doc_tokens:,} tokens, {time.perf_counter() - tick:.1f} s")
        if cache.stats.texts_embedded > saved:  # only when this document added vectors
            save_cache(args.cache / "minilm.pkl", store)
            saved = cache.stats.texts_embedded
    wall = time.perf_counter() - started
    report(scores, modes, len(paths), extras)
    print()
    print(
        f"wall time: {ours:.1f} s splitting and scoring ({wall:.1f} s with the reference-workload count) for "
        f"{len(paths)} documents ({corpus_tokens:,} o200k tokens)"
    )
    stats = cache.stats
    print(
        f"embedded (both modes, this run): {stats.texts_embedded:,} texts, {stats.tokens_embedded:,} o200k tokens, "
        f"{stats.cache_hits:,} cache hits ({len(store):,} texts in the on-disk cache)"
    )
    print(
        f"reference workload for the same {len(ROWS)} methods: {workload:,} o200k tokens embedded "
        f"({workload / max(1, corpus_tokens):.1f}× the documents' tokens; the paper's whole corpus has "
        f"{CORPUS_TOKENS:,})"
    )
    for name in extras:
        skipped = extra_skipped.get(name, {})
        where = "; ".join(f"{doc[:40]}: {reason}" for doc, reason in skipped.items())
        print(
            f"extra {name}: split in {extra_seconds[name]:.1f} s ({', '.join(split_modes)}, post-processing and "
            f"embedding included); not applicable on {len(skipped)} of {len(paths)} documents"
            + (f": {where}" if where else "")
            + (f"; spans differ between modes on {differs[name]} documents" if len(split_modes) > 1 else "")
        )


def report(scores: dict[str, Any], modes: list[str], n_docs: int, extras: list[str] = ()) -> None:  # type: ignore[assignment]
    """Print Table 3 beside the paper's numbers, the Adaptive rows and the win counts (and, with ``extras``, their
    rows and the Adaptive rows whose pool adds them)."""
    print()
    print(f"Table 3 on {n_docs} CLAIR documents (mean %, ours | paper; ICC/DCC: MiniLM {', '.join(modes)} | jina-v3)")
    header = f"{'method':34} " + " ".join(f"{m:>13}" for m in METRICS) + "   mean"
    for mode in modes or ["-"]:
        print()
        print(f"-- long texts: {mode}")
        print(header)
        for key, label in ROWS:
            values = []
            cells = []
            for i, metric in enumerate(METRICS):
                source = "-" if metric in ("SC", "BI", "RC") else mode
                if source not in scores[next(iter(scores))][key]:
                    value = None
                else:
                    value = mean([scores[d][key][source].get(metric) for d in scores])
                values.append(value)
                cells.append(f"{fmt(value)} | {PAPER[key][i]:5.1f}")
            overall = mean(values) if all(v is not None for v in values) else None
            print(f"{label:34} " + " ".join(cells) + f"   {fmt(overall)}")
        for rule in ("paper", "fair"):
            adaptive_row(scores, mode, rule)
        if extras:
            extra_rows(scores, mode, extras)


def cell(doc_scores: dict[str, Any], name: str, mode: str) -> dict[str, float | None]:
    """One candidate's five metrics on one document in ``mode``: SC, BI and RC of the ``"-"`` entry (an extra's
    own ones in ``mode`` where it has them), ICC and DCC of ``mode``."""
    values = dict(doc_scores[name]["-"])
    if mode != "-":
        values.update({k: v for k, v in doc_scores[name][mode].items() if v is not None})
    return values


def extra_rows(scores: dict[str, Any], mode: str, extras: list[str]) -> None:
    """The extras' rows (mean over the documents where each applies) and the Adaptive rows with the paper's four
    candidates plus the extras."""
    print(f"-- extra candidates (post-processed; ours only): {', '.join(extras)}")
    for name in extras:
        docs = [d for d in scores if name in scores[d]]
        values = [mean([cell(scores[d], name, mode).get(m) for d in docs]) if docs else None for m in METRICS]
        if mode == "-":
            values = [v if m in ("SC", "BI", "RC") else None for v, m in zip(values, METRICS, strict=True)]
        overall = mean(values) if all(v is not None for v in values) else None
        cells = [f"{fmt(v)} |   —  " for v in values]
        print(f"{name + ' *':34} " + " ".join(cells) + f"   {fmt(overall)}   ({len(docs)} of {len(scores)} documents)")
    pool = [*PAPER_CANDIDATES, *extras]
    for rule in ("paper", "fair"):
        wins: Counter[str] = Counter()
        chosen_values: dict[str, list[float | None]] = {m: [] for m in METRICS}
        for doc_scores in scores.values():
            names = [name for name in pool if name in doc_scores]
            table = {name: cell(doc_scores, name, mode) for name in names}
            chosen = select(table, names, rule=rule).chosen
            wins[chosen] += 1
            for metric in METRICS:
                chosen_values[metric].append(table[chosen].get(metric))
        values = [mean(chosen_values[m]) for m in METRICS]
        overall = mean(values) if all(v is not None for v in values) else None
        cells = [f"{fmt(v)} | {PAPER['adaptive'][i]:5.1f}" for i, v in enumerate(values)]
        print(f"{'Adaptive + extras (' + rule + ' rule)':34} " + " ".join(cells) + f"   {fmt(overall)}")
        total = sum(wins.values())
        shares = ", ".join(f"{name} {wins[name]} ({100 * wins[name] / total:.0f}%)" for name in pool)
        print(f"{'':34} wins: {shares}")


def adaptive_row(scores: dict[str, Any], mode: str, rule: str) -> None:
    """The Adaptive row (winner's metrics averaged over documents) and how often each candidate wins."""
    wins: Counter[str] = Counter()
    chosen_values: dict[str, list[float | None]] = {m: [] for m in METRICS}
    for doc_scores in scores.values():
        table = {
            name: {**doc_scores[name]["-"], **{k: doc_scores[name][mode][k] for k in ("ICC", "DCC")}}
            if mode != "-"
            else doc_scores[name]["-"]
            for name in PAPER_CANDIDATES
        }
        chosen = select(table, list(PAPER_CANDIDATES), rule=rule).chosen
        wins[chosen] += 1
        for metric in METRICS:
            chosen_values[metric].append(table[chosen].get(metric))
    values = [mean(chosen_values[m]) for m in METRICS]
    cells = [f"{fmt(v)} | {PAPER['adaptive'][i]:5.1f}" for i, v in enumerate(values)]
    overall = mean(values) if all(v is not None for v in values) else None
    paper_mean = sum(PAPER["adaptive"]) / len(METRICS)
    print(f"{'Adaptive (' + rule + ' rule)':34} " + " ".join(cells) + f"   {fmt(overall)} | {paper_mean:5.2f}")
    total = sum(wins.values())
    shares = ", ".join(f"{name} {wins[name]} ({100 * wins[name] / total:.0f}%)" for name in PAPER_CANDIDATES)
    poster = ", ".join(f"{k} {v}%" for k, v in POSTER_WINS.items())
    print(f"{'':34} wins: {shares}  | poster: {poster}")


if __name__ == "__main__":
    main()
