"""Compute once: shared embeddings leave every score equal to a plain per-candidate path; costs are reported.

The cheap hashing embedder stands in for the model: the sharing and the counts are the point, not the vectors
(the real model's pool mode is held to one pass in tests/metrics/test_parity.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from adaptive_splitters import AdaptiveChunker

SAMPLE = (Path(__file__).resolve().parents[1] / "adaptive_splitters" / "data" / "sample.md").read_text(encoding="utf-8")
METRICS = ["SC", "BI", "ICC", "DCC"]
Embed = Callable[[list[str]], list[list[float]]]


@pytest.mark.parametrize("mode", ["sentences", "pool", "truncate"])
def test_shared_cache_scores_equal_the_plain_path(cheap_embedder: Embed, mode: str) -> None:
    model = cheap_embedder
    shared = AdaptiveChunker(embedder=model, long_texts=mode, metrics=METRICS, chunk_size=1100).chunk(SAMPLE)
    for name in shared.candidates:
        # the plain path: this candidate alone, with a cache of its own (nothing shared with other candidates)
        alone = AdaptiveChunker(
            candidates=[name], embedder=model, long_texts=mode, metrics=METRICS, chunk_size=1100
        ).chunk(SAMPLE)
        for metric in METRICS:
            a, b = shared.scores[name][metric], alone.scores[name][metric]
            assert (a is None) == (b is None), (name, metric)
            if a is not None and b is not None:
                assert abs(a - b) <= 1e-6, (name, metric, a, b)


def test_pool_mode_embeds_about_one_pass(cheap_embedder: Embed) -> None:
    result = AdaptiveChunker(embedder=cheap_embedder, long_texts="pool", metrics=METRICS, chunk_size=1100).chunk(SAMPLE)
    document_tokens = AdaptiveChunker().counter(SAMPLE)
    embedded = result.cost["embedding"]["tokens_embedded"]
    # three candidates, their chunks, pieces and DCC windows: about one pass over the document
    assert embedded <= 1.5 * document_tokens, (embedded, document_tokens)


def test_the_default_run_embeds_one_pass_for_every_candidate_and_metric(cheap_embedder: Embed) -> None:
    """The defaults (sentences mode, six metrics, sizes under a block): sentence pieces shared by every
    candidate, chunk, window and SR query, so about one pass over the document."""
    result = AdaptiveChunker(embedder=cheap_embedder).chunk(SAMPLE)
    assert result.scores["recursive_256"]["SR"] is not None
    document_tokens = AdaptiveChunker().counter(SAMPLE)
    assert result.cost["embedding"]["tokens_embedded"] <= 1.1 * document_tokens


def test_each_distinct_text_is_embedded_once_per_document(cheap_embedder: Embed) -> None:
    seen: list[str] = []

    def recording(texts: list[str]) -> list[list[float]]:
        seen.extend(texts)
        return cheap_embedder(texts)

    for mode in ("sentences", "pool", "truncate"):
        seen.clear()
        result = AdaptiveChunker(embedder=recording, long_texts=mode, metrics=METRICS, chunk_size=1100).chunk(SAMPLE)
        assert seen, mode
        assert len(seen) == len(set(seen)), mode  # shared by every candidate, chunk and window
        assert result.cost["embedding"]["texts_embedded"] == len(seen)


def test_an_embedder_failing_midway_names_the_document_and_stage() -> None:
    calls = {"n": 0}

    def flaky(texts: list[str]) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] > 1:
            msg = "GPU fell off the bus"
            raise OSError(msg)
        return np.ones((len(texts), 4))

    chunker = AdaptiveChunker(embedder=flaky, long_texts="truncate", metrics=["ICC", "DCC"])
    with pytest.raises(
        RuntimeError, match=r"document 'handbook', stage (embedding|ICC|DCC): OSError: GPU fell off the bus"
    ):
        chunker.chunk(SAMPLE, name="handbook")
