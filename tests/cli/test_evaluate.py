"""``adaptive-splitters evaluate``: scores, choice and order in the JSON report; pairs from mentions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from adaptive_splitters.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"
CLAIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clair" / "parsed"
EDPS = CLAIR / "Norma (légal)_EDPS Generative AI guidelines.json"


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_evaluate_reports_scores_choice_and_order(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    assert main(["evaluate", str(SAMPLE), "--metrics", "SC,BI", "--selection", "paper", "--json", str(out)]) == 0
    (doc,) = _report(out)["documents"]
    assert doc["candidate_order"] == ["recursive_128", "recursive_70", "page"]  # the bundled model's default size
    assert doc["chosen"] in doc["candidate_order"]
    assert doc["reason"]
    assert doc["skipped"] == {}
    for entry in doc["candidates"].values():
        assert set(entry["scores"]) == {"SC", "BI", "RC", "ICC", "DCC"}
        assert entry["scores"]["ICC"] is None  # not requested
        assert 0.0 <= entry["score"] <= 1.0
        assert entry["spans"][-1][1] == doc["chars"]
    assert doc["cost"]["seconds"]["total"] > 0


@pytest.mark.skipif(not EDPS.is_file(), reason="CLAIR corpus not found at ../shared/data/clair")
def test_evaluate_reads_pairs_from_mentions(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    mentions = CLAIR.parent / "mentions"
    args = ["evaluate", str(EDPS), "--metrics", "SC,BI,RC", "--mentions", str(mentions), "--chunk-size", "1100"]
    args += ["--json", str(out)]
    assert main(args) == 0
    (doc,) = _report(out)["documents"]
    assert doc["pairs_source"] == "given"
    # EDPS: every candidate keeps all 12 pairs whole (PAPER_SPEC Appendix A: RC 100 / 100 / 100)
    assert {name: entry["scores"]["RC"] for name, entry in doc["candidates"].items()} == {
        "recursive_1100": 1.0,
        "recursive_600": 1.0,
        "page": 1.0,
    }


def test_evaluate_rejects_unknown_metric(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", str(SAMPLE), "--metrics", "SC,XX", "--json", str(tmp_path / "o.json")])
    assert exit_info.value.code == 2


def test_user_metric_is_scored_without_touching_the_registry(tmp_path: Path) -> None:
    from adaptive_splitters.core.registry import REGISTRY

    before = dict(REGISTRY.metrics)
    out = tmp_path / "eval.json"
    spec = "fewer=test_evaluate_user_metric_module:few_chunks@0.5"
    module = tmp_path / "test_evaluate_user_metric_module.py"
    module.write_text("def few_chunks(doc, spans):\n    return 1 / len(spans)\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        args = ["evaluate", str(SAMPLE), "--metrics", "SC,BI", "--user-metric", spec, "--json", str(out)]
        assert main(args) == 0
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("test_evaluate_user_metric_module", None)
    (doc,) = _report(out)["documents"]
    for entry in doc["candidates"].values():
        assert 0 < entry["scores"]["fewer"] <= 1
        assert entry["scores"]["ICC"] is None
    assert dict(REGISTRY.metrics) == before
