"""Budget delivery: chunks in rank order while their tokens fit (the first always), neighbours of one source joined
into passages that are exact slices of the source, no text repeated, and clear errors on a bad budget."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adaptive_splitters.retrieval import Retrieved, check_budget, deliver

TEXT = "".join(f"Sentence {i} says something. " for i in range(40))


def words(text: str) -> int:
    """A token counter anyone can check by eye: whitespace-separated words."""
    return len(text.split())


def chunk(start: int, end: int, source: str = "a", text: str = TEXT, exact: bool = True) -> Retrieved:
    return Retrieved(text[start:end], source, start, exact=exact)


def test_chunks_are_taken_in_rank_order_while_they_fit() -> None:
    ranked = [chunk(0, 40), chunk(200, 260), chunk(400, 500), chunk(600, 620)]
    sizes = [words(r.text) for r in ranked]
    out = deliver(ranked, sum(sizes[:2]) + 1, words, join=False)
    assert [p.parts[0].start for p in out] == [0, 200]  # the third does not fit: taking ends there
    assert sum(p.tokens for p in out) == sum(sizes[:2])


def test_the_first_chunk_is_delivered_even_when_it_alone_exceeds_the_budget() -> None:
    out = deliver([chunk(0, 500), chunk(600, 620)], 3, words)
    assert [(p.start, p.end) for p in out] == [(0, 500)]


def test_touching_and_overlapping_chunks_of_one_source_become_one_exact_passage() -> None:
    ranked = [chunk(100, 160), chunk(60, 100), chunk(140, 220), chunk(500, 540)]
    out = deliver(ranked, 1000, words)
    assert [(p.start, p.end) for p in out] == [(60, 220), (500, 540)]
    joined = out[0]
    assert joined.text == TEXT[60:220]  # no text repeated where 140-160 overlapped
    assert [part.start for part in joined.parts] == [60, 100, 140]  # document order
    assert joined.rank == 0
    assert joined.tokens == words(TEXT[60:220])


def test_the_budget_counts_delivered_tokens_so_overlap_is_paid_once() -> None:
    a, b = chunk(0, 200), chunk(100, 300)
    budget = words(TEXT[0:300])
    assert [len(p.parts) for p in deliver([a, b], budget, words)] == [2]  # joined: TEXT[0:300] fits
    assert [len(p.parts) for p in deliver([a, b], budget, words, join=False)] == [1]  # apart, b does not fit


def test_different_sources_texts_that_disagree_and_unplaced_chunks_never_join() -> None:
    other = "x" * len(TEXT)
    ranked = [
        chunk(0, 50),
        chunk(50, 100, source="b"),
        chunk(40, 90, text=other),  # offsets into another text under the same source: the overlap disagrees
        Retrieved(TEXT[100:150]),  # no source, no start
    ]
    out = deliver(ranked, 10_000, words)
    assert sorted((p.source, p.start, p.text) for p in out if p.source) == [
        ("a", 0, TEXT[0:50]),
        ("a", 40, other[40:90]),
        ("b", 50, TEXT[50:100]),
    ]
    assert [p.text for p in out if p.source is None] == [TEXT[100:150]]


def test_rank_order_puts_the_best_passage_first_document_order_reads_by_position() -> None:
    ranked = [chunk(300, 340), chunk(0, 40, source="b"), chunk(100, 140)]
    by_rank = deliver(ranked, 1000, words)
    assert [(p.source, p.start) for p in by_rank] == [("a", 300), ("b", 0), ("a", 100)]
    by_document = deliver(ranked, 1000, words, order="document")
    assert [(p.source, p.start) for p in by_document] == [("a", 100), ("a", 300), ("b", 0)]


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "1000", None])
def test_a_budget_that_is_not_a_positive_integer_is_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="budget must be a positive integer number of tokens"):
        check_budget(bad)
    with pytest.raises(ValueError, match="budget must be"):
        deliver([chunk(0, 10)], bad, words)


def test_an_unknown_order_is_refused() -> None:
    with pytest.raises(ValueError, match="order"):
        deliver([chunk(0, 10)], 10, words, order="random")


def test_nothing_retrieved_delivers_nothing() -> None:
    assert deliver([], 100, words) == []


@settings(max_examples=200, deadline=None)
@given(
    cuts=st.lists(st.integers(1, len(TEXT) - 1), max_size=30, unique=True),
    ranking=st.randoms(use_true_random=False),
    overlap=st.integers(0, 30),
    budget=st.integers(1, 400),
)
def test_passages_are_exact_disjoint_and_cover_exactly_the_taken_chunks(
    cuts: list[int], ranking: Any, overlap: int, budget: int
) -> None:
    bounds = [0, *sorted(cuts), len(TEXT)]
    spans = [(max(0, a - overlap), b) for a, b in zip(bounds, bounds[1:], strict=False)]
    ranking.shuffle(spans)
    ranked = [chunk(a, b) for a, b in spans]
    out = deliver(ranked, budget, words)
    taken = [part for p in out for part in p.parts]
    assert {(c.start, c.end) for c in taken} == {(c.start, c.end) for c in ranked[: len(taken)]}  # a rank prefix
    assert len(taken) >= 1
    if len(taken) > 1:
        assert sum(p.tokens for p in out) <= budget
    covered = sorted((p.start, p.end) for p in out)
    for p in out:
        assert p.text == TEXT[p.start : p.end]
    for (_, end), (start, _) in zip(covered, covered[1:], strict=False):
        assert end < start  # touching or overlapping passages would have been joined
    chars = {i for c in taken for i in range(c.start, c.end)}
    assert chars == {i for p in out for i in range(p.start, p.end)}


def test_the_best_chunk_brings_its_neighbours_where_they_fit() -> None:
    best, after, before, far = chunk(200, 260), chunk(260, 300), chunk(150, 200), chunk(600, 640)
    wide, beyond = chunk(300, 600), chunk(100, 150)  # next but one: too large; previous but one: would fit

    def beside(item: Retrieved, width: int) -> tuple[list[Retrieved], list[Retrieved]]:
        assert item is best  # asked for the best chunk only
        return [after, wide][:width], [before, beyond][:width]

    budget = words(TEXT[100:300]) + words(far.text)
    out = deliver([best, far], budget, words, window=2, neighbours=beside)
    assert [(p.start, p.end) for p in out] == [(100, 300), (600, 640)]  # wide skipped, the ranking went on
    assert [p.retrieved for p in out] == [1, 1]  # the neighbours are no retrieved chunks
    assert out[0].rank == 0
    assert deliver([best, far], budget, words) == deliver([best, far], budget, words, window=2)  # no lookup: none


def test_a_side_ends_at_its_first_neighbour_that_does_not_fit() -> None:
    best, wide, beyond = chunk(200, 260), chunk(260, 600), chunk(600, 620)
    out = deliver(
        [best], words(TEXT[200:260]) + 5, words, window=2, neighbours=lambda item, width: ([wide, beyond], [])
    )
    assert [(p.start, p.end) for p in out] == [(200, 260)]  # beyond fits but would stand apart from the best


def test_a_neighbour_that_is_also_ranked_is_delivered_and_counted_once() -> None:
    best, after = chunk(200, 260), chunk(260, 300)
    for join in (True, False):
        out = deliver([best, after], 1000, words, join=join, window=1, neighbours=lambda item, width: ([after], []))
        parts = [(part.start, part.end) for p in out for part in p.parts]
        assert parts == [(200, 260), (260, 300)]
        assert sum(p.retrieved for p in out) == 2  # both ranked chunks delivered: a search may ask for more
        assert sum(p.tokens for p in out) == (words(TEXT[200:300]) if join else words(best.text) + words(after.text))


def test_chunks_that_only_touch_join_only_when_their_source_names_one_text() -> None:
    a, b = chunk(0, 50, exact=False), chunk(50, 100, exact=False)
    assert len(deliver([a, b], 1000, words)) == 2  # a loader's source may name several texts
    overlapping = chunk(40, 100, exact=False)
    assert [(p.start, p.end) for p in deliver([a, overlapping], 1000, words)] == [(0, 100)]  # the overlap agrees


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(ValueError, match="window"):
        deliver([chunk(0, 10)], 10, words, window=-1)
