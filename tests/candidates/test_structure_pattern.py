"""The structure_pattern candidate (docs/method.md#structure_pattern): tiling, exact offsets, the chosen family on
hand-written documents of each kind, NotApplicable on prose, linear time, and its notes through the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from bounded import run_bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_splitters.candidates import (
    NotApplicable,
    Split,
    SplitContext,
    StructurePatternCandidate,
    resolve_candidate,
)
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import check_tiling
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.postprocess import candidate_spans
from adaptive_splitters.readers import read_document
from adaptive_splitters.text.patterns import detect_families
from adaptive_splitters.text.structure import with_detected_structure

ROOT = Path(__file__).resolve().parents[2]
CLAIR = ROOT.parent / "shared" / "data" / "clair" / "parsed"
CLAIR_FILES = sorted(CLAIR.glob("*.json")) if CLAIR.is_dir() else []
LIMITS = SizeLimits(max_tokens=400, min_tokens=150, merge_limit=450)
CANDIDATE = StructurePatternCandidate()

SENTENCE = (
    "the supplier shall provide services to the customer in accordance with this agreement and the applicable "
    "law while keeping records of every request made under it and reporting any delay without undue notice"
)
WORDS = SENTENCE.split(" ")


def para(seed: int, words: int = 110) -> str:
    """A deterministic paragraph of ``words`` words (110 words: about 120 tokens, over 500 characters)."""
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)).capitalize() + "."


def contract() -> str:
    parts = ["SERVICES AGREEMENT\n\n" + para(0, 30) + "\n\n"]
    for n, title in enumerate(["DEFINITIONS", "SERVICES", "FEES", "TERM", "LIABILITY", "GENERAL"], start=1):
        parts.append(f"ARTICLE {n} - {title}\n\n{n}.1 {para(n)}\n\n{n}.2 {para(n + 10)}\n\n")
    return "".join(parts)


def markdown() -> str:
    parts = ["# Handbook\n\n" + para(1, 30) + "\n\n"]
    parts += [f"## Chapter {n}\n\n{para(n)}\n\n{para(n + 3)}\n\n" for n in range(1, 6)]
    return "".join(parts)


def report(*, big_part: int = 0) -> str:
    """Five numbered parts of two subsections each; part ``big_part`` has four longer ones (too large for 400)."""
    parts = ["Annual report of the committee\n\n"]
    for n in range(1, 6):
        parts.append(f"{n}. Part {n}\n\n")
        subs, words = (4, 110) if n == big_part else (2, 110 if not big_part else 60)
        parts += [f"{n}.{k} Topic\n\n{para(n * 10 + k, words)}\n\n" for k in range(1, subs + 1)]
    return "".join(parts)


def items() -> str:
    parts = ["The supplier undertakes the following obligations.\n\n"]
    parts += [
        f"({letter}) {para(k)}\n\nThis obligation {para(k + 20).lower()}\n\n" for k, letter in enumerate("abcdef")
    ]
    return "".join(parts)


def prose() -> str:
    return "\n\n".join(para(k) for k in range(12))


def split(text: str, limits: SizeLimits = LIMITS, *, detect: bool = True) -> tuple[SourceDocument, Split]:
    doc = SourceDocument.build(text)
    doc = with_detected_structure(doc) if detect else doc
    return doc, CANDIDATE.split(doc, SplitContext(limits=limits))


def pattern(text: str, limits: SizeLimits = LIMITS, *, detect: bool = True) -> str:
    notes = split(text, limits, detect=detect)[1].notes
    assert notes is not None
    return str(notes.report["pattern"])


def test_registered_under_its_name() -> None:
    candidate = resolve_candidate("structure_pattern", LIMITS)
    assert isinstance(candidate, StructurePatternCandidate)
    assert candidate.name == "structure_pattern"
    assert candidate.resplit is True


@pytest.mark.parametrize(
    ("make", "expected"),
    [(contract, "article"), (markdown, "markdown_h2"), (report, "numbered_1"), (items, "item_alpha")],
    ids=["contract", "markdown", "numbered_report", "items"],
)
def test_the_documents_own_family_is_chosen(make: object, expected: str) -> None:
    assert callable(make)
    text = make()
    _, result = split(text)
    assert pattern(text) == expected
    assert result.notes is not None
    assert result.notes.metadata == {"structure_pattern": expected}
    assert result.notes.reason == f"structure_pattern cut at {expected}"
    assert result.notes.report["families"][expected] >= 2
    check_tiling(result.spans, len(text))


def test_a_hierarchy_cuts_oversize_pieces_at_the_next_family() -> None:
    """Parts fit but part 3; its subsections fit, the other parts' do not: cut at ``1.``, then part 3 at ``1.2``
    (without blocks, so every numbered line may be a cut)."""
    limits = SizeLimits(max_tokens=400, min_tokens=100, merge_limit=450)
    text = report(big_part=3)
    assert pattern(text, limits, detect=False) == "numbered_1 > numbered_2"
    _, result = split(text, limits, detect=False)
    cuts = [s for s, _ in result.spans[1:]]
    assert cuts == sorted(
        [text.index(f"\n{n}. Part {n}") + 1 for n in range(1, 6)]
        + [text.index(f"\n3.{k} Topic") + 1 for k in range(1, 5)]
    )


def test_cuts_are_exactly_the_chosen_lines_that_begin_blocks() -> None:
    text = contract()
    doc, result = split(text)
    assert doc.split_points is not None
    articles = {f.name: f.starts for f in detect_families(text)}["article"]
    cuts = [s for s, _ in result.spans[1:]]
    assert cuts == [s for s in articles if s in set(doc.split_points)]
    assert all(text[s:].startswith("ARTICLE ") for s in cuts)
    assert text.index("ARTICLE 1") not in cuts  # joined to the short preamble: not a block start


def test_without_blocks_every_line_of_the_family_is_a_cut() -> None:
    text = contract()
    _, result = split(text, detect=False)
    assert [s for s, _ in result.spans[1:]] == [text.index(f"ARTICLE {n} ") for n in range(1, 7)]


def test_plain_prose_is_not_applicable() -> None:
    with pytest.raises(NotApplicable, match="no repeated structure pattern"):
        split(prose())
    with pytest.raises(NotApplicable):
        split("# Only one heading\n\n" + prose())


def test_ties_go_to_the_earlier_family() -> None:
    """``ARTICLE n - TITLE`` lines are also all-caps lines: the same cuts, so the fixed order picks ``article``."""
    text = contract()
    families = {f.name: f.starts for f in detect_families(text)}
    assert set(families["article"]) <= set(families["caps_heading"])
    assert pattern(text) == "article"


@pytest.mark.skipif(not CLAIR_FILES, reason=f"the CLAIR corpus is not at {CLAIR}")
@pytest.mark.parametrize("path", CLAIR_FILES, ids=lambda p: p.stem[:40])
def test_clair_spans_tile_raw_and_post_processed(path: Path) -> None:
    doc = with_detected_structure(read_document(path))
    context = SplitContext()
    try:
        raw = candidate_spans(CANDIDATE, doc, context, raw=True)
    except NotApplicable:
        assert len(doc.text) < 5000, "only a tiny document may lack a repeated pattern"
        return
    check_tiling(raw, len(doc.text))
    allowed = {0, *(doc.split_points or ())}
    assert all(s in allowed for s, _ in raw)  # blocks kept whole
    post = candidate_spans(CANDIDATE, doc, context)
    check_tiling(post, len(doc.text))
    assert candidate_spans(CANDIDATE, doc, SplitContext(), raw=True) == raw  # deterministic


PIECES = ["# H\n", "## S\n", "1. n\n", "1.2 m\n", "(a) i\n", "IV. r\n", "ARTICLE 3\n", "CAPS LINE\n", "\n\n"]
PIECES += [
    "word " * 40,
    "\r\n",
    "\x0c",
    "§ 2\n",
    "ANNEX\n",
    "<!-- PageBreak -->\n\n",
    "日本語。\n",
    "\ud800",
    "x" * 200,
]
SMALL = SizeLimits(max_tokens=30, min_tokens=5, merge_limit=35)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(PIECES), max_size=50).map("".join), detect=st.booleans())
def test_random_text_tiles_raw_and_post_processed(text: str, detect: bool) -> None:
    doc = SourceDocument.build(text)
    doc = with_detected_structure(doc) if detect else doc
    try:
        raw = candidate_spans(CANDIDATE, doc, SplitContext(limits=SMALL), raw=True)
    except NotApplicable:
        return
    check_tiling(raw, len(text))
    assert "".join(text[s:e] for s, e in raw) == text
    post = candidate_spans(CANDIDATE, doc, SplitContext(limits=SMALL))
    check_tiling(post, len(text))
    assert candidate_spans(CANDIDATE, doc, SplitContext(limits=SMALL), raw=True) == raw


def long_contract() -> str:
    """Eight ARTICLEs of about 530 tokens; each holds a run of short clauses (one block) that a 1100-token packing
    cuts through."""
    parts = ["MASTER SERVICES AGREEMENT\n\n" + para(0) + "\n\n"]
    for n in range(1, 9):
        parts.append(f"ARTICLE {n} - OBLIGATIONS OF THE PARTIES\n\n{para(n)}\n\n")
        parts += [f"{n}.{k} {para(n * 10 + k, 30)}\n\n" for k in range(1, 7)]
        parts.append(f"{para(n + 50)}\n\n")
    return "".join(parts)


def test_the_engine_carries_the_pattern_in_notes_reason_and_chunk_metadata() -> None:
    chunker = AdaptiveChunker(
        candidates=["structure_pattern", "recursive_1100"], metrics=["SC", "BI", "RC"], chunk_size=1100
    )
    result = chunker.chunk(long_contract())
    assert result.chosen == "structure_pattern"
    assert result.notes["structure_pattern"]["pattern"] == "article"
    assert result.notes["structure_pattern"]["families"]["article"] == 8
    assert "structure_pattern cut at article" in result.reason
    assert all(chunk.metadata["structure_pattern"] == "article" for chunk in result.chunks)
    assert "structure_pattern" not in result.candidates["recursive_1100"][0].metadata


def test_the_engine_skips_it_on_prose() -> None:
    result = AdaptiveChunker(candidates=["structure_pattern", "recursive_1100"], metrics=["SC"]).chunk(prose())
    assert result.chosen == "recursive_1100"
    assert result.skipped == {"structure_pattern": "no repeated structure pattern"}
    assert "structure_pattern" not in result.notes


def test_200000_pathological_lines_split_in_linear_time() -> None:
    code = """
        import json
        from adaptive_splitters.candidates import SplitContext, StructurePatternCandidate
        from adaptive_splitters.core.document import SourceDocument
        from adaptive_splitters.postprocess import candidate_spans
        from adaptive_splitters.text.structure import with_detected_structure
        lines = ("# " + "#" * 11 + " " * 40, "1. " + "1.2.3." * 30, "(a)" + " " * 200 + "x", "A" * 119 + "a",
                 "ARTICLE" + " " * 300 + "1", "IV." + "\\t" * 50, "", "\\u00a7 1 " + "word " * 5)
        text = "\\n".join(lines[i % len(lines)] for i in range(200000))
        doc = with_detected_structure(SourceDocument.build(text))
        spans = candidate_spans(StructurePatternCandidate(), doc, SplitContext())
        print(json.dumps({"length": len(text), "spans": spans}))
        """
    found = run_bounded(code)
    check_tiling([tuple(s) for s in found["spans"]], found["length"])


COVID = ROOT.parent / "shared" / "data" / "retrieval" / "covidqa" / "corpus"
# Of the 98 articles (no section headings), these five have a repeated pattern; the others decline.
COVID_WITH_PATTERN = ["covidqa_1592", "covidqa_1667", "covidqa_188", "covidqa_2683", "covidqa_2684"]


@pytest.mark.skipif(not COVID.is_dir(), reason="the COVID-QA articles are not beside the repository")
@pytest.mark.parametrize("name", COVID_WITH_PATTERN)
def test_covidqa_articles_tile_exactly_within_a_hard_limit_and_repeat(name: str) -> None:
    text = (COVID / f"{name}.txt").read_text(encoding="utf-8")
    doc = with_detected_structure(SourceDocument.build(text, name=name))
    hard = SplitContext(limits=SizeLimits(max_tokens=300, hard=True))
    first = candidate_spans(CANDIDATE, doc, hard)
    check_tiling(first, len(text))
    assert all(hard.counter(text[s:e]) <= 300 for s, e in first)
    assert candidate_spans(CANDIDATE, doc, hard) == first


@pytest.mark.skipif(not COVID.is_dir(), reason="the COVID-QA articles are not beside the repository")
def test_covidqa_articles_without_a_pattern_decline() -> None:
    text = (COVID / "covidqa_1545.txt").read_text(encoding="utf-8")
    with pytest.raises(NotApplicable, match="no repeated structure pattern"):
        CANDIDATE.split(with_detected_structure(SourceDocument.build(text)), SplitContext())
