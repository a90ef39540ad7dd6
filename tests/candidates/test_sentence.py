"""The sentence candidate's k-sentence spans, post-processed."""

from __future__ import annotations

import pytest

from adaptive_splitters.candidates import SentenceCandidate, SplitContext, resolve_candidate
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import check_tiling
from adaptive_splitters.postprocess import candidate_spans


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
