"""The markdown sections candidate: one span per section at the chosen depth, cut deeper when too large."""

from __future__ import annotations

import pytest

from adaptive_splitters.candidates import MarkdownSectionsCandidate, NotApplicable, SplitContext, resolve_candidate
from adaptive_splitters.core.document import SourceDocument, Title
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import check_tiling
from adaptive_splitters.postprocess import candidate_spans

TEXT = "intro\n# A\ntext\n## B\nx\n### C\ny\n## D\nz\n# E\n"
# offsets: # A 6, ## B 15, ### C 22, ## D 30, # E 37, end 41


def test_sections_at_level_two_by_default() -> None:
    doc = SourceDocument.build(TEXT)
    assert resolve_candidate("markdown_sections").split(doc, SplitContext()).spans == [
        (0, 6),
        (6, 15),
        (15, 30),
        (30, 37),
        (37, 41),
    ]


def test_chosen_depth() -> None:
    doc = SourceDocument.build(TEXT)
    assert MarkdownSectionsCandidate(max_level=1).split(doc, SplitContext()).spans == [(0, 6), (6, 37), (37, 41)]
    assert MarkdownSectionsCandidate(max_level=3).split(doc, SplitContext()).spans[2:4] == [(15, 22), (22, 30)]


def test_oversize_section_is_cut_at_deeper_headings_first() -> None:
    body = "word " * 40  # 40 tokens
    text = f"# Top\n{body}\n### Sub one\n{body}\n### Sub two\n{body}\n"
    doc = SourceDocument.build(text)
    context = SplitContext(limits=SizeLimits(max_tokens=60, min_tokens=1))
    sub_one = text.index("### Sub one")
    sub_two = text.index("### Sub two")
    assert MarkdownSectionsCandidate().split(doc, context).spans == [
        (0, sub_one),
        (sub_one, sub_two),
        (sub_two, len(text)),
    ]


def test_given_titles_are_used() -> None:
    text = "aaaa bbbb cccc"
    doc = SourceDocument.build(text, titles=[Title("bbbb", 5, 14, 1)])
    assert MarkdownSectionsCandidate().split(doc, SplitContext()).spans == [(0, 5), (5, 14)]


def test_no_headings_is_not_applicable() -> None:
    with pytest.raises(NotApplicable, match="no headings"):
        MarkdownSectionsCandidate().split(SourceDocument.build("plain text"), SplitContext())


def test_post_processing_splits_what_is_still_too_large() -> None:
    text = "# Only\n" + "word " * 200
    doc = SourceDocument.build(text)
    context = SplitContext(limits=SizeLimits(max_tokens=50, min_tokens=5, merge_limit=50))
    post = candidate_spans(MarkdownSectionsCandidate(), doc, context)
    check_tiling(post, len(text))
    assert all(context.counter(text[s:e]) <= 50 for s, e in post)
    assert len(post) >= 4


def test_bad_level() -> None:
    with pytest.raises(ValueError, match="max_level"):
        MarkdownSectionsCandidate(max_level=13)
