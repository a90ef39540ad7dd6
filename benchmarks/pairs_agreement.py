"""How well the offline heuristic pairs stand in for CLAIR's maverick-coref pairs in References Completeness.

On the 33 CLAIR documents × the paper's three post-processed candidates (spans from ``reference_minilm.json``):

- Spearman correlation between RC computed with the given (maverick) pairs and RC with :func:`heuristic_pairs`,
  over the (document, candidate) rows where both are defined;
- the share of documents whose paper-rule selection is unchanged when the heuristic pairs replace the given ones:
  over SC, BI and RC (all 33 documents), and over all five metrics for the 12 documents whose reference ICC and DCC
  (all-MiniLM-L6-v2, truncate mode) are shipped;
- pair counts and the share of maverick pairs the heuristic finds exactly (same pronoun) and with the same
  antecedent sentence side (entity before or in the same line as the pronoun), plus the heuristic's time.

    python benchmarks/pairs_agreement.py [--english-only] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from adaptive_splitters.metrics.rc import references_completeness
from adaptive_splitters.references import heuristic_pairs
from adaptive_splitters.selection import select

CLAIR = Path(__file__).resolve().parents[1].parent / "shared/data/clair"
CANDIDATES = {"recursive_1100": "recursive_1100/post", "recursive_600": "recursive_600/post", "page": "page/post"}
FRENCH_MARKERS = ("Recommandations", "DataForGood", "CNIL", "Conseil", "Rapport", "France")


def ranks(values: list[float]) -> list[float]:
    """Average ranks (1-based), ties sharing the mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return out


def pearson(x: list[float], y: list[float]) -> float:
    """Pearson correlation (NaN when one side is constant)."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else math.nan


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rho: Pearson correlation of the average ranks."""
    return pearson(ranks(x), ranks(y))


def is_french(name: str, text: str) -> bool:
    """Whether the document is one of CLAIR's French ones (by its most frequent short words)."""
    sample = text[:50_000].lower().split()
    french = sum(sample.count(w) for w in ("le", "la", "les", "des", "et", "est"))
    english = sum(sample.count(w) for w in ("the", "and", "of", "is", "to"))
    return french > english or (any(m in name for m in FRENCH_MARKERS) and french > english / 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--english-only", action="store_true", help="also report the 27 English documents alone")
    parser.add_argument("--verbose", action="store_true", help="one line per document")
    args = parser.parse_args()
    reference = json.loads((CLAIR / "reference_minilm.json").read_text(encoding="utf-8"))["documents"]
    rows: list[tuple[str, str, float, float, bool]] = []
    same3 = total3 = same5 = total5 = 0
    n_given = n_heur = exact = 0
    seconds = 0.0
    chars = 0
    changed: list[str] = []
    for name, ref in sorted(reference.items()):
        parsed = json.loads((CLAIR / "parsed" / f"{name}.json").read_text(encoding="utf-8"))
        text = parsed["full_text"]
        mentions = json.loads((CLAIR / "mentions" / f"{name}.json").read_text(encoding="utf-8"))
        given = [((a, b), (c, d)) for (a, b), (c, d) in mentions["entity_pronoun_pairs"]]
        start = time.perf_counter()
        heur = heuristic_pairs(text)
        seconds += time.perf_counter() - start
        chars += len(text)
        french = is_french(name, text)
        n_given += len(given)
        n_heur += len(heur)
        heur_pronouns = {p for _, p in heur}
        exact += sum(1 for _, p in given if p in heur_pronouns)
        scores_given: dict[str, dict[str, float | None]] = {}
        scores_heur: dict[str, dict[str, float | None]] = {}
        for cand, key in CANDIDATES.items():
            chunking = ref["chunkings"][key]
            spans = [tuple(s) for s in chunking["spans"]]
            rc_given = references_completeness(spans, given) if given else None
            if rc_given is not None and chunking["RC"] is not None:
                assert abs(rc_given - chunking["RC"]) < 1e-9, (name, cand, rc_given, chunking["RC"])
            rc_heur = references_completeness(spans, heur) if heur else None
            base = {"SC": chunking["SC"], "BI": chunking["BI"], "ICC": chunking.get("ICC"), "DCC": chunking.get("DCC")}
            scores_given[cand] = {**base, "RC": rc_given}
            scores_heur[cand] = {**base, "RC": rc_heur}
            if rc_given is not None and rc_heur is not None:
                rows.append((name, cand, rc_given, rc_heur, french))
        order = list(CANDIDATES)
        three = {"SC": 0.2, "BI": 0.2, "RC": 0.2}
        g3 = select(scores_given, order, three, rule="paper").chosen
        h3 = select(scores_heur, order, three, rule="paper").chosen
        total3 += 1
        same3 += g3 == h3
        if g3 != h3:
            changed.append(f"{name}: {g3} -> {h3} (SC/BI/RC)")
        has5 = all(scores_given[c]["ICC"] is not None for c in order)
        if has5:
            g5 = select(scores_given, order, rule="paper").chosen
            h5 = select(scores_heur, order, rule="paper").chosen
            total5 += 1
            same5 += g5 == h5
            if g5 != h5:
                changed.append(f"{name}: {g5} -> {h5} (all five)")
        if args.verbose:
            rc = " ".join(f"{c}={_fmt(scores_given[c]['RC'])}/{_fmt(scores_heur[c]['RC'])}" for c in order)
            print(f"{name[:60]:60} given={len(given):5} heur={len(heur):5} {rc} sel3 {g3}/{h3}")
    x = [r[2] for r in rows]
    y = [r[3] for r in rows]
    print(f"documents: {len(reference)}; (document, candidate) rows with RC defined both ways: {len(rows)}")
    print(
        f"pairs: maverick {n_given}, heuristic {n_heur}; maverick pronouns also found by the heuristic: "
        f"{exact} ({exact / max(1, n_given):.1%})"
    )
    print(
        f"heuristic time: {seconds:.2f} s for {chars:,} characters ({chars / max(seconds, 1e-9) / 1e6:.2f} M chars/s)"
    )
    print(f"Spearman RC (given vs heuristic), all rows: {spearman(x, y):.3f}  (Pearson {pearson(x, y):.3f})")
    if args.english_only:
        xe = [r[2] for r in rows if not r[4]]
        ye = [r[3] for r in rows if not r[4]]
        print(f"Spearman RC, English documents only ({len(xe)} rows): {spearman(xe, ye):.3f}")
    mean_g = sum(x) / len(x)
    mean_h = sum(y) / len(y)
    print(f"mean RC over those rows: given {mean_g:.4f}, heuristic {mean_h:.4f}")
    print(f"paper-rule selection unchanged over SC, BI, RC: {same3}/{total3} documents ({same3 / total3:.1%})")
    if total5:
        print(
            f"paper-rule selection unchanged over all five (reference ICC/DCC, MiniLM truncate): "
            f"{same5}/{total5} documents ({same5 / total5:.1%})"
        )
    for line in changed:
        print(f"  changed: {line}")


def _fmt(value: float | None) -> str:
    return "None" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
