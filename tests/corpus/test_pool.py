"""Worker processes: results in input order whatever the order of work, and a worker that dies fails only the
document it held."""

from __future__ import annotations

import pytest
from corpus_jobs import DIE, chunk_or_die
from hashing_embedders import biased_vectors

from adaptive_splitters import AdaptiveChunker, SourceDocument
from adaptive_splitters.corpus import run_jobs


def test_a_worker_that_dies_fails_its_document_and_the_others_go_on() -> None:
    chunker = AdaptiveChunker(embedder=biased_vectors, chunk_size=200)
    texts = [f"Document {i}.\n\n" + "Some sentence here. " * (20 * i + 5) for i in range(4)]
    texts.insert(2, f"This one stops its worker: {DIE}.")
    docs = [SourceDocument.build(t, name=f"d{i}") for i, t in enumerate(texts)]
    sizes = [len(t) for t in texts]
    done: list[int] = []
    outcomes = list(run_jobs(chunker, chunk_or_die, docs, sizes, 2, done.append))
    assert [i for i, _ in outcomes] == [0, 1, 2, 3, 4]  # input order, though the largest went first
    died = outcomes[2][1]
    assert isinstance(died, RuntimeError)
    assert "worker process chunking it died (exit code 3)" in str(died)
    for i, result in outcomes:
        if i != 2:
            assert not isinstance(result, Exception)
            assert result.chunks == chunker.chunk_document(docs[i]).chunks
    assert sum(done) == sum(sizes)  # the bar reaches its total even when a worker dies


def test_a_chunker_that_cannot_be_pickled_is_refused_with_the_way_out() -> None:
    def local(texts: list[str]) -> list[list[float]]:  # a function defined here cannot be pickled
        return biased_vectors(texts)

    chunker = AdaptiveChunker(embedder=local, chunk_size=200)
    docs = [SourceDocument.build(f"Text {i}. " * 50) for i in range(2)]
    with pytest.raises(TypeError, match=r"workers > 1 sends the chunker to worker processes.*or pass workers=1"):
        chunker.chunk_many(docs, workers=2)
    assert len(chunker.chunk_many(docs, workers=1)) == 2
