"""Selection: keep, for one document, the candidate whose metric scores have the highest weighted mean.

Two rules:

- ``"paper"`` (docs/method.md#selection): each candidate's weighted mean over *its own* available (non-``None``)
  metrics; ties go to the candidate name first in ASCII order; when no candidate has any metric, ``"page"`` if
  present, else the first candidate.
- ``"fair"`` (default): candidates are compared on the metrics defined for *all* of them, so a candidate whose
  DCC is undefined (one chunk) is not scored on fewer, higher-valued metrics; ties go to the candidate listed
  first. When no metric is defined for all candidates, the paper's per-candidate means are compared instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from adaptive_splitters.core import checks
from adaptive_splitters.metrics import BUILTIN_WEIGHTS, METRIC_NAMES
from adaptive_splitters.metrics.base import Metric

SelectionRule = Literal["fair", "paper"]
FALLBACK_CANDIDATE = "page"


@dataclass(frozen=True)
class Selection:
    """The chosen candidate, each candidate's objective (``None`` where it has no usable metric), and why."""

    chosen: str
    objective: dict[str, float | None] = field(default_factory=dict)
    reason: str = ""


def select(
    scores: Mapping[str, Mapping[str, float | None]],
    order: Sequence[str],
    weights: Mapping[str, float] | None = None,
    rule: str = "fair",
    others: Mapping[str, float] | None = None,
) -> Selection:
    """Choose among the candidates of ``order`` by their metric ``scores``.

    Args:
        scores: candidate name → metric name → value in [0, 1], or ``None`` (NaN counts as ``None``).
        order: the candidates, in the order they were listed (the fair rule's tie-break).
        weights: metric name → non-negative weight (default :func:`default_weights`: SR alone where defined, else
            0.2 for each of SC, BI, RC, ICC, DCC); metrics with weight 0 or absent from ``weights`` are ignored.
        rule: ``"fair"`` (default) or ``"paper"``.
        others: with ``weights=None``, the weights of metrics other than the built-in ones, added to the defaults.

    Raises:
        ValueError: no candidates, a candidate without scores, an unknown rule, or a negative, non-finite or
            unknown weight (a weight must name a built-in metric or a metric present in ``scores``).
    """
    if rule not in ("fair", "paper"):
        msg = f"selection rule must be 'fair' or 'paper' (received {rule!r})"
        raise ValueError(msg)
    candidates = list(dict.fromkeys(order))
    if not candidates:
        msg = "select needs at least one candidate"
        raise ValueError(msg)
    for name in candidates:
        if name not in scores:
            msg = f"candidate {name!r} has no scores"
            raise ValueError(msg)
    active = check_weights(weights if weights is not None else {**default_weights(scores), **(others or {})}, scores)
    values = {name: {k: _value(scores[name].get(k)) for k in active} for name in candidates}
    if rule == "paper":
        return _paper(values, active, candidates)
    return _fair(values, active, candidates)


def _paper(values: dict[str, dict[str, float | None]], weights: dict[str, float], candidates: list[str]) -> Selection:
    objective = {name: _mean(values[name], weights, list(weights)) for name in candidates}
    scored = [name for name in candidates if objective[name] is not None]
    if not scored:
        return _fallback(objective, candidates)
    best = max(objective[name] or 0.0 for name in scored)
    tied = sorted(name for name in scored if objective[name] == best)
    chosen = tied[0]
    reason = f"paper rule: highest mean over each candidate's available metrics ({chosen} {best:.4f}"
    reason += _runner_up(objective, chosen, scored) + ")"
    reason += _undefined_note(values, candidates)
    if len(tied) > 1:
        reason += f"; tie between {', '.join(tied)} broken by name"
    return Selection(chosen, objective, reason)


def _fair(values: dict[str, dict[str, float | None]], weights: dict[str, float], candidates: list[str]) -> Selection:
    common = [k for k in weights if all(values[name][k] is not None for name in candidates)]
    if not common:
        objective = {name: _mean(values[name], weights, list(weights)) for name in candidates}
        scored = [name for name in candidates if objective[name] is not None]
        if not scored:
            return _fallback(objective, candidates)
        basis = "no metric is defined for every candidate, so each is scored on its own available metrics"
    else:
        objective = {name: _mean(values[name], weights, common) for name in candidates}
        scored = candidates
        dropped = [k for k in weights if k not in common and any(values[n].get(k) is not None for n in candidates)]
        basis = f"compared on {', '.join(common)}"
        if dropped:
            basis += f" (not on {', '.join(dropped)}, undefined for some candidates)"
    best = max(objective[name] or 0.0 for name in scored)
    tied = [name for name in scored if objective[name] == best]
    chosen = tied[0]
    reason = f"fair rule: {basis}; {chosen} {best:.4f}" + _runner_up(objective, chosen, scored)
    if common:
        reason += _undefined_note(values, candidates)
    if len(tied) > 1:
        reason += f"; tie between {', '.join(tied)} broken by listing order"
    return Selection(chosen, objective, reason)


def _fallback(objective: dict[str, float | None], candidates: list[str]) -> Selection:
    chosen = FALLBACK_CANDIDATE if FALLBACK_CANDIDATE in candidates else candidates[0]
    why = "the page candidate" if chosen == FALLBACK_CANDIDATE else "the first candidate"
    return Selection(chosen, objective, f"no metric is defined for any candidate; fell back to {why} ({chosen})")


def _runner_up(objective: dict[str, float | None], chosen: str, scored: list[str]) -> str:
    others = [(objective[n] or 0.0, n) for n in scored if n != chosen]
    if not others:
        return ""
    value = max(v for v, _ in others)
    second = next(n for v, n in others if v == value)
    return f" against {second} {value:.4f}, margin {(objective[chosen] or 0.0) - value:.4f}"


def _undefined_note(values: dict[str, dict[str, float | None]], candidates: list[str]) -> str:
    notes = []
    undefined_everywhere = {k for k in values[candidates[0]] if all(values[n][k] is None for n in candidates)}
    for name in candidates:
        missing = [k for k, v in values[name].items() if v is None and k not in undefined_everywhere]
        if missing:
            notes.append(f"{', '.join(missing)} undefined for {name}")
    return "; " + "; ".join(notes) if notes else ""


def _mean(row: dict[str, float | None], weights: dict[str, float], keys: list[str]) -> float | None:
    """The weighted mean of the row's defined values among ``keys`` (``None`` when none is defined).

    The weights are first scaled by the power of two that brings the largest into [0.5, 1): exact, so ordinary
    weights give the same bits as unscaled, and huge ones (``1e308``) cannot overflow their sum.
    """
    present = [k for k in keys if row[k] is not None]
    if not present:
        return None
    exponent = math.frexp(max(weights[k] for k in present))[1]
    total = 0.0
    weight = 0.0
    for k in present:
        scaled = math.ldexp(weights[k], -exponent)
        total += scaled * (row[k] or 0.0)
        weight += scaled
    return total / weight if weight > 0 else None


def _value(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def check_weights(weights: Mapping[str, float], scores: Mapping[str, Mapping[str, float | None]]) -> dict[str, float]:
    """The positive weights, validated against the metrics in ``scores``.

    Any finite non-negative real counts (numpy scalars too, ``bool`` not); huge ones such as ``1e308`` work.

    Raises:
        TypeError: ``weights`` is not a mapping metric name → weight.
        ValueError: a weight for an unknown metric, a negative, non-finite or non-numeric weight, or no positive
            weight; the message names ``weights`` and the bad value.
    """
    if not isinstance(weights, Mapping):
        msg = (
            "weights must be a mapping metric name -> weight, such as {'SC': 0.5, 'BI': 0.5} "
            f"(received {type(weights).__name__} {weights!r})"
        )
        raise TypeError(msg)
    known = set(BUILTIN_WEIGHTS) | {k for row in scores.values() for k in row}
    active: dict[str, float] = {}
    for name, weight in weights.items():
        if name not in known:
            msg = f"weights: weight given for unknown metric {name!r}; known metrics: {', '.join(sorted(known))}"
            raise ValueError(msg)
        value = checks.non_negative_number(f"weights: the weight of {name!r}", weight)
        if value > 0:
            active[name] = value
    if not active:
        msg = f"weights: at least one metric weight must be positive (received {dict(weights)!r})"
        raise ValueError(msg)
    return active


def default_weights(scores: Mapping[str, Mapping[str, float | None]]) -> dict[str, float]:
    """The built-in metrics' weights when none are given (docs/method.md#selection): SR alone wherever it is
    defined for some candidate, since it is the metric that tracks retrieval; else (SR not computed, or no
    sentence to ask with) the paper's equal weights over SC, BI, RC, ICC and DCC."""
    if any(_value(row.get("SR")) is not None for row in scores.values()):
        return {"SR": BUILTIN_WEIGHTS["SR"]}
    return {name: BUILTIN_WEIGHTS[name] for name in METRIC_NAMES}


def selection_weights(
    given: Mapping[str, float] | None, metrics: Sequence[Metric]
) -> tuple[dict[str, float] | None, dict[str, float]]:
    """The weights a chunker selects with, checked once: ``given`` (built-in metrics it leaves out weigh 0) plus
    each other metric's own weight; or ``None`` for :func:`default_weights`, decided per document, with the other
    metrics' own weights (the second item) added to them there."""
    others = {m.name: m.weight for m in metrics if m.name not in BUILTIN_WEIGHTS}
    if given is None:
        check_weights({**BUILTIN_WEIGHTS, **others}, {"": dict.fromkeys(others)})
        return None, others
    weights = dict(given)
    for name, weight in others.items():
        weights.setdefault(name, weight)
    check_weights(weights, {"": dict.fromkeys([*BUILTIN_WEIGHTS, *others])})
    return weights, {}
