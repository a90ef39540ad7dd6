"""The LLM-regex candidate on the 33 CLAIR documents, with a scripted model that answers the paper's example.

The model is a plain callable that always answers ``(?<=\\n)(?=#[^\\n]*\\n)|(?=^# )`` (split before every heading
line; docs/method.md#llm_regex), so the run is offline and deterministic; it still receives the real prompt (the
first 8000 tokens of each document). Prints, per document and as means, SC, BI and RC (the given maverick pairs) of
the four paper candidates post-processed (recursive-1100, recursive-600, page, llm_regex), the paper's Table 3
values beside them, and how often the adaptive selection on SC, BI and RC picks each candidate under the paper rule
(ties to the ASCII-first name, which favours ``llm_regex``) and the fair rule (ties to the listing order), with the
outright wins (no tie) counted separately.

    python benchmarks/llm_regex_clair.py [--docs N]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from clair_table3 import (  # the scripts sit side by side in benchmarks/
    CLAIR,
    PAPER,
    PAPER_CANDIDATES,
    PAPER_REGEX_ANSWER,
    POSTER_WINS,
    fmt,
    mean,
)
from clair_table3 import METRICS as TABLE3_METRICS

from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.readers import read_document, with_mentions
from adaptive_splitters.selection import select

CANDIDATES = PAPER_CANDIDATES
METRICS = ("SC", "BI", "RC")
SHORT = {"recursive_1100": "r1100", "recursive_600": "r600", "page": "page", "llm_regex": "llm"}


class PaperAnswer:
    """A scripted model: always the paper's example answer; counts the calls and the prompt sizes."""

    def __init__(self) -> None:
        self.calls = 0
        self.prompt_chars = 0

    def __call__(self, prompt: str) -> str:
        self.calls += 1
        self.prompt_chars += len(prompt)
        return PAPER_REGEX_ANSWER


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=None, help="only the N smallest documents")
    args = parser.parse_args()
    paths = sorted((CLAIR / "parsed").glob("*.json"), key=lambda p: p.stat().st_size)[: args.docs]
    model = PaperAnswer()
    config = ChunkerConfig.paper(candidates=list(CANDIDATES), llm=model, metrics=METRICS, pairs="none")
    chunker = AdaptiveChunker(config)  # the paper's sizes and post-processing
    scores: dict[str, dict[str, dict[str, float | None]]] = {}
    wins: dict[str, Counter[str]] = {"paper": Counter(), "fair": Counter()}
    outright: Counter[str] = Counter()
    fallbacks: dict[str, str] = {}
    started = time.perf_counter()
    print(f"{'document':44} {'chunks':>6}  " + "  ".join(f"{m:>5}" for m in METRICS) + "  paper   fair")
    for path in paths:
        doc = with_mentions(read_document(path), CLAIR / "mentions")
        result = chunker.chunk_document(doc)
        scores[doc.name] = result.scores
        note = result.notes.get("llm_regex", {})
        if note.get("fallback"):
            fallbacks[doc.name] = note["fallback"]
        chosen = {"paper": result.chosen, "fair": select(result.scores, list(CANDIDATES), rule="fair").chosen}
        for rule, name in chosen.items():
            wins[rule][name] += 1
        objective = result.objective
        best = objective[chosen["paper"]]
        if sum(1 for v in objective.values() if v is not None and best is not None and v >= best - 1e-12) == 1:
            outright[chosen["paper"]] += 1
        row = result.scores["llm_regex"]
        print(
            f"{doc.name.split('_', 1)[1][:44]:44} {len(result.candidates['llm_regex']):>6}  "
            + "  ".join(fmt(row[m]) for m in METRICS)
            + f"  {SHORT[chosen['paper']]:6} {SHORT[chosen['fair']]:6}"
        )
    wall = time.perf_counter() - started
    print()
    print(f"means over {len(scores)} documents (%, ours | paper Table 3; RC over documents with pairs)")
    print(f"{'candidate':16} " + " ".join(f"{m:>13}" for m in METRICS) + "     mean")
    for name in CANDIDATES:
        values = [mean([scores[d][name][m] for d in scores]) for m in METRICS]
        cells = [
            f"{fmt(v)} | {PAPER[name][TABLE3_METRICS.index(m)]:5.1f}" for v, m in zip(values, METRICS, strict=True)
        ]
        print(f"{name:16} " + " ".join(cells) + f"   {fmt(mean(values))}")
    print()
    for rule, counts in wins.items():
        shares = ", ".join(f"{n} {counts[n]} ({100 * counts[n] / len(scores):.0f}%)" for n in CANDIDATES)
        print(f"adaptive selection on SC, BI, RC, {rule} rule: {shares}")
    print(f"  outright wins (no tie on the paper objective): {dict(outright) or 'none'}")
    print(f"  poster (all five metrics, GPT-4o's regexes): {', '.join(f'{k} {v}%' for k, v in POSTER_WINS.items())}")
    print()
    print(
        f"llm_regex: {model.calls} model calls, mean prompt {model.prompt_chars // max(1, model.calls):,} characters; "
        f"fallbacks {len(fallbacks)}/{len(scores)}"
    )
    for name, why in fallbacks.items():
        print(f"  fallback on {name.split('_', 1)[1][:50]}: {why}")
    print(f"wall time {wall:.1f} s")


if __name__ == "__main__":
    main()
