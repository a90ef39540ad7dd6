"""Size settings in tokens: the maximum, the minimum and the merge limit (the paper's 1100 / 100 / 1150)."""

from __future__ import annotations

from dataclasses import dataclass

PAPER_MAX_TOKENS = 1100
PAPER_MIN_TOKENS = 100
PAPER_MERGE_LIMIT = 1150


@dataclass(frozen=True)
class SizeLimits:
    """The three sizes of post-processing, in tokens (the paper's 1100 / 100 / 1150 by default).

    ``merge_limit`` defaults to ``max_tokens + 50`` (the paper's 1150). It may exceed ``max_tokens``, as in the
    paper, so merging can create chunks above the maximum; pass ``merge_limit=max_tokens`` (or use
    :meth:`strict`) to make merging respect the maximum size.
    """

    max_tokens: int = PAPER_MAX_TOKENS
    min_tokens: int = PAPER_MIN_TOKENS
    merge_limit: int = None  # type: ignore[assignment]  # resolved in __post_init__

    def __post_init__(self) -> None:
        if self.merge_limit is None:
            object.__setattr__(self, "merge_limit", _merge_default(self.max_tokens))
        for name in ("max_tokens", "merge_limit"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                msg = f"{name} must be a positive integer (received {value!r})"
                raise ValueError(msg)
        if not isinstance(self.min_tokens, int) or self.min_tokens < 0:
            msg = f"min_tokens must be a non-negative integer (received {self.min_tokens!r})"
            raise ValueError(msg)
        if self.min_tokens > self.max_tokens:
            msg = f"min_tokens ({self.min_tokens}) must not exceed max_tokens ({self.max_tokens})"
            raise ValueError(msg)

    @classmethod
    def strict(cls, max_tokens: int = PAPER_MAX_TOKENS, min_tokens: int = PAPER_MIN_TOKENS) -> SizeLimits:
        """Limits whose merge never creates a span above ``max_tokens``."""
        return cls(max_tokens, min_tokens, max_tokens)


def _merge_default(max_tokens: object) -> object:
    if isinstance(max_tokens, int) and not isinstance(max_tokens, bool):
        return max_tokens + (PAPER_MERGE_LIMIT - PAPER_MAX_TOKENS)
    return max_tokens
