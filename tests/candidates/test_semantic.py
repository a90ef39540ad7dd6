"""The semantic candidate: breakpoints where consecutive sentences drift apart, held to hard sizes
(docs/method.md#semantic)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_splitters import AdaptiveChunker
from adaptive_splitters.candidates import SemanticCandidate, SplitContext, default_candidate_names, resolve_candidate
from adaptive_splitters.candidates.semantic import breakpoints
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import Span, check_tiling
from adaptive_splitters.embeddings import SpanVectors
from adaptive_splitters.embeddings.cache import EmbeddingCache
from adaptive_splitters.readers import read_document
from adaptive_splitters.text.structure import with_detected_structure
from adaptive_splitters.text.tokens import TokenCounter

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
CLAIR = SHARED / "clair" / "parsed"
COVID = SHARED / "retrieval" / "covidqa" / "corpus"
DOCUMENTS = [
    CLAIR / "Ada (technique)_Standards - Explicability.json",
    CLAIR / "Ada (technique)_Standards - Robustness.json",
    CLAIR / "Ada (technique)_Standards - Transparency.json",  # very short sentences: blocks are the units
    COVID / "covidqa_1545.txt",
    COVID / "covidqa_1548.txt",
    COVID / "covidqa_1552.txt",
]
SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"
COUNTER = TokenCounter()
Embedder = Callable[[list[str]], list[list[float]]]

needs_data = pytest.mark.skipif(not all(p.exists() for p in DOCUMENTS), reason="shared data sets not present")


@pytest.fixture(scope="module")
def embedder(cheap_embedder: Embedder) -> Embedder:
    """``cheap_embedder`` with one constant coordinate added: its hashed words can cancel out on a short unit
    (``"#### A.3."``), and the cache refuses zero vectors."""
    return lambda texts: [[*vector, 0.5] for vector in cheap_embedder(texts)]


def _context(doc: SourceDocument, embedder: Embedder, limits: SizeLimits) -> SplitContext:
    cache = EmbeddingCache(embedder)
    return SplitContext(COUNTER, limits, vectors=lambda: SpanVectors(doc, cache))


def _check_sizes(text: str, spans: list[Span], limits: SizeLimits) -> None:
    """Tiling, exact offsets, every span within the maximum, and under the minimum only where merging it
    with either neighbour would exceed the maximum."""
    check_tiling(spans, len(text))
    assert "".join(text[s:e] for s, e in spans) == text
    sizes = [COUNTER(text[s:e]) for s, e in spans]
    assert max(sizes, default=0) <= limits.max_tokens
    for i, (start, end) in enumerate(spans):
        if sizes[i] < limits.min_tokens and len(spans) > 1:
            merged = [spans[j] for j in (i - 1, i + 1) if 0 <= j < len(spans)]
            assert all(COUNTER(text[min(s, start) : max(e, end)]) > limits.max_tokens for s, e in merged)


@needs_data
@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem[:30])
def test_documents_tile_within_hard_sizes_and_post_processing_keeps_them(path: Path, embedder: Embedder) -> None:
    doc = read_document(path)
    paper = AdaptiveChunker(embedder=embedder, candidates=["semantic"], metrics=["SC"])
    result = paper.chunk_document(doc)
    spans = result.spans()
    _check_sizes(doc.text, spans, paper.limits)  # the paper's limits: 1100 / 100 / merge limit 1150
    raw = AdaptiveChunker(embedder=embedder, candidates=["semantic"], metrics=["SC"], raw=True)
    assert raw.chunk_document(doc).spans() == spans  # post-processing (merge limit 1150) changes nothing; deterministic
    assert result.notes["semantic"]["units"] in ("sentences", "blocks")
    small = SizeLimits(200, 40, 250)
    structured = with_detected_structure(doc)
    split = SemanticCandidate().split(structured, _context(structured, embedder, small))
    _check_sizes(doc.text, split.spans, small)


def test_real_model_on_a_clair_document(minilm: object) -> None:
    path = DOCUMENTS[0]
    if not path.exists():
        pytest.skip("CLAIR data not present")
    doc = read_document(path)
    chunker = AdaptiveChunker(embedder=minilm, candidates=["semantic"], metrics=["SC"])
    result = chunker.chunk_document(doc)
    _check_sizes(doc.text, result.spans(), chunker.limits)
    assert result.notes["semantic"]["breakpoints"] > 0


PIECES = ["Cats purr softly. ", "Dogs bark at cats. ", "Stocks fell today. ", "Bonds rallied. ", "\n\n", "- item\n"]
PIECES += ["# Title\n\n", "word " * 40, "x" * 200, "Dr. Smith, e.g. the U.S. one. ", "日本語の文章です。", "\ud800"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, threshold=st.sampled_from(["percentile", "gradient"]))
def test_random_text_tiles_within_sizes(text: str, threshold: str, embedder: Embedder) -> None:
    limits = SizeLimits(max_tokens=30, min_tokens=5, merge_limit=35)
    doc = with_detected_structure(SourceDocument.build(text))
    if not text:
        return
    candidate = SemanticCandidate(threshold=threshold, amount=80)
    spans = candidate.split(doc, _context(doc, embedder, limits)).spans
    _check_sizes(text, spans, limits)
    assert candidate.split(doc, _context(doc, embedder, limits)).spans == spans


def test_a_unit_above_the_maximum_is_cut_on_its_offsets(embedder: Embedder) -> None:
    text = "Short one here. " + "word " * 500 + "\n\nAnother short sentence. And one more."
    limits = SizeLimits(max_tokens=60, min_tokens=10)
    doc = with_detected_structure(SourceDocument.build(text))
    spans = SemanticCandidate().split(doc, _context(doc, embedder, limits)).spans
    _check_sizes(text, spans, limits)
    assert len(spans) >= 500 // 60


def _two_topics() -> str:
    cats = [f"The cat {w} on the mat and the cat naps." for w in ("sat", "slept", "purred", "stretched", "ate")]
    money = [f"The bank {w} the rate and the market fell." for w in ("raised", "cut", "held", "set", "moved")]
    return " ".join([*cats, *money])


def test_percentile_and_gradient_thresholds_break_differently(embedder: Embedder) -> None:
    text = _two_topics()
    doc = with_detected_structure(SourceDocument.build(text))
    limits = SizeLimits(max_tokens=1000, min_tokens=0)
    percentile = SemanticCandidate(threshold="percentile", amount=90).split(doc, _context(doc, embedder, limits))
    gradient = SemanticCandidate(threshold="gradient", amount=90).split(doc, _context(doc, embedder, limits))
    assert percentile.spans != gradient.spans
    assert text[percentile.spans[1][0] :].startswith("The bank raised")  # the topic change
    assert percentile.notes is not None
    assert gradient.notes is not None
    assert percentile.notes.report["threshold"]["type"] == "percentile"
    assert gradient.notes.report["threshold"]["type"] == "gradient"
    import numpy as np

    distances = np.array([0.1, 0.2, 0.9, 0.2, 0.1])
    assert breakpoints(distances, "percentile", 80)[1] == [2]
    assert breakpoints(distances, "gradient", 80)[1] == [1]


@pytest.mark.parametrize(
    ("settings_", "named"),
    [
        ({"threshold": "median"}, "threshold"),
        ({"amount": 101}, "amount"),
        ({"amount": -1}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "95"}, "amount"),
        ({"short_sentence_tokens": -1}, "short_sentence_tokens"),
        ({"language": "xx"}, "language"),
    ],
)
def test_invalid_settings_name_the_setting(settings_: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        SemanticCandidate(**settings_)  # type: ignore[arg-type]


def test_registered_and_needs_an_engine_to_embed() -> None:
    candidate = resolve_candidate("semantic")
    assert isinstance(candidate, SemanticCandidate)
    assert candidate.resplit is False
    doc = SourceDocument.build("One sentence here. Another one there.")
    with pytest.raises(RuntimeError, match="AdaptiveChunker"):
        candidate.split(doc, SplitContext())
    assert candidate.split(SourceDocument.build("Only one."), SplitContext()).spans == [(0, 9)]


def test_units_are_embedded_once_through_the_shared_cache(embedder: Embedder) -> None:
    """With sentence units in a pool-mode run each text still reaches the embedder once, the extra texts are the
    sentences, and ``cost["embedding"]`` counts the whole run, the candidate's texts included."""
    doc = read_document(SAMPLE)
    runs = {}
    for with_semantic in (False, True):
        seen: Counter[str] = Counter()

        def counting(texts: list[str], seen: Counter[str] = seen) -> list[list[float]]:
            seen.update(texts)
            return embedder(texts)

        cache = EmbeddingCache(counting)
        names = [*default_candidate_names(), *([SemanticCandidate(units="sentences")] if with_semantic else [])]
        chunker = AdaptiveChunker(embedding_cache=cache, candidates=names, long_texts="pool", chunk_size=1100)
        result = chunker.chunk_document(doc)
        assert max(seen.values()) == 1  # every text embedded once in the run
        assert cache.stats.texts_embedded == len(seen)
        assert result.cost["embedding"]["texts_embedded"] == len(seen)
        runs[with_semantic] = (set(seen), result)
    extra = runs[True][0] - runs[False][0]
    units, kind = SemanticCandidate(units="sentences").unit_spans(runs[True][1].document, COUNTER)
    assert kind == "sentences"
    assert 0 < len(extra) <= len(units)  # the units, once each, and nothing else
    assert runs[False][0] <= runs[True][0]
    assert "semantic" in runs[True][1].candidates


def test_block_units_add_no_embedding_to_an_adaptive_run(cheap_embedder: object) -> None:
    from adaptive_splitters.candidates import SemanticCandidate

    text = (Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md").read_text(
        encoding="utf-8"
    )
    pool = ["recursive_1100", "recursive_600", "page"]
    base = AdaptiveChunker(embedder=cheap_embedder, candidates=pool).chunk(text)
    blocks = AdaptiveChunker(embedder=cheap_embedder, candidates=[*pool, SemanticCandidate(units="blocks")]).chunk(text)
    assert blocks.notes["semantic"]["units"] == "blocks"
    assert blocks.cost["embedding"]["texts_embedded"] == base.cost["embedding"]["texts_embedded"]
    with pytest.raises(ValueError, match="units"):
        SemanticCandidate(units="words")
