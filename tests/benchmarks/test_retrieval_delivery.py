"""The retrieval benchmark's delivery measures: fixed k, the budget, the full-answer rate, the answer position and
the swap test's verdict, on hand-made spans."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import retrieval  # a script beside its siblings, not a package

TEXT = "abcdefghijklmnopqrstuvwxyz0123"
SPANS = [(0, 10), (5, 15), (10, 20), (15, 25)]  # each overlapping the next by 5 characters


def _index() -> retrieval.Index:
    """Four overlapping chunks of one document ``a``, 10 tokens each, ranked in order by the one query."""
    return retrieval.Index(
        ["a"] * 4, list(SPANS), np.array([10, 10, 10, 10]), np.array([[4.0], [3.0], [2.0], [1.0]]), {"a": np.arange(4)}
    )


def _question(*references: tuple[int, int], doc: str = "a") -> retrieval.Question:
    return retrieval.Question("q", doc, list(references))


def test_full_rate_counts_answers_at_least_95_percent_delivered() -> None:
    assert retrieval.full_rate(np.array([1.0, 0.95, 0.949, 0.0])) == pytest.approx(0.5)


def test_top_k_counts_every_chunk_s_tokens_and_only_the_own_document_s_answer() -> None:
    index = _index()
    delivery = retrieval.top_k(index, np.array([1, 0, 2, 3]), 2)
    assert delivery.ranges == [("a", 5, 15), ("a", 0, 10)]
    assert delivery.tokens == 20  # the overlap counted twice, as a framework delivers it
    assert retrieval.recall(delivery, _question((8, 22))) == pytest.approx(7 / 14)
    assert retrieval.recall(delivery, _question((8, 22), doc="b")) == 0.0  # another document's offsets


def test_flat_tokens_takes_the_chunks_while_their_total_fits_and_at_least_one() -> None:
    tokens = np.array([3, 4, 5])
    assert [retrieval.flat_tokens(tokens, b) for b in (2, 6, 7, 11, 100)] == [3, 3, 7, 7, 12]


def test_by_budget_joins_overlapping_chunks_so_the_budget_counts_no_repeated_text() -> None:
    ranked = [retrieval.Retrieved(TEXT[s:e], "a", s, exact=True) for s, e in SPANS]
    delivery = retrieval.by_budget(ranked, 20, len)
    assert delivery.ranges == [("a", 0, 20)]  # three chunks, 30 characters flat, 20 joined
    assert delivery.tokens == 20
    other = [retrieval.Retrieved(TEXT[0:10], "b", 0), *ranked[1:]]  # same offsets, another document: never joined
    assert retrieval.by_budget(other, 20, len).ranges == [("b", 0, 10), ("a", 5, 15)]  # a third would make 25


def test_answer_position_is_the_share_of_delivered_characters_before_the_first_answer_character() -> None:
    delivery = retrieval.Delivery([("b", 0, 10), ("a", 0, 10), ("a", 20, 30)], 0)
    assert retrieval.answer_position(delivery, _question((25, 27), (5, 6))) == pytest.approx(15 / 30)
    assert retrieval.answer_position(delivery, _question((22, 24))) == pytest.approx(22 / 30)
    assert retrieval.answer_position(delivery, _question((12, 18))) is None  # nothing of the answer delivered


def test_document_order_moves_an_answer_in_the_best_chunk_behind_an_earlier_one() -> None:
    ranked = [
        retrieval.Retrieved(TEXT[20:30], "a", 20, exact=True),
        retrieval.Retrieved(TEXT[0:10], "a", 0, exact=True),
    ]
    question = _question((22, 24))
    assert retrieval.answer_position(retrieval.by_budget(ranked, 20, len, "rank"), question) == pytest.approx(0.1)
    assert retrieval.answer_position(retrieval.by_budget(ranked, 20, len, "document"), question) == pytest.approx(0.6)


def test_budget_retrieval_delivers_more_of_the_answer_than_the_flat_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retrieval, "BUDGETS", (20,))
    data = retrieval.DataSet("t", {"a": TEXT}, [_question((14, 20))])
    index, queries = _index(), np.array([[1.0]])
    flat = retrieval.score_questions(index, data.questions, queries, "doc")
    added = retrieval.score_added(index, data.questions, queries, "doc")
    joined = retrieval.score_budget_retrieval(index, data, queries, "doc", len, 0)
    assert flat["@20"].tolist() == pytest.approx([1 / 6])  # two chunks: 0-15
    assert added["tokens@20"].tolist() == [20]
    assert joined["@20"].tolist() == [1.0]  # three chunks joined: 0-20, in the same 20 tokens
    assert joined["tokens@20"].tolist() == [20]
    assert added["R@k=2"].tolist() == pytest.approx([1 / 6])
    assert added["tokens@k=2"].tolist() == [20]
    assert added["R@k=4"].tolist() == [1.0]
    assert added["tokens@k=4"].tolist() == [40]


def test_summary_means_over_questions_and_positions_over_those_given_some_answer() -> None:
    deliveries = [retrieval.Delivery([("a", 0, 10)], 4), retrieval.Delivery([("a", 10, 20)], 6)]
    deliveries.append(retrieval.Delivery([("a", 0, 10)], 5))
    questions = [_question((5, 10)), _question((0, 4), (18, 20)), _question((20, 22))]
    row = retrieval.summary(deliveries, questions)
    # answer positions 0.5 and 0.8; the third question, given none of its answer, has none
    assert row == pytest.approx({"recall": 100 * (1 + 2 / 6) / 3, "full": 100 / 3, "tokens": 5.0, "position": 65.0})


@pytest.mark.parametrize(
    ("theirs", "ours", "ending"),
    [
        ((80.0, 50.0), (90.0, 60.0), "target met"),  # 10 points gained
        ((90.0, 50.0), (95.5, 60.0), "target met"),  # 5.5 points, but under half their miss
        ((80.0, 50.0), (89.0, 60.0), "target missed by 1.0 points"),  # 1 short of both targets
        ((60.0, 50.0), (65.0, 60.0), "target missed by 5.0 points"),  # 10 points nearer than halving 40
        ((80.0, 50.0), (95.0, 50.0), "target missed, the full-answer rate not higher"),
        ((80.0, 50.0), (85.0, 40.0), "target missed by 5.0 points, and the full-answer rate not higher"),
    ],
)
def test_verdict(theirs: tuple[float, float], ours: tuple[float, float], ending: str) -> None:
    said = retrieval.verdict({"recall": theirs[0], "full": theirs[1]}, {"recall": ours[0], "full": ours[1]})
    assert said.endswith(f": {ending}")


def test_verdict_says_the_gain_and_the_missed_share() -> None:
    said = retrieval.verdict({"recall": 60.0, "full": 40.0}, {"recall": 80.0, "full": 55.0})
    assert said == "recall +20.0 points, missed share 0.50 of theirs, full-answer 55.0% against 40.0%: target met"


def test_beside_gives_a_chunks_neighbours_in_its_document_nearest_first_next_before_previous() -> None:
    data = retrieval.DataSet("t", {"a": TEXT}, [])
    index = _index()
    items = retrieval.retrieved(index, data)
    look = retrieval.beside(index, items)
    starts = lambda sides: [[c.start for c in side] for side in sides]  # noqa: E731
    assert starts(look(items[1], 1)) == [[10], [0]]
    assert starts(look(items[1], 2)) == [[10, 15], [0]]
    assert starts(look(items[3], 1)) == [[], [10]]  # the last chunk has no next


def test_the_best_chunks_neighbours_come_before_the_next_ranked_chunk() -> None:
    data = retrieval.DataSet("t", {"a": TEXT}, [])
    index = _index()
    items = retrieval.retrieved(index, data)
    ranked = [items[2], items[0]]
    delivery = retrieval.by_budget(ranked, 20, len, window=1, neighbours=retrieval.beside(index, items))
    assert delivery.ranges == [("a", 5, 25)]  # chunk 10-20 with 15-25 and 5-15 joined; 0-10 no longer fits


def test_reranked_rankings_rerank_the_first_hundred_by_the_questions_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's budget rows rank as the retrievers do: the embedder's first ``RERANK_FETCH`` chunks
    reranked (here the one chunk holding the question's word rises from last to first), the rest after them; with
    no reranking, the embedder's order."""
    text = "alpha beta gamma delta zebra"
    spans = [(0, 6), (6, 11), (11, 17), (17, 23), (23, 28)]
    index = retrieval.Index(
        ["a"] * 5, spans, np.ones(5, dtype=int), np.array([[5.0], [4.0], [3.0], [2.0], [1.0]]), {"a": np.arange(5)}
    )
    data = retrieval.DataSet("t", {"a": text}, [retrieval.Question("zebra?", "a", [(23, 28)])])
    queries = np.array([[1.0]])
    plain = next(retrieval.reranked_rankings(index, data, queries, "doc", retrieval.NO_RERANKING))
    assert plain.tolist() == [0, 1, 2, 3, 4]
    assert next(retrieval.reranked_rankings(index, data, queries, "doc"))[0] == 4
    monkeypatch.setattr(retrieval, "RERANK_FETCH", 3)  # zebra outside the pool: not lifted
    assert next(retrieval.reranked_rankings(index, data, queries, "doc")).tolist()[3:] == [3, 4]
