"""The retrieval benchmark's ceilings tell a real per-document preference from question noise."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import retrieval  # a script beside its siblings, not a package


def _questions(per_doc: int, docs: int) -> list[retrieval.Question]:
    return [retrieval.Question(f"q{d}-{i}", f"doc{d}", [(0, 1)]) for d in range(docs) for i in range(per_doc)]


def _scores(values: np.ndarray) -> dict[str, np.ndarray]:
    return dict.fromkeys([f"@{b}" for b in retrieval.BUDGETS] + ["recall"], values)


def test_a_real_preference_lifts_the_hindsight_best_above_chance() -> None:
    # half the documents find every answer with "small" and none with "large", the other half the reverse
    questions = _questions(per_doc=10, docs=20)
    small = np.array([1.0 if int(q.doc[3:]) % 2 == 0 else 0.0 for q in questions])
    per = {"small": _scores(small), "large": _scores(1.0 - small)}
    assert retrieval.ceiling(per, questions)["@1100"] == pytest.approx(1.0)
    assert retrieval.chance_ceiling(per, questions)["@1100"] < 0.75


def test_noise_alone_makes_a_hindsight_best_that_chance_reproduces() -> None:
    # every question a coin flip between the candidates, whatever its document: no document prefers either
    questions = _questions(per_doc=8, docs=50)
    flips = np.random.default_rng(1).random(len(questions)) < 0.5
    per = {"a": _scores(flips.astype(float)), "b": _scores((~flips).astype(float))}
    best_single = max(flips.mean(), 1 - flips.mean())
    real, chance = retrieval.ceiling(per, questions)["@1100"], retrieval.chance_ceiling(per, questions)["@1100"]
    assert real > best_single + 0.1  # hindsight flatters a choice...
    assert chance == pytest.approx(real, abs=0.03)  # ...by as much as chance does


def test_identical_candidates_have_no_gap() -> None:
    questions = _questions(per_doc=5, docs=4)
    values = np.linspace(0, 1, len(questions))
    per = {"a": _scores(values), "b": _scores(values.copy())}
    assert retrieval.chance_ceiling(per, questions)["@550"] == pytest.approx(values.mean())
