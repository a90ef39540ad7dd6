"""The budget retrievers' settings as pydantic field types, checked once for both frameworks."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from adaptive_splitters.core import checks
from adaptive_splitters.retrieval.budget import check_budget, check_order
from adaptive_splitters.text.tokens import TokenCounter


def _known_tokenizer(value: object) -> object:
    TokenCounter(value)  # an unknown encoding fails here, naming the offline ones, not at the first query
    return value


Budget = Annotated[int, BeforeValidator(check_budget)]
"""Tokens delivered per query: a positive integer."""
Order = Annotated[str, BeforeValidator(check_order)]
"""``rank`` or ``document``."""
FetchK = Annotated[int, BeforeValidator(lambda value: checks.positive_int("fetch_k", value))]
"""Results asked of a search first: a positive integer."""
Window = Annotated[int, BeforeValidator(lambda value: checks.non_negative_int("window", value))]
"""Neighbours the best chunk brings on each side: an integer from 0."""
Weight = Annotated[float, BeforeValidator(lambda value: checks.non_negative_number("a reranking weight", value))]
"""A reranking weight: a finite number from 0."""
Tokenizer = AfterValidator(_known_tokenizer)
"""Checks a budget tokenizer when the retriever is built."""
