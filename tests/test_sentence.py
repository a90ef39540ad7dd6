"""Sentence boundaries (abbreviations kept inside sentences) and the sentence candidate's k-sentence spans."""

from __future__ import annotations

import pytest

from adaptive_splitters.candidates import SentenceCandidate, SplitContext, resolve_candidate
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import check_tiling
from adaptive_splitters.postprocess import candidate_spans
from adaptive_splitters.text.sentences import _fallback_starts, sentence_spans, sentence_starts

TEXT = "Dr. Smith met the U.S. team, e.g. Mr. Jones. They left at 5 p.m. on Jan. 3!\n\nNew paragraph here? Yes."


def test_abbreviations_do_not_end_sentences() -> None:
    spans = sentence_spans(TEXT)
    assert spans == [(0, 45), (45, 77), (77, 97), (97, 101)]
    assert [TEXT[s:e] for s, e in spans] == [
        "Dr. Smith met the U.S. team, e.g. Mr. Jones. ",
        "They left at 5 p.m. on Jan. 3!\n\n",
        "New paragraph here? ",
        "Yes.",
    ]


def test_leading_whitespace_joins_the_first_sentence() -> None:
    assert sentence_spans("  One here. Two there.") == [(0, 12), (12, 22)]


def test_cjk_and_empty() -> None:
    assert sentence_spans("日本語の文章です。次の文です。") == [(0, 9), (9, 15)]
    assert sentence_spans("") == []
    assert sentence_starts("no punctuation at all") == []


def test_fallback_rule_keeps_abbreviations() -> None:
    text = "Dr. Smith, e.g. the U.S. one. He left at 3 p.m. today! Next."
    starts = _fallback_starts(text)
    assert [text[s : s + 4] for s in starts] == ["He l", "Next"]


def test_candidate_groups_k_sentences() -> None:
    text = "One is here. Two is here. Three is here. Four is here. Five is here."
    doc = SourceDocument.build(text)
    context = SplitContext()
    assert SentenceCandidate(sentences_per_chunk=2).split(doc, context).spans == [(0, 26), (26, 55), (55, 68)]
    assert SentenceCandidate(sentences_per_chunk=5).split(doc, context).spans == [(0, 68)]
    assert resolve_candidate("sentence").split(doc, context).spans == [(0, 68)]


def test_candidate_is_post_processed() -> None:
    text = " ".join(f"Sentence number {i} is short." for i in range(40))
    doc = SourceDocument.build(text)
    context = SplitContext(limits=SizeLimits(max_tokens=30, min_tokens=20, merge_limit=35))
    raw = candidate_spans(SentenceCandidate(sentences_per_chunk=1), doc, context, raw=True)
    post = candidate_spans(SentenceCandidate(sentences_per_chunk=1), doc, context)
    assert len(raw) == 40
    check_tiling(post, len(text))
    assert len(post) < len(raw)  # small sentences merged
    assert all(context.counter(text[s:e]) <= 35 for s, e in post)


def test_bad_k() -> None:
    with pytest.raises(ValueError, match="sentences_per_chunk"):
        SentenceCandidate(sentences_per_chunk=0)
