"""``chunk_many``: a corpus through one chunker (docs/method.md#corpora).

Identical documents are chunked once; the distinct ones go to :func:`~adaptive_splitters.corpus.pool.run_jobs`
(a pool of worker processes, or this process); a progress bar counts characters. A document that fails does not
stop the others: when all are done, :class:`CorpusError` names every failed document and carries the results of
the others.
"""

from __future__ import annotations

import copy
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from adaptive_splitters.core.checks import positive_int
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import AdaptiveResult
from adaptive_splitters.corpus.pool import run_jobs, usable_cores

if TYPE_CHECKING:  # the engine imports this module for chunk_many: no import back at run time
    from adaptive_splitters.engine import AdaptiveChunker

AUTO_POOL_SIZE = 200_000
"""With ``workers=None``, a corpus smaller than this (characters, or bytes of files) runs in this process:
starting a worker process and loading its model costs more than it saves."""


class CorpusError(RuntimeError):
    """Some documents of a corpus failed; raised once the others are done.

    Attributes:
        errors: input index → the exception (its message names the document).
        results: one entry per input document, in input order: its result, or ``None`` where it failed.
    """

    def __init__(self, errors: dict[int, Exception], results: list[Any], names: Sequence[str]) -> None:
        lines = [f"documents[{i}] {_label(names[i])}: {type(e).__name__}: {e}" for i, e in sorted(errors.items())]
        super().__init__(f"{len(errors)} of {len(results)} document(s) failed:\n" + "\n".join(lines))
        self.errors = errors
        self.results = results


def _label(name: str) -> str:
    return repr(name) if name else "(unnamed)"


def resolve_workers(workers: int | None, count: int, size: int) -> int:
    """How many processes: ``workers`` when given (1: this process); for ``None``, one per usable core (at most one
    per document) when the corpus holds at least :data:`AUTO_POOL_SIZE` units, else 1."""
    if workers is not None:
        return positive_int("workers", workers)
    return min(usable_cores(), count) if size >= AUTO_POOL_SIZE else 1


@contextmanager
def progress_bar(total: int, *, enabled: bool, unit: str = "char", desc: str | None = None) -> Iterator[Any]:
    """A tqdm bar on standard error over ``total`` units of work (a disabled one when not ``enabled``)."""
    from tqdm import tqdm

    with tqdm(
        total=total, unit=unit, unit_scale=True, desc=desc, file=sys.stderr, disable=not enabled, dynamic_ncols=True
    ) as bar:
        yield bar


def chunk_many(
    chunker: AdaptiveChunker,
    documents: Iterable[str | SourceDocument],
    *,
    workers: int | None = None,
    show_progress: bool = False,
) -> list[AdaptiveResult]:
    """Chunk every document (texts or built :class:`SourceDocument`\\ s); one result per document, in input order.

    Raises:
        TypeError: a document is neither a string nor a :class:`SourceDocument` (before any work).
        CorpusError: some documents failed; raised after the others, whose results it carries.
    """
    docs = [_document(i, d) for i, d in enumerate(documents)]
    results = chunk_distinct(chunker, docs, _chunk, workers=workers, show_progress=show_progress)
    errors = {i: r for i, r in enumerate(results) if isinstance(r, Exception)}
    if errors:
        kept = [None if isinstance(r, Exception) else r for r in results]
        raise CorpusError(errors, kept, [d.name for d in docs])
    return [replace(r, document=replace(r.document, name=d.name)) for r, d in zip(results, docs, strict=True)]


def chunk_distinct(
    chunker: AdaptiveChunker,
    docs: Sequence[SourceDocument],
    job: Callable[[AdaptiveChunker, SourceDocument], Any],
    *,
    workers: int | None,
    show_progress: bool,
    stop_on_error: bool = False,
) -> list[Any]:
    """``job(chunker, doc)`` once per distinct document (equal but for its name), its outcome (a result or an
    exception) given to each copy, in input order (a copy of it from the second on: a caller changing one document's
    chunks changes no other's); progress counts every copy's characters. ``stop_on_error``
    raises the first failing document's exception (in input order) as soon as the documents before it are done."""
    first: dict[SourceDocument, int] = {}
    distinct: list[int] = []  # the input index of each distinct document
    slot: list[int] = []  # each input's distinct document
    for i, doc in enumerate(docs):
        slot.append(first.setdefault(replace(doc, name=""), len(distinct)))
        if slot[-1] == len(distinct):
            distinct.append(i)
    copies = Counter(slot)
    sizes = [len(docs[i].text) * copies[s] for s, i in enumerate(distinct)]
    count = resolve_workers(workers, len(distinct), sum(sizes))
    outcomes: list[Any] = [None] * len(distinct)
    with progress_bar(sum(sizes), enabled=show_progress) as bar:
        for index, outcome in run_jobs(chunker, job, [docs[i] for i in distinct], sizes, count, bar.update):
            if stop_on_error and isinstance(outcome, Exception):
                raise outcome
            outcomes[index] = outcome
    given: set[int] = set()
    shared = []
    for s in slot:
        outcome = outcomes[s]
        shared.append(copy.deepcopy(outcome) if s in given and not isinstance(outcome, Exception) else outcome)
        given.add(s)
    return shared


def chunk_or_raise(
    chunker: AdaptiveChunker, docs: Sequence[SourceDocument], *, workers: int | None, show_progress: bool
) -> list[AdaptiveResult]:
    """The adapters' corpus run: one result per document in input order, or the first failing document's own
    exception (as a one-by-one loop raised it; the adapters return nothing for part of their input)."""
    return chunk_distinct(chunker, docs, _chunk, workers=workers, show_progress=show_progress, stop_on_error=True)


def _chunk(chunker: AdaptiveChunker, doc: SourceDocument) -> AdaptiveResult:
    return chunker.chunk_document(doc)


def _document(index: int, document: str | SourceDocument) -> SourceDocument:
    if isinstance(document, SourceDocument):
        return document
    if isinstance(document, str):
        return SourceDocument.build(document)
    msg = f"documents[{index}] is {type(document).__name__}, not a str or a SourceDocument"
    raise TypeError(msg)
