"""What one engine run returns: the chosen candidate's chunks, every candidate's scores, why, and what it cost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Chunk, Span

if TYPE_CHECKING:
    from adaptive_splitters.levels import Parents


@dataclass
class AdaptiveResult:
    """The outcome for one document.

    Attributes:
        chosen: the winning candidate's name.
        chunks: the winner's chunks; metadata ``candidate``, ``chunk_index``, ``pages``, ``section``.
        scores: candidate → metric → value in [0, 1], or ``None`` where the metric is undefined.
        objective: candidate → the value the selection maximised.
        candidates: candidate → its chunks.
        reason: why the winner won.
        skipped: candidate → why it did not apply.
        pairs_source: where the entity-pronoun pairs came from: ``given``, ``heuristic``, ``callable`` or ``none``.
        document: the document as scored (with detected structure filled in).
        notes: candidate → what it recorded, for candidates that keep notes (``llm_regex``: ``regex``, the
            pattern used or ``None``; ``fallback``, why it fell back or ``None``; also in its chunks' metadata as
            ``llm_regex_pattern`` and ``llm_regex_fallback``, and in ``reason``).
        fallback: why ``recursive_{chunk_size}`` was run instead of the requested candidates (none applied), or
            ``None``.
        parents: with ``parent_size``, the context units the chunks are grouped into (each chunk's ``parent``
            metadata is its index), the parent candidate chosen, every parent candidate's scores and why
            (:class:`~adaptive_splitters.levels.Parents`); ``None`` with one level.
    """

    chosen: str
    chunks: list[Chunk]
    scores: dict[str, dict[str, float | None]]
    objective: dict[str, float | None]
    candidates: dict[str, list[Chunk]]
    reason: str
    skipped: dict[str, str]
    pairs_source: str
    document: SourceDocument
    cost: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    fallback: str | None = None
    parents: Parents | None = None

    def spans(self, candidate: str | None = None) -> list[Span]:
        """The spans of ``candidate`` (the winner by default)."""
        return [c.span for c in self.candidates[candidate or self.chosen]]


class Cost:
    """Wall time per stage and embedding work of one run (``AdaptiveResult.cost``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.embedding: dict[str, int] = {}
        self._start = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Add the time spent in the ``with`` block to stage ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def embedding_call(self, chars: int) -> None:
        """An embedding call starts with ``chars`` new characters (a corpus run's cost reports it as progress)."""

    def embedding_batch(self, chars: int) -> None:
        """An embedding batch of ``chars`` characters is done (likewise)."""

    def report(self) -> dict[str, Any]:
        """``{"seconds": {stage: s, ..., "total": s}, "embedding": {texts_embedded, tokens_embedded, ...}}``."""
        seconds = {k: round(v, 6) for k, v in self.seconds.items()}
        seconds["total"] = round(time.perf_counter() - self._start, 6)
        return {"seconds": seconds, "embedding": dict(self.embedding)}
