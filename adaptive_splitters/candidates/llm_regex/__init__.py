"""The LLM-regex candidate: a model proposes one delimiter regex for the document; the text is cut before every
match, with every answer treated as untrusted (docs/method.md#llm_regex).

Modules, along the data path: :mod:`.prompt` (what the model reads), :mod:`.model` (asking any model, with a
timeout), :mod:`.bounds` (the bound check on its pattern), :mod:`.pattern` (from the answer to cuts), :mod:`.cache`
(a candidate's answers) and :mod:`.candidate` (the candidate, its outcome and its fallback).
"""

from __future__ import annotations

from adaptive_splitters.candidates.llm_regex.candidate import (
    DEFAULT_LLM_TIMEOUT,
    DEFAULT_TIMEOUT,
    NAME,
    LLMRegexCandidate,
    LLMRegexOutcome,
    with_llm_candidate,
)

__all__ = [
    "DEFAULT_LLM_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "NAME",
    "LLMRegexCandidate",
    "LLMRegexOutcome",
    "with_llm_candidate",
]
