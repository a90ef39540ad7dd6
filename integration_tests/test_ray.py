"""Ray Data: a dataset of documents chunked by ``map_batches`` on a local two-CPU Ray, one chunker per worker; the
rows are the ``chunk`` command's records (same ids), with scores, and a bad file is one row naming it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray", reason='Ray is not installed: pip install "adaptive-splitters[ray]"')

from adaptive_splitters.engine import AdaptiveChunker  # noqa: E402
from adaptive_splitters.output.jsonl import chunk_records  # noqa: E402
from adaptive_splitters.ray import COLUMNS, chunk_dataset  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "adaptive_splitters" / "data" / "sample.md"
COVIDQA = ROOT.parent / "shared" / "data" / "retrieval" / "covidqa" / "corpus"
FAST = ["SC", "BI", "RC"]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


def _files(tmp_path: Path) -> list[str]:
    sample = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for i, size in enumerate((6000, 2500, 9000)):
        path = tmp_path / f"doc{i}.md"
        path.write_text(sample[:size], encoding="utf-8")
        paths.append(str(path))
    return paths


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def test_rows_are_the_chunk_commands_records_with_scores(local_ray: None, tmp_path: Path) -> None:
    paths = _files(tmp_path)
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    dataset = ray.data.from_items([{"path": p} for p in [*paths, str(bad)]])
    rows = chunk_dataset(dataset, workers=2, metrics=FAST).take_all()
    assert all(list(row) == list(COLUMNS) for row in rows)
    chunker = AdaptiveChunker(metrics=FAST, hard_limit=True)
    for path in paths:
        result, records = chunk_records(chunker, path)
        mine = sorted((r for r in rows if r["path"] == path), key=lambda r: r["chunk_index"])
        assert [_without(r, "scores", "error") for r in mine] == records
        assert json.loads(mine[0]["scores"])["objective"] == result.objective
    (failed,) = [r for r in rows if r["error"]]
    assert failed["path"] == str(bad)
    assert failed["error"] == f"{bad}: empty (no text)"  # the path once, as the chunk command says it
    assert failed["id"] is None


def test_text_rows_with_the_bundled_model_get_the_same_ids_as_files(local_ray: None, tmp_path: Path) -> None:
    if not COVIDQA.is_dir():
        pytest.skip(f"the COVID-QA corpus is not at {COVIDQA}")
    articles = sorted(COVIDQA.glob("*.txt"), key=lambda p: p.stat().st_size)[:2]
    items = [{"path": str(p), "text": p.read_text(encoding="utf-8")} for p in articles]
    rows = chunk_dataset(ray.data.from_items(items), workers=1).take_all()  # all five metrics, one model load
    chunker = AdaptiveChunker(hard_limit=True)
    for path in articles:
        _, records = chunk_records(chunker, str(path))
        mine = sorted((r for r in rows if r["path"] == str(path)), key=lambda r: r["chunk_index"])
        assert [(r["id"], r["start_index"], r["end_index"], r["candidate"]) for r in mine] == [
            (r["id"], r["start_index"], r["end_index"], r["candidate"]) for r in records
        ]


def test_importing_the_package_and_the_corpus_does_not_import_ray() -> None:
    code = "import sys, adaptive_splitters, adaptive_splitters.corpus; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
