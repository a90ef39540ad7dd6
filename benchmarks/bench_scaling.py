"""Scaling of candidates + post-processing up to a 50 MB text: time per MB and peak memory per size.

The text is the CLAIR corpus repeated, each copy's lines prefixed with the copy number so that no piece
repeats (the token-count memo cannot hide work). Each size runs in a fresh process (peak RSS measured there).
Run: ``python benchmarks/bench_scaling.py [--sizes 6,12,25,50]``.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair" / "parsed"


def build_text(megabytes: float) -> str:
    corpus = "".join(json.loads(p.read_text(encoding="utf-8"))["full_text"] for p in sorted(CLAIR.glob("*.json")))
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    copy = 0
    while size < target:
        piece = re.sub(r"(?m)^(?=\S)", f"{copy}· ", corpus)
        parts.append(piece)
        size += len(piece)
        copy += 1
    return "".join(parts)[:target]


def run_one(megabytes: float) -> None:
    from adaptive_splitters.candidates import resolve_candidate
    from adaptive_splitters.candidates.base import SplitContext
    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.postprocess import candidate_spans
    from adaptive_splitters.text.structure import with_detected_structure

    text = build_text(megabytes)
    start = time.perf_counter()
    doc = with_detected_structure(SourceDocument.build(text))
    timings = {"structure": time.perf_counter() - start}
    context = SplitContext()
    chunks = {}
    for name in ("recursive_1100", "page"):
        candidate = resolve_candidate(name)
        start = time.perf_counter()
        spans = candidate_spans(candidate, doc, context, raw=True)
        timings[name] = time.perf_counter() - start
        start = time.perf_counter()
        spans = candidate_spans(candidate, doc, context)
        timings[f"{name} post"] = time.perf_counter() - start
        chunks[name] = len(spans)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mb": len(text) / 1e6, "seconds": timings, "chunks": chunks, "peak_rss_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="6,12,25,50", help="text sizes in MB, comma-separated")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        run_one(args.one)
        return
    print(
        f"{'MB':>6} {'structure s/MB':>15} {'rec1100 s/MB':>13} {'post s/MB':>10} "
        f"{'page+post s/MB':>15} {'peak RSS MB':>12}"
    )
    for size in (float(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        s, mb = row["seconds"], row["mb"]
        page = s["page"] + s["page post"]
        print(
            f"{mb:>6.1f} {s['structure'] / mb:>15.3f} {s['recursive_1100'] / mb:>13.3f} "
            f"{s['recursive_1100 post'] / mb:>10.3f} {page / mb:>15.3f} {row['peak_rss_mb']:>12.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
