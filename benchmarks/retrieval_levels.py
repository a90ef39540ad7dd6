"""Two levels, measured: what a reader gets when retrieved chunks bring their parents, on the retrieval benchmark's
two question sets (``benchmarks/retrieval.py``, ``doc`` scope: each question ranks its own document's chunks).

The children are always our default chunks (``AdaptiveChunker(hard_limit=True)``, the retrieval index of
``retrieval.py``'s "ours, default" row, embedded with all-MiniLM-L6-v2 through its on-disk cache); the parents are
the engine's second level (``parent_size``: runs of whole chunks, :mod:`adaptive_splitters.levels`), swept over
:data:`SIZES`. The arms, each at budgets of 550, 1,100 and 2,200 cl100k tokens and at k = 4 and 2 children:

1. ``flat``: the children delivered by :func:`adaptive_splitters.retrieval.deliver` (``window=1``, the package
   default, and ``window=0``) in the embedder's ranking (no reranking, as the other arms; the swap test's flat row
   is the budget retrievers' default, reranked); at k, the top k children (``retrieval.top_k``);
2. ``small-to-big``: each ranked child replaced by its parent, each parent once, in the rank order of its best
   child while the parents fit the budget (the first always); at k, the parents of the top k children (LangChain's
   ``ParentDocumentRetriever``);
3. ``auto-merge``: the children taken within the budget (the flat rule: in rank order while they fit, the first
   always), then a parent replaces its children where at least half of them were taken (its tokens counted
   instead of theirs, so the budget may be exceeded: the tokens are reported); at k, the top k children merged so;
4. ``budget-aware auto-merge``: the children in rank order, a parent replacing its children as soon as at least
   half of them are taken and the total with it fits the budget; children inside a delivered parent cost nothing;
   the first child that does not fit ends the taking (no k: it is a budget rule);
5. ``auto-merge, LlamaIndex's rule``: as ``AutoMergingRetriever`` (llama-index-core 0.14) does it: a parent
   replaces its children when *more* than half of them were retrieved (``ratio > 0.5``), after filling in the one
   child between two rank-neighbours of one parent (and the one parent between two rank-neighbour parents),
   repeated until nothing changes (duplicates counted, as it delivers them).

For arms 2-5 three parent choices: the engine's per-document choice (``result.parents.spans``, by the paper's five
metrics), each parent candidate alone for every document (where it did not apply, that document's choice), and the
per-document best candidate in hindsight (per column, on the questions themselves: a ceiling, not a method). The
gain of the choice over the best single candidate comes with the standard error of the paired per-question
difference (questions of one document are not independent, so it understates the noise on COVID-QA).

Recall: the share of the answer's characters delivered; full: at least 95% of them (``retrieval.FULL``); tokens:
cl100k tokens delivered per question, each child and parent counted whole (``flat`` joins touching children and
counts the joined text, as :func:`deliver` does).

The swap test: LangChain's default pipeline (``RecursiveCharacterTextSplitter(1000, 200)``, k = 4) against
``ParentDocumentRetriever`` semantics over our two levels (top 4 children → their parents, and the largest k whose
tokens stay within the pipeline's), and LlamaIndex's (``SentenceSplitter()``, top 2) against ``AutoMergingRetriever``
over the largest base top k whose tokens stay within its; each also against our arms at the pipeline's mean
delivered tokens as the budget.

Usage: ``python benchmarks/retrieval_levels.py [--data covidqa,chroma] [--docs N] [--sizes 256,384,512,768]``
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
from retrieval import (  # the scripts sit side by side in benchmarks/
    BUDGET_RETRIEVAL,
    BUDGETS,
    CACHE,
    DATA,
    DEFAULT_WINDOW,
    FULL,
    LANGCHAIN_DEFAULT,
    NO_RERANKING,
    PIPELINES,
    DataSet,
    Delivery,
    Index,
    Question,
    Span,
    Vectors,
    build_index,
    load,
    prepared,
    rankings,
    recall,
    score_added,
    score_budget_retrieval,
    summary,
    swap_test,
)

SIZES = (256, 384, 512, 768)
"""The parent sizes swept (``parent_size``, tokens); the children stay the default chunks."""
FIXED_K = (4, 2)
"""LangChain's default k and LlamaIndex's default top 2, in children."""
RATIO = 0.5
"""The share of a parent's children that makes it replace them (LlamaIndex's ``simple_ratio_thresh`` default)."""
CHILD, PARENT = "child", "parent"
Unit = tuple[str, int]
"""A delivered unit: (``CHILD``, child index) or (``PARENT``, parent index), within one document."""


# --- the two levels -------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One engine run over a data set at one parent size: per document its chunks, the chosen parent candidate,
    the chosen parents and every parent candidate's snapped spans."""

    chunks: dict[str, list[Span]] = field(default_factory=dict)
    chosen: dict[str, str] = field(default_factory=dict)
    parents: dict[str, list[Span]] = field(default_factory=dict)
    candidates: dict[str, dict[str, list[Span]]] = field(default_factory=dict)
    seconds: float = 0.0


def two_levels(docs: Mapping[str, str], cache: Any, parent_size: int) -> Run:
    """The engine as the adapters run it (``hard_limit``, the shared embedding cache) with ``parent_size``."""
    from adaptive_splitters import AdaptiveChunker

    chunker = AdaptiveChunker(hard_limit=True, embedding_cache=cache, parent_size=parent_size)
    run = Run()
    started = time.perf_counter()
    for name, text in docs.items():
        result = chunker.chunk(text, name=name)
        assert result.parents is not None
        run.chunks[name] = [(c.start, c.end) for c in result.chunks]
        run.chosen[name] = result.parents.chosen
        run.parents[name] = list(result.parents.spans)
        run.candidates[name] = {k: list(v) for k, v in result.parents.candidates.items()}
    run.seconds = time.perf_counter() - started
    return run


@dataclass
class Levels:
    """One document's two levels as the arms see them: each child's span, tokens and parent; each parent's span
    and tokens."""

    doc: str
    child_spans: Sequence[Span]
    child_tokens: Sequence[int]
    parent_spans: Sequence[Span]
    parent_tokens: Sequence[int]
    parent_of: Sequence[int]

    @cached_property
    def sizes(self) -> Counter[int]:
        """Each parent's number of children."""
        return Counter(self.parent_of)


def document_levels(
    doc: str, text: str, children: Sequence[Span], child_tokens: Sequence[int], parents: Sequence[Span], count: Any
) -> Levels:
    """The :class:`Levels` of ``doc`` with ``parents`` (runs of whole ``children``), their tokens counted by
    ``count`` (memoised: parent candidates share many spans)."""
    from adaptive_splitters.levels import parent_of

    return Levels(
        doc, children, child_tokens, parents, [count(doc, text, s, e) for s, e in parents], parent_of(children, parents)
    )


class SpanTokens:
    """cl100k tokens of a document's span, each counted once."""

    def __init__(self) -> None:
        from adaptive_splitters.text.tokens import TokenCounter

        self.counter = TokenCounter("cl100k_base")
        self.known: dict[tuple[str, int, int], int] = {}

    def __call__(self, doc: str, text: str, start: int, end: int) -> int:
        key = (doc, start, end)
        if key not in self.known:
            self.known[key] = self.counter(text[start:end])
        return self.known[key]


# --- the arms: which children and parents a question is given ------------------------------------------------


def take_flat(ranking: Sequence[int], tokens: Sequence[int], budget: float = math.inf) -> list[int]:
    """The first items of ``ranking`` whose running total of ``tokens`` fits ``budget``, at least one: the flat
    rule of ``retrieval.score_questions`` (the first that does not fit ends the taking)."""
    taken: list[int] = []
    used = 0
    for i in ranking:
        if taken and used + tokens[i] > budget:
            break
        used += tokens[i]
        taken.append(int(i))
    return taken


def small_to_big(levels: Levels, ranking: Sequence[int], budget: float = math.inf) -> list[Unit]:
    """Each ranked child replaced by its parent, each parent once in the rank order of its best child, taken while
    the parents fit ``budget`` (the first always): LangChain's ``ParentDocumentRetriever``, budgeted."""
    parents = list(dict.fromkeys(levels.parent_of[n] for n in ranking))
    return [(PARENT, p) for p in take_flat(parents, levels.parent_tokens, budget)]


def auto_merge(levels: Levels, ranking: Sequence[int], budget: float = math.inf) -> list[Unit]:
    """The children taken flat within ``budget``, then each parent with at least :data:`RATIO` of its children
    taken in their place (at its best child's rank), whatever its tokens: merging as LlamaIndex's auto-merging
    retriever does, after the budget."""
    taken = take_flat(ranking, levels.child_tokens, budget)
    hits = Counter(levels.parent_of[n] for n in taken)
    merged = {p for p, n in hits.items() if n >= RATIO * levels.sizes[p]}
    return _units(levels, taken, merged)


def budget_merge(levels: Levels, ranking: Sequence[int], budget: float = math.inf) -> list[Unit]:
    """The children in rank order, a parent replacing its taken children as soon as they are at least
    :data:`RATIO` of its children and the total with it fits ``budget``; a child inside a delivered parent costs
    nothing, and the first child that does not fit ends the taking (the first always taken)."""
    taken: list[int] = []
    held: dict[int, list[int]] = {}
    merged: set[int] = set()
    used = 0
    for n in ranking:
        p = levels.parent_of[n]
        if p in merged:
            continue
        if taken and used + levels.child_tokens[n] > budget:
            break
        used += levels.child_tokens[n]
        taken.append(int(n))
        held.setdefault(p, []).append(int(n))
        if len(held[p]) >= RATIO * levels.sizes[p]:
            grown = used + levels.parent_tokens[p] - sum(levels.child_tokens[m] for m in held[p])
            if grown <= budget:
                used = grown
                merged.add(p)
    return _units(levels, taken, merged)


def _units(levels: Levels, taken: Sequence[int], merged: set[int]) -> list[Unit]:
    """``taken`` children in order, those of a ``merged`` parent replaced by it (once, at the first's place)."""
    units: list[Unit] = []
    for n in taken:
        p = levels.parent_of[n]
        unit = (PARENT, p) if p in merged else (CHILD, n)
        if unit not in units:
            units.append(unit)
    return units


def llama_merge(levels: Levels, ranking: Sequence[int], budget: float = math.inf) -> list[Unit]:
    """The children taken flat within ``budget``, merged as LlamaIndex's ``AutoMergingRetriever._retrieve`` does:
    fill in, then merge, until neither changes anything (:func:`fill_in`, :func:`merge_over_half`)."""
    units: list[Unit] = [(CHILD, n) for n in take_flat(ranking, levels.child_tokens, budget)]
    changed = True
    while changed:
        units, filled = fill_in(levels, units)
        units, merged = merge_over_half(levels, units)
        changed = filled or merged
    return units


def fill_in(levels: Levels, units: Sequence[Unit]) -> tuple[list[Unit], bool]:
    """LlamaIndex's ``_fill_in_nodes``: where two units next to each other in the list have exactly one unit
    between them in the document (children: within one parent, the leaves' prev/next links; parents: anywhere),
    that one is added after the first (even if it is in the list already). Whether anything was added."""
    out: list[Unit] = []
    for a, b in zip(units, [*units[1:], None], strict=True):
        out.append(a)
        if b is None or a[0] != b[0] or b[1] != a[1] + 2:
            continue
        if a[0] == PARENT or levels.parent_of[a[1]] == levels.parent_of[b[1]]:
            out.append((a[0], a[1] + 1))
    return out, len(out) > len(units)


def merge_over_half(levels: Levels, units: Sequence[Unit]) -> tuple[list[Unit], bool]:
    """LlamaIndex's ``_get_parents_and_merge``: each parent with more than :data:`RATIO` of its children in the
    list (duplicates counted) replaces them, appended after the rest in the order of its first child. Whether
    any merged."""
    hits = Counter(levels.parent_of[n] for kind, n in units if kind == CHILD)
    merged = [p for p, n in hits.items() if n > RATIO * levels.sizes[p]]
    kept = [u for u in units if u[0] == PARENT or levels.parent_of[u[1]] not in merged]
    return kept + [(PARENT, p) for p in merged], bool(merged)


def delivered(levels: Levels, units: Sequence[Unit]) -> Delivery:
    """``units`` as a delivery: their ranges in order, and their tokens, each unit counted whole."""
    spans = [levels.child_spans[i] if kind == CHILD else levels.parent_spans[i] for kind, i in units]
    tokens = [levels.child_tokens[i] if kind == CHILD else levels.parent_tokens[i] for kind, i in units]
    return Delivery([(levels.doc, s, e) for s, e in spans], int(sum(tokens)))


Arm = Callable[[Levels, Sequence[int], float], list[Unit]]
ARMS: dict[str, tuple[Arm, bool]] = {
    "small-to-big": (small_to_big, True),
    "auto-merge (≥ ½)": (auto_merge, True),
    "budget-aware auto-merge": (budget_merge, False),
    "auto-merge, LlamaIndex's rule (> ½, fill-in)": (llama_merge, True),
}
"""Each parent arm, and whether it has a fixed-k form."""


# --- scoring --------------------------------------------------------------------------------------------------


def local_rankings(index: Index, questions: Sequence[Question], queries: np.ndarray) -> list[np.ndarray]:
    """Per question its own document's children best first, as positions within the document."""
    return [
        np.searchsorted(index.by_doc[q.doc], ranking)
        for q, ranking in zip(questions, rankings(index, questions, queries, "doc"), strict=True)
    ]


def score_arm(
    arm: Arm, at_k: bool, levels: Mapping[str, Levels], questions: Sequence[Question], ranks: Sequence[np.ndarray]
) -> dict[str, np.ndarray]:
    """Per question: recall, full answer and tokens at each budget, and (``at_k``) recall and tokens at each k."""
    out: dict[str, list[float]] = {}
    for q, ranking in zip(questions, ranks, strict=True):
        doc = levels[q.doc]
        for b in BUDGETS:
            delivery = delivered(doc, arm(doc, ranking, b))
            got = recall(delivery, q)
            out.setdefault(f"@{b}", []).append(got)
            out.setdefault(f"full@{b}", []).append(float(got >= FULL))
            out.setdefault(f"tokens@{b}", []).append(delivery.tokens)
        for k in FIXED_K if at_k else ():
            delivery = delivered(doc, arm(doc, ranking[:k], math.inf))
            out.setdefault(f"R@k={k}", []).append(recall(delivery, q))
            out.setdefault(f"tokens@k={k}", []).append(delivery.tokens)
    return {key: np.array(values) for key, values in out.items()}


def with_full(values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``values`` with each budget's full-answer indicator (``full@B``) added from its recall."""
    return dict(values) | {f"full@{b}": (values[f"@{b}"] >= FULL).astype(float) for b in BUDGETS}


PAIRS = [(f"@{b}", f"tokens@{b}") for b in BUDGETS] + [(f"R@k={k}", f"tokens@k={k}") for k in FIXED_K]
"""Each recall column and the tokens that go with it."""


def means(values: Mapping[str, np.ndarray]) -> dict[str, float]:
    """The mean of every per-question value."""
    return {key: float(v.mean()) for key, v in values.items()}


def hindsight(per_choice: Mapping[str, Mapping[str, np.ndarray]], codes: np.ndarray) -> dict[str, float]:
    """Per column, each document given the choice best on its own questions (``codes``: each question's document
    number): the mean of that column, and of the tokens that go with it under the same picks."""
    out: dict[str, float] = {}
    first = next(iter(per_choice.values()))
    pairs = [pair for pair in PAIRS if pair[0] in first] + [(f"full@{b}", None) for b in BUDGETS]
    for key, tokens in pairs:
        scores = np.array([np.bincount(codes, weights=v[key]) for v in per_choice.values()])
        pick = np.argmax(scores, axis=0)[codes]  # per question: its document's best choice
        rows = np.arange(len(codes))
        out[key] = float(np.array([v[key] for v in per_choice.values()])[pick, rows].mean())
        if tokens is not None:
            out[tokens] = float(np.array([v[tokens] for v in per_choice.values()])[pick, rows].mean())
    return out


def gain(ours: Mapping[str, np.ndarray], singles: Mapping[str, Mapping[str, np.ndarray]]) -> dict[str, str]:
    """Per recall column (and full@1100): ``ours`` minus the best single choice (by that column's mean), in
    points, ± the standard error of the paired per-question difference."""
    out = {}
    for key in [k for k, _ in PAIRS if k in ours] + ["full@1100"]:
        best = max(singles.values(), key=lambda v: float(v[key].mean()))
        diff = 100 * (ours[key] - best[key])
        se = float(diff.std(ddof=1) / math.sqrt(len(diff))) if len(diff) > 1 else float("nan")
        out[key] = f"{diff.mean():+.1f} ± {se:.1f}"
    return out


# --- tables ---------------------------------------------------------------------------------------------------

HEAD = ["R@550", "R@1100", "R@2200", "full@1100", "R@k=4", "R@k=2"]
"""The columns: recall (mean tokens delivered) at each budget and k, and the full-answer rate at 1,100."""


def cells(row: Mapping[str, float | str]) -> list[str]:
    """One row's cells: ``recall (tokens)`` or a text already made (a gain), blank where the row has none."""
    out = []
    for key, tokens in [*PAIRS[:3], ("full@1100", None), *PAIRS[3:]]:
        value = row.get(key)
        if isinstance(value, str) or value is None:
            out.append(value or "")
        elif tokens is None:
            out.append(f"{100 * value:.1f}")
        else:
            out.append(f"{100 * value:.1f} ({row[tokens]:.0f})")
    return out


def markdown(rows: Sequence[tuple[str, str, Mapping[str, float | str]]], second: str) -> str:
    """Rows of (arm, ``second`` column, values) as a markdown table."""
    lines = [f"| arm | {second} | {' | '.join(HEAD)} |", "|---|---|" + "---:|" * len(HEAD)]
    lines += [f"| {arm} | {label} | {' | '.join(cells(values))} |" for arm, label, values in rows]
    return "\n".join(lines)


# --- one data set ---------------------------------------------------------------------------------------------


@dataclass
class Sized:
    """One parent size's results: per arm, per parent choice (``chosen``, each candidate alone), per question."""

    run: Run
    scores: dict[str, dict[str, dict[str, np.ndarray]]]
    levels: dict[str, Levels]


def measure_size(
    data: DataSet, index: Index, run: Run, ranks: Sequence[np.ndarray], count: SpanTokens
) -> tuple[dict[str, dict[str, dict[str, np.ndarray]]], dict[str, Levels]]:
    """Every arm with the chosen parents and with each parent candidate alone (where it did not apply, the
    document's choice); and the chosen parents' levels per document."""
    names = list(dict.fromkeys(name for doc in run.candidates.values() for name in doc))
    choices = {"chosen": run.parents} | {
        name: {d: run.candidates[d].get(name, run.parents[d]) for d in data.docs} for name in names
    }
    children = {d: [index.spans[i] for i in index.by_doc[d]] for d in data.docs}
    tokens = {d: [int(index.tokens[i]) for i in index.by_doc[d]] for d in data.docs}
    built = {
        choice: {d: document_levels(d, data.docs[d], children[d], tokens[d], parents[d], count) for d in data.docs}
        for choice, parents in choices.items()
    }
    scores = {
        arm: {choice: score_arm(fn, at_k, levels, data.questions, ranks) for choice, levels in built.items()}
        for arm, (fn, at_k) in ARMS.items()
    }
    return scores, built["chosen"]


def choice_line(size: int, run: Run, levels: Mapping[str, Levels]) -> str:
    """The per-document choice counts at ``size`` and the chosen parents' mean tokens and children."""
    counts = ", ".join(f"{name} {n}" for name, n in Counter(run.chosen.values()).most_common())
    tokens = [t for lv in levels.values() for t in lv.parent_tokens]
    children = [n for lv in levels.values() for n in lv.sizes.values()]
    return (
        f"- parent_size={size}: chose {counts}; {len(tokens)} parents, {np.mean(tokens):.0f} cl100k tokens and "
        f"{np.mean(children):.1f} children each on average (engine {run.seconds:.0f} s)"
    )


def best_size(sized: Mapping[int, Sized]) -> int:
    """The parent size at which the best parent arm (chosen parents) has the highest recall at 1,100 tokens."""
    return max(sized, key=lambda s: max(float(v["chosen"]["@1100"].mean()) for v in sized[s].scores.values()))


def candidate_table(data: DataSet, sized: Sized) -> str:
    """For one size: per arm the chosen parents (a), each candidate alone (b), the gain of (a) over the best of
    (b), and the per-document best candidate in hindsight (c)."""
    codes = np.unique([q.doc for q in data.questions], return_inverse=True)[1]
    rows: list[tuple[str, str, Mapping[str, float | str]]] = []
    for arm, per_choice in sized.scores.items():
        singles = {name: v for name, v in per_choice.items() if name != "chosen"}
        rows.append((arm, "(a) chosen per document", means(per_choice["chosen"])))
        rows += [(arm, f"(b) {name} alone", means(v)) for name, v in singles.items()]
        rows.append((arm, "(a) − best (b), ± SE", gain(per_choice["chosen"], singles)))
        rows.append((arm, "(c) best per document, hindsight", hindsight(singles, codes)))
    return markdown(rows, "parents")


def deliveries(
    arm: Arm, levels: Mapping[str, Levels], questions: Sequence[Question], ranks: Sequence[np.ndarray], k: int
) -> list[Delivery]:
    """Per question what ``arm`` delivers of its top ``k`` children, no budget (a framework's fixed k)."""
    return [
        delivered(levels[q.doc], arm(levels[q.doc], r[:k], math.inf)) for q, r in zip(questions, ranks, strict=True)
    ]


def budgeted(
    arm: Arm, levels: Mapping[str, Levels], questions: Sequence[Question], ranks: Sequence[np.ndarray], budget: int
) -> list[Delivery]:
    """Per question what ``arm`` delivers of its ranking within ``budget``."""
    return [delivered(levels[q.doc], arm(levels[q.doc], r, budget)) for q, r in zip(questions, ranks, strict=True)]


def fitting_k(at: Callable[[int], list[Delivery]], tokens: float, most: int = 64) -> tuple[int, list[Delivery]]:
    """The largest k from 1 up (until the first that exceeds) whose deliveries (``at(k)``) stay within ``tokens``
    on average, and those deliveries (k = 1 if none fits)."""
    best = (1, at(1))
    for k in range(2, most + 1):
        trial = at(k)
        if np.mean([d.tokens for d in trial]) > tokens:
            break
        best = (k, trial)
    return best


def swap_line(label: str, row: Mapping[str, float], theirs: Mapping[str, float]) -> str:
    """One swap-test row (a ``retrieval.summary``) and its difference from ``theirs``."""
    delta = f"{row['recall'] - theirs['recall']:+.1f} | {row['full'] - theirs['full']:+.1f}"
    return f"| {label} | {row['recall']:.1f} | {row['full']:.1f} | {row['tokens']:.0f} | {delta} |"


def swap_rows(
    data: DataSet,
    base: Mapping[str, Mapping[str, float]],
    ranks: Sequence[np.ndarray],
    levels: Mapping[int, Mapping[str, Levels]],
) -> str:
    """The swap test: each framework's default pipeline and our flat budget delivery at its tokens (``base``, from
    ``retrieval.swap_test``), then per parent size (``levels``, chosen parents) the framework's parent semantics
    over our levels (LangChain's at k = 4 and the largest k within its tokens; LlamaIndex's at the largest base
    top k within its tokens) and our parent arms with its tokens as the budget."""
    questions = data.questions
    lines = ["| pipeline | recall | full-answer | tokens | Δ recall | Δ full |", "|---|---:|---:|---:|---:|---:|"]
    for label in PIPELINES:
        theirs = base[label]
        budget = round(theirs["tokens"])
        lines.append(swap_line(label, theirs, theirs))
        flat = base[f"{BUDGET_RETRIEVAL} (budget {budget})"]
        lines.append(swap_line(f"{BUDGET_RETRIEVAL} (flat, README pipeline, budget {budget})", flat, theirs))
        langchain = label == LANGCHAIN_DEFAULT
        framework, name = (
            (small_to_big, "ParentDocumentRetriever") if langchain else (llama_merge, "AutoMergingRetriever")
        )
        for size, sized in levels.items():
            at = partial(deliveries, framework, sized, questions, ranks)
            if langchain:
                lines.append(swap_line(f"{name}, parents {size}, k = 4", summary(at(4), questions), theirs))
            k, fitted = fitting_k(at, theirs["tokens"])
            lines.append(swap_line(f"{name}, parents {size}, k = {k} (fits)", summary(fitted, questions), theirs))
            for arm in ("small-to-big", "budget-aware auto-merge"):
                got = summary(budgeted(ARMS[arm][0], sized, questions, ranks, budget), questions)
                lines.append(swap_line(f"{arm}, parents {size}, budget {budget}", got, theirs))
    return "\n".join(lines)


def run(data: DataSet, vectors: Vectors, sizes: Sequence[int]) -> None:
    """Print one data set's tables: arms × parent sizes, the parent candidates at the best size, the swap test."""
    from adaptive_splitters.text.tokens import TokenCounter

    runs = {size: two_levels(data.docs, vectors.cache, size) for size in sizes}
    vectors.save()
    first = runs[sizes[0]]
    assert all(r.chunks == first.chunks for r in runs.values()), "the chunks must not depend on parent_size"
    count = TokenCounter("cl100k_base")
    spans = SpanTokens()
    try:
        queries = vectors([q.text for q in data.questions])
        index = build_index(data, first.chunks, vectors, count)
        ranks = local_rankings(index, data.questions, queries)
        added = score_added(index, data.questions, queries, "doc")
        flat = {
            window: with_full(score_budget_retrieval(index, data, queries, "doc", count, window, NO_RERANKING))
            for window in (DEFAULT_WINDOW, 0)
        }
        sized = {size: Sized(runs[size], *measure_size(data, index, runs[size], ranks, spans)) for size in sizes}
        base, _ = swap_test(data, index, queries, vectors, count)
        swap = swap_rows(data, base, ranks, {size: result.levels for size, result in sized.items()})
    finally:
        vectors.save()
    print(f"\n## {data.name}: {len(data.docs)} documents, {len(data.questions)} questions (doc scope)\n")
    print(f"children: our default chunks, {len(index.spans)} chunks, {index.tokens.mean():.0f} cl100k tokens each\n")
    for size, result in sized.items():
        print(choice_line(size, result.run, result.levels))
    rows: list[tuple[str, str, Mapping[str, float | str]]] = [
        (f"flat, window={DEFAULT_WINDOW}, no reranking", "—", means(flat[DEFAULT_WINDOW] | added)),
        ("flat, window=0, no reranking", "—", means(flat[0])),
    ]
    rows += [(arm, str(size), means(sized[size].scores[arm]["chosen"])) for arm in ARMS for size in sizes]
    print(
        "\n### arms × parent size (parents chosen per document)\n\nrecall % (mean cl100k tokens delivered); "
        f"full@1100: % of questions given at least {FULL:.0%} of their answer\n"
    )
    print(markdown(rows, "parent size"))
    best = best_size(sized)
    print(f"\n### parent candidates at parent_size={best} (the best parent arm's best R@1100)\n")
    print(candidate_table(data, sized[best]))
    print("\n### swap test (doc scope): each framework's default pipeline against our two levels\n")
    print("Δ: against the framework's default pipeline, in points\n")
    print(swap)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=DATA, help="the shared retrieval data folder")
    parser.add_argument("--data", default="covidqa,chroma", help="data sets: covidqa, chroma (comma-separated)")
    parser.add_argument("--docs", type=int, default=None, help="only the first N COVID-QA articles (by id)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="parent sizes (comma-separated)")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args(argv)
    vectors = prepared(args.root, args.cache)
    if vectors is None:
        return 2
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print("all-MiniLM-L6-v2 children (our default chunks); budgets in cl100k tokens; recall in %")
    for name in args.data.split(","):
        run(load(args.root, name, args.docs), vectors, sizes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
