"""Time the structure_pattern candidate (docs/method.md#structure_pattern) against recursive_1100, in one run.

Three inputs: the CLAIR documents (``../shared/data/clair/parsed/*.json``, read with ``read_document``), and a
synthetic legal text (ARTICLEs, numbered clauses, ``(a)`` items, a form feed per page) at ``n`` and ``4n``
pages, for the linear-time ratio (linear ≈ 4, quadratic ≈ 16). Structure detection (blocks, pages, titles) is
done once beforehand, as the engine's structure stage does; each timing is a candidate's ``split`` with a fresh
:class:`SplitContext` (a cold token memo), best of ``--repeat``. Also prints, per CLAIR document, the pattern
chosen, and a tally.

Usage: ``python benchmarks/bench_structure_pattern.py [--pages 100] [--repeat 5] [--clair PATH]``
"""

from __future__ import annotations

import argparse
import collections
import random
import time
from pathlib import Path
from typing import Any

DEFAULT_CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair" / "parsed"
VOCABULARY = (
    "agreement party supplier customer service fee term notice breach liability indemnity law court data "
    "obligation right remedy payment invoice period renewal termination confidential information schedule"
)
WORDS = VOCABULARY.split(" ")


def legal_text(pages: int, seed: int = 0) -> str:
    """A synthetic contract of ``pages`` pages (about 3,000 characters each; no two sentences alike)."""
    rng = random.Random(seed)

    def sentence(tag: str) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + f" ({tag}).\n\n"

    out = []
    for page in range(1, pages + 1):
        out.append(f"ARTICLE {page} - TERMS OF PART {page}\n\n")
        for clause in range(1, 5):
            out.append(f"{page}.{clause} " + sentence(f"{page}.{clause}") * 2)
            out += [f"({letter}) " + sentence(f"{page}.{clause}{letter}") for letter in "abc"]
        out.append("\x0c")
    return "".join(out)


def prepared(texts: dict[str, str]) -> dict[str, Any]:
    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.text.structure import with_detected_structure

    return {name: with_detected_structure(SourceDocument.build(text)) for name, text in texts.items()}


def best_time(candidate: Any, doc: Any, repeat: int) -> tuple[float, Any]:
    """The best time of ``candidate.split(doc)`` over ``repeat`` runs (fresh context each), and its split."""
    from adaptive_splitters.candidates import SplitContext

    best, split = float("inf"), None
    for _ in range(repeat):
        context = SplitContext()
        start = time.perf_counter()
        split = candidate.split(doc, context)
        best = min(best, time.perf_counter() - start)
    return best, split


def clair_docs(folder: Path) -> dict[str, Any]:
    from adaptive_splitters.readers import read_document
    from adaptive_splitters.text.structure import with_detected_structure

    files = sorted(folder.glob("*.json"))
    if not files:
        msg = f"no CLAIR documents under {folder}"
        raise SystemExit(msg)
    return {f.stem: with_detected_structure(read_document(f)) for f in files}


def time_corpus(docs: dict[str, Any], repeat: int) -> None:
    """Per-document pattern, the corpus totals for both candidates, and a tally of patterns."""
    from adaptive_splitters.candidates import NotApplicable, RecursiveCandidate, StructurePatternCandidate

    ours, recursive = StructurePatternCandidate(), RecursiveCandidate(chunk_size=1100)
    total_ours = total_recursive = 0.0
    tally: collections.Counter[str] = collections.Counter()
    for name, doc in docs.items():
        try:
            seconds, split = best_time(ours, doc, repeat)
            chosen = split.notes.report["pattern"]
        except NotApplicable:
            seconds, chosen = 0.0, "(not applicable)"
        total_ours += seconds
        total_recursive += best_time(recursive, doc, repeat)[0]
        tally[chosen] += 1
        print(f"  {len(doc.text):>9,} chars {seconds * 1e3:8.1f} ms  {chosen:<40} {name[:60]}")
    chars = sum(len(d.text) for d in docs.values())
    print(f"CLAIR, {len(docs)} documents, {chars:,} characters:")
    print(f"  structure_pattern {total_ours:.3f} s, recursive_1100 {total_recursive:.3f} s, ", end="")
    print(f"ratio {total_ours / total_recursive:.2f}x")
    print("  chosen pattern: " + ", ".join(f"{p} {n}" for p, n in tally.most_common()))


def time_scaling(pages: int, repeat: int) -> None:
    """The synthetic legal text at ``pages`` and ``4 * pages`` pages: both candidates and the 4n / n ratio."""
    from adaptive_splitters.candidates import RecursiveCandidate, StructurePatternCandidate

    docs = prepared({"n": legal_text(pages), "4n": legal_text(4 * pages)})
    print(f"synthetic legal text, {pages} and {4 * pages} pages:")
    print(f"  {'candidate':<18} {'chars n':>9} {'t(n) ms':>9} {'t(4n) ms':>9} {'ratio':>6}")
    times: dict[str, float] = {}
    for candidate in (StructurePatternCandidate(), RecursiveCandidate(chunk_size=1100)):
        small, split = best_time(candidate, docs["n"], repeat)
        large = best_time(candidate, docs["4n"], repeat)[0]
        times[candidate.name] = small
        print(f"  {candidate.name:<18} {len(docs['n'].text):>9,} {small * 1e3:>9.1f} {large * 1e3:>9.1f} ", end="")
        print(f"{large / small:>6.2f}")
        if split.notes is not None:
            print(f"    pattern at n: {split.notes.report['pattern']}, {len(split.spans)} spans")
    print(f"  structure_pattern / recursive_1100 at n: {times['structure_pattern'] / times['recursive_1100']:.2f}x")
    print("  linear ≈ 4, quadratic ≈ 16")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100, help="pages of the synthetic text (4x is timed too)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (the best counts)")
    parser.add_argument("--clair", type=Path, default=DEFAULT_CLAIR, help="folder of CLAIR parsed JSON files")
    args = parser.parse_args()
    time_scaling(args.pages, args.repeat)
    time_corpus(clair_docs(args.clair), args.repeat)


if __name__ == "__main__":
    main()
