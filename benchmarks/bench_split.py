"""Split the whole CLAIR corpus with our recursive_1100 and with LangChain's recursive splitter; compare times.

Both splitters use the paper's 14 regex separators attached to the start, 1100 o200k tokens, overlap 0:
ours is ``RecursiveSplitter(chunk_size=1100)`` with a fresh :class:`TokenCounter` (cold memo) per corpus run,
LangChain's is ``RecursiveCharacterTextSplitter.from_tiktoken_encoder(encoding_name="o200k_base", ...)``.
Timed in one run, alternating, best of ``--repeats``: in-process (splitting only) and as whole processes
(interpreter start, imports, reading the corpus and splitting). Prints the ratios ours / LangChain.

Usage: ``python benchmarks/bench_split.py [--repeats 3] [--clair PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT_CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair"
CHUNK_SIZE = 1100


def load_corpus(clair: Path) -> list[str]:
    """The ``full_text`` of every parsed CLAIR document, in file-name order."""
    files = sorted((clair / "parsed").glob("*.json"))
    if not files:
        msg = f"no CLAIR documents under {clair / 'parsed'}"
        raise SystemExit(msg)
    return [json.loads(f.read_text(encoding="utf-8"))["full_text"] for f in files]


def split_ours(texts: list[str]) -> int:
    """Chunks over the corpus from our recursive_1100, with a fresh (cold) token counter."""
    from adaptive_splitters.text.recursive import RecursiveSplitter
    from adaptive_splitters.text.tokens import TokenCounter

    splitter = RecursiveSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=0, counter=TokenCounter("o200k_base"))
    return sum(len(splitter.split_spans(text)) for text in texts)


def split_langchain(texts: list[str]) -> int:
    """Chunks over the corpus from LangChain's recursive splitter with the same separators and size."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from adaptive_splitters.text.recursive import SEPARATORS
    from adaptive_splitters.text.tokens import bundled_tiktoken_cache

    cache = bundled_tiktoken_cache()
    if cache is not None:  # offline: the o200k file shipped with llama-index-core
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    splitter = RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name="o200k_base",
        separators=list(SEPARATORS),
        is_separator_regex=True,
        keep_separator="start",
        chunk_size=CHUNK_SIZE,
        chunk_overlap=0,
    )
    return sum(len(splitter.split_text(text)) for text in texts)


SPLITTERS: dict[str, Callable[[list[str]], int]] = {"ours": split_ours, "langchain": split_langchain}


def _timed(function: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _worker(name: str, clair: Path) -> None:
    """Whole-process mode: split the corpus once and print the chunk count."""
    print(SPLITTERS[name](load_corpus(clair)))


def _process(name: str, clair: Path) -> int:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--clair", str(clair)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each splitter per mode (best is kept)")
    parser.add_argument("--clair", type=Path, default=DEFAULT_CLAIR, help="the CLAIR folder (holding parsed/)")
    parser.add_argument("--worker", choices=sorted(SPLITTERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.clair)
        return

    texts = load_corpus(args.clair)
    print(f"CLAIR: {len(texts)} documents, {sum(map(len, texts)):,} characters; best of {args.repeats}")
    for split in SPLITTERS.values():  # warm-up: imports and the tiktoken encoding, outside the timings
        split(texts[:1])

    best: dict[tuple[str, str], float] = {}
    counts: dict[str, int] = {}
    for _ in range(args.repeats):
        for name, split in SPLITTERS.items():
            seconds, counts[name] = _timed(lambda split=split: split(texts))  # type: ignore[misc]
            best[("in-process", name)] = min(seconds, best.get(("in-process", name), float("inf")))
            seconds, n = _timed(lambda name=name: _process(name, args.clair))  # type: ignore[misc]
            if n != counts[name]:
                msg = f"{name}: {n} chunks in a process but {counts[name]} in-process"
                raise SystemExit(msg)
            best[("process", name)] = min(seconds, best.get(("process", name), float("inf")))

    print(f"chunks: ours recursive_1100 {counts['ours']:,}, LangChain {counts['langchain']:,}")
    for mode in ("in-process", "process"):
        ours, theirs = best[(mode, "ours")], best[(mode, "langchain")]
        print(f"{mode:>10}: ours {ours:6.2f} s, LangChain {theirs:6.2f} s, ratio ours/LangChain {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
