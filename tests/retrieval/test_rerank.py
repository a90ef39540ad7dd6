"""Reranking a search's results: BM25 over the candidates fused by reciprocal rank with the search's order, after
each candidate borrows a share of its neighbours' scores; weights checked; nothing dropped or repeated."""

from __future__ import annotations

import math
from typing import Any

import pytest

from adaptive_splitters.retrieval.rerank import RRF_K, Candidate, as_similarities, bm25, rerank, words

FILLER = [
    "The committee met on Tuesday to review the budget.",
    "Members discussed the schedule for the coming year.",
    "Several reports were read aloud and approved.",
    "The chair thanked the volunteers for their work.",
    "Minutes of the previous meeting were accepted.",
]


def test_a_candidate_sharing_the_querys_rare_words_rises_above_the_searchs_order() -> None:
    """What a small embedder misses: the one chunk that names the drug the question names."""
    texts = [*FILLER, "Remdesivir shortened recovery in hospitalised patients."]
    order = rerank("Did remdesivir shorten recovery?", [Candidate(t) for t in texts], neighbour_weight=0)
    assert order[0] == 5
    assert sorted(order) == list(range(6))  # a permutation: nothing dropped, nothing repeated


def test_without_weights_the_searchs_order_stands() -> None:
    texts = [*FILLER, "Remdesivir shortened recovery."]
    found = [Candidate(t, score=1.0 - i / 10, key=i) for i, t in enumerate(texts)]
    assert rerank("remdesivir", found, lexical_weight=0, neighbour_weight=0) == list(range(6))


def test_a_query_of_function_words_only_changes_nothing() -> None:
    found = [Candidate(t) for t in FILLER]
    assert words("What is the one that was there?") == ["one"]
    assert rerank("what is the", found) == list(range(len(FILLER)))


def test_a_candidate_whose_neighbours_match_rises_and_a_missing_neighbour_counts_as_the_lowest_score() -> None:
    """Scores 0.50, 0.49, 0.48, 0.47, 0.1, 0.8: gamma's neighbours score 0.1 and 0.8, so with a quarter of theirs it
    rises to second (0.48 + 0.25 * 0.9 = 0.705); a neighbour not among the candidates, or none at all, counts 0.1,
    the lowest score (alpha 0.5 + 0.25 * 0.2 = 0.55, beta 0.49 + 0.05)."""
    found = [
        Candidate("alpha", 0.50, "a", previous="missing"),
        Candidate("beta", 0.49, "b"),
        Candidate("gamma", 0.48, "c", previous="x", next="y"),
        Candidate("delta", 0.47, "d"),
        Candidate("x-ray", 0.9 - 0.8, "x"),  # the lowest score: 0.1
        Candidate("yankee", 0.8 - 0.0, "y"),
    ]
    order = rerank("nothing in common", found, lexical_weight=0, neighbour_weight=0.25)
    assert order[:2] == [5, 2]  # yankee 0.8; gamma 0.48 + 0.25 * (0.1 + 0.8) = 0.705
    assert order.index(0) < order.index(1)  # alpha 0.55 above beta 0.54
    assert order[-1] == 4  # x-ray 0.1 alone


def test_neighbours_are_ignored_when_a_score_is_unknown() -> None:
    found = [Candidate("one", None, "a"), Candidate("two", 0.1, "b", previous="c"), Candidate("three", 0.9, "c")]
    assert rerank("zzz", found, lexical_weight=0) == [0, 1, 2]  # the search's order: scores are incomplete


def test_the_fusion_is_reciprocal_rank_with_the_lexical_weight() -> None:
    """Search order a, b; BM25 order b, a (both share a word with the query): a scores 1/(K+1) + w/(K+2), b
    1/(K+2) + w/(K+1), so b leads exactly when the lexical weight is above 1 (a tie keeps the search's order). A
    candidate sharing no word gets no lexical share."""
    found = [Candidate("the lion roams, a lion sleeps"), Candidate("a zebra and a lion")]
    assert bm25("zebra lion", [c.text for c in found])[1] > bm25("zebra lion", [c.text for c in found])[0] > 0
    assert rerank("zebra lion", found, lexical_weight=0.5) == [0, 1]
    assert rerank("zebra lion", found, lexical_weight=1.0) == [0, 1]
    assert rerank("zebra lion", found, lexical_weight=2.0) == [1, 0]
    unrelated = [Candidate("nothing shared here"), Candidate("a zebra")]
    assert rerank("zebra", unrelated, lexical_weight=0.5) == [1, 0]  # 1/(K+2) + 0.5/(K+1) > 1/(K+1)
    assert 1 / (RRF_K + 2) + 0.5 / (RRF_K + 1) > 1 / (RRF_K + 1)


def test_bm25_matches_the_formula() -> None:
    texts = ["zebra zebra lion", "lion tiger", "tiger"]
    got = bm25("zebra", texts)
    n, df, mean = 3, 1, (3 + 2 + 1) / 3
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / mean))
    assert got == pytest.approx([expected, 0.0, 0.0])


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "1", True, None])
def test_a_weight_that_is_not_a_number_from_0_is_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="lexical_weight must be a finite number >= 0"):
        rerank("q", [Candidate("a"), Candidate("b")], lexical_weight=bad)
    with pytest.raises(ValueError, match="neighbour_weight must be a finite number >= 0"):
        rerank("q", [Candidate("a")], neighbour_weight=bad)


def test_scores_are_read_as_similarities_by_their_order() -> None:
    """Stores give similarities (best first, falling) or distances (best first, rising): both become
    similarities; scores that do both, or are not finite, are not used."""
    assert as_similarities([0.9, 0.5, 0.5, 0.1]) == [0.9, 0.5, 0.5, 0.1]
    assert as_similarities([0.1, 0.4, 1.2]) == [-0.1, -0.4, -1.2]
    assert as_similarities([0.3]) == [0.3]
    assert as_similarities([0.1, 0.5, 0.2]) == [None, None, None]
    assert as_similarities([0.5, float("nan")]) == [None, None]
    assert as_similarities([0.5, None]) == [None, None]


def test_the_neighbour_step_does_not_depend_on_the_scores_offset_or_scale() -> None:
    """Similarities, cosine distances negated and scaled L2 distances negated order alike: a chunk at a text's
    edge (one neighbour) is not favoured or penalised by the sign of the scores."""
    cosines = [0.8, 0.7, 0.3, 0.3]
    found = [("B", None, None), ("A2", "A1", "A3"), ("A1", None, "A2"), ("A3", "A2", None)]

    def order(scores: list[float]) -> list[int]:
        candidates = [Candidate(k, s, k, p, n) for (k, p, n), s in zip(found, scores, strict=True)]
        return rerank("zzz", candidates, lexical_weight=0, neighbour_weight=0.25)

    expected = order(cosines)
    assert order([c - 1 for c in cosines]) == expected
    assert order([-(2 - 2 * c) for c in cosines]) == expected
    assert order([5 * c + 3 for c in cosines]) == expected


def test_non_finite_scores_leave_the_searchs_order() -> None:
    found = [Candidate("a", 0.1, "a", next="b"), Candidate("b", float("nan"), "b"), Candidate("c", 0.9, "c")]
    assert rerank("zzz", found, lexical_weight=0) == [0, 1, 2]
