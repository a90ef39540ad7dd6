"""User metrics: registered by name with a weight; in .scores, in evaluate --json and in the selection."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from adaptive_splitters.cli import main
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.metrics import METRIC_NAMES
from adaptive_splitters.metrics.base import check_value, register_metric, registered_metrics, unregister_metric

TEXT = ("A paragraph about rules and duties that is long enough to count. " * 12 + "\n\n") * 30
CHEAP = ("SC", "BI", "RC")


def fewer_chunks(doc: SourceDocument, spans: Sequence[Span]) -> float | None:
    """1 / number of chunks: favours the candidate with the fewest chunks."""
    del doc
    return 1.0 / len(spans) if spans else None


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    yield
    for name in list(registered_metrics()):
        unregister_metric(name)


def test_registered_metric_in_scores_and_selection() -> None:
    register_metric("fewer", fewer_chunks, weight=10.0)
    chunker = AdaptiveChunker(candidates=["recursive_1100", "recursive_600"], metrics=[*CHEAP, "fewer"])
    result = chunker.chunk(TEXT)
    for name, row in result.scores.items():
        assert row["fewer"] == pytest.approx(1 / len(result.candidates[name]))
    assert result.chosen == "recursive_1100"  # the heavy weight on fewer chunks decides
    assert "fewer" in result.cost["seconds"]


def test_weight_zero_or_explicit_weights() -> None:
    register_metric("many", lambda doc, spans: 1.0 - 1.0 / len(spans), weight=0.0)
    chunker = AdaptiveChunker(candidates=["recursive_1100", "recursive_600"], metrics=[*CHEAP, "many"])
    assert (chunker.weights, chunker.other_weights) == (None, {"many": 0.0})  # the defaults per document, plus many
    weighted = AdaptiveChunker(candidates=["recursive_1100", "recursive_600"], weights={"SC": 1, "many": 5})
    assert weighted.weights == {"SC": 1, "many": 5}
    result = AdaptiveChunker(
        candidates=["recursive_1100", "recursive_600"], metrics=[*CHEAP, "many"], weights={"SC": 0.1, "many": 5}
    ).chunk(TEXT)
    assert result.chosen == "recursive_600"


def test_default_metrics_include_registered_ones_and_subsets_exclude_them() -> None:
    register_metric("fewer", fewer_chunks)
    assert [m.name for m in AdaptiveChunker().metrics] == [*METRIC_NAMES, "SR", *registered_metrics()]
    result = AdaptiveChunker(candidates=["recursive_1100"], metrics=CHEAP).chunk("One page.\n\nTwo.")
    assert "fewer" not in result.scores["recursive_1100"]


def test_out_of_range_value_names_the_metric() -> None:
    register_metric("broken", lambda doc, spans: 1.5)
    with pytest.raises(ValueError, match=r"'broken' returned 1\.5"):
        AdaptiveChunker(candidates=["recursive_1100"], metrics=[*CHEAP, "broken"]).chunk("Some text.", name="doc")
    for bad in (float("nan"), -0.1, "0.5", True):
        with pytest.raises(ValueError, match="metric 'm'"):
            check_value("m", bad)
    assert check_value("m", None) is None
    assert check_value("m", 1) == 1.0


def test_registration_is_validated() -> None:
    with pytest.raises(ValueError, match="built-in"):
        register_metric("RC", fewer_chunks)
    with pytest.raises(ValueError, match="non-empty"):
        register_metric(" ", fewer_chunks)
    with pytest.raises(TypeError, match="callable"):
        register_metric("x", 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weight"):
        register_metric("x", fewer_chunks, weight=-1)
    with pytest.raises(ValueError, match="unknown metric 'nope'"):
        AdaptiveChunker(metrics=["SC", "nope"])


def test_cli_user_metric_in_json(tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.json"
    spec = "fewer=tests.metrics.test_user:fewer_chunks@10"
    args = ["evaluate", str(source), "--metrics", "SC,BI,RC,fewer", "--user-metric", spec, "--json", str(out)]
    args += ["--candidate", "recursive_1100", "--candidate", "recursive_600"]
    assert main(args) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))["documents"][0]
    assert doc["chosen"] == "recursive_1100"
    for candidate in doc["candidates"].values():
        assert 0 < candidate["scores"]["fewer"] <= 1
