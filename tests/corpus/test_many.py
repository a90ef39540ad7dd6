"""``chunk_many``: the same results as one-by-one runs, in input order, on one process or several; identical
documents worked out once; a failing document named after the others are done; a bar over characters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hashing_embedders import biased_vectors, poisoned_vectors
from tqdm import tqdm

from adaptive_splitters import AdaptiveChunker, SourceDocument
from adaptive_splitters.core.result import AdaptiveResult
from adaptive_splitters.corpus import CorpusError

SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"


def corpus() -> list[str | SourceDocument]:
    """Texts of different sizes and shapes, and a built document with pages."""
    sample = SAMPLE.read_text(encoding="utf-8")
    pages = ["Page one talks about rivers.\n\n" * 30, "Page two talks about mountains.\n\n" * 40]
    return [
        "A short note.\n\nWith two paragraphs.",
        sample,
        SourceDocument.build("".join(pages), pages=pages, name="atlas"),
        "\n\n".join(f"Section {i}. " + f"Words about topic {i}. " * 25 for i in range(12)),
    ]


def _built(document: str | SourceDocument) -> SourceDocument:
    return document if isinstance(document, SourceDocument) else SourceDocument.build(document)


def same(a: AdaptiveResult, b: AdaptiveResult) -> bool:
    """What a user reads: the winner, its chunks, every score, the reason."""
    return (a.chosen, a.chunks, a.scores, a.reason) == (b.chosen, b.chunks, b.scores, b.reason)


@pytest.fixture(scope="module")
def chunker() -> AdaptiveChunker:
    return AdaptiveChunker(embedder=biased_vectors, chunk_size=200)


@pytest.fixture(scope="module")
def one_by_one(chunker: AdaptiveChunker) -> list[AdaptiveResult]:
    return [chunker.chunk_document(_built(d)) for d in corpus()]


@pytest.mark.parametrize("workers", [1, 2])
def test_results_equal_one_by_one_runs_in_input_order(
    chunker: AdaptiveChunker, one_by_one: list[AdaptiveResult], workers: int
) -> None:
    results = chunker.chunk_many(corpus(), workers=workers)
    assert len(results) == len(one_by_one)
    assert all(same(a, b) for a, b in zip(results, one_by_one, strict=True))
    assert results[2].document.name == "atlas"


def test_identical_documents_are_worked_out_once(chunker: AdaptiveChunker) -> None:
    embedded: list[str] = []

    def counting(texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return biased_vectors(texts)

    counted = AdaptiveChunker(embedder=counting, chunk_size=200)
    text = corpus()[3]
    assert isinstance(text, str)
    once = counted.chunk_many([text], workers=1)
    alone = len(embedded)
    embedded.clear()
    named = [SourceDocument.build(text, name=n) for n in ("first", "second")]
    results = counted.chunk_many([text, *named, text], workers=1)
    assert len(embedded) == alone  # four copies, one run
    assert all(same(r, once[0]) for r in results)
    assert [r.document.name for r in results] == ["", "first", "second", ""]


def test_copies_of_a_document_do_not_share_their_chunks(chunker: AdaptiveChunker) -> None:
    text = corpus()[3]
    assert isinstance(text, str)
    first, second = chunker.chunk_many([text, text], workers=1)
    assert same(first, second)
    first.chunks[0].metadata["tag"] = "mine"  # type: ignore[index]  # a caller annotating its own chunks
    first.chunks.append(first.chunks[0])
    assert "tag" not in second.chunks[0].metadata
    assert len(second.chunks) == len(first.chunks) - 1


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_document_is_named_after_the_others_are_done(workers: int) -> None:
    chunker = AdaptiveChunker(embedder=poisoned_vectors, chunk_size=200)
    good = [d for d in corpus() if isinstance(d, str)][:2]
    bad = SourceDocument.build("Text with POISON in it.\n\nAnd more text after it.", name="bad")
    with pytest.raises(CorpusError) as caught:
        chunker.chunk_many([good[0], bad, good[1]], workers=workers)
    err = caught.value
    assert "1 of 3 document(s) failed" in str(err)
    assert "documents[1] 'bad'" in str(err)
    assert "returned NaN or infinite values" in str(err)
    assert list(err.errors) == [1]
    assert err.results[1] is None
    for i, text in ((0, good[0]), (2, good[1])):
        assert same(err.results[i], chunker.chunk(text))


def test_progress_bar_total_is_the_characters_of_every_copy(
    chunker: AdaptiveChunker, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = corpus()
    docs.append(docs[0])  # a copy counts its characters too: the bar is over the input
    total = sum(len(_built(d).text) for d in docs)
    chunker.chunk_many(docs, workers=1, show_progress=True)
    err = capsys.readouterr().err
    size = tqdm.format_sizeof(total)
    assert "100%|" in err
    assert f"{size}/{size}" in err
    assert "char/s" in err


def test_no_bar_unless_asked(chunker: AdaptiveChunker, capsys: pytest.CaptureFixture[str]) -> None:
    chunker.chunk_many(corpus()[:2], workers=1)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"documents": ["text", 3]}, TypeError, r"documents\[1\] is int, not a str or a SourceDocument"),
        ({"documents": ["text"], "workers": 0}, ValueError, r"workers must be a positive integer \(received 0\)"),
    ],
)
def test_bad_input_is_refused_before_any_work(
    chunker: AdaptiveChunker, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        chunker.chunk_many(**kwargs)


def test_workers_none_starts_processes_only_for_a_large_corpus() -> None:
    from adaptive_splitters.corpus import AUTO_POOL_SIZE, usable_cores
    from adaptive_splitters.corpus.many import resolve_workers

    assert resolve_workers(None, 10, AUTO_POOL_SIZE - 1) == 1  # starting processes would cost more than it saves
    assert resolve_workers(None, 10, AUTO_POOL_SIZE) == min(usable_cores(), 10)
    assert resolve_workers(None, 1, 10 * AUTO_POOL_SIZE) == 1  # one document: one process
    assert resolve_workers(3, 1, 10) == 3  # asked for: honoured (run_jobs caps it at the documents)
