"""Headings carried to the section they open (docs/method.md#post-processing), measured on documents that have them.

The retrieval corpora in ``../shared/data/retrieval`` hold no markdown headings (no title is detected in any of
their 100 documents), so the retrieval benchmark cannot see this step. Here the 33 CLAIR documents (their parsed
titles) and the bundled sample (its markdown headings) are chunked by the default candidates with
``carry_headings`` off (the paper's post-processing) and on (the default): for each candidate, how many headings
end up stranded (their chunk holds no text of their own section: nothing after the heading but other headings),
the chunks, and the mean of the three metrics that need no model (SC, BI, RC).

    python benchmarks/headings.py [--docs N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Chunk
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.evaluation import Evaluated, metric_means
from adaptive_splitters.readers import read_document
from adaptive_splitters.text.structure import with_detected_structure

ROOT = Path(__file__).resolve().parents[1]
CLAIR = ROOT.parent / "shared" / "data" / "clair" / "parsed"
SAMPLE = ROOT / "adaptive_splitters" / "data" / "sample.md"
METRICS = ("SC", "BI", "RC")


def stranded(doc: SourceDocument, chunks: list[Chunk]) -> tuple[int, int]:
    """(headings whose chunk holds none of their section's text, headings)."""
    starts = sorted(t.start for t in doc.titles or ())
    heading_lines = set(starts)
    count = 0
    for start in starts:
        chunk = next(c for c in chunks if c.start <= start < c.end)
        position = start
        alone = True
        while position < chunk.end:
            line_end = doc.text.find("\n", position, chunk.end)
            line_end = chunk.end if line_end < 0 else line_end + 1
            if doc.text[position:line_end].strip() and position not in heading_lines:
                alone = False
                break
            position = line_end
        count += alone
    return count, len(starts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=0, help="the N smallest CLAIR documents (0: all)")
    args = parser.parse_args()
    paths = sorted(CLAIR.glob("*.json"), key=lambda p: p.stat().st_size)
    paths = (paths[: args.docs] if args.docs else paths) + [SAMPLE]
    docs = [with_detected_structure(read_document(p)) for p in paths]
    print(f"{len(docs)} documents ({len(docs) - 1} CLAIR and the bundled sample), the default candidates, hard limit")
    print("candidate      carry_headings  stranded headings  chunks     SC     BI     RC")
    runs = {}
    for carry in (False, True):
        chunker = AdaptiveChunker(hard_limit=True, metrics=list(METRICS), carry_headings=carry)
        results = [chunker.chunk_document(doc) for doc in docs]
        means = metric_means([Evaluated(str(p), r, METRICS) for p, r in zip(paths, results, strict=True)])
        runs[carry] = results, means
    for name, carry in sorted((name, carry) for carry, (_, means) in runs.items() for name in means):
        results, means = runs[carry]
        ran = [r for r in results if name in r.candidates]
        alone = sum(stranded(r.document, r.candidates[name])[0] for r in ran)
        total = sum(stranded(r.document, r.candidates[name])[1] for r in ran)
        chunks = sum(len(r.candidates[name]) for r in ran)
        row = "  ".join(f"{m.value:.3f}" if m.value is not None else "  n/a" for m in (means[name][k] for k in METRICS))
        share = f"{alone}/{total} ({alone / max(total, 1):.1%})"
        print(f"{name:<14} {'on' if carry else 'off':<15} {share:<18} {chunks:>6}  {row}")


if __name__ == "__main__":
    main()
