"""The candidate contract and the name-keyed registry.

A candidate is a named object whose ``spans(doc, context)`` returns spans over ``doc.text``. It may return
overlapping spans or leave gaps; the engine repairs gaps. A candidate that cannot run on a document (``page``
without pages) raises :class:`NotApplicable` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.tokens import TokenCounter


class NotApplicable(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a candidate that does not apply to a document; the message says why."""


@dataclass
class SplitContext:
    """What candidates share within one run: the token counter and the size limits."""

    counter: TokenCounter = field(default_factory=TokenCounter)
    limits: SizeLimits = field(default_factory=SizeLimits)


@runtime_checkable
class Candidate(Protocol):
    """A chunker that returns spans. ``resplit`` says whether post-processing re-splits oversize spans."""

    @property
    def name(self) -> str:
        """The candidate's name, unique within a run."""
        ...

    @property
    def resplit(self) -> bool:
        """Whether post-processing re-splits this candidate's oversize spans."""
        ...

    def spans(self, doc: SourceDocument, context: SplitContext) -> list[Span]:
        """Spans over ``doc.text``, in document order."""
        ...


CandidateFactory = Callable[[SizeLimits], Candidate]

_REGISTRY: dict[str, CandidateFactory] = {}
_PATTERNS: list[tuple[str, re.Pattern[str], Callable[[re.Match[str], SizeLimits], Candidate]]] = []


def register_candidate(name: str, factory: CandidateFactory) -> None:
    """Register ``factory`` (``limits -> Candidate``) under ``name``.

    Registering the same factory again is a no-op; another factory under a taken name raises ``ValueError``.
    """
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not factory:
        msg = f"a candidate named {name!r} is already registered"
        raise ValueError(msg)
    _REGISTRY[name] = factory


def register_candidate_pattern(
    label: str, pattern: str, factory: Callable[[re.Match[str], SizeLimits], Candidate]
) -> None:
    """Register a family of names (``label`` e.g. ``recursive_<N>``, ``pattern`` ``recursive_(\\d+)``)."""
    _PATTERNS.append((label, re.compile(pattern), factory))


def registered_names() -> list[str]:
    """The registered candidate names and name families, sorted."""
    return sorted([*_REGISTRY, *(label for label, _, _ in _PATTERNS)])


def resolve_candidate(spec: str | Candidate, limits: SizeLimits | None = None) -> Candidate:
    """A candidate from a registered name (or family name such as ``recursive_800``) or a candidate object."""
    limits = limits or SizeLimits()
    if not isinstance(spec, str):
        if not isinstance(spec, Candidate):
            msg = f"a candidate must be a name or an object with name, resplit and spans() (received {spec!r})"
            raise TypeError(msg)
        return spec
    factory = _REGISTRY.get(spec)
    if factory is not None:
        return factory(limits)
    for _, pattern, family in _PATTERNS:
        match = pattern.fullmatch(spec)
        if match:
            return family(match, limits)
    msg = f"unknown candidate {spec!r}; registered: {', '.join(registered_names())}"
    raise ValueError(msg)


def validate_spans(spans: list[Span], length: int, name: str) -> list[Span]:
    """Check that a candidate's spans are in order and inside the text; raise ``ValueError`` naming it."""
    previous = 0
    for i, span in enumerate(spans):
        if not isinstance(span, (tuple, list)) or len(span) != 2:
            msg = f"candidate {name!r} returned span {i} {span!r}, not a (start, end) pair"
            raise ValueError(msg)
        start, end = span
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in span) or not 0 <= start <= end <= length:
            msg = f"candidate {name!r} returned span {i} {span!r} outside the text [0, {length}]"
            raise ValueError(msg)
        if start < previous:
            msg = f"candidate {name!r} returned span {i} {span!r} starting before span {i - 1} {spans[i - 1]!r}"
            raise ValueError(msg)
        previous = start
    return [(start, end) for start, end in spans]
