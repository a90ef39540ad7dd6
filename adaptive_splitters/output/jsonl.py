"""Chunking many files into one JSON-lines stream: the ``chunk`` command's engine-side half.

Each chunk becomes one record with the fields of :data:`RECORD_FIELDS` (more may be added, never renamed): the
same meanings and id recipe as the LangChain adapter, with the file's resolved path (``os.path.realpath``) as
the id's ``source_key``: one file gets the same ids however its path is written (relative, absolute, through a
link), and two files never share them. The record's ``path`` stays as given.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.records import emit_document
from adaptive_splitters.readers.files import DocumentError, Found, Skipped, describe_skipped, read_document

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
"""The promised fields of a chunk record, in order; ``tokens`` follows them."""


@dataclass(frozen=True)
class Chunked:
    """One document done: what the summary table shows (``fallback``: why the engine fell back from the requested
    candidates to the recursive splitter, or ``None``)."""

    path: str
    candidate: str
    chunks: int
    tokens: int
    fallback: str | None = None

    @property
    def mean_tokens(self) -> float:
        """Mean tokens per chunk (0 for no chunks)."""
        return self.tokens / self.chunks if self.chunks else 0.0


@dataclass(frozen=True)
class Failed:
    """One document that failed, and why (``message`` names the path and the reason)."""

    path: str
    message: str


def chunk_records(chunker: AdaptiveChunker, path: str, max_tokens: int) -> tuple[Chunked, list[dict[str, Any]]]:
    """Read ``path``, chunk it, and return its summary and one record per chunk (see :data:`RECORD_FIELDS`).

    Pages are reported as the document numbers them (from 1 for CLAIR files, PDFs and page markers); ``section``
    is the heading breadcrumb; both ``None`` where unknown. Ids are keyed by the resolved path. Raises
    :class:`DocumentError` for unreadable files.
    """
    doc = read_document(path)
    result, emitted = emit_document(chunker, doc, os.path.realpath(path), page_label=int)
    records = []
    total = 0
    for e in emitted:
        tokens = chunker.counter(e.text)
        total += tokens
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
                "tokens": tokens,
            }
        )
    return Chunked(path, result.chosen, len(records), total, result.fallback), records


def chunk_files(
    found: Iterable[Found],
    chunker: AdaptiveChunker,
    max_tokens: int,
    write: Callable[[dict[str, Any]], object],
) -> Iterable[Chunked | Failed]:
    """Chunk each found file, writing its records as soon as it is done; yields one outcome per file.

    A file that fails yields :class:`Failed` and writes nothing; the others go on.
    """
    for item in found:
        if item.error is not None:
            yield _failed(item.path, item.error)
            continue
        try:
            done, records = chunk_records(chunker, item.path, max_tokens)
        except DocumentError as err:
            yield _failed(item.path, err)
            continue
        except Exception as err:
            yield Failed(item.path, f"{item.path}: failed ({type(err).__name__}: {err})")
            continue
        for record in records:
            write(record)
        yield done


def _failed(path: str, err: DocumentError) -> Failed:
    return Failed(path, str(err))


def json_line(record: dict[str, Any]) -> bytes:
    """``record`` as one UTF-8 JSON line; text that UTF-8 cannot hold (lone surrogates) is written escaped."""
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


FALLBACK_MARK = "*"
"""Marks, in the summary table, a candidate the engine fell back to; a footnote below the table says why."""


def summary_table(outcomes: list[Chunked | Failed], skipped: Sequence[Skipped] = ()) -> str:
    """A plain-text table: document, chosen candidate, chunks, mean tokens, with a total row (and the number of
    failed documents, each of which was named when it failed). Below it, a line counting what searched folders
    held but were not read (see :func:`describe_skipped`), and a footnote per document whose candidate is
    marked :data:`FALLBACK_MARK`: none of the requested candidates applied, and the engine fell back."""
    done = [o for o in outcomes if isinstance(o, Chunked)]
    failed = len(outcomes) - len(done)
    rows = [("document", "candidate", "chunks", "mean tokens")]
    rows += [
        (d.path, d.candidate + (FALLBACK_MARK if d.fallback else ""), str(d.chunks), f"{d.mean_tokens:.0f}")
        for d in done
    ]
    chunks = sum(d.chunks for d in done)
    tokens = sum(d.tokens for d in done)
    total = f"{len(done)} document(s)" + (f", {failed} failed" if failed else "")
    rows.append((total, "", str(chunks), f"{tokens / chunks:.0f}" if chunks else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    rule = "  ".join("-" * w for w in widths)
    lines.insert(1, rule)
    lines.insert(len(lines) - 1, rule)
    if skipped:
        lines.append(describe_skipped(skipped))
    lines += [f"{FALLBACK_MARK} {d.path}: {d.fallback}" for d in done if d.fallback]
    return "\n".join(line.rstrip() for line in lines)
