"""The two-level retrieval benchmark's arms on hand-made levels: small-to-big, auto-merge, budget-aware auto-merge
and LlamaIndex's own merging rule, with the tokens each delivers."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import retrieval_levels as rl  # a script beside its siblings, not a package

P, C = rl.PARENT, rl.CHILD


def _levels(*children_per_parent: int) -> rl.Levels:
    """Children of 10 characters and 10 tokens each, laid end to end; parents of the given numbers of children,
    each one token more than its children (so a parent's tokens are told from its children's)."""
    parent_of = [p for p, n in enumerate(children_per_parent) for _ in range(n)]
    children = [(10 * i, 10 * i + 10) for i in range(len(parent_of))]
    starts = np.cumsum([0, *children_per_parent])
    parents = [(10 * int(a), 10 * int(b)) for a, b in zip(starts[:-1], starts[1:], strict=True)]
    return rl.Levels("a", children, [10] * len(children), parents, [10 * n + 1 for n in children_per_parent], parent_of)


def test_take_flat_takes_while_the_total_fits_and_at_least_the_first() -> None:
    tokens = [5, 30, 4, 3]
    assert rl.take_flat([1, 0, 2], tokens, 10) == [1]  # the first always, then 5 more would exceed
    assert rl.take_flat([0, 2, 1, 3], tokens, 12) == [0, 2]  # the third does not fit: the taking ends
    assert rl.take_flat([0, 2, 1, 3], tokens) == [0, 2, 1, 3]


def test_small_to_big_delivers_each_parent_once_in_the_order_of_its_best_child_within_the_budget() -> None:
    levels = _levels(3, 2, 1)  # parents of 31, 21 and 11 tokens
    ranking = [3, 0, 4, 1, 5, 2]
    assert rl.small_to_big(levels, ranking, 55) == [(P, 1), (P, 0)]  # 21 + 31 = 52; 11 more would exceed
    assert rl.small_to_big(levels, ranking, 40) == [(P, 1)]
    assert rl.small_to_big(levels, ranking, 5) == [(P, 1)]  # the first always
    assert rl.small_to_big(levels, ranking[:2]) == [(P, 1), (P, 0)]  # at k = 2: the parents of the top 2
    delivery = rl.delivered(levels, rl.small_to_big(levels, ranking, 55))
    assert delivery.ranges == [("a", 30, 50), ("a", 0, 30)]
    assert delivery.tokens == 52


def test_auto_merge_replaces_children_by_a_parent_with_at_least_half_taken_whatever_the_budget() -> None:
    levels = _levels(3, 2, 1)
    ranking = [0, 3, 5, 1, 2, 4]
    # 40 tokens take children 0, 3, 5, 1: parent 0 has 2 of 3, parent 1 has 1 of 2, parent 2 has 1 of 1
    assert rl.auto_merge(levels, ranking, 40) == [(P, 0), (P, 1), (P, 2)]
    assert rl.delivered(levels, rl.auto_merge(levels, ranking, 40)).tokens == 63  # over the budget: reported
    assert rl.auto_merge(levels, ranking, 20) == [(C, 0), (P, 1)]  # 1 of 3 stays a child
    assert rl.auto_merge(levels, ranking[:1]) == [(C, 0)]


def test_budget_merge_merges_only_within_the_budget_and_a_delivered_parent_s_children_cost_nothing() -> None:
    levels = _levels(3, 2, 1)
    # child 0 (10); child 3 (20) makes parent 1 half taken: 20 - 10 + 21 = 31 fits; child 1 (41) makes parent 0
    # two thirds taken, but 41 - 20 + 31 = 52 does not fit; child 4 is inside parent 1: free; child 5 (51) ends it
    units = rl.budget_merge(levels, [0, 3, 1, 4, 5, 2], 50)
    assert units == [(C, 0), (P, 1), (C, 1)]
    assert rl.delivered(levels, units).tokens == 41
    assert rl.budget_merge(levels, [0, 3, 1, 4, 5, 2], 52) == [(P, 0), (P, 1)]  # now parent 0 fits: 52
    assert rl.budget_merge(levels, [0, 3, 1, 4, 5, 2], 60) == [(P, 0), (P, 1)]  # then child 5 (63) does not fit


def test_llama_merge_needs_more_than_half_and_fills_in_the_child_between_two_rank_neighbours() -> None:
    levels = _levels(4, 2)
    assert rl.auto_merge(levels, [0, 1, 4]) == [(P, 0), (P, 1)]  # at least half: 2 of 4 and 1 of 2 merge
    assert rl.llama_merge(levels, [0, 1, 4]) == [(C, 0), (C, 1), (C, 4)]  # LlamaIndex: neither is more than half
    assert rl.llama_merge(levels, [0, 2]) == [(P, 0)]  # child 1 filled in between: 3 of 4
    assert rl.llama_merge(levels, [0, 5, 2]) == [(C, 0), (C, 5), (C, 2)]  # not rank neighbours: no fill-in
    assert rl.fill_in(levels, [(C, 3), (C, 5)]) == ([(C, 3), (C, 5)], False)  # different parents: no prev/next link


def test_llama_merge_fills_in_the_parent_between_two_merged_parents_and_counts_duplicates() -> None:
    levels = _levels(2, 2, 2)
    units = rl.llama_merge(levels, [0, 1, 4, 5])  # parents 0 and 2 merge, then parent 1 is filled in between them
    assert units == [(P, 0), (P, 1), (P, 2)]
    assert rl.delivered(levels, units).tokens == 63
    filled, changed = rl.fill_in(_levels(4), [(C, 0), (C, 2), (C, 1)])
    assert changed
    assert filled == [(C, 0), (C, 1), (C, 2), (C, 1)]  # LlamaIndex adds the middle one even when already there


def test_hindsight_gives_each_document_its_best_choice_and_that_choice_s_tokens() -> None:
    codes = np.array([0, 0, 1])
    one = {"@550": np.array([1.0, 0.0, 0.0]), "tokens@550": np.array([1.0, 1.0, 1.0])}
    two = {"@550": np.array([0.0, 0.5, 1.0]), "tokens@550": np.array([9.0, 9.0, 9.0])}
    full = {f"full@{b}": np.zeros(3) for b in rl.BUDGETS}
    per_choice = {"one": one | full, "two": two | full}
    picked = {key: v for key, v in rl.hindsight(per_choice, codes).items() if key in one}
    assert picked == pytest.approx({"@550": 2 / 3, "tokens@550": 11 / 3})  # document 0: one; document 1: two


def test_score_arm_measures_recall_full_answers_and_tokens_per_budget_and_k() -> None:
    levels = {"a": _levels(3, 2, 1)}
    question = rl.Question("q", "a", [(25, 35)])  # half in parent 0's last child, half in parent 1's first
    values = rl.score_arm(rl.small_to_big, True, levels, [question], [np.array([2, 3, 0, 1, 4, 5])])
    assert values["@550"].tolist() == [1.0]
    assert values["tokens@550"].tolist() == [63]
    assert values["@1100"].tolist() == [1.0]
    assert values["full@1100"].tolist() == [1.0]
    assert values["R@k=2"].tolist() == [1.0]
    assert values["tokens@k=2"].tolist() == [52]
    assert values["tokens@k=4"].tolist() == [52]
    flat = rl.score_arm(rl.budget_merge, False, levels, [question], [np.array([2, 3, 0, 1, 4, 5])])
    assert "R@k=2" not in flat
    assert math.isclose(flat["@550"][0], 1.0)
