"""Chunking a Ray Dataset of documents on every worker of a Ray cluster (docs/method.md#corpora).

Needs the extra: ``pip install "adaptive-splitters[ray]"``; ``import adaptive_splitters`` never imports Ray.
:func:`chunk_dataset` runs ``map_batches`` with :class:`ChunkBatches`, a callable class: Ray builds one per worker,
so each worker builds one chunker and loads the embedding model once, for every batch it is given. Rows in, one
per document: a ``path`` column (the worker reads the file, as the ``chunk`` command does), or a ``text`` column
(with an optional ``path`` naming it). Rows out, one per chunk: the ``chunk`` command's record fields with the same
ids (``uuid5`` of the resolved path and offsets; a text without a path is keyed by its SHA-256), then ``tokens``,
``scores`` (every candidate's scores as JSON, :func:`~adaptive_splitters.output.records.scores_json`) and
``error``. A document that fails gives one row naming it in ``error`` (its other fields empty), and the others
go on.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.ids import text_key
from adaptive_splitters.output.jsonl import RECORD_FIELDS, chunk_records, document_records
from adaptive_splitters.output.records import scores_json
from adaptive_splitters.readers.files import failure_message

if TYPE_CHECKING:
    from ray.data import Dataset

COLUMNS = (*RECORD_FIELDS, "tokens", "scores", "error")
"""The columns of every output row, in order."""


class ChunkBatches:
    """The per-worker chunker for ``Dataset.map_batches``: built once per Ray worker, called once per batch.

    Args:
        **settings: the engine's settings (:class:`~adaptive_splitters.core.config.ChunkerConfig`), with
            ``hard_limit=True`` unless given, as the ``chunk`` command uses.
    """

    def __init__(self, **settings: Any) -> None:
        self.chunker = AdaptiveChunker(**{"hard_limit": True, **settings})

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """One row per chunk of every document in ``batch`` (columns :data:`COLUMNS`)."""
        out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
        texts = batch.get("text")
        paths = batch.get("path")
        count = len(texts if texts is not None else paths if paths is not None else [])
        for i in range(count):
            path = str(paths[i]) if paths is not None else None
            try:
                result, records = self._records(_text(texts[i]) if texts is not None else None, path)
            except Exception as err:
                _add(out, {"path": path, "error": failure_message(path or f"row {i}", err)})
                continue
            scores = scores_json(result)
            for record in records:
                _add(out, {**record, "scores": scores})
        return out

    def _records(self, text: str | None, path: str | None) -> tuple[Any, list[dict[str, Any]]]:
        if text is None:
            if path is None:
                msg = "a row needs a 'path' or a 'text' column"
                raise ValueError(msg)
            return chunk_records(self.chunker, path)
        key = os.path.realpath(path) if path is not None else text_key(text)
        name = os.path.splitext(os.path.basename(path))[0] if path is not None else ""
        return document_records(self.chunker, SourceDocument.build(text, name=name), path or "", key)


def chunk_dataset(dataset: Dataset, *, workers: int | None = None, batch_size: int = 4, **settings: Any) -> Dataset:
    """``dataset`` (rows with ``path`` or ``text``) chunked: one row per chunk (:data:`COLUMNS`), lazily, as Ray does.

    Args:
        dataset: the documents.
        workers: Ray workers (actors), each with one chunker and one model; default: Ray's autoscaling pool.
        batch_size: documents per call (small: documents are large, and a batch is one worker's work).
        **settings: the engine's settings, for :class:`ChunkBatches`.
    """
    from ray.data import ActorPoolStrategy

    compute = ActorPoolStrategy(size=workers) if workers is not None else ActorPoolStrategy(min_size=1)
    return dataset.map_batches(
        ChunkBatches, fn_constructor_kwargs=settings, batch_size=batch_size, batch_format="numpy", compute=compute
    )


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _add(out: dict[str, list[Any]], row: dict[str, Any]) -> None:
    for name in COLUMNS:
        out[name].append(row.get(name))
