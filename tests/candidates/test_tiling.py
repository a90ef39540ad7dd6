"""The tiling guarantee (DESIGN rule 2), property-tested for every registered candidate, raw and post-processed.

Random text over a wide alphabet: ASCII, CJK, emoji with ZWJ, combining marks, RTL, CRLF, NUL, lone
surrogates, long lines, markdown markup and repeated passages. Without overlap the spans tile the text; with
overlap every character is covered and every chunk's text is ``source[start:end]``; the same input gives the
same spans.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_splitters.candidates import (
    Candidate,
    FunctionCandidate,
    NotApplicable,
    RecursiveCandidate,
    SentenceCandidate,
    SplitContext,
    resolve_candidate,
)
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import Chunk, check_tiling
from adaptive_splitters.postprocess import candidate_spans
from adaptive_splitters.text.recursive import RecursiveSplitter
from adaptive_splitters.text.structure import with_detected_structure

LIMITS = SizeLimits(max_tokens=30, min_tokens=5, merge_limit=35)
CONTEXT = SplitContext(limits=LIMITS)

PIECES = [
    "Hello world. ",
    "Dr. Smith, e.g. the U.S. one. ",
    "\n",
    "\n\n",
    "\r\n",
    "\r\n\r\n",
    "# Title\n\n",
    "## Sub\n",
    "### Deep\n",
    "- item\n",
    "1. first\n",
    "| a | b |\n",
    "<Table>\n| x |\n</Table>\n\n",
    "<Figure>\ncap\n</Figure>\n\n",
    "```\ncode\n```\n",
    "<!-- PageBreak -->\n\n",
    "\x0c",
    "\x00",
    "日本語の文章です。",
    "中文句子！",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "e\u0301\u0301",
    "שלום עולם. ",
    "مرحبا بالعالم. ",
    "\ud800",
    "\udfff",
    "\u2028",
    "\x85",
    "x" * 300,
    "word " * 60,
]

texts = st.one_of(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.tuples(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), st.integers(1, 12)).map(
        lambda pair: pair[0] * pair[1]
    ),
)


def _user_strings(text: str) -> list[str]:
    """A user chunker returning strings: fixed 37-character pieces (they tile the text)."""
    return [text[i : i + 37] for i in range(0, len(text), 37)]


def _user_spans(text: str) -> list[tuple[int, int]]:
    """A user chunker returning spans with gaps, repaired by post-processing."""
    return [(i, min(len(text), i + 20)) for i in range(5, len(text), 29)]


CANDIDATES: dict[str, Candidate] = {
    "recursive_20": resolve_candidate("recursive_20", LIMITS),
    "recursive_30": RecursiveCandidate(chunk_size=30),
    "page": resolve_candidate("page", LIMITS),
    "sentence": resolve_candidate("sentence", LIMITS),
    "sentence_k1": SentenceCandidate(sentences_per_chunk=1),
    "markdown_sections": resolve_candidate("markdown_sections", LIMITS),
    "user_strings": FunctionCandidate("user_strings", _user_strings),
}

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spans(candidate: Candidate, text: str, *, raw: bool) -> list[tuple[int, int]] | None:
    doc = with_detected_structure(SourceDocument.build(text))
    try:
        return candidate_spans(candidate, doc, CONTEXT, raw=raw)
    except NotApplicable:
        return None


@pytest.mark.parametrize("raw", [True, False], ids=["raw", "post"])
@pytest.mark.parametrize("name", sorted(CANDIDATES))
@SETTINGS
@given(text=texts)
def test_spans_tile_the_text(name: str, raw: bool, text: str) -> None:
    candidate = CANDIDATES[name]
    spans = _spans(candidate, text, raw=raw)
    if spans is None:
        assert name in ("page", "markdown_sections")
        return
    check_tiling(spans, len(text))
    assert "".join(text[s:e] for s, e in spans) == text
    assert _spans(candidate, text, raw=raw) == spans  # deterministic


@SETTINGS
@given(text=texts)
def test_user_spans_with_gaps_are_repaired(text: str) -> None:
    spans = _spans(FunctionCandidate("user_spans", _user_spans), text, raw=False)
    assert spans is not None
    check_tiling(spans, len(text))


@pytest.mark.parametrize("merging", ["to_chunk_size", "small_only"])
@pytest.mark.parametrize("order", ["forward", "backward"])
@SETTINGS
@given(text=texts)
def test_overlap_covers_every_character(merging: str, order: str, text: str) -> None:
    splitter = RecursiveSplitter(
        chunk_size=20,
        chunk_overlap=6,
        merging=merging,  # type: ignore[arg-type]
        merging_order=order,  # type: ignore[arg-type]
        min_chunk_tokens=5,
        counter=CONTEXT.counter,
    )
    spans = splitter.split_spans(text)
    covered = 0
    for start, end in spans:
        assert start <= covered, f"gap before {start}"
        covered = max(covered, end)
        chunk = Chunk.from_span(text, (start, end))
        assert chunk.text == text[start:end]
    assert covered == len(text)
    assert splitter.split_spans(text) == spans
    post = candidate_spans(RecursiveCandidate(chunk_size=20, chunk_overlap=6), SourceDocument.build(text), CONTEXT)
    covered = 0
    for start, end in post:
        assert start <= covered
        covered = max(covered, end)
    assert covered == len(text)
