"""AdaptiveChunker on the bundled sample: the stages wired together, with the real tokenizer and the cheap
hashing embedder (the embedding model's values are not the point here)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from adaptive_splitters import AdaptiveChunker
from adaptive_splitters.core.spans import check_tiling

SAMPLE = (Path(__file__).resolve().parents[1] / "adaptive_splitters" / "data" / "sample.md").read_text(encoding="utf-8")
CHEAP = ["SC", "BI", "RC"]


@pytest.fixture(scope="module")
def sample_result(cheap_embedder):  # type: ignore[no-untyped-def]
    return AdaptiveChunker(embedder=cheap_embedder).chunk(SAMPLE, name="sample")


def test_every_candidate_tiles_the_text_and_the_winner_is_one_of_them(sample_result) -> None:  # type: ignore[no-untyped-def]
    result = sample_result
    # the cheap embedder reports no input window, so the size is half the 512 assumed: 256 and 256·6/11
    assert list(result.candidates) == ["recursive_256", "recursive_140", "page"]
    for chunks in result.candidates.values():
        check_tiling([c.span for c in chunks], len(SAMPLE))
        assert all(SAMPLE[c.start : c.end] == c.text for c in chunks)
    assert result.chunks == result.candidates[result.chosen]
    assert result.reason


def test_scores_cover_all_metrics_and_objective_is_in_unit_range(sample_result) -> None:  # type: ignore[no-untyped-def]
    result = sample_result
    for name, row in result.scores.items():
        assert set(row) == {"SC", "BI", "RC", "ICC", "DCC", "SR"}
        assert result.pairs_source == "heuristic"  # no pairs were given: the offline heuristic's
        for metric in ("SC", "BI", "RC", "ICC", "DCC", "SR"):
            assert row[metric] is not None
            assert 0.0 <= row[metric] <= 1.0, (name, metric)
        assert 0.0 <= result.objective[name] <= 1.0
    assert result.objective[result.chosen] == max(v for v in result.objective.values() if v is not None)


def test_chunk_metadata_names_candidate_index_pages_and_section(sample_result) -> None:  # type: ignore[no-untyped-def]
    result = sample_result
    for index, chunk in enumerate(result.chunks):
        assert chunk.metadata["candidate"] == result.chosen
        assert chunk.metadata["chunk_index"] == index
        assert chunk.metadata["pages"] == sorted(chunk.metadata["pages"])
        assert isinstance(chunk.metadata["section"], str)
    assert result.chunks[0].metadata["pages"][0] == 1


def test_cost_reports_stages_and_embedding_work(sample_result) -> None:  # type: ignore[no-untyped-def]
    cost = sample_result.cost
    for stage in ("candidates", "postprocess", "SC", "BI", "ICC", "DCC", "total"):
        assert cost["seconds"][stage] >= 0.0
    assert cost["embedding"]["texts_embedded"] > 0
    assert cost["embedding"]["tokens_embedded"] > 0


def test_page_is_skipped_without_pages() -> None:
    result = AdaptiveChunker(metrics=CHEAP).chunk("No pages here.\n\nJust two paragraphs.")
    assert result.skipped == {"page": "the document has no pages"}
    assert list(result.candidates) == ["recursive_128", "recursive_70"]  # half MiniLM's 256-piece window, and 6/11


def test_given_pages_are_numbered_from_one() -> None:
    pages = ["alpha " * 200, "beta " * 200, "gamma " * 200]
    result = AdaptiveChunker(candidates=["page"], metrics=CHEAP, chunk_size=1100).chunk("".join(pages), pages=pages)
    assert [c.metadata["pages"] for c in result.chunks] == [[1], [2], [3]]


def test_empty_text_gives_no_chunks() -> None:
    result = AdaptiveChunker(metrics=CHEAP).chunk("")
    assert result.chunks == []
    assert all(chunks == [] for chunks in result.candidates.values())


def test_without_pairs_rc_uses_heuristic_pairs(sample_result) -> None:  # type: ignore[no-untyped-def]
    assert sample_result.pairs_source == "heuristic"


def test_pairs_make_rc_defined() -> None:
    text = "The utility owns the plant. It runs it.\n\n" * 40
    pairs = [[[0, 10], [28, 29]]]
    result = AdaptiveChunker(metrics=CHEAP).chunk(text, pairs=pairs)
    assert result.pairs_source == "given"
    assert all(row["RC"] == 1.0 for row in result.scores.values())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"candidates": ["recursve"]}, "unknown candidate 'recursve'"),
        ({"metrics": ["XYZ"]}, "unknown metric 'XYZ'"),
        ({"long_texts": "chop"}, "long_texts must be 'sentences' or 'pool' or 'truncate'"),
        ({"selection": "best"}, "selection must be 'fair' or 'paper'"),
        ({"min_tokens": 800, "chunk_size": 600}, "min_tokens (800) must not exceed the chunk size, max_tokens (600)"),
        ({"max_tokens": -5}, "chunk_size must be a positive integer (received -5)"),
        ({"chunk_size": True}, "chunk_size must be a positive integer (received True)"),
        ({"candidates": ["page", "page"]}, "candidate 'page' is listed twice"),
    ],
)
def test_invalid_settings_raise_naming_the_setting(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        AdaptiveChunker(**kwargs)


def test_chunker_pickles_without_its_model(sample_result) -> None:  # type: ignore[no-untyped-def]
    chunker = AdaptiveChunker(metrics=CHEAP)
    chunker.chunk(SAMPLE)
    clone = pickle.loads(pickle.dumps(chunker))
    assert clone.chunk(SAMPLE).spans() == chunker.chunk(SAMPLE).spans()


# regressions (issue 14) -------------------------------------------------------------------------------------


def test_a_chunk_size_of_one_works() -> None:
    for chunker in (AdaptiveChunker(max_tokens=1, min_tokens=0, metrics=CHEAP), AdaptiveChunker(chunk_size=1)):
        assert [c.name for c in chunker.candidates] == ["recursive_1", "page"]
    result = AdaptiveChunker(chunk_size=1, metrics=CHEAP, hard_limit=True).chunk("ab cd ef")
    check_tiling(result.spans(), 8)
    assert all(len(c.text) <= 3 for c in result.chunks)


def test_chunk_size_and_its_alias_max_tokens_agree() -> None:
    assert AdaptiveChunker(chunk_size=300).limits.max_tokens == AdaptiveChunker(max_tokens=300).limits.max_tokens
    assert AdaptiveChunker(chunk_size=300).chunk_size == 300
    with pytest.raises(ValueError, match="chunk_size or its alias max_tokens, not both"):
        AdaptiveChunker(chunk_size=300, max_tokens=400)


def test_no_applicable_candidate_falls_back_to_recursive_at_the_chunk_size() -> None:
    plain = "Plain words without any page marker. " * 60
    result = AdaptiveChunker(candidates=["page"], chunk_size=50, metrics=CHEAP).chunk(plain)
    assert result.chosen == "recursive_50"
    assert result.fallback is not None
    assert "page" in result.fallback
    assert result.fallback.endswith("fell back to recursive_50")
    assert result.reason.startswith(result.fallback)
    check_tiling(result.spans(), len(plain))
    assert AdaptiveChunker(metrics=CHEAP).chunk(plain).fallback is None


def test_a_hard_limit_holds_on_every_scored_span() -> None:
    chunker = AdaptiveChunker(chunk_size=80, hard_limit=True, metrics=CHEAP)
    assert chunker.limits.merge_limit == 80
    result = chunker.chunk(SAMPLE)
    for chunks in result.candidates.values():
        assert max(chunker.counter(c.text) for c in chunks) <= 80


def test_repr_shows_the_settings_that_differ_from_the_defaults() -> None:
    assert repr(AdaptiveChunker()) == "AdaptiveChunker()"
    assert repr(AdaptiveChunker(chunk_size=500, long_texts="truncate")) == (
        "AdaptiveChunker(chunk_size=500, long_texts='truncate')"
    )


def _stranded_headings(chunks: list, size: int, count) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    """Chunks that end with a markdown heading line although the next chunk has room for it."""
    out = []
    for chunk, following in zip(chunks, chunks[1:], strict=False):
        last = chunk.text.rstrip().rsplit("\n", 1)[-1]
        heading = last.lstrip().startswith("#")
        if heading and count(last + following.text) < size:
            out.append(last)
    return out


def test_headings_open_their_sections_and_the_paper_configuration_leaves_them(cheap_embedder) -> None:  # type: ignore[no-untyped-def]
    from adaptive_splitters.core.config import ChunkerConfig

    default = AdaptiveChunker(embedder=cheap_embedder, chunk_size=128, metrics=CHEAP)
    names = ["recursive_128", "recursive_70"]
    paper = AdaptiveChunker(
        ChunkerConfig.paper(embedder=cheap_embedder, chunk_size=128, metrics=CHEAP, candidates=names)
    )
    moved, kept = default.chunk(SAMPLE), paper.chunk(SAMPLE)
    for name in names:
        check_tiling([c.span for c in moved.candidates[name]], len(SAMPLE))
        assert _stranded_headings(moved.candidates[name], 128, default.counter) == []
        assert _stranded_headings(kept.candidates[name], 128, paper.counter)  # the paper's post-processing
    assert "# 1. Purpose and Scope\n\nThe Riverbend" in moved.candidates["recursive_128"][1].text


def test_separators_kept_at_the_end_end_chunks_with_their_period(cheap_embedder) -> None:  # type: ignore[no-untyped-def]
    names = ["recursive_128", "recursive_70"]
    ending = AdaptiveChunker(embedder=cheap_embedder, chunk_size=128, metrics=CHEAP, keep_separator="end").chunk(SAMPLE)
    paper = AdaptiveChunker(embedder=cheap_embedder, chunk_size=128, metrics=CHEAP).chunk(SAMPLE)  # the default
    for name in names:
        chunks = ending.candidates[name]
        # every chunk starts with its first word (or a line's indentation: code keeps it), none with ". "
        pairs = zip(chunks, chunks[1:], strict=False)
        starts = [b.text[:2] for a, b in pairs if not a.text.endswith("\n") or b.text[0] != " "]
        assert not [s for s in starts if s[0] in " .,\n"], starts
        assert "".join(c.text for c in chunks) == SAMPLE
        assert any(c.text.startswith((". ", ", ", "\n")) for c in paper.candidates[name])  # the paper's: "\n\nThe ..."


def test_the_papers_configuration_is_one_import_away() -> None:
    # the README's AdaptiveChunker(ChunkerConfig.paper()), with both names from the package itself
    from adaptive_splitters import AdaptiveChunker, ChunkerConfig

    config = AdaptiveChunker(ChunkerConfig.paper()).config
    assert config.chunk_size == 1100
    assert "ChunkerConfig" in dir(__import__("adaptive_splitters"))
