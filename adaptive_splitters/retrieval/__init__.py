"""Stage 6, after the chunks are stored: what a query delivers to the reader (docs/method.md#budget-retrieval).

:mod:`.rerank` reorders what a search returned (its words and the chunks' neighbours, docs/method.md#reranking);
:mod:`.budget` takes retrieved chunks in rank order within a token budget and joins neighbouring chunks of one
source into passages; the framework retrievers over them are in :mod:`adaptive_splitters.integrations`.
"""

from adaptive_splitters.retrieval.budget import (
    DEFAULT_BUDGET,
    DEFAULT_TOKENIZER,
    DEFAULT_WINDOW,
    MAX_FETCH,
    ORDERS,
    Neighbours,
    Passage,
    Retrieved,
    check_budget,
    check_order,
    deliver,
    may_take_more,
    next_fetch,
)

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_TOKENIZER",
    "DEFAULT_WINDOW",
    "MAX_FETCH",
    "ORDERS",
    "Neighbours",
    "Passage",
    "Retrieved",
    "check_budget",
    "check_order",
    "deliver",
    "may_take_more",
    "next_fetch",
]
