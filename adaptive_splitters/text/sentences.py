"""Sentence boundaries as offsets, offline, with abbreviations handled ("Dr.", "e.g.", "U.S." end no sentence).

Uses pysbd (rule-based Golden Rules segmenter, MIT, pure Python, no model download), run paragraph by paragraph
so that work stays linear in the text and one odd paragraph cannot slow the rest. Its sentences are mapped back
by an anchored forward search inside the paragraph; the spans returned always tile the text.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pysbd
import pysbd.languages

from adaptive_splitters.core import checks
from adaptive_splitters.core.spans import Span

MAX_PIECE_CHARS = 10_000
"""Paragraphs longer than this are fed to the segmenter in line-aligned pieces of about this size."""

# A match never starts inside a run it could have started before (the lookbehinds), so a long run of spaces or
# of dots is read once, not once per character: both stay linear in the text.
_PARAGRAPH_RE = re.compile(r"(?<![ \t])(?:[ \t]*(?:\r\n|\r|\n)){2,}|\x0c")
_FALLBACK_RE = re.compile(r"(?<![.!?…。！？])[.!?…。！？]+[\"'”’)\]]*\s+")
_ABBREVIATIONS = frozenset(
    {"dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "vs", "etc", "no", "art", "fig", "al", "approx", "cf"}
    | {"ca", "inc", "ltd", "co", "corp", "dept", "est", "mt", "p", "pp", "vol", "ed", "eds", "op", "ch", "sec"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "para"}
)


def _segmenter(language: str) -> Any:
    """A new pysbd segmenter, one per call of :func:`sentence_starts`. Only its ``processor`` is used (a new
    ``Processor`` per text, so nothing is shared between threads); ``Segmenter.segment`` would keep the text on the
    instance (``original_text``), which mixed two threads' texts when a segmenter was shared, and map the sentences
    back with one regular expression per sentence over the whole text (quadratic, and a third of segmentation's
    time), where :func:`_piece_starts` maps them with a forward search. Building one costs a dictionary lookup."""
    return pysbd.Segmenter(language=language, clean=False)


_KNOWN_LANGUAGE = checks.one_of(*sorted(pysbd.languages.LANGUAGE_CODES))


def check_language(language: str) -> str:
    """``language`` when the sentence segmenter (pysbd) knows it; ``ValueError`` naming the known ones otherwise
    (an unknown language is never silently split by the simple fallback rule)."""
    return _KNOWN_LANGUAGE("language", language)  # type: ignore[no-any-return]


def sentence_starts(text: str, language: str = "en") -> list[int]:
    """Start offsets of the sentences of ``text`` after the first (strictly increasing, inside the text)."""
    check_language(language)
    segmenter = _segmenter(language)
    starts: list[int] = []
    for start, end in _pieces(text):
        starts.extend(_piece_starts(text, start, end, segmenter))
        if end < len(text) and (not starts or starts[-1] < end):
            starts.append(end)
    return [s for s in starts if 0 < s < len(text)]


def sentence_spans(text: str, language: str = "en") -> list[Span]:
    """Sentence spans tiling ``text``; whitespace after a sentence belongs to it."""
    if not text:
        return []
    bounds = [0, *sentence_starts(text, language), len(text)]
    return list(itertools.pairwise(bounds))


def _pieces(text: str) -> list[Span]:
    """Paragraphs (blank lines and form feeds end one), long ones cut at line ends near the size bound."""
    cuts = [m.end() for m in _PARAGRAPH_RE.finditer(text)]
    bounds = [0, *(c for c in cuts if 0 < c < len(text)), len(text)]
    pieces: list[Span] = []
    for first, end in itertools.pairwise(bounds):
        start = first
        while end - start > MAX_PIECE_CHARS:
            newline = text.rfind("\n", start + MAX_PIECE_CHARS // 2, start + MAX_PIECE_CHARS)
            cut = newline + 1 if newline >= 0 else start + MAX_PIECE_CHARS
            pieces.append((start, cut))
            start = cut
        if end > start:
            pieces.append((start, end))
    return pieces


def _piece_starts(text: str, start: int, end: int, segmenter: Any) -> list[int]:
    """Sentence starts inside ``text[start:end]`` (after its first sentence)."""
    piece = text[start:end]
    if not piece.strip():
        return []
    try:
        sentences = segmenter.processor(piece).process()  # what segment() returns, less its regex mapping
    except Exception:  # a segmenter failure on odd text falls back to the simple rule
        return [start + s for s in _fallback_starts(piece)]
    out: list[int] = []
    cursor = 0
    for sentence in sentences:
        stripped = sentence.strip()
        if not stripped:
            continue
        if piece.startswith(sentence, cursor):
            found = cursor
        else:
            found = piece.find(stripped, cursor)
            if found < 0:
                continue
        if cursor > 0 and found > 0 and (not out or start + found > out[-1]):
            out.append(start + found)  # leading whitespace stays with the first sentence
        cursor = found + len(stripped)
    return out


def _fallback_starts(piece: str) -> list[int]:
    """Starts after sentence-final punctuation, skipping known abbreviations and single initials."""
    out = []
    for match in _FALLBACK_RE.finditer(piece):
        token = _word_before(piece, match.start()).lower().rstrip(".")
        if match.group().startswith(".") and (token in _ABBREVIATIONS or len(token) == 1 or "." in token):
            continue
        if match.end() < len(piece):
            out.append(match.end())
    return out


def _word_before(piece: str, end: int) -> str:
    """The last whitespace-separated word of ``piece[:end]`` (``""`` when there is none), read backwards from
    ``end`` so that each sentence end costs the length of its word, not of the text before it."""
    stop = end
    while stop > 0 and piece[stop - 1].isspace():
        stop -= 1
    start = stop
    while start > 0 and not piece[start - 1].isspace():
        start -= 1
    return piece[start:stop]
