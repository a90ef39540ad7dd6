"""Delivery within a token budget (docs/method.md#budget-retrieval): retrieved chunks taken in rank order while
their tokens fit, and chunks of one source that touch or overlap joined into one passage, in document order.

Framework-free: the LangChain and LlamaIndex retrievers (:mod:`adaptive_splitters.integrations`) turn their
results into :class:`Retrieved` items and their passages back into their own objects.

Why a budget: chunks sized for the embedder are small (about 57 tokens by default), and a fixed number of them
(LangChain's k = 4, LlamaIndex's top 2) is a few hundred tokens of context; a budget takes as many as the reader's
context allows, which is how the retrieval benchmark finds them best.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from adaptive_splitters.core import checks

DEFAULT_BUDGET = 1000
"""Tokens delivered per query by default: between what the frameworks' default pipelines deliver (LangChain's
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` with k = 4: 686 cl100k tokens per question
on COVID-QA, 768 on Chroma's corpora; LlamaIndex's ``SentenceSplitter()`` with top 2: 1,808 and 1,907;
``python benchmarks/retrieval.py``), and a small share of any current model's context."""
DEFAULT_TOKENIZER = "o200k_base"
"""The budget's token counter by default: the package's own (``chunk_size`` counts in it too)."""
MAX_FETCH = 10_000
"""The most results a budget retriever asks one search for while the budget is not yet filled."""
DEFAULT_WINDOW = 1
"""Neighbours the best chunk brings on each side by default: measured on the retrieval benchmark with the default
chunks, one on each side raised recall at every budget (COVID-QA 75.3 → 76.6% at 550 tokens and 78.4 → 79.6% at
686; Chroma 92.2 → 94.4% at 550 and 94.1 → 95.7% at 768; README, "Retrieval")."""
ORDERS = ("rank", "document")
"""How passages are ordered: ``rank`` (the passage holding the best-ranked chunk first) or ``document`` (each
source's passages by position, sources in the order of their best chunk)."""


@dataclass(frozen=True)
class Retrieved:
    """One retrieved chunk: its text, the source whose text its offsets index (``None``: never joined), its start
    offset in that source (``None``: unknown, never joined), and the framework object it came from.

    ``exact`` says the source names exactly one text (a hash of it, or a document id), so chunks that merely touch
    are neighbours in it; otherwise (a loader's ``source``, which may name several texts) only chunks that overlap,
    and agree where they do, are joined.
    """

    text: str
    source: Hashable | None = None
    start: int | None = None
    item: Any = None
    exact: bool = False

    @property
    def place(self) -> tuple[Hashable, int, int] | None:
        """Where the chunk lies (source, start, end), when both are known: one chunk taken twice is taken once."""
        if self.source is None or self.start is None:
            return None
        return self.source, self.start, self.start + len(self.text)

    @property
    def end(self) -> int | None:
        """The end offset in the source (``start + len(text)``), when the start is known."""
        return None if self.start is None else self.start + len(self.text)


Neighbours = Callable[[Retrieved, int], tuple[Sequence[Retrieved], Sequence[Retrieved]]]
"""Given a chunk and a width, the chunks after it and the chunks before it in its source, each nearest first, at
most ``width`` of each; what a store can look up."""


@dataclass(frozen=True)
class Passage:
    """Retrieved chunks delivered as one text: ``text == source_text[start:start + len(text)]`` when the source
    is known; ``parts`` in document order; ``rank``: the best (lowest) rank among them, from 0 (a neighbour has the
    rank of the chunk it surrounds); ``tokens``: the text's, as the budget counts them."""

    text: str
    source: Hashable | None
    start: int | None
    parts: tuple[Retrieved, ...]
    rank: int
    tokens: int
    retrieved: int = 1
    """How many of ``parts`` came from the ranking (the others are neighbours of the best chunk)."""

    @property
    def end(self) -> int | None:
        return None if self.start is None else self.start + len(self.text)


def check_budget(budget: Any) -> int:
    """``budget`` when it is a positive integer; ``ValueError`` saying what it was otherwise."""
    if isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
        msg = f"budget must be a positive integer number of tokens, got {budget!r}"
        raise ValueError(msg)
    return budget


def check_order(order: Any) -> str:
    """``order`` when it is one of :data:`ORDERS`; ``ValueError`` naming them otherwise."""
    return checks.one_of(*ORDERS)("order", order)  # type: ignore[no-any-return]


def deliver(
    ranked: Sequence[Retrieved],
    budget: int,
    count: Callable[[str], int],
    *,
    join: bool = True,
    order: str = "rank",
    window: int = 0,
    neighbours: Neighbours | None = None,
) -> list[Passage]:
    """The passages to deliver for ``ranked`` (best first) within ``budget`` tokens as ``count`` counts them.

    Chunks are taken in rank order while the passages they make fit the budget (the first always, whatever its
    size); the first that does not fit ends the taking, as a reader's context would. With ``window`` and
    ``neighbours``, the best chunk brings its ``window`` neighbours on each side first (next, then previous, nearest
    first; each only where it fits): the text around the best match, which holds the rest of an answer that the
    match only begins. With ``join``, taken chunks of one source that touch or overlap (and agree on the overlap)
    become one passage with no text repeated, so the budget counts delivered tokens, not repeated ones. Passages
    come in ``order`` (:data:`ORDERS`).
    """
    check_budget(budget)
    check_order(order)
    checks.non_negative_int("window", window)
    taken: list[tuple[int, Retrieved, bool]] = []
    seen: dict[tuple[Hashable, int, int], int] = {}
    passages: list[Passage] = []

    def take(rank: int, item: Retrieved, retrieved: bool) -> bool:
        nonlocal passages
        place = item.place
        if place is not None and place in seen:  # taken already (a ranked neighbour): counted, not repeated
            at = seen[place]
            taken[at] = (taken[at][0], taken[at][1], taken[at][2] or retrieved)
            passages = _passages(taken, count, join)
            return True
        trial = _passages([*taken, (rank, item, retrieved)], count, join)
        if taken and sum(p.tokens for p in trial) > budget:
            return False
        if place is not None:
            seen[place] = len(taken)
        taken.append((rank, item, retrieved))
        passages = trial
        return True

    for rank, item in enumerate(ranked):
        if not take(rank, item, True):
            break
        if rank == 0 and window and neighbours is not None:
            after, before = neighbours(item, window)
            sides = [list(after[:window]), list(before[:window])]
            for step in range(window):  # next, then previous, nearest first; a side ends where one does not fit
                for side in sides:
                    if step < len(side) and side[step] is not None and not take(rank, side[step], False):
                        side[step + 1 :] = []
    if order == "document":
        first = {p.source: p.rank for p in sorted(passages, key=lambda p: p.rank, reverse=True)}
        return sorted(passages, key=lambda p: (first[p.source], p.start if p.start is not None else 0, p.rank))
    return sorted(passages, key=lambda p: p.rank)


def may_take_more(passages: Sequence[Passage], fetched: int, asked: int) -> bool:
    """True when a search asked for ``asked`` results got them all and every one was delivered: the budget may take
    more, so the search should ask again for more (at most :data:`MAX_FETCH`)."""
    return fetched == asked and sum(p.retrieved for p in passages) == asked and asked < MAX_FETCH


def next_fetch(asked: int) -> int:
    """How many results to ask for next after ``asked`` all fit: twice as many, at most :data:`MAX_FETCH`."""
    return min(2 * asked, MAX_FETCH)


def _passages(taken: Sequence[tuple[int, Retrieved, bool]], count: Callable[[str], int], join: bool) -> list[Passage]:
    """``taken`` (rank, chunk, retrieved) triples as passages, unordered: joined per source where they touch or
    overlap."""
    loose: list[tuple[int, Retrieved, bool]] = []
    placed: list[tuple[int, Retrieved, bool]] = []
    for entry in taken:
        item = entry[1]
        (placed if join and item.source is not None and item.start is not None else loose).append(entry)
    placed.sort(key=lambda entry: (str(entry[1].source), entry[1].start, -len(entry[1].text), entry[0]))
    groups: list[list[tuple[int, Retrieved, bool]]] = []
    for entry in placed:
        last = groups[-1] if groups else None
        if last is not None and _joins(last, entry[1]):
            last.append(entry)
        else:
            groups.append([entry])
    return [_passage([entry], count) for entry in loose] + [_passage(group, count) for group in groups]


def _joins(group: Sequence[tuple[int, Retrieved, bool]], item: Retrieved) -> bool:
    """True when ``item`` continues ``group``: the same source, starting inside or (both naming one text exactly)
    right at its end, and agreeing with its text where they overlap."""
    head = group[0][1]
    if item.source != head.source:
        return False
    start, text = _joined(group)
    end = start + len(text)
    assert item.start is not None
    if item.start > end or (item.start == end and not (item.exact and all(e[1].exact for e in group))):
        return False
    overlap = text[item.start - start :]
    return item.text.startswith(overlap) or overlap.startswith(item.text)


def _joined(group: Sequence[tuple[int, Retrieved, bool]]) -> tuple[int, str]:
    """The start and text of ``group``'s chunks (sorted by start) laid over each other by their offsets."""
    first = group[0][1]
    assert first.start is not None
    start, text = first.start, first.text
    for _, item, _ in group[1:]:
        assert item.start is not None
        end = start + len(text)
        if item.start + len(item.text) > end:
            text += item.text[end - item.start :]
    return start, text


def _passage(group: Sequence[tuple[int, Retrieved, bool]], count: Callable[[str], int]) -> Passage:
    first = group[0][1]
    start, text = (first.start, first.text) if len(group) == 1 else _joined(group)
    parts = tuple(item for _, item, _ in group)
    retrieved = sum(flag for _, _, flag in group)
    return Passage(text, first.source, start, parts, min(rank for rank, _, _ in group), count(text), retrieved)
