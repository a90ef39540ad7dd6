"""Chunk records as JSON lines: the ``chunk`` command's format (docs/method.md#overview).

Each chunk becomes one record with the fields of :data:`RECORD_FIELDS` (more may be added, never renamed): the
same meanings and id recipe as the LangChain adapter, with the file's resolved path (``os.path.realpath``) as
the id's ``source_key``: one file gets the same ids however its path is written (relative, absolute, through a
link), and two files never share them. The record's ``path`` stays as given.
"""

from __future__ import annotations

import json
import os
from typing import Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import AdaptiveResult
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.records import emit_document
from adaptive_splitters.readers import read_document

RECORD_FIELDS = (
    "id",
    "document",
    "path",
    "chunk_index",
    "start_index",
    "end_index",
    "text",
    "candidate",
    "page_start",
    "page_end",
    "section",
)
"""The promised fields of a chunk record, in order; ``tokens`` follows them, then the chosen candidate's notes
(``structure_pattern``, ``llm_regex_pattern`` or ``llm_regex_fallback``) when it keeps any, then, with
``--parent-size``, ``level`` (``parent`` records first, then ``chunk``) and ``parent_id`` (a chunk's parent; ``None``
for a parent, whose ``candidate`` is the parent candidate chosen)."""


def chunk_records(chunker: AdaptiveChunker, path: str) -> tuple[AdaptiveResult, list[dict[str, Any]]]:
    """Read ``path``, chunk it, and return the engine's result and one record per chunk (:data:`RECORD_FIELDS`,
    then ``tokens``).

    Pages are reported as the document numbers them (from 1 for CLAIR files, PDFs and page markers); ``section``
    is the heading breadcrumb; both ``None`` where unknown. Ids are keyed by the resolved path. Raises
    :class:`~adaptive_splitters.readers.files.DocumentError` for unreadable files.
    """
    return document_records(chunker, read_document(path), path, os.path.realpath(path))


def document_records(
    chunker: AdaptiveChunker, doc: SourceDocument, path: str, source_key: str
) -> tuple[AdaptiveResult, list[dict[str, Any]]]:
    """Chunk ``doc`` (read from ``path``) and return the engine's result and its records, ids keyed by
    ``source_key`` (:func:`chunk_records` gives the resolved path)."""
    result, emitted = emit_document(chunker, doc, source_key, page_label=int)
    records = []
    for e in emitted:
        meta = e.metadata
        records.append(
            {
                "id": e.id,
                "document": doc.name,
                "path": path,
                "chunk_index": meta["chunk_index"],
                "start_index": e.start,
                "end_index": e.end,
                "text": e.text,
                "candidate": result.chosen,
                "page_start": meta.get("page_start"),
                "page_end": meta.get("page_end"),
                "section": meta.get("section") or None,
                "tokens": meta["adaptive_tokens"],
                **{key: meta[key] for key in e.note_keys if key in meta},  # the chosen candidate's notes
                **({"level": e.level, "parent_id": e.parent} if result.parents is not None else {}),
            }
        )
        if e.level == "parent":
            records[-1]["candidate"] = meta["adaptive_parent_candidate"]
    return result, records


def json_line(record: dict[str, Any]) -> bytes:
    """``record`` as one UTF-8 JSON line; text that UTF-8 cannot hold (lone surrogates) is written escaped."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")
