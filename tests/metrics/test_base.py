"""The built-in metric names."""

from __future__ import annotations

from adaptive_splitters.metrics import METRIC_NAMES


def test_metric_names() -> None:
    assert METRIC_NAMES == ("SC", "BI", "RC", "ICC", "DCC")
