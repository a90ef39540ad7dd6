"""Plain value types shared by every stage: spans and chunks.

A span is a half-open ``(start, end)`` pair of character offsets into one source text. Every candidate,
post-processing step and metric works on spans; a chunk's text is always ``source[start:end]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]
"""A half-open character range ``[start, end)`` into the source text."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk of a source text: ``text == source[start:end]`` always holds.

    Build chunks from spans (:meth:`from_span`, :func:`chunks_from_spans`), never from free text.
    """

    text: str
    start: int
    end: int
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            msg = f"Chunk offsets must satisfy 0 <= start <= end (received start={self.start}, end={self.end})"
            raise ValueError(msg)
        if len(self.text) != self.end - self.start:
            msg = (
                f"Chunk text has {len(self.text)} characters but its span [{self.start}, {self.end}) "
                f"covers {self.end - self.start}"
            )
            raise ValueError(msg)

    @classmethod
    def from_span(cls, source: str, span: Span, metadata: Mapping[str, Any] | None = None) -> Chunk:
        """The chunk of ``source`` at ``span``."""
        start, end = span
        if end > len(source):
            msg = f"span [{start}, {end}) ends past the text ({len(source)} characters)"
            raise ValueError(msg)
        return cls(source[start:end], start, end, dict(metadata or {}))

    @property
    def span(self) -> Span:
        """The chunk's ``(start, end)`` offsets."""
        return (self.start, self.end)


def chunks_from_spans(
    source: str, spans: Iterable[Span], metadata: Sequence[Mapping[str, Any]] | None = None
) -> list[Chunk]:
    """Chunks for ``spans`` over ``source``; the i-th chunk's text is ``source[spans[i][0]:spans[i][1]]``."""
    spans = list(spans)
    metas = list(metadata) if metadata is not None else [{}] * len(spans)
    if len(metas) != len(spans):
        msg = f"{len(metas)} metadata mappings given for {len(spans)} spans"
        raise ValueError(msg)
    return [Chunk.from_span(source, span, meta) for span, meta in zip(spans, metas, strict=True)]


def check_tiling(spans: Sequence[Span], length: int) -> None:
    """Raise ``ValueError`` unless ``spans`` tile ``[0, length)`` exactly, in order, with no gap or overlap."""
    expected = 0
    for i, (start, end) in enumerate(spans):
        if start != expected or end < start:
            msg = f"span {i} [{start}, {end}) does not continue the tiling at offset {expected}"
            raise ValueError(msg)
        expected = end
    if spans and expected != length:
        msg = f"spans end at {expected}, not at the text's end ({length})"
        raise ValueError(msg)
    if not spans and length:
        msg = f"no spans for a text of {length} characters"
        raise ValueError(msg)


def stripped_span(text: str, start: int, end: int) -> Span | None:
    """``[start, end)`` without its leading and trailing whitespace, as offsets; ``None`` when it is all blank."""
    first, last = start, end
    while first < last and text[first].isspace():
        first += 1
    while last > first and text[last - 1].isspace():
        last -= 1
    return (first, last) if first < last else None
