"""Sentence boundaries: abbreviations kept inside sentences, CJK, the fallback rule."""

from __future__ import annotations

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
