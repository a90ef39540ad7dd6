"""Running one job per document, in this process or on a pool of worker processes (docs/method.md#corpora).

Each worker process holds one copy of the chunker, so the embedding model is loaded once per process, and torch
gets the process's share of the cores (``cores // workers`` threads). The largest documents are handed out first:
the last document to finish is then a small one, and progress by size moves at a steady rate. Results come back
in input order whatever the order of work; a job's exception is its document's result (the others go on); a worker
that dies (killed, out of memory) fails the document it held and the run goes on with the others.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Any, TypeVar

from adaptive_splitters.corpus.meter import Meter, MeteredChunker

if TYPE_CHECKING:  # the engine imports the corpus paths for chunk_many: no import back at run time
    from adaptive_splitters.engine import AdaptiveChunker

T = TypeVar("T")
R = TypeVar("R")
Job = Callable[["AdaptiveChunker", T], R]
"""The work for one document: a module-level function (it is pickled by reference to the workers)."""
Outcome = tuple[int, R | Exception]
STOP_WAIT = 10.0
"""Seconds a worker told to stop may take to exit on its own before it is terminated."""


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
        return
    workers = min(workers, len(items))
    context = multiprocessing.get_context("spawn")  # fork is unsafe once torch's threads run
    threads = max(1, usable_cores() // workers)
    pool: list[_Worker] = []
    try:
        for _ in range(workers):
            pool.append(_Worker(context, chunker, job, threads))
        yield from _Dispatch(pool, items, sizes, update).run()
    finally:
        for worker in pool:
            worker.stop()


def _in_process(
    chunker: AdaptiveChunker, job: Job[T, R], items: Sequence[T], sizes: Sequence[int], update: Callable[[int], object]
) -> Iterator[Outcome[R]]:
    metered = MeteredChunker(chunker)
    for index, item in enumerate(items):
        metered.meter = Meter(sizes[index], update)
        yield index, _attempt(job, metered.as_chunker(), item)
        metered.meter.finish()


def _attempt(job: Job[T, R], chunker: AdaptiveChunker, item: T) -> R | Exception:
    try:
        return job(chunker, item)
    except Exception as err:
        return err


class _Worker:
    """One worker process, a pipe each way (a worker that dies can break only its own), and the item it holds."""

    def __init__(self, context: Any, chunker: AdaptiveChunker, job: Job[Any, Any], threads: int) -> None:
        tasks, self.tasks = context.Pipe(duplex=False)
        self.done, done = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(chunker, job, tasks, done, threads), daemon=True)
        try:
            self.process.start()  # pickles the chunker for the new process
        except (pickle.PicklingError, AttributeError, TypeError) as err:
            msg = (
                f"workers > 1 sends the chunker to worker processes, and it cannot be pickled ({err}); give its "
                "embedder, tokenizer and llm as names or module-level objects, or pass workers=1"
            )
            raise TypeError(msg) from err
        finally:
            tasks.close()
            done.close()  # only the worker writes: its death then reads as the end of the pipe
        self.holding: int | None = None
        self.told_to_stop = False

    def give(self, task: tuple[int, Any, int] | None) -> None:
        self.holding = task[0] if task is not None else None
        self.told_to_stop = task is None
        with contextlib.suppress(OSError):  # it died: reading its other pipe fails the item it now holds
            self.tasks.send(task)

    def stop(self) -> None:
        if self.process.pid is None:
            return  # never started
        if self.told_to_stop:  # let it exit on its own (cleanly: torch and tqdm release what they hold)
            self.process.join(timeout=STOP_WAIT)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.tasks.close()
        self.done.close()


class _Dispatch:
    """The parent's side: one item at a time to each worker, largest first; outcomes back in input order."""

    def __init__(
        self, pool: list[_Worker], items: Sequence[Any], sizes: Sequence[int], update: Callable[[int], object]
    ) -> None:
        self.pool = {worker.done: worker for worker in pool}
        self.todo = sorted(range(len(items)), key=lambda i: (sizes[i], -i))  # popped from the end: largest first
        self.items, self.sizes, self.update = items, sizes, update
        self.sent = [0] * len(items)
        self.held: dict[int, Any] = {}

    def run(self) -> Iterator[Outcome[Any]]:
        for worker in self.pool.values():
            self._next(worker)
        following = 0
        while following < len(self.items):
            if not self.pool:
                msg = (
                    "every worker process stopped before the corpus was done; a script that chunks with workers > 1 "
                    'must start the work under `if __name__ == "__main__":` (worker processes import it), or pass '
                    "workers=1"
                )
                raise RuntimeError(msg)
            for reader in wait(list(self.pool)):
                self._read(self.pool[reader])
            while following in self.held:
                yield following, self.held.pop(following)
                following += 1

    def _read(self, worker: _Worker) -> None:
        try:
            kind, index, value = worker.done.recv()
        except (EOFError, OSError, pickle.UnpicklingError):  # the worker died (killed, out of memory)
            worker.process.join()
            if worker.holding is not None:
                code = worker.process.exitcode
                self._finish(worker.holding, RuntimeError(f"the worker process chunking it died (exit code {code})"))
            del self.pool[worker.done]
            return
        if kind == "progress":
            self.sent[index] += value
            self.update(value)
        else:
            self._finish(index, pickle.loads(value))
            self._next(worker)

    def _next(self, worker: _Worker) -> None:
        index = self.todo.pop() if self.todo else None
        worker.give((index, self.items[index], self.sizes[index]) if index is not None else None)

    def _finish(self, index: int, outcome: Any) -> None:
        self.held[index] = outcome
        self.update(self.sizes[index] - self.sent[index])


def _serve(chunker: AdaptiveChunker, job: Job[Any, Any], tasks: Any, done: Any, threads: int) -> None:
    """A worker process: take items until the sentinel, chunk each with this process's copy of the chunker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers; Ctrl-C reaches it alone
    _share_cores(threads)
    metered = MeteredChunker(chunker)
    with contextlib.suppress(EOFError, BrokenPipeError):  # the parent is gone: nothing left to do
        while (task := tasks.recv()) is not None:
            index, item, size = task
            metered.meter = Meter(size, functools.partial(_report, done, index))
            result = _attempt(job, metered.as_chunker(), item)
            done.send(("done", index, _pickled(result)))


def _report(done: Any, index: int, units: int) -> None:
    done.send(("progress", index, units))


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
