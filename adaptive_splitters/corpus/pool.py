"""Running one job per document, in this process or on a pool of worker processes (docs/method.md#corpora).

Each worker process holds one copy of the chunker, so the embedding model is loaded once per process, and torch
gets the process's share of the cores (``cores // workers`` threads). The largest documents are handed out first:
the last document to finish is then a small one, and progress by size moves at a steady rate. Results come back
in input order whatever the order of work; a job's exception is its document's result (the others go on); a worker
that dies (killed, out of memory) fails the document it held and the run goes on with the others.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import pickle
import queue
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from adaptive_splitters.corpus.meter import Meter, MeteredChunker
from adaptive_splitters.engine import AdaptiveChunker

T = TypeVar("T")
R = TypeVar("R")
Job = Callable[[AdaptiveChunker, T], R]
"""The work for one document: a module-level function (it is pickled by reference to the workers)."""
Outcome = tuple[int, R | Exception]


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run_jobs(
    chunker: AdaptiveChunker,
    job: Job[T, R],
    items: Sequence[T],
    sizes: Sequence[int],
    workers: int,
    update: Callable[[int], object],
) -> Iterator[Outcome[R]]:
    """``job(chunker, item)`` for every item, yielded as ``(index, result or exception)`` in input order.

    ``sizes`` are the items' work units; ``update(n)`` is told of ``n`` more units done, within documents too.
    ``workers`` > 1 runs a pool of that many processes (largest items first), else this process runs them in order.
    """
    if workers <= 1 or len(items) <= 1:
        yield from _in_process(chunker, job, items, sizes, update)
    else:
        yield from _in_pool(chunker, job, items, sizes, min(workers, len(items)), update)


def _in_process(
    chunker: AdaptiveChunker, job: Job[T, R], items: Sequence[T], sizes: Sequence[int], update: Callable[[int], object]
) -> Iterator[Outcome[R]]:
    metered = MeteredChunker.of(chunker)
    for index, item in enumerate(items):
        metered.meter = Meter(sizes[index], update)
        yield index, _attempt(job, metered, item)
        metered.meter.finish()


def _attempt(job: Job[T, R], chunker: AdaptiveChunker, item: T) -> R | Exception:
    try:
        return job(chunker, item)
    except Exception as err:
        return err


def _in_pool(
    chunker: AdaptiveChunker,
    job: Job[T, R],
    items: Sequence[T],
    sizes: Sequence[int],
    workers: int,
    update: Callable[[int], object],
) -> Iterator[Outcome[R]]:
    context = multiprocessing.get_context("spawn")  # fork is unsafe once torch's threads run
    tasks: Any = context.Queue()
    done: Any = context.Queue()
    for index in sorted(range(len(items)), key=lambda i: -sizes[i]):
        tasks.put((index, items[index], sizes[index]))
    threads = max(1, usable_cores() // workers)
    procs = [
        context.Process(target=_serve, args=(chunker, job, tasks, done, threads), daemon=True) for _ in range(workers)
    ]
    for proc in procs:
        tasks.put(None)
        proc.start()
    try:
        yield from _collect(procs, done, len(items), sizes, update)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _collect(
    procs: list[Any], done: Any, count: int, sizes: Sequence[int], update: Callable[[int], object]
) -> Iterator[Outcome[R]]:
    """Read the workers' messages until every item is done; yield outcomes in input order."""
    held: dict[int, Any] = {}
    running: dict[int, int] = {}  # worker pid -> the item it holds
    sent: dict[int, int] = {}
    following = 0
    while following < count:
        try:
            kind, pid, index, value = done.get(timeout=1.0)
        except queue.Empty:
            _fail_dead(procs, running, held, lambda i, n: update(sizes[i] - sent.get(i, 0)))
        else:
            if kind == "start":
                running[pid] = index
            elif kind == "progress":
                sent[index] = sent.get(index, 0) + value
                update(value)
            else:
                running.pop(pid, None)
                held[index] = pickle.loads(value)
                update(sizes[index] - sent.get(index, 0))
        while following in held:
            yield following, held.pop(following)
            following += 1


def _fail_dead(
    procs: list[Any], running: dict[int, int], held: dict[int, Any], rest: Callable[[int, int], object]
) -> None:
    """A worker that died fails the item it held; when every worker is gone, nothing more will come."""
    for proc in procs:
        if proc.exitcode is not None and proc.pid in running:
            index = running.pop(proc.pid)
            held[index] = RuntimeError(f"the worker process chunking it died (exit code {proc.exitcode})")
            rest(index, 0)
    if all(proc.exitcode is not None for proc in procs) and not running:
        codes = ", ".join(str(proc.exitcode) for proc in procs)
        msg = (
            f"every worker process stopped before the corpus was done (exit codes {codes}); a script that chunks "
            'with workers > 1 must start the work under `if __name__ == "__main__":` (worker processes import '
            "it), or pass workers=1"
        )
        raise RuntimeError(msg)


def _serve(chunker: AdaptiveChunker, job: Job[Any, Any], tasks: Any, done: Any, threads: int) -> None:
    """A worker process: take items until the sentinel, chunk each with this process's copy of the chunker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers; Ctrl-C reaches it alone
    _share_cores(threads)
    pid = os.getpid()
    metered = MeteredChunker.of(chunker)
    while (task := tasks.get()) is not None:
        index, item, size = task
        done.put(("start", pid, index, None))
        metered.meter = Meter(size, functools.partial(_report, done, pid, index))
        result = _attempt(job, metered, item)
        done.put(("done", pid, index, _pickled(result)))


def _report(done: Any, pid: int, index: int, units: int) -> None:
    done.put(("progress", pid, index, units))


def _share_cores(threads: int) -> None:
    """This process's share of the cores for torch (read when torch starts; set directly if it already has)."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def _pickled(result: Any) -> bytes:
    """The result pickled, or a ``RuntimeError`` saying why it cannot travel back (the document then fails)."""
    try:
        return pickle.dumps(result)
    except Exception as err:
        what = f"{type(result).__name__}: {result}" if isinstance(result, Exception) else f"its result: {err}"
        return pickle.dumps(RuntimeError(f"cannot be sent back from the worker process ({what})"))
