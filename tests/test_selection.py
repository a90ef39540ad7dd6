"""The selection rules: the paper's (mean over available metrics, ties by name) and the fair default."""

from __future__ import annotations

import math

import pytest

from adaptive_splitters.selection import Selection, select

# "Norma (légal)_EDPS Generative AI guidelines" (523 tokens), post-processed candidates, from reference_minilm.json:
# both recursive candidates give one chunk, so their DCC is undefined.
EDPS = {
    "recursive_1100": {"SC": 1.0, "BI": 1.0, "RC": 1.0, "ICC": 0.39540475606918335, "DCC": None},
    "recursive_600": {"SC": 1.0, "BI": 1.0, "RC": 1.0, "ICC": 0.39540475606918335, "DCC": None},
    "page": {"SC": 1.0, "BI": 1.0, "RC": 1.0, "ICC": 0.46844154596328735, "DCC": 0.7841564416885376},
}
ORDER = ["recursive_1100", "recursive_600", "page"]


def full(value: float) -> dict[str, float | None]:
    return dict.fromkeys(("SC", "BI", "RC", "ICC", "DCC"), value)


def test_paper_rule_on_edps_matches_the_reference_choice() -> None:
    result = select(EDPS, ORDER, rule="paper")
    assert isinstance(result, Selection)
    assert result.chosen == "page"
    assert result.objective["recursive_1100"] == pytest.approx((3 + 0.39540475606918335) / 4)
    assert result.objective["page"] == pytest.approx((3 + 0.46844154596328735 + 0.7841564416885376) / 5)
    assert "(page 0.8505 against recursive_1100 0.8489, margin 0.0017)" in result.reason


def test_fair_rule_compares_edps_without_dcc() -> None:
    result = select(EDPS, ORDER)
    assert result.chosen == "page"
    assert result.objective["page"] == pytest.approx((3 + 0.46844154596328735) / 4)
    assert result.objective["recursive_1100"] == pytest.approx((3 + 0.39540475606918335) / 4)
    assert "compared on SC, BI, RC, ICC" in result.reason
    assert "DCC" in result.reason
    assert "margin" in result.reason


def test_fair_and_paper_disagree_when_an_undefined_metric_flatters_a_candidate() -> None:
    # page with a poor DCC: the paper rule scores the recursive candidates on 4 metrics and page on 5
    scores = {**EDPS, "page": {**EDPS["page"], "DCC": 0.5}}
    paper = select(scores, ORDER, rule="paper")
    fair = select(scores, ORDER, rule="fair")
    assert paper.chosen == "recursive_1100"  # tied with recursive_600; "1" < "6" in ASCII
    assert "tie between recursive_1100, recursive_600 broken by name" in paper.reason
    assert fair.chosen == "page"  # better ICC, all else equal on the common metrics


def test_paper_ties_go_to_the_ascii_first_name_fair_ties_to_the_first_listed() -> None:
    scores = {"page": full(0.9), "Zeta": full(0.9), "alpha": full(0.9)}
    assert select(scores, ["page", "alpha", "Zeta"], rule="paper").chosen == "Zeta"  # "Z" < "a" < "p"
    assert select(scores, ["page", "alpha", "Zeta"], rule="fair").chosen == "page"
    assert select(scores, ["alpha", "page", "Zeta"], rule="fair").chosen == "alpha"
    assert "tie between page, alpha, Zeta broken by listing order" in select(scores, ["page", "alpha", "Zeta"]).reason


def test_all_metrics_undefined_falls_back_to_page_then_to_the_first() -> None:
    scores = {"a": full(math.nan), "page": dict.fromkeys(("SC", "BI"), None), "b": {}}
    for rule in ("paper", "fair"):
        result = select(scores, ["b", "a", "page"], rule=rule)
        assert result.chosen == "page"
        assert result.objective == {"b": None, "a": None, "page": None}
        assert "fell back" in result.reason
    assert select({"x": {}, "y": {}}, ["y", "x"], rule="paper").chosen == "y"


def test_fair_without_a_common_metric_uses_each_candidate_own_metrics() -> None:
    scores = {"a": {"SC": 0.5}, "b": {"BI": 0.8}}
    result = select(scores, ["a", "b"])
    assert result.chosen == "b"
    assert "no metric is defined for every candidate" in result.reason


def test_weights_change_the_choice_and_zero_weight_ignores_a_metric() -> None:
    scores = {"a": {"SC": 1.0, "ICC": 0.2}, "b": {"SC": 0.5, "ICC": 0.9}}
    assert select(scores, ["a", "b"]).chosen == "b"
    assert select(scores, ["a", "b"], weights={"SC": 1.0, "ICC": 0.0}).chosen == "a"
    result = select(scores, ["a", "b"], weights={"SC": 3.0, "ICC": 1.0}, rule="paper")
    assert result.objective["a"] == pytest.approx((3 * 1.0 + 0.2) / 4)
    assert result.chosen == "a"


def test_user_metric_weights_are_accepted_when_the_metric_is_scored() -> None:
    scores = {"a": {"SC": 1.0, "mine": 0.1}, "b": {"SC": 1.0, "mine": 0.7}}
    assert select(scores, ["a", "b"], weights={"SC": 1.0, "mine": 1.0}).chosen == "b"
    assert select(scores, ["a", "b"]).chosen == "a"  # default weights: the five metrics only; tie to the first


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"SC": -0.1}, "'SC' must be a finite number >= 0"),
        ({"XYZ": 0.2}, "unknown metric 'XYZ'"),
        ({"SC": math.nan}, "'SC' must be a finite number"),
        ({"SC": "0.2"}, "'SC' must be a finite number"),
        ({"SC": 0.0, "BI": 0.0}, "at least one metric weight must be positive"),
    ],
)
def test_invalid_weights_are_named(weights: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        select(EDPS, ORDER, weights=weights)


def test_invalid_calls() -> None:
    with pytest.raises(ValueError, match="at least one candidate"):
        select(EDPS, [])
    with pytest.raises(ValueError, match="'semantic' has no scores"):
        select(EDPS, [*ORDER, "semantic"])
    with pytest.raises(ValueError, match="'fair' or 'paper'"):
        select(EDPS, ORDER, rule="best")


@pytest.mark.parametrize("scale", [1e308, 1e300, 1e-300, 5e-324])
@pytest.mark.parametrize("rule", ["fair", "paper"])
def test_huge_and_tiny_finite_weights_choose_like_equal_weights(scale: float, rule: str) -> None:
    scores = {"a": {"SC": 0.5, "BI": 0.9, "RC": None}, "b": {"SC": 0.9, "BI": 0.4, "RC": 0.1}}
    plain = select(scores, ["a", "b"], weights={"SC": 1.0, "BI": 1.0, "RC": 1.0}, rule=rule)
    scaled = select(scores, ["a", "b"], weights={"SC": scale, "BI": scale, "RC": scale}, rule=rule)
    assert scaled.chosen == plain.chosen
    for name in ("a", "b"):
        assert scaled.objective[name] == pytest.approx(plain.objective[name])


def test_huge_weights_chunk_through_the_engine() -> None:
    from adaptive_splitters.engine import AdaptiveChunker

    text = "The Commission adopted the guidelines. It will review them.\n\n" * 60
    plain = AdaptiveChunker(weights={"SC": 1.0, "BI": 1.0}, metrics=["SC", "BI", "RC"]).chunk(text)
    huge = AdaptiveChunker(weights={"SC": 1e308, "BI": 1e308}, metrics=["SC", "BI", "RC"]).chunk(text)
    assert huge.chosen == plain.chosen
    assert huge.spans() == plain.spans()


def test_ordinary_weights_give_the_same_objective_bits_as_before() -> None:
    scores = {"a": {"SC": 0.1, "BI": 0.7, "RC": 0.3}, "b": {"SC": 0.3, "BI": 0.2, "RC": None}}
    weights = {"SC": 0.2, "BI": 0.3, "RC": 0.7}
    result = select(scores, ["a", "b"], weights=weights, rule="paper")
    assert result.objective["a"] == (0.2 * 0.1 + 0.3 * 0.7 + 0.7 * 0.3) / (0.2 + 0.3 + 0.7)
    assert result.objective["b"] == (0.2 * 0.3 + 0.3 * 0.2) / (0.2 + 0.3)


def test_numpy_weights_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    weights = {"SC": np.float32(1.0), "ICC": np.int64(0)}
    scores = {"a": {"SC": 1.0, "ICC": 0.2}, "b": {"SC": 0.5, "ICC": 0.9}}
    assert select(scores, ["a", "b"], weights=weights).chosen == "a"


@pytest.mark.parametrize("weights", [[0.2, 0.2, 0.2, 0.2, 0.2], (("SC", 1.0),), "SC", 0.5])
def test_weights_that_are_not_a_mapping_are_named(weights: object) -> None:
    with pytest.raises(TypeError, match=r"weights must be a mapping metric name -> weight.*\(received "):
        select(EDPS, ORDER, weights=weights)  # type: ignore[arg-type]


@pytest.mark.parametrize("weight", [True, math.inf, -math.inf, None])
def test_bad_weight_values_name_weights_and_the_value(weight: object) -> None:
    with pytest.raises(
        ValueError, match=rf"weights: the weight of 'SC' must be a finite number >= 0 \(received {weight}\)"
    ):
        select(EDPS, ORDER, weights={"SC": weight})  # type: ignore[dict-item]


def test_by_default_sr_decides_where_it_is_defined_and_the_paper_weights_otherwise() -> None:
    scores = {
        "small": {"SC": 1.0, "BI": 0.2, "RC": 0.5, "ICC": 0.5, "DCC": 0.5, "SR": 0.99},
        "large": {"SC": 1.0, "BI": 0.9, "RC": 1.0, "ICC": 0.7, "DCC": 0.8, "SR": 0.95},
    }
    chosen = select(scores, ["large", "small"])
    assert chosen.chosen == "small"
    assert "compared on SR" in chosen.reason
    assert select(scores, ["large", "small"], {"SC": 1, "BI": 1, "RC": 1}).chosen == "large"
    without_sr = {name: {**row, "SR": None} for name, row in scores.items()}  # no sentence to ask with
    assert select(without_sr, ["large", "small"]).chosen == "large"


def test_a_user_metric_joins_the_default_weights_of_each_document() -> None:
    from hashing_embedders import hashed_vectors

    from adaptive_splitters import AdaptiveChunker
    from adaptive_splitters.metrics.user import FunctionMetric

    constant = FunctionMetric("constant", lambda doc, spans: 0.5, 0.1)
    chunker = AdaptiveChunker(metrics=["SC", "BI", "SR", constant], embedder=hashed_vectors, chunk_size=60)
    prose = "".join(f"Sentence {i} says something about topic {i % 4} at some length. " for i in range(30))
    assert "compared on SR, constant" in chunker.chunk(prose).reason
    no_sentence = "Hi. Yes. No. Ok then. Fine.\n\n" * 40  # no sentence of 30 characters: SR is undefined
    assert "compared on SC, BI, constant" in chunker.chunk(no_sentence).reason
