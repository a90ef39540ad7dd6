"""Cost of a full adaptive run against one embedding pass over the document's blocks (issue: compute once).

For CLAIR documents of increasing size: the wall time of ``AdaptiveChunker().chunk_document`` (the defaults:
candidates sized for the model, all six metrics, a cold embedding cache) divided by the time of embedding the
document's blocks once with the same model and batch size ("block": each block whole, as the paper's ICC; "full":
blocks cut at the model's limit, every token once; "window": the text cut into pieces that fill the model's window,
every token once, the cheapest full pass), in each long-text mode asked for (default: the default ``sentences``);
plus tokens embedded, time per token and peak memory (tracemalloc, Python heap, in a separate untimed run).
Run: ``python benchmarks/bench_adaptive.py [--docs N] [--skip N] [--modes sentences,pool,truncate] [--no-memory]``.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.metrics.icc import chunk_pieces
from adaptive_splitters.readers import read_document
from adaptive_splitters.text.tokens import TokenCounter

CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair"
# From a few thousand tokens to ~400k (names are file stems in parsed/).
DOCS = [
    "Ada (technique)_Standards - Security",
    "Ada (technique)_Discussion Paper Hamburg DPA KI Models",
    "Norma (légal)_European Convention On Human Rights",
    "Norma (légal)_GDPR",
    "Norma (légal)_The AI Act",
    "Sophia (sciences sociales)_Regulating under Uncertainty - Governance Options for Generative AI",
]


def window_pass(doc: SourceDocument, cache: EmbeddingCache) -> float:
    """Seconds to embed every token of ``doc`` once in pieces that fill the model's window (its text cut every
    ``max_piece_tokens`` word pieces, at word starts): the cheapest pass that reads the whole document, the
    baseline an adaptive run is held to (at most 1.0x)."""
    text = doc.text
    cuts = [0, *cache.embedder.cut_points(text), len(text)]
    texts = [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    start = time.perf_counter()
    cache.embed(texts)
    return time.perf_counter() - start


def one_pass(doc: SourceDocument, cache: EmbeddingCache, *, whole: bool) -> float:
    """Seconds to embed every block of ``doc`` once (the floor for an embedding-based score).

    ``whole=False``: each block as one text, as the paper's ICC does (the model truncates long blocks, so this pass
    does not read the whole document). ``whole=True``: blocks cut at the model's limit, so every token is read once.
    """
    if whole:
        pieces = SpanVectors(doc, cache, "pool").pieces((0, len(doc.text)))
    else:
        pieces = chunk_pieces((0, len(doc.text)), doc.split_points or ())
    texts = [doc.text[a:b] for a, b in pieces if b > a]
    start = time.perf_counter()
    cache.embed(texts)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=len(DOCS), help="how many documents (smallest first)")
    parser.add_argument("--skip", type=int, default=0, help="skip the N smallest documents")
    parser.add_argument("--modes", default="sentences", help="long-text modes, comma-separated")
    parser.add_argument("--no-memory", dest="memory", action="store_false", help="skip the peak-memory run")
    args = parser.parse_args()
    counter = TokenCounter()
    warm = EmbeddingCache(counter=counter)
    warm.embed(["warm up the model"])  # load the model outside the timings
    model = warm.embedder
    print(
        f"{'document':<42} {'tokens':>8} {'mode':>8} {'run s':>8} {'block s':>7} {'ratio':>6} "
        f"{'full s':>9} {'ratio':>6} {'window s':>8} {'ratio':>6} {'emb tok':>9} {'µs/tok':>7} {'peak MB':>8}"
    )
    for name in DOCS[args.skip : args.docs]:
        doc = read_document(CLAIR / "parsed" / f"{name}.json")
        tokens = counter(doc.text)
        floor = one_pass(doc, EmbeddingCache(model, counter=counter), whole=False)
        floor_cut = one_pass(doc, EmbeddingCache(model, counter=counter), whole=True)
        windows = window_pass(doc, EmbeddingCache(model, counter=counter))
        for mode in args.modes.split(","):
            chunker = AdaptiveChunker(long_texts=mode, embedder=model)
            start = time.perf_counter()
            result = chunker.chunk_document(doc)
            elapsed = time.perf_counter() - start
            peak = float("nan")
            if args.memory:  # a second run: tracing allocations slows the run, so it is not the timed one
                tracemalloc.start()
                AdaptiveChunker(long_texts=mode, embedder=model).chunk_document(doc)
                peak = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            embedded = result.cost["embedding"]["tokens_embedded"]
            print(
                f"{name.split('_', 1)[1][:42]:<42} {tokens:>8} {mode:>8} {elapsed:>8.2f} {floor:>7.2f} "
                f"{elapsed / floor:>6.2f} {floor_cut:>9.2f} {elapsed / floor_cut:>6.2f} {windows:>8.2f} "
                f"{elapsed / windows:>6.2f} {embedded:>9} "
                f"{1e6 * elapsed / tokens:>7.1f} {peak:>8.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
