"""The LLM-regex candidate: a model proposes one delimiter regex for the document; the text is cut before every
match, with every answer treated as untrusted (docs/method.md#candidates)."""

from __future__ import annotations

from adaptive_splitters.candidates.llm_regex.candidate import (
    NAME,
    LLMRegexCandidate,
    LLMRegexOutcome,
    with_llm_candidate,
)

__all__ = ["NAME", "LLMRegexCandidate", "LLMRegexOutcome", "with_llm_candidate"]
