"""The ``chunk`` command: files and folders to JSON lines (one per chunk), a progress bar and a summary table.

Records go to ``--out`` (whole or not at all: :mod:`adaptive_splitters.cli.atomic`) or standard output, in the
format of :mod:`adaptive_splitters.output.jsonl`; progress, failures and the summary go to standard error. The
chunker is the engine with the command line's settings and ``hard_limit`` (docs/method.md#post-processing).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from adaptive_splitters.cli.atomic import Interrupted, Output, signals_raise
from adaptive_splitters.cli.options import _checked, add_settings, chunker_from_args
from adaptive_splitters.cli.report import file_size, output_file, refuse_writing_inputs
from adaptive_splitters.core.checks import positive_int
from adaptive_splitters.readers.files import SKIPPED_NAMED, DocumentError, Found, Skipped, describe_skipped

if TYPE_CHECKING:
    from adaptive_splitters.engine import AdaptiveChunker

SIGPIPE_EXIT = 141
"""The exit code when the reader of standard output goes away (``| head``): what a shell reports for SIGPIPE."""
FALLBACK_MARK = "*"
"""Marks, in the summary table, a candidate the engine fell back to; a footnote below the table says why."""


def add_parser(commands: Any) -> None:
    """Add the ``chunk`` command to the ``commands`` subparsers."""
    chunk = commands.add_parser(
        "chunk",
        help="chunk files and folders with the best candidate per document; one JSON line per chunk",
        description="Chunk .txt, .md, CLAIR .json and .pdf files (folders recursively): one JSON line per chunk "
        "with id, document, path, chunk_index, start_index, end_index, text, candidate, page_start, page_end, "
        "section (and tokens). Offsets index the file's UTF-8 text (BOM removed, newlines as stored); for a PDF, "
        "its page texts joined by a blank line.",
    )
    chunk.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    chunk.add_argument(
        "--out", type=output_file, metavar="FILE.jsonl", help="where to write the chunks (default: standard output)"
    )
    chunk.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    chunk.add_argument(
        "--workers",
        type=_checked("workers", positive_int, int),
        metavar="N",
        help="worker processes, each with its own model (default: one per core when the input holds at least "
        "200 kB, else 1; 1: in this process)",
    )
    add_settings(chunk)
    chunk.set_defaults(run=run)


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


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The ``chunk`` command: JSON lines to ``--out`` or standard output, summary and progress to standard error.

    SIGINT and SIGTERM stop the run with 130 and 143, a write error (a full disk) with 1; each leaves ``--out``
    as it was (absent, or the previous complete output).
    """
    output = Output(args.out)
    with signals_raise():
        try:
            return _chunk_into(parser, args, output)
        except Interrupted as stop:  # the finally below removes the temporary file
            print(f"adaptive-splitters: interrupted; {output.left}", file=sys.stderr)
            return 128 + stop.signum
        finally:
            output.discard()  # nothing left to do after a commit; otherwise no temporary file stays behind


def _chunk_into(parser: argparse.ArgumentParser, args: argparse.Namespace, output: Output) -> int:
    from adaptive_splitters.readers.files import search_documents

    chunker = chunker_from_args(parser, args, hard_limit=True)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings are noise beside our reasons
    search = search_documents(args.paths)
    refuse_writing_inputs(parser, search.found, {"--out": args.out})
    try:
        stream = output.open()
    except OSError as err:
        parser.error(f"--out {args.out}: {err.strerror}")
    try:
        outcomes = _write_all(search.found, chunker, stream, quiet=args.quiet, workers=args.workers)
        output.commit()
    except BrokenPipeError:  # the reader stopped (e.g. `| head`): stop quietly, as a writer killed by SIGPIPE
        output.discard()
        if output.stream is None:  # standard output: nothing may be flushed to it at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    except OSError as err:  # e.g. a full disk: the output would be incomplete (run's finally discards it)
        print(f"adaptive-splitters: cannot write {output.name}: {err.strerror}; {output.left}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary_table(outcomes, search.skipped), file=sys.stderr)
    return 1 if any(isinstance(o, Failed) for o in outcomes) else 0


def _write_all(
    found: Sequence[Found], chunker: AdaptiveChunker, stream: BinaryIO, *, quiet: bool, workers: int | None = None
) -> list[Chunked | Failed]:
    """Chunk the files (on worker processes when there is enough work: :mod:`adaptive_splitters.corpus`) and write
    each file's records in input order, as soon as it and those before it are done; a bar on standard error counts
    input bytes, moving within a file as its stages run."""
    from adaptive_splitters.corpus import progress_bar, run_jobs
    from adaptive_splitters.corpus.many import resolve_workers
    from adaptive_splitters.output.jsonl import json_line

    sizes = [file_size(item) for item in found]
    count = resolve_workers(workers, len(found), sum(sizes))
    outcomes: list[Chunked | Failed] = []
    with progress_bar(sum(sizes), enabled=not quiet, unit="B") as progress:
        for index, done in run_jobs(chunker, chunk_file, found, sizes, count, progress.update):
            item = found[index]
            outcome, records = done if not isinstance(done, Exception) else (_failed(item.path, done), [])
            for record in records:
                stream.write(json_line(record))
            outcomes.append(outcome)
            if isinstance(outcome, Failed):
                progress.write(f"adaptive-splitters: {outcome.message}", file=sys.stderr)
    return outcomes


def _failed(path: str, err: Exception) -> Failed:
    return Failed(path, f"{path}: failed ({type(err).__name__}: {err})")


def chunk_file(chunker: AdaptiveChunker, item: Found) -> tuple[Chunked | Failed, list[dict[str, Any]]]:
    """Chunk one found file: its outcome and its records (none when it failed; a :class:`Failed` names why)."""
    from adaptive_splitters.output.jsonl import chunk_records

    if item.error is not None:
        return Failed(item.path, str(item.error)), []
    try:
        result, records = chunk_records(chunker, item.path)
    except DocumentError as err:
        return Failed(item.path, str(err)), []
    chunks = [r for r in records if r.get("level", "chunk") == "chunk"]  # parents are counted by none
    tokens = sum(r["tokens"] for r in chunks)
    return Chunked(item.path, result.chosen, len(chunks), tokens, result.fallback), records


def summary_table(outcomes: Sequence[Chunked | Failed], skipped: Sequence[Skipped] = ()) -> str:
    """A plain-text table: document, chosen candidate, chunks, mean tokens, with a total row (and the number of
    failed documents, each of which was named when it failed), paths shortened in the middle to keep it within
    :data:`~adaptive_splitters.output.terminal.WIDTH` columns. Below it, a line counting what searched folders
    held but were not read, the first :data:`SKIPPED_NAMED` of them named (see :func:`describe_skipped`), and a
    footnote per document whose candidate is marked :data:`FALLBACK_MARK`: none of the requested candidates
    applied, and the engine fell back."""
    from adaptive_splitters.output.terminal import WIDTH, aligned, shorten

    done = [o for o in outcomes if isinstance(o, Chunked)]
    failed = len(outcomes) - len(done)
    rows = [
        [d.path, d.candidate + (FALLBACK_MARK if d.fallback else ""), str(d.chunks), f"{d.mean_tokens:.0f}"]
        for d in done
    ]
    chunks = sum(d.chunks for d in done)
    tokens = sum(d.tokens for d in done)
    total = f"{len(done)} document(s)" + (f", {failed} failed" if failed else "")
    rows.append([total, "", str(chunks), f"{tokens / chunks:.0f}" if chunks else "-"])
    rows.insert(0, ["document", "candidate", "chunks", "mean tokens"])
    others = sum(max(len(row[i]) for row in rows) + 2 for i in (1, 2, 3))
    for row in rows:
        row[0] = shorten(row[0], max(WIDTH - others, len(total)))
    lines = [aligned(rows, right=(2, 3), rule_after=(0, len(rows) - 2))]
    if skipped:
        lines.append(describe_skipped(skipped, named=SKIPPED_NAMED))
    lines += [f"{FALLBACK_MARK} {d.path}: {d.fallback}" for d in done if d.fallback]
    return "\n".join(lines)
