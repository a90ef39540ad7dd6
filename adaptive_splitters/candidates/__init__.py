"""Candidate chunkers. Each returns spans; the registry resolves them by name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from adaptive_splitters.candidates.base import (
    Candidate,
    NotApplicable,
    Notes,
    Split,
    SplitContext,
    register_candidate,
    register_candidate_pattern,
    registered_names,
    resolve_candidate,
)
from adaptive_splitters.candidates.llm_regex import LLMRegexCandidate, with_llm_candidate
from adaptive_splitters.candidates.page import PageCandidate
from adaptive_splitters.candidates.recursive import RecursiveCandidate
from adaptive_splitters.candidates.sections import MarkdownSectionsCandidate
from adaptive_splitters.candidates.semantic import SemanticCandidate
from adaptive_splitters.candidates.sentence import SentenceCandidate
from adaptive_splitters.candidates.structure_pattern import StructurePatternCandidate
from adaptive_splitters.candidates.user import FunctionCandidate, register_user_candidate
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.text.recursive import RecursiveSplitter
from adaptive_splitters.text.separators import SEPARATORS


def _recursive(match: re.Match[str], limits: SizeLimits) -> Candidate:
    return RecursiveCandidate(chunk_size=int(match.group(1)))


def _page(limits: SizeLimits) -> Candidate:
    return PageCandidate()


def _sentence(limits: SizeLimits) -> Candidate:
    return SentenceCandidate()


def _markdown_sections(limits: SizeLimits) -> Candidate:
    return MarkdownSectionsCandidate()


def _llm_regex(limits: SizeLimits) -> Candidate:
    msg = "candidate 'llm_regex' needs a model: pass llm=... to AdaptiveChunker (or LLMRegexCandidate(llm))"
    raise ValueError(msg)


register_candidate_pattern("recursive_<N>", r"recursive_([1-9]\d*)", _recursive)
register_candidate("page", _page)
register_candidate("llm_regex", _llm_regex)
register_candidate("sentence", _sentence)
register_candidate("markdown_sections", _markdown_sections)
register_candidate("semantic", lambda limits: SemanticCandidate())
register_candidate("structure_pattern", lambda limits: StructurePatternCandidate())


def resolve_candidates(
    specs: Sequence[str | Candidate] | None, limits: SizeLimits, llm: Any = None, llm_timeout: float = 60.0
) -> list[Candidate]:
    """The candidates of a chunker: ``specs`` (names or objects; default :func:`default_candidate_names`), with
    ``llm_regex`` bound to ``llm`` when a model is given. Raises ``ValueError`` for none or a name listed twice."""
    names = list(specs) if specs is not None else default_candidate_names(limits.max_tokens)
    if llm is not None:
        names = with_llm_candidate(names, llm, llm_timeout=llm_timeout)
    if not names:
        msg = "candidates must name at least one candidate"
        raise ValueError(msg)
    candidates = [resolve_candidate(c, limits) for c in names]
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.name in seen:
            msg = f"candidate {candidate.name!r} is listed twice"
            raise ValueError(msg)
        seen.add(candidate.name)
    return candidates


def fallback_candidate(limits: SizeLimits) -> Candidate:
    """What runs when no requested candidate applies: the recursive splitter at the chunk size."""
    return RecursiveCandidate(chunk_size=limits.max_tokens)


def default_candidate_names(chunk_size: int = 1100) -> list[str]:
    """The default candidates: ``recursive_{size}``, ``recursive_{round(size*600/1100)}`` and ``page`` (one
    recursive candidate when the two sizes coincide, as for a chunk size of 1)."""
    small = max(1, round(chunk_size * 600 / 1100))
    return list(dict.fromkeys([f"recursive_{chunk_size}", f"recursive_{small}", "page"]))


__all__ = [
    "SEPARATORS",
    "Candidate",
    "FunctionCandidate",
    "LLMRegexCandidate",
    "MarkdownSectionsCandidate",
    "NotApplicable",
    "Notes",
    "PageCandidate",
    "RecursiveCandidate",
    "RecursiveSplitter",
    "SemanticCandidate",
    "SentenceCandidate",
    "Split",
    "SplitContext",
    "StructurePatternCandidate",
    "default_candidate_names",
    "fallback_candidate",
    "register_candidate",
    "register_user_candidate",
    "registered_names",
    "resolve_candidate",
    "resolve_candidates",
]
