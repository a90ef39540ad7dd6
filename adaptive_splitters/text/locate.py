"""Mapping a chunker's strings back to spans: the one place that searches text.

Used for user candidates and for baselines (LangChain's splitters) that return strings. Each string is
looked up by one anchored forward search: first exactly at the previous chunk's end (contiguous chunks),
otherwise at the first occurrence after the previous chunk's start (overlapping chunks, or a gap that
post-processing repairs).
"""

from __future__ import annotations

from collections.abc import Sequence

from adaptive_splitters.core.spans import Span


def spans_from_strings(text: str, pieces: Sequence[str], name: str = "candidate") -> list[Span]:
    """Spans of ``pieces`` in ``text``, in order.

    Raises:
        ValueError: a piece does not occur at or after the previous piece's start; the message names the
            candidate and the chunk index.
    """
    spans: list[Span] = []
    prev_start, prev_end = 0, 0
    for index, piece in enumerate(pieces):
        if not isinstance(piece, str):
            msg = f"candidate {name!r} returned chunk {index} of type {type(piece).__name__}, not str"
            raise TypeError(msg)
        if not piece:
            spans.append((prev_end, prev_end))
            continue
        start = _next_occurrence(text, piece, prev_start + 1 if spans else 0, prev_end)
        if start < 0:
            msg = (
                f"candidate {name!r} returned chunk {index} ({piece[:40]!r}...) that does not occur in the "
                f"text at or after offset {prev_start}"
            )
            raise ValueError(msg)
        spans.append((start, start + len(piece)))
        prev_start, prev_end = start, start + len(piece)
    return spans


def _next_occurrence(text: str, piece: str, search_from: int, prev_end: int) -> int:
    """Where ``piece`` continues the chunks: exactly at ``prev_end`` when it is there (contiguous chunks),
    otherwise the first occurrence at or after ``search_from`` that reaches past ``prev_end`` (an overlap or a
    gap); an occurrence lying wholly inside the previous chunk would duplicate text and is skipped."""
    if text.startswith(piece, prev_end):
        return prev_end
    start = text.find(piece, search_from)
    while start >= 0 and start + len(piece) <= prev_end:
        start = text.find(piece, start + 1)
    return start
