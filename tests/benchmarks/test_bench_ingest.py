"""The ingestion benchmark's helpers: which texts it takes, the round order, the median run and the table."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_ingest  # a script beside its siblings, not a package
from bench_ingest import Run, Text


def test_smallest_takes_the_shortest_texts_shortest_first() -> None:
    texts = [Text("c", "ccc"), Text("a", "a"), Text("b2", "bb"), Text("b1", "bb")]
    assert [t.name for t in bench_ingest.smallest(texts, 3)] == ["a", "b1", "b2"]


def test_every_round_starts_with_the_next_pipeline() -> None:
    order = ["a", "b", "c"]
    assert [bench_ingest.rotated(order, r)[0] for r in range(4)] == ["a", "b", "c", "a"]
    assert sorted(bench_ingest.rotated(order, 2)) == order
    assert bench_ingest.rotated([], 1) == []


def test_the_median_run_is_the_middle_one_by_wall_time() -> None:
    runs = [Run(3.0, 1.0, ["x"]), Run(1.0, 0.0, ["y"]), Run(1.0, 1.0, ["z"])]
    assert bench_ingest.median_run(runs).embedded == ["z"]
    assert bench_ingest.median_run(runs[:2]).embedded == ["y"]  # an even count: the lower middle


def test_the_table_gives_ratios_throughput_chunks_memory_and_the_chunking_share() -> None:
    runs = {
        "a": [Run(0.0, 1.0, ["one two"]), Run(0.0, 3.0, ["one two"])],
        "b": [Run(0.5, 0.5, ["one"])],
        "ours": [Run(3.0, 1.0, ["one", "two"])],
    }
    peaks = {"a": 2**20, "b": 0, "ours": 3 * 2**20}
    rows = bench_ingest.table(runs, peaks, lambda text: len(text.split()), ("a", "b")).splitlines()
    assert rows[2] == "| a | 2.00 | 1.00 | 2.00 | 1 | 1 | 1.0 | 0% / 100% |"
    assert rows[3] == "| b | 1.00 | 0.50 | 1.00 | 1 | 1 | 0.0 | 50% / 50% |"
    assert rows[4] == "| ours | 4.00 | 2.00 | 4.00 | 0 | 2 | 3.0 | 75% / 25% |"
