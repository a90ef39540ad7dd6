"""Stage 1's contract: a candidate's ``split(doc, context)`` returns a :class:`Split`, its spans and its notes.

Spans may overlap or leave gaps; post-processing repairs gaps. A candidate that cannot run on a document
(``page`` without pages) raises :class:`NotApplicable` with the reason. Names resolve through the one registry
(:mod:`adaptive_splitters.core.registry`); see docs/method.md#candidates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from adaptive_splitters.core import checks
from adaptive_splitters.core.config import KeepSeparator
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.registry import REGISTRY
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.recursive import RecursiveSplitter
from adaptive_splitters.text.tokens import TokenCounter


class NotApplicable(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a candidate that does not apply to a document; the message says why."""


@dataclass
class SplitContext:
    """What candidates share within one document's run: the token counter, the size limits, for candidates
    that embed (``semantic``) the document's span vectors (the same ones, and cache, the metrics then read), where
    the recursive splitter keeps the separators it cuts at, and whether post-processing carries headings. The
    defaults are the paper's; the engine builds its context from its settings (``AdaptiveChunker.split_context``)."""

    counter: TokenCounter = field(default_factory=TokenCounter)
    limits: SizeLimits = field(default_factory=SizeLimits)
    vectors: Callable[[], Any] | None = None
    keep_separator: KeepSeparator = "start"
    carry_headings: bool = False

    def splitter(self, chunk_size: int | None = None, chunk_overlap: int = 0) -> RecursiveSplitter:
        """The recursive splitter at ``chunk_size`` (default: the size limit) with this run's counter and
        separators."""
        size = self.limits.max_tokens if chunk_size is None else chunk_size
        return RecursiveSplitter(size, chunk_overlap, counter=self.counter, keep_separator=self.keep_separator)

    def span_vectors(self) -> Any:
        """The document's :class:`~adaptive_splitters.embeddings.SpanVectors` (built on first use, then shared).

        Raises ``RuntimeError`` outside an engine run, where no embedder is at hand.
        """
        if self.vectors is None:
            msg = "this candidate embeds text: run it through AdaptiveChunker, which provides the embedder"
            raise RuntimeError(msg)
        return self.vectors()


@dataclass(frozen=True)
class Notes:
    """What a candidate recorded about its run on one document.

    Attributes:
        metadata: added to each of its chunks' metadata (``None`` values are left out of framework records).
        report: its entry in ``AdaptiveResult.notes`` and in ``evaluate``'s JSON.
        reason: a sentence appended to the selection's reason.
    """

    metadata: Mapping[str, Any] = field(default_factory=dict)
    report: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class Split:
    """A candidate's output on one document: its spans over ``doc.text`` and, when it keeps any, its notes."""

    spans: list[Span]
    notes: Notes | None = None


@runtime_checkable
class Candidate(Protocol):
    """A chunker: ``split`` returns its spans (and notes); ``resplit`` says whether post-processing re-splits
    its oversize spans."""

    @property
    def name(self) -> str:
        """The candidate's name, unique within a run."""
        ...

    @property
    def resplit(self) -> bool:
        """Whether post-processing re-splits this candidate's oversize spans."""
        ...

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """Spans over ``doc.text``, in document order, with the candidate's notes."""
        ...


CandidateFactory = Callable[[SizeLimits], Candidate]


def register_candidate(name: str, factory: CandidateFactory) -> None:
    """Register ``factory`` (``limits -> Candidate``) under ``name``.

    Registering the same factory again is a no-op; another factory under a taken name raises ``ValueError``.
    """
    existing = REGISTRY.candidates.get(name)
    if existing is None:
        REGISTRY.candidates[name] = factory
    elif existing != factory:
        msg = f"a candidate named {name!r} is already registered"
        raise ValueError(msg)


def register_candidate_pattern(
    label: str, pattern: str, factory: Callable[[re.Match[str], SizeLimits], Candidate]
) -> None:
    """Register a family of names (``label`` e.g. ``recursive_<N>``, ``pattern`` ``recursive_(\\d+)``)."""
    REGISTRY.candidate_families.append((label, re.compile(pattern), factory))


def registered_names() -> list[str]:
    """The registered candidate names and name families, sorted."""
    return sorted([*REGISTRY.candidates, *(label for label, _, _ in REGISTRY.candidate_families)])


def resolve_candidate(spec: str | Candidate, limits: SizeLimits | None = None) -> Candidate:
    """A candidate from a registered name (or family name such as ``recursive_800``) or a candidate object."""
    limits = limits or SizeLimits()
    if not isinstance(spec, str):
        if not isinstance(spec, Candidate):
            msg = f"a candidate must be a name or an object with name, resplit and split() (received {spec!r})"
            raise TypeError(msg)
        return spec
    factory = REGISTRY.candidates.get(spec)
    if factory is not None:
        return _checked(factory(limits), spec)
    for _, pattern, family in REGISTRY.candidate_families:
        match = pattern.fullmatch(spec)
        if match:
            return _checked(family(match, limits), spec)
    msg = f"unknown candidate {spec!r}; registered: {', '.join(registered_names())}"
    raise ValueError(msg)


def _checked(candidate: Any, name: str) -> Candidate:
    if not isinstance(candidate, Candidate):
        msg = f"the factory registered as {name!r} returned {candidate!r}, not a candidate"
        raise TypeError(msg)
    return candidate


def validate_spans(spans: list[Span], length: int, name: str) -> list[Span]:
    """Check that a candidate's spans are in order and inside the text; raise ``ValueError`` naming it."""
    previous = 0
    for i, span in enumerate(spans):
        if not isinstance(span, (tuple, list)) or len(span) != 2:
            msg = f"candidate {name!r} returned span {i} {span!r}, not a (start, end) pair"
            raise ValueError(msg)
        start, end = span
        if not all(checks.is_integer(x) for x in span) or not 0 <= start <= end <= length:
            msg = f"candidate {name!r} returned span {i} {span!r} outside the text [0, {length}]"
            raise ValueError(msg)
        if start < previous:
            msg = f"candidate {name!r} returned span {i} {span!r} starting before span {i - 1} {spans[i - 1]!r}"
            raise ValueError(msg)
        previous = start
    return [(int(start), int(end)) for start, end in spans]


def run_candidate(candidate: Candidate, doc: SourceDocument, context: SplitContext) -> Split:
    """``candidate``'s split of ``doc``, its spans checked to lie in order inside the text (none for an empty text).

    Raises :class:`NotApplicable` when the candidate does not apply, ``TypeError`` when it returns no
    :class:`Split`, and ``ValueError`` naming it for spans outside the text or out of order.
    """
    if not doc.text:
        return Split([])
    split = candidate.split(doc, context)
    if not isinstance(split, Split):
        msg = f"candidate {candidate.name!r} returned {type(split).__name__} from split(), not a Split"
        raise TypeError(msg)
    return Split(validate_spans(list(split.spans), len(doc.text), candidate.name), split.notes)
