"""Progress within one document: it moves as the stages end and as embedding batches are done, and sums to the
document's size; the metered run computes exactly what the chunker computes."""

from __future__ import annotations

from hashing_embedders import biased_vectors

from adaptive_splitters import AdaptiveChunker, SourceDocument
from adaptive_splitters.corpus.meter import EMBEDDING_SPAN, Meter, MeteredChunker


def test_one_document_moves_the_bar_stage_by_stage_and_batch_by_batch() -> None:
    chunker = AdaptiveChunker(embedder=biased_vectors, chunk_size=120)
    text = "\n\n".join(f"Paragraph {i} " + "with several words in it. " * 12 for i in range(80))
    doc = SourceDocument.build(text, name="big")
    steps: list[int] = []
    metered = MeteredChunker(chunker)
    metered.meter = Meter(len(text), steps.append)
    result = metered.chunk_document(doc)
    before_end = sum(steps)
    metered.meter.finish()
    reported = len(steps)
    assert result.chunks == chunker.chunk_document(doc).chunks
    assert len(steps) == reported  # the chunker itself is left as it was: its own runs report nothing
    assert sum(steps) == len(text)
    assert before_end >= EMBEDDING_SPAN[1] * len(text) * 0.99  # moved almost to the end while it ran
    done = [sum(steps[: i + 1]) for i in range(len(steps))]
    low, high = (int(f * len(text)) for f in EMBEDDING_SPAN)
    assert len([d for d in done if low < d <= high]) >= 3  # embedding batches move it, not one jump
    assert all(step > 0 for step in steps)


def test_a_meter_never_goes_back_nor_past_its_size() -> None:
    steps: list[int] = []
    meter = Meter(1000, steps.append)
    meter.advance(0.5)
    meter.advance(0.3)
    meter.advance(2.0)
    meter.finish()
    assert steps == [500, 500]
