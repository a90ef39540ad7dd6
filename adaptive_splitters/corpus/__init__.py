"""Corpora (docs/method.md#corpora): many documents through one chunker, on every core, with progress by work done.

:mod:`~adaptive_splitters.corpus.many` (``chunk_many``: identical documents once, results in input order, failures
named after the others are done), :mod:`~adaptive_splitters.corpus.pool` (worker processes, one model each, largest
documents first) and :mod:`~adaptive_splitters.corpus.meter` (progress by characters, within a document too).
:meth:`AdaptiveChunker.chunk_many <adaptive_splitters.engine.AdaptiveChunker.chunk_many>`, both adapters and the
``chunk`` command run corpora through here; :mod:`adaptive_splitters.ray` scales the same work out on Ray Data.
"""

from __future__ import annotations

from adaptive_splitters.corpus.many import (
    AUTO_POOL_SIZE,
    CorpusError,
    chunk_distinct,
    chunk_many,
    chunk_or_raise,
    progress_bar,
)
from adaptive_splitters.corpus.pool import run_jobs, usable_cores

__all__ = [
    "AUTO_POOL_SIZE",
    "CorpusError",
    "chunk_distinct",
    "chunk_many",
    "chunk_or_raise",
    "progress_bar",
    "run_jobs",
    "usable_cores",
]
