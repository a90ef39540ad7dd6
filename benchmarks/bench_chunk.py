"""The ``chunk`` command on CLAIR documents, as whole processes, against two baselines in one run.

1. **Full job** (all five metrics, the bundled model, pool mode): ``adaptive-splitters chunk FILES --quiet --out``
   against a process that runs the same :class:`AdaptiveChunker` on the same files and writes nothing. The ratio
   is what the command adds around the engine (reading, the hard size limit, pages, sections, ids, JSON lines).
2. **No model** (``--metrics SC,BI,RC``): the command against a process that splits the same files with
   LangChain's ``RecursiveCharacterTextSplitter.from_tiktoken_encoder("o200k_base", 1100, 0)`` and writes
   ``{"text", "start_index"}`` JSON lines: what choosing among three candidates costs over one plain splitter.

Each pair is timed alternately, best of ``--repeats``; interpreter start and imports are included on both sides.

Usage: ``python benchmarks/bench_chunk.py [--docs 12] [--repeats 2] [--clair PATH] [--no-model-only]``
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair"

ENGINE_ONLY = """
import sys
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.readers import read_document
chunker = AdaptiveChunker(chunk_size=1100, hard_limit=True)
print(sum(len(chunker.chunk_document(read_document(p)).chunks) for p in sys.argv[1:]))
"""

LANGCHAIN = """
import json, os, sys
from adaptive_splitters.readers import read_document
from adaptive_splitters.text.tokens import bundled_tiktoken_cache
if bundled_tiktoken_cache() is not None:  # offline: the o200k file shipped with llama-index-core
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled_tiktoken_cache()))
from langchain_text_splitters import RecursiveCharacterTextSplitter
splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(
    encoding_name="o200k_base", chunk_size=1100, chunk_overlap=0, add_start_index=True)
count = 0
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for path in sys.argv[2:]:
        for doc in splitter.create_documents([read_document(path).text]):
            out.write(json.dumps({"text": doc.page_content, "start_index": doc.metadata["start_index"]}) + "\\n")
            count += 1
print(count)
"""


def timed(argv: list[str]) -> float:
    """Seconds one process takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def best_pair(ours: list[str], baseline: list[str], repeats: int) -> tuple[float, float]:
    """Best of ``repeats`` for each command, run alternately so both see the same machine state."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        times[0].append(timed(ours))
        times[1].append(timed(baseline))
    return min(times[0]), min(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=12, help="the N smallest CLAIR documents (0: all 33)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--clair", type=Path, default=DEFAULT_CLAIR)
    parser.add_argument("--no-model-only", action="store_true", help="only the SC/BI/RC comparison")
    args = parser.parse_args()
    files = sorted((args.clair / "parsed").glob("*.json"), key=lambda p: p.stat().st_size)
    files = files[: args.docs] if args.docs else files
    paths = [str(f) for f in files]
    size = sum(f.stat().st_size for f in files)
    print(f"{len(paths)} CLAIR documents, {size / 1e6:.2f} MB of JSON; best of {args.repeats}, whole processes")
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.jsonl")
        command = [sys.executable, "-m", "adaptive_splitters.cli", "chunk", *paths, "--quiet", "--out", out]
        for label, metrics, baseline in (
            ("full job, five metrics", None, [sys.executable, "-c", ENGINE_ONLY, *paths]),
            (
                "no model, SC/BI/RC",
                "SC,BI,RC",
                [sys.executable, "-c", LANGCHAIN, str(Path(tmp) / "lc.jsonl"), *paths],
            ),
        ):
            if metrics is None and args.no_model_only:
                continue
            ours_argv = [*command, "--metrics", metrics] if metrics else command
            ours, base = best_pair(ours_argv, baseline, args.repeats)
            name = "engine only, same settings" if metrics is None else "LangChain recursive 1100/0 to JSONL"
            print(f"{label:24s} chunk {ours:7.2f} s   {name} {base:7.2f} s   ratio {ours / base:.2f}")


if __name__ == "__main__":
    main()
