"""A corpus through four paths: one-by-one ``chunk_document``, ``chunk_many`` with 1 and 2 workers, and Ray Data.

Each path runs in its own process (so peak memory is its own), on the same documents with the same settings as
the ``chunk`` command (``hard_limit=True``), and is timed from its first document to its last result, model
loading included (Ray's own start, ``ray.init``, is reported apart). The table gives documents and o200k tokens
per second, the speed-up over one-by-one, peak resident memory (the main process, and the largest worker process
for ``chunk_many``; Ray's workers are not the driver's children and are not measured), and whether every
document got the same chosen candidate and chunk spans as one-by-one (and the largest score difference).

Usage::

    python benchmarks/bench_corpus.py [--corpus clair|covidqa] [--docs N] [--metrics SC,BI,RC,ICC,DCC,SR]
        [--paths one,many1,many2,ray]

``--docs N`` keeps the N smallest documents (0: all). The goal on a 2-core machine: ``many2`` in at most 0.6x the
one-by-one time with all five metrics, the same chunks.

``--threads-ab`` measures instead what bounds any parallel path on this machine (docs/method.md, Corpora): the
texts a default run embeds for the chosen documents (collected by chunking them once), embedded by the bundled
model in sorted batches of 32, in one process with 2 torch threads against two processes with 1 thread each
(each half of the texts, started together once both have loaded the model). Embedding is about 99% of a default
run, so the second time over the first is the lowest time ratio worker processes can reach here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPORA = {
    "clair": (SHARED / "clair" / "parsed", "*.json"),
    "covidqa": (SHARED / "retrieval" / "covidqa" / "corpus", "*.txt"),
}
PATHS = ("one", "many1", "many2", "ray")
METRICS = "SC,BI,RC,ICC,DCC,SR"  # the default metrics


def corpus_files(corpus: str, docs: int, folder: Path | None = None) -> list[str]:
    """The corpus's files, smallest first, the ``docs`` smallest when ``docs`` > 0."""
    where, pattern = CORPORA[corpus]
    files = sorted((folder or where).glob(pattern), key=lambda p: (p.stat().st_size, p.name))
    return [str(f) for f in (files[:docs] if docs else files)]


def signature(spans: list[tuple[int, int]], chosen: str, scores: dict[str, Any]) -> dict[str, Any]:
    return {"chosen": chosen, "spans": spans, "scores": scores}


def run_path(path: str, files: list[str], metrics: list[str]) -> dict[str, Any]:
    """One path in this process: seconds, the signature of each document, peak memory."""
    if path == "ray":
        return run_ray(files, metrics)
    from adaptive_splitters.engine import AdaptiveChunker
    from adaptive_splitters.readers import read_document

    chunker = AdaptiveChunker(hard_limit=True, metrics=metrics)
    docs = [read_document(f) for f in files]
    start = time.perf_counter()
    if path == "one":
        results = [chunker.chunk_document(d) for d in docs]
    else:
        results = chunker.chunk_many(docs, workers=1 if path == "many1" else 2)
    seconds = time.perf_counter() - start
    signatures = {
        f: signature([c.span for c in r.chunks], r.chosen, r.scores) for f, r in zip(files, results, strict=True)
    }
    return {"seconds": seconds, "docs": signatures}


def run_ray(files: list[str], metrics: list[str]) -> dict[str, Any]:
    import ray

    from adaptive_splitters.ray import chunk_dataset

    start = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    init = time.perf_counter() - start
    start = time.perf_counter()
    dataset = ray.data.from_items([{"path": f} for f in sorted(files, key=lambda f: -os.path.getsize(f))])
    rows = chunk_dataset(dataset, workers=2, batch_size=1, metrics=metrics).take_all()
    seconds = time.perf_counter() - start
    ray.shutdown()
    docs: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (r["path"], r["chunk_index"] or 0)):
        if row["error"]:
            docs[row["path"]] = {"error": row["error"]}
            continue
        entry = docs.setdefault(row["path"], signature([], row["candidate"], json.loads(row["scores"])["scores"]))
        entry["spans"].append((int(row["start_index"]), int(row["end_index"])))
    return {"seconds": seconds, "ray_init": init, "docs": docs}


def compare(base: dict[str, Any], other: dict[str, Any]) -> tuple[int, float]:
    """Documents whose chosen candidate or spans differ, and the largest score difference."""
    differ = 0
    largest = 0.0
    for name, want in base.items():
        got = other.get(name, {})
        if got.get("chosen") != want["chosen"] or [tuple(s) for s in got.get("spans", [])] != [
            tuple(s) for s in want["spans"]
        ]:
            differ += 1
            continue
        for candidate, row in want["scores"].items():
            for metric, value in row.items():
                mine = got["scores"].get(candidate, {}).get(metric)
                if value is not None and mine is not None:
                    largest = max(largest, abs(value - mine))
    return differ, largest


def tokens(files: list[str]) -> int:
    from adaptive_splitters.readers import read_document
    from adaptive_splitters.text.tokens import TokenCounter

    counter = TokenCounter()
    return sum(counter(read_document(f).text) for f in files)


def child(args: argparse.Namespace) -> None:
    files = json.loads(Path(args.files).read_text(encoding="utf-8"))
    out = run_path(args.run, files, args.metrics.split(","))
    out["rss_main_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    Path(args.result).write_text(json.dumps(out), encoding="utf-8")


def _embed_texts(args: tuple[int, list[str], Any]) -> float:
    """In a fresh process: load the bundled model with ``threads`` torch threads, wait for the others, embed."""
    threads, texts, barrier = args
    os.environ["OMP_NUM_THREADS"] = str(threads)  # as the worker processes of chunk_many set it, before torch starts
    import torch

    from adaptive_splitters.embeddings.resolve import resolve_embedder

    torch.set_num_threads(threads)
    model = resolve_embedder(None)
    model.embed(["warm up"])
    barrier.wait()
    start = time.perf_counter()
    for i in range(0, len(texts), 32):
        model.embed(texts[i : i + 32])
    return time.perf_counter() - start


def embedded_texts(files: list[str]) -> list[str]:
    """The distinct texts the default run embeds for these documents, longest first (as the cache orders them)."""
    from adaptive_splitters.embeddings.cache import EmbeddingCache
    from adaptive_splitters.engine import AdaptiveChunker
    from adaptive_splitters.readers import read_document

    cache = EmbeddingCache()
    chunker = AdaptiveChunker(hard_limit=True, embedding_cache=cache)
    for f in files:
        chunker.chunk_document(read_document(f))
    return sorted({text for _, text in cache.store}, key=len, reverse=True)


def threads_ab(files: list[str]) -> None:
    import multiprocessing

    texts = embedded_texts(files)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(1) as pool:
        (threads,) = pool.map(_embed_texts, [(2, texts, manager.Barrier(1))])
        pool.close()  # the children exit on their own, releasing their semaphores (terminating them leaks those)
        pool.join()
    with context.Manager() as manager, context.Pool(2) as pool:
        barrier = manager.Barrier(2)
        processes = max(pool.map(_embed_texts, [(1, texts[0::2], barrier), (1, texts[1::2], barrier)], chunksize=1))
        pool.close()
        pool.join()
    print(
        f"{len(files)} documents, {len(texts)} texts embedded: one process with 2 threads {threads:.1f} s; two "
        f"processes with 1 thread each {processes:.1f} s (ratio {processes / threads:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="clair")
    parser.add_argument("--docs", type=int, default=12, help="the N smallest documents (0: all)")
    parser.add_argument("--metrics", default=METRICS)
    parser.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated, of {', '.join(PATHS)}")
    parser.add_argument("--folder", type=Path, help="the corpus folder (default: under ../shared/data)")
    parser.add_argument("--threads-ab", action="store_true", help="the run's texts: 1 process x 2 threads vs 2 x 1")
    parser.add_argument("--run", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        child(args)
    elif args.threads_ab:
        threads_ab(corpus_files(args.corpus, args.docs, args.folder))
    else:
        report(args)


def report(args: argparse.Namespace) -> None:
    files = corpus_files(args.corpus, args.docs, args.folder)
    total_tokens = tokens(files)
    chars = sum(os.path.getsize(f) for f in files)
    print(
        f"{args.corpus}: {len(files)} documents, {chars / 1e6:.2f} MB of files, {total_tokens:,} o200k tokens; "
        f"metrics {args.metrics}; {os.cpu_count()} cores"
    )
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.json"
        listing.write_text(json.dumps(files), encoding="utf-8")
        for path in args.paths.split(","):
            result = Path(tmp) / f"{path}.json"
            command = [
                sys.executable,
                __file__,
                "--run",
                path,
                "--files",
                str(listing),
                "--result",
                str(result),
                "--metrics",
                args.metrics,
            ]
            subprocess.run(command, check=True)
            results[path] = json.loads(result.read_text(encoding="utf-8"))
            print(f"  {path}: {results[path]['seconds']:.1f} s", flush=True)
    print_table(results, len(files), total_tokens)


def print_table(results: dict[str, dict[str, Any]], count: int, total_tokens: int) -> None:
    base = results.get("one")
    rows = [
        (
            "path",
            "seconds",
            "docs/s",
            "tokens/s",
            "speed-up",
            "time ratio",
            "peak RSS main",
            "peak RSS worker",
            "same chunks",
        )
    ]
    for path, r in results.items():
        seconds = r["seconds"]
        ratio = seconds / base["seconds"] if base else float("nan")
        same = "-"
        if base and path != "one":
            differ, largest = compare(base["docs"], r["docs"])
            same = ("yes" if differ == 0 else f"NO ({differ} differ)") + f", max score diff {largest:.1e}"
        worker = f"{r['rss_worker_mb']:.0f} MB" if path.startswith("many2") else "n/a" if path == "ray" else "-"
        rows.append(
            (
                path + (f" (+{r['ray_init']:.1f} s ray.init)" if "ray_init" in r else ""),
                f"{seconds:.1f}",
                f"{count / seconds:.2f}",
                f"{total_tokens / seconds:,.0f}",
                f"{1 / ratio:.2f}x" if base else "-",
                f"{ratio:.2f}" if base else "-",
                f"{r['rss_main_mb']:.0f} MB",
                worker,
                same,
            )
        )
    from adaptive_splitters.output.terminal import aligned

    print(aligned(rows, rule_after=(0,)))


if __name__ == "__main__":
    main()
