"""How well the offline heuristic pairs stand in for CLAIR's maverick-coref pairs in References Completeness.

On the 33 CLAIR documents × the paper's three post-processed candidates (spans from ``reference_minilm.json``):

- Spearman correlation between RC computed with the given (maverick) pairs and RC with :func:`heuristic_pairs`,
  over the (document, candidate) rows where both are defined;
- the share of documents whose paper-rule selection is unchanged when the heuristic pairs replace the given ones:
  over SC, BI and RC (all 33 documents), and over all five metrics for the 12 documents whose reference ICC and DCC
  (all-MiniLM-L6-v2, truncate mode) are shipped, or with ``--all-five`` for all 33 (ours fill in the other 21);
- pair counts and the share of maverick pronouns the heuristic also pairs (same pronoun span), plus the
  heuristic's time;
- the distribution of pair lengths (pronoun start − entity start; negative = cataphora) for both sources, and how
  many pairs of each length the three candidates' boundaries cut (summed over the candidates): RC only sees the pairs
  a boundary cuts, and those are mostly long ones;
- the same Spearman and unchanged share per CLAIR domain, and for the tuning split (Ada + Norma, on which the
  heuristic's general rules were tuned) against the held-out split (Sophia).

    python benchmarks/pairs_agreement.py [--english-only] [--verbose] [--all-five [--cache DIR]]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from bisect import bisect_right
from pathlib import Path
from typing import Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.metrics.rc import cut_pairs
from adaptive_splitters.readers import read_document, with_mentions
from adaptive_splitters.selection import select
from adaptive_splitters.text.references import heuristic_pairs

CLAIR = Path(__file__).resolve().parents[1].parent / "shared/data/clair"
CANDIDATES = {"recursive_1100": "recursive_1100/post", "recursive_600": "recursive_600/post", "page": "page/post"}
LENGTH_BUCKETS = (0, 100, 300, 1000, 3000)
"""Lower edges of the pair-length buckets, in characters (below 0: cataphora)."""
TUNED_DOMAINS = ("Ada", "Norma")
"""The domains the heuristic's rules were tuned on; the others (Sophia) are held out."""
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


def bucket(length: int) -> int:
    """Index of the length bucket of a pair (0: cataphora, then one per edge of :data:`LENGTH_BUCKETS`)."""
    return bisect_right(LENGTH_BUCKETS, length)


def bucket_labels() -> list[str]:
    edges = list(LENGTH_BUCKETS)
    labels = ["<0 (cataphora)"]
    labels += [f"{a}-{b - 1}" for a, b in zip(edges, edges[1:], strict=False)]
    return [*labels, f">={edges[-1]}"]


def domain(name: str) -> str:
    return name.split(" ", 1)[0].split("_", 1)[0]


def report(label: str, rows: list[tuple[str, str, float, float, bool]], same: dict[str, bool]) -> None:
    """Spearman over ``rows`` and the unchanged share over the documents of ``same``."""
    x = [r[2] for r in rows]
    y = [r[3] for r in rows]
    rho = spearman(x, y) if len(rows) > 2 else math.nan
    kept = sum(same.values())
    print(
        f"  {label:34} Spearman {rho:6.3f} over {len(rows):2} rows; selection unchanged (SC/BI/RC) "
        f"{kept}/{len(same)} ({kept / max(1, len(same)):.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--english-only", action="store_true", help="also report the 27 English documents alone")
    parser.add_argument("--verbose", action="store_true", help="one line per document")
    parser.add_argument(
        "--all-five",
        action="store_true",
        help="fill ICC/DCC for the 21 documents the reference has none for with ours (MiniLM, truncate, the mode "
        "that equals the reference's), from clair_table3.py's embedding cache (--cache), so the five-metric "
        "selection is compared on all 33 documents",
    )
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache/adaptive-splitters/table3")
    args = parser.parse_args()
    ours = OurEmbeddingMetrics(args.cache) if args.all_five else None
    reference = json.loads((CLAIR / "reference_minilm.json").read_text(encoding="utf-8"))["documents"]
    rows: list[tuple[str, str, float, float, bool]] = []
    same3: dict[str, bool] = {}
    french_docs: set[str] = set()
    same5 = total5 = 0
    n_given = n_heur = exact = 0
    seconds = 0.0
    chars = 0
    changed: list[str] = []
    labels = bucket_labels()
    hist = {"maverick": [0] * len(labels), "heuristic": [0] * len(labels)}
    cut = {"maverick": [0] * len(labels), "heuristic": [0] * len(labels)}
    for name, ref in sorted(reference.items()):
        doc = with_mentions(read_document(CLAIR / "parsed" / f"{name}.json"), CLAIR / "mentions")
        text = doc.text
        given = list(doc.pairs or ())
        start = time.perf_counter()
        heur = heuristic_pairs(text)
        seconds += time.perf_counter() - start
        chars += len(text)
        french = is_french(name, text)
        if french:
            french_docs.add(name)
        n_given += len(given)
        n_heur += len(heur)
        heur_pronouns = {p for _, p in heur}
        exact += sum(1 for _, p in given if p in heur_pronouns)
        for source, pairs in (("maverick", given), ("heuristic", heur)):
            for entity, pronoun in pairs:
                hist[source][bucket(pronoun[0] - entity[0])] += 1
        scores_given: dict[str, dict[str, float | None]] = {}
        scores_heur: dict[str, dict[str, float | None]] = {}
        filled = ours.scores(doc, ref) if ours is not None and ref["chunkings"]["page/post"].get("ICC") is None else {}
        for cand, key in CANDIDATES.items():
            chunking = ref["chunkings"][key]
            spans = [(int(s), int(e)) for s, e in chunking["spans"]]
            rc: dict[str, float | None] = {}
            for source, pairs in (("maverick", given), ("heuristic", heur)):
                flags = cut_pairs(spans, pairs)
                for (entity, pronoun), is_cut in zip(pairs, flags, strict=True):
                    if is_cut:
                        cut[source][bucket(pronoun[0] - entity[0])] += 1
                rc[source] = 1.0 - sum(flags) / len(pairs) if pairs else None  # references_completeness's formula
            rc_given, rc_heur = rc["maverick"], rc["heuristic"]
            if rc_given is not None and chunking["RC"] is not None:
                assert abs(rc_given - chunking["RC"]) < 1e-9, (name, cand, rc_given, chunking["RC"])
            base = {"SC": chunking["SC"], "BI": chunking["BI"], "ICC": chunking.get("ICC"), "DCC": chunking.get("DCC")}
            base.update(filled.get(cand, {}))
            scores_given[cand] = {**base, "RC": rc_given}
            scores_heur[cand] = {**base, "RC": rc_heur}
            if rc_given is not None and rc_heur is not None:
                rows.append((name, cand, rc_given, rc_heur, french))
        order = list(CANDIDATES)
        three = {"SC": 0.2, "BI": 0.2, "RC": 0.2}
        g3 = select(scores_given, order, three, rule="paper").chosen
        h3 = select(scores_heur, order, three, rule="paper").chosen
        same3[name] = g3 == h3
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
    print("pair length (pronoun start - entity start, characters): pairs | cut by a boundary, summed over candidates")
    print(f"  {'length':>16} {'maverick':>9} {'cut':>5} {'heuristic':>10} {'cut':>5}")
    for k, label in enumerate(labels):
        print(
            f"  {label:>16} {hist['maverick'][k]:9} {cut['maverick'][k]:5} "
            f"{hist['heuristic'][k]:10} {cut['heuristic'][k]:5}"
        )
    print(f"  {'total':>16} {sum(hist['maverick']):9} {sum(cut['maverick']):5} ", end="")
    print(f"{sum(hist['heuristic']):10} {sum(cut['heuristic']):5}")
    print(f"Spearman RC (given vs heuristic), all rows: {spearman(x, y):.3f}  (Pearson {pearson(x, y):.3f})")
    if args.english_only:
        xe = [r[2] for r in rows if not r[4]]
        ye = [r[3] for r in rows if not r[4]]
        print(f"Spearman RC, English documents only ({len(xe)} rows): {spearman(xe, ye):.3f}")
    mean_g = sum(x) / len(x)
    mean_h = sum(y) / len(y)
    print(f"mean RC over those rows: given {mean_g:.4f}, heuristic {mean_h:.4f}")
    total3 = len(same3)
    kept3 = sum(same3.values())
    print(f"paper-rule selection unchanged over SC, BI, RC: {kept3}/{total3} documents ({kept3 / total3:.1%})")
    if total5:
        print(
            f"paper-rule selection unchanged over all five (MiniLM truncate ICC/DCC: the reference's"
            f"{', ours where it has none' if ours else ''}): {same5}/{total5} documents ({same5 / total5:.1%})"
        )
    if ours is not None:
        print(f"  ours filled {ours.documents} documents; texts embedded afresh: {ours.cache.stats.texts_embedded}")
    print("by split (the heuristic's rules were tuned on Ada + Norma; Sophia is held out):")
    tuned = [r for r in rows if domain(r[0]) in TUNED_DOMAINS]
    held = [r for r in rows if domain(r[0]) not in TUNED_DOMAINS]
    report("tuning (Ada + Norma)", tuned, {n: v for n, v in same3.items() if domain(n) in TUNED_DOMAINS})
    report("held out (Sophia)", held, {n: v for n, v in same3.items() if domain(n) not in TUNED_DOMAINS})
    eng = {n: v for n, v in same3.items() if n not in french_docs}
    report("English only", [r for r in rows if not r[4]], eng)
    report(
        "held out, English only",
        [r for r in held if not r[4]],
        {n: v for n, v in eng.items() if domain(n) not in TUNED_DOMAINS},
    )
    for line in changed:
        print(f"  changed: {line}")


class OurEmbeddingMetrics:
    """ICC and DCC (MiniLM, truncate mode, which equals the reference's to 1e-4) on the reference's spans, from
    ``clair_table3.py``'s on-disk embedding cache (a text missing from it is embedded)."""

    def __init__(self, cache_dir: Path) -> None:
        from clair_table3 import load_cache  # the scripts sit side by side in benchmarks/

        from adaptive_splitters.embeddings import EmbeddingCache
        from adaptive_splitters.engine import AdaptiveChunker
        from adaptive_splitters.text.tokens import TokenCounter

        self.cache = EmbeddingCache(None, counter=TokenCounter(), store=load_cache(cache_dir / "minilm.pkl"))
        self.chunker = AdaptiveChunker(
            metrics=("ICC", "DCC"), long_texts="truncate", pairs="none", embedding_cache=self.cache
        )
        self.documents = 0

    def scores(self, doc: SourceDocument, ref: dict[str, Any]) -> dict[str, dict[str, float | None]]:
        """ICC and DCC of each paper candidate of ``doc``."""
        spans = {c: [(int(s), int(e)) for s, e in ref["chunkings"][k]["spans"]] for c, k in CANDIDATES.items()}
        self.documents += 1
        return {c: {m: v[m] for m in ("ICC", "DCC")} for c, v in self.chunker.score(doc, spans).items()}


def _fmt(value: float | None) -> str:
    return "None" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
