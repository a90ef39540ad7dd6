"""Mapping a chunker's strings back to spans: the one place that searches text.

Used for user candidates and for baselines (LangChain's splitters) that return strings. Each string is
looked up by one anchored forward search: first exactly at the previous chunk's end (contiguous chunks),
otherwise at the first occurrence after the previous chunk's start (overlapping chunks, or a gap that
post-processing repairs).
"""

from __future__ import annotations

from collections.abc import Sequence

from adaptive_splitters.types import Span


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
        if text.startswith(piece, prev_end):
            start = prev_end
        else:
            start = text.find(piece, prev_start + 1 if spans else 0)
            if start < 0:
                msg = (
                    f"candidate {name!r} returned chunk {index} ({piece[:40]!r}...) that does not occur in the "
                    f"text at or after offset {prev_start}"
                )
                raise ValueError(msg)
        spans.append((start, start + len(piece)))
        prev_start, prev_end = start, start + len(piece)
    return spans
