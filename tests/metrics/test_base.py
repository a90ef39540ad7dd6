"""The built-in metric names."""

from __future__ import annotations

import pytest

from adaptive_splitters.metrics import METRIC_NAMES


def test_metric_names() -> None:
    assert METRIC_NAMES == ("SC", "BI", "RC", "ICC", "DCC")


def test_metric_names_match_regardless_of_case_and_none_is_refused() -> None:
    from adaptive_splitters.metrics.base import resolve_metrics

    assert [m.name for m in resolve_metrics(["sc", "Bi", "RC"])] == ["SC", "BI", "RC"]
    with pytest.raises(ValueError, match="at least one metric"):
        resolve_metrics([])
