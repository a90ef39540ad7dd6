"""Agreement of the structure detectors with the CLAIR parser (the corpus: ../shared/data/clair/README.md), side by
side in one run.

Blocks: the parser's ``split_points`` are the truth; a detected boundary matches when a true one lies within
5 characters (the Block Integrity tolerance). Pages: detected page starts against the parser's page texts.
Titles: detected headings against the parser's ``titles`` (same start, level, end).

    python benchmarks/structure_agreement.py [--short-chars 450] [--examples 3]
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
import time
from collections import Counter
from pathlib import Path

from adaptive_splitters.text.blocks import DEFAULT_SHORT_CHARS, detect_blocks
from adaptive_splitters.text.pages import detect_pages
from adaptive_splitters.text.titles import detect_titles

CLAIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clair" / "parsed"
TOLERANCE = 5


def matched(points: list[int], truth: list[int]) -> list[bool]:
    """For each point, whether a truth point lies within the tolerance."""
    out = []
    for p in points:
        i = bisect.bisect_left(truth, p - TOLERANCE)
        out.append(i < len(truth) and truth[i] <= p + TOLERANCE)
    return out


def context(text: str, offset: int) -> str:
    """A short view of the text around an offset, the offset marked with ``|``."""
    return repr(text[max(0, offset - 30) : offset]) + " | " + repr(text[offset : offset + 30])


def kind(text: str, offset: int) -> str:
    """A rough label of what starts at ``offset``, for the difference summary."""
    head = text[offset : offset + 12].lstrip()
    for prefix, label in (
        ("<!-- PageB", "page break"),
        ("<!-- PageF", "footer"),
        ("<!-- PageH", "header"),
        ("<Table", "table"),
        ("<Figure", "figure"),
        ("#", "heading"),
        ("|", "md table"),
        ("·", "list item"),
        ("-", "list item"),
        ("•", "list item"),
        ("\\*", "footnote"),
    ):
        if head.startswith(prefix):
            return label
    return "text"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short-chars", type=int, default=DEFAULT_SHORT_CHARS)
    parser.add_argument("--examples", type=int, default=3, help="differences shown per kind")
    args = parser.parse_args()
    files = sorted(CLAIR.glob("*.json"))
    if not files:
        print(f"CLAIR not found under {CLAIR}")
        return 1
    header = f"{'document':44} {'chars':>9} {'true':>5} {'found':>5} {'prec':>6} {'rec':>6} {'pages':>5} {'titles':>11}"
    print(header)
    print("-" * len(header))
    totals = Counter()
    missed: dict[str, list[str]] = {}
    extra: dict[str, list[str]] = {}
    seconds = 0.0
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        text, truth = doc["full_text"], doc["split_points"]
        t0 = time.perf_counter()
        found = detect_blocks(text, short_chars=args.short_chars)
        pages = detect_pages(text)
        titles = detect_titles(text)
        seconds += time.perf_counter() - t0
        hit_found, hit_truth = matched(found, truth), matched(truth, found)
        for p, ok in zip(found, hit_found, strict=True):
            if not ok:
                extra.setdefault(kind(text, p), []).append(f"{path.stem[:30]} @{p}: {context(text, p)}")
        for p, ok in zip(truth, hit_truth, strict=True):
            if not ok:
                missed.setdefault(kind(text, p), []).append(f"{path.stem[:30]} @{p}: {context(text, p)}")
        true_starts, offset = [], 0
        for page in doc["pages"].values():
            true_starts.append(offset)
            offset += len(page)
        page_ok = pages == true_starts
        gold = {(t["start"], t["level"], t["end"]) for t in doc["titles"]}
        mine = {(t.start, t.level, t.end) for t in titles}
        gold_starts = {t["start"] for t in doc["titles"]}
        mine_starts = {t.start for t in titles}
        totals.update(
            chars=len(text),
            true=len(truth),
            found=len(found),
            tp_found=sum(hit_found),
            tp_truth=sum(hit_truth),
            docs=1,
            pages_exact=int(page_ok),
            pages_true=len(true_starts),
            pages_found=len(pages or []),
            titles_gold=len(gold),
            titles_found=len(mine),
            titles_exact=len(gold & mine),
            titles_start=len(gold_starts & mine_starts),
        )
        prec = sum(hit_found) / len(found) if found else 1.0
        rec = sum(hit_truth) / len(truth) if truth else 1.0
        name = path.stem if len(path.stem) <= 44 else path.stem[:41] + "..."
        print(
            f"{name:44} {len(text):>9,} {len(truth):>5} {len(found):>5} {prec:>6.1%} {rec:>6.1%} "
            f"{'ok' if page_ok else 'DIFF':>5} {len(gold & mine):>4}/{len(gold):<4}"
        )
    t = totals
    print("-" * len(header))
    print(
        f"blocks (tolerance {TOLERANCE} chars, short paragraphs < {args.short_chars} chars kept together): "
        f"precision {t['tp_found'] / t['found']:.1%} ({t['tp_found']}/{t['found']}), "
        f"recall {t['tp_truth'] / t['true']:.1%} ({t['tp_truth']}/{t['true']})"
    )
    print(
        f"pages: {t['pages_exact']}/{t['docs']} documents with exactly the parser's page starts; "
        f"{t['pages_found']} page starts found for {t['pages_true']} pages"
    )
    print(
        f"titles: {t['titles_exact']}/{t['titles_gold']} exact (start, level, end); "
        f"{t['titles_start']}/{t['titles_gold']} starts found; {t['titles_found']} detected"
    )
    print(f"detection time: {seconds:.2f} s for {t['chars']:,} characters ({t['chars'] / seconds / 1e6:.1f} M chars/s)")
    for label, table in (("missed (true boundary, none detected)", missed), ("extra (detected, not true)", extra)):
        print(f"\n{label}, by what starts there:")
        for what, rows in sorted(table.items(), key=lambda kv: -len(kv[1])):
            print(f"  {what:12} {len(rows):>5}")
            for row in rows[: args.examples]:
                print(f"      {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
