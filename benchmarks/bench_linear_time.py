"""Linear time on runs of blank lines (issue #14, item 7): each stage timed at n and 4n, and the ratio printed.

A linear stage gives a ratio near 4, a quadratic one near 16. The inputs are the ones that hung before the fix:
``"Title\\r\\n" + "\\r\\n" * n + "body"``, ``"\\n\\n" * n``, and blank lines holding spaces (``" \\n" * n``), timed
through the recursive splitter, the heuristic pairs, block detection and a whole ``AdaptiveChunker(metrics=["SC",
"BI", "RC"]).chunk``. Each timing is the best of ``--repeat`` runs.
Run: ``python benchmarks/bench_linear_time.py [--n 20000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def inputs(n: int) -> dict[str, str]:
    """The texts of size parameter ``n``."""
    return {
        "crlf_blank_lines": "Title\r\n" + "\r\n" * n + "body",
        "lf_blank_lines": "\n\n" * n,
        "space_blank_lines": "Title\n" + " \n" * n + "body",
    }


def stages() -> dict[str, Callable[[str], object]]:
    """The stages timed, each a function of the text."""
    from adaptive_splitters.engine import AdaptiveChunker
    from adaptive_splitters.text.blocks import detect_blocks
    from adaptive_splitters.text.recursive import RecursiveSplitter
    from adaptive_splitters.text.references import heuristic_pairs

    chunker = AdaptiveChunker(metrics=["SC", "BI", "RC"])
    return {
        "recursive_1100": lambda text: RecursiveSplitter(1100).split_spans(text),
        "heuristic_pairs": heuristic_pairs,
        "detect_blocks": detect_blocks,
        "chunk_SC_BI_RC": chunker.chunk,
    }


def best_time(function: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="the size parameter n (4n is timed too)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (the best counts)")
    args = parser.parse_args()
    timed = stages()
    timed["chunk_SC_BI_RC"]("Warm up. The model loads here.\n\nA second paragraph.")
    small, large = inputs(args.n), inputs(4 * args.n)
    print(f"{'input':<18} {'stage':<16} {'chars n':>9} {'t(n) s':>8} {'t(4n) s':>8} {'ratio':>6}")
    for name in small:
        for stage, function in timed.items():
            t_small = best_time(function, small[name], args.repeat)
            t_large = best_time(function, large[name], args.repeat)
            ratio = t_large / t_small if t_small > 0 else float("nan")
            print(f"{name:<18} {stage:<16} {len(small[name]):>9} {t_small:>8.3f} {t_large:>8.3f} {ratio:>6.1f}")
    print("linear ≈ 4, quadratic ≈ 16")


if __name__ == "__main__":
    main()
