"""Size settings in tokens: the maximum, the minimum and the merge limit (the paper's 1100 / 100 / 1150)."""

from __future__ import annotations

from dataclasses import dataclass

from adaptive_splitters.core import checks

PAPER_MAX_TOKENS = 1100
PAPER_MIN_TOKENS = 100
PAPER_MERGE_LIMIT = 1150
UNKNOWN_WINDOW = 512
"""The input window assumed for an embedder that does not report one (BERT's)."""


def default_chunk_size(window: int | None) -> int:
    """The default chunk size for an embedder reading ``window`` of its own tokens: half of it, at most the
    paper's 1100 (docs/method.md#the-defaults). A chunk of half the window is read whole even where the
    model's tokenizer cuts the text into twice as many pieces as the chunker's; below the window, smaller chunks
    retrieve more of the answer within the same budget of retrieved tokens. ``None``: :data:`UNKNOWN_WINDOW`."""
    return max(1, min(PAPER_MAX_TOKENS, (window or UNKNOWN_WINDOW) // 2))


def default_min_tokens(max_tokens: int) -> int:
    """The minimum chunk size for a maximum: ``min(100, round(max_tokens / 11))`` (the paper's 100 at 1100)."""
    return min(PAPER_MIN_TOKENS, round(max_tokens / 11))


@dataclass(frozen=True)
class SizeLimits:
    """The sizes of post-processing, in tokens (the paper's 1100 / 100 / 1150 by default).

    ``min_tokens`` defaults to :func:`default_min_tokens` and ``merge_limit`` to ``max_tokens + 50`` (the
    paper's 1150). The paper lets merging create chunks above ``max_tokens``; with ``hard=True`` (what both
    adapters and the ``chunk`` command use) ``max_tokens`` is a hard limit instead: the merge limit is capped
    at it and post-processing re-splits any span whose actual text exceeds it (token counts do not add up
    exactly), so every scored span, and so every emitted chunk, fits.
    """

    max_tokens: int = PAPER_MAX_TOKENS
    min_tokens: int = None  # type: ignore[assignment]  # resolved in __post_init__
    merge_limit: int = None  # type: ignore[assignment]  # resolved in __post_init__
    hard: bool = False

    def __post_init__(self) -> None:
        _check_count("max_tokens", self.max_tokens, minimum=1)
        if self.min_tokens is None:
            object.__setattr__(self, "min_tokens", default_min_tokens(self.max_tokens))
        if self.merge_limit is None:
            object.__setattr__(self, "merge_limit", self.max_tokens + (PAPER_MERGE_LIMIT - PAPER_MAX_TOKENS))
        _check_count("merge_limit", self.merge_limit, minimum=1)
        _check_count("min_tokens", self.min_tokens, minimum=0)
        checks.boolean("hard", self.hard)
        if self.min_tokens > self.max_tokens:
            msg = f"min_tokens ({self.min_tokens}) must not exceed the chunk size, max_tokens ({self.max_tokens})"
            raise ValueError(msg)
        if self.hard and self.merge_limit > self.max_tokens:
            object.__setattr__(self, "merge_limit", self.max_tokens)

    @classmethod
    def strict(cls, max_tokens: int = PAPER_MAX_TOKENS, min_tokens: int | None = None) -> SizeLimits:
        """Limits where ``max_tokens`` is hard: no post-processed span exceeds it."""
        return cls(max_tokens, min_tokens, max_tokens, hard=True)  # type: ignore[arg-type]  # None: the default


def _check_count(name: str, value: object, *, minimum: int) -> None:
    (checks.positive_int if minimum else checks.non_negative_int)(name, value)
