"""What the reports read: the JSON entry, rounded floats, the selection shares and the means per candidate."""

from __future__ import annotations

import pytest
from evaluations import evaluate

from adaptive_splitters.output.evaluation import evaluation_record, metric_means, rounded, selection_shares


def test_the_record_keeps_the_old_fields_and_adds_counts() -> None:
    evaluated = evaluate()
    record = evaluation_record(evaluated)
    assert list(record) == [
        "chosen",
        "reason",
        "metrics",
        "candidates",
        "candidate_order",
        "skipped",
        "pairs_source",
        "cost",
    ]
    assert record["chosen"] == "recursive_60"
    assert record["metrics"] == ["SC", "BI", "RC"]
    assert record["candidate_order"] == ["recursive_60", "recursive_30"]
    assert record["skipped"] == {"page": "the document has no pages"}
    entry = record["candidates"]["recursive_30"]
    assert entry["chunks"] == 24 == len(entry["spans"])
    assert entry["blocks_cut"] == 12
    assert entry["scores"] == {"SC": 1.0, "BI": 0.0, "RC": 0.7708, "ICC": None, "DCC": None}
    assert entry["score"] == 0.5903


def test_rounded_rounds_every_float_and_nothing_else() -> None:
    value = {"a": 0.123456789, "b": [1, 2.00004, None, "0.123456"], "c": {"d": (0.99999,)}, "e": True}
    assert rounded(value) == {"a": 0.1235, "b": [1, 2.0, None, "0.123456"], "c": {"d": [1.0]}, "e": True}


def test_shares_and_means_over_several_documents() -> None:
    first = evaluate()
    second = evaluate(path="b.md", name="b", candidates=["recursive_30"])
    shorter = evaluate("Just one short paragraph.", path="c.md", name="c", candidates=["recursive_30"])
    documents = [first, second, shorter]
    assert selection_shares(documents) == {"recursive_30": 2, "recursive_60": 1}
    means = metric_means(documents)
    assert list(means) == ["recursive_60", "recursive_30"]
    assert means["recursive_60"]["SC"].documents == 1  # it ran on the first document only
    assert means["recursive_30"]["BI"].value == pytest.approx((0.0 + 0.0 + 1.0) / 3)
    assert means["recursive_30"]["RC"].documents == 2  # no pair in the short paragraph: RC undefined there
    assert list(means["recursive_30"]) == ["SC", "BI", "RC", "score"]
    assert means["recursive_30"]["RC"].shown() == "0.771 (2)"  # of the 3 it ran on
