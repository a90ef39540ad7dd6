"""What ``split``, ``evaluate`` and ``compare`` share: their paths (files and folders, found as ``chunk`` finds
them), reading each document, and writing the JSON and HTML reports; and what all four commands share about their
output files: none may be empty or name an input (:func:`output_file`, :func:`refuse_writing_inputs`).

A JSON report is ``{"documents": [...]}``, one entry per document read, indented, its floats rounded; ``--json -``
writes it to standard output. A file that fails is named with its reason on standard error, and the others are
still reported.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers import read_document
from adaptive_splitters.readers.files import (
    SKIPPED_NAMED,
    Found,
    Search,
    describe_skipped,
    failure_message,
    search_documents,
)

T = TypeVar("T")
STDOUT = "-"
"""``--json -``: standard output."""
REPORTS = ("json", "html")
"""The report commands' output options (``split`` has only ``--json``)."""
_PAIR = re.compile(r"\[\n\s+(-?\d+),\n\s+(-?\d+)\n\s*\]")
"""An indented ``[start, end]`` pair (JSON strings hold no raw newline, so this never matches inside one)."""


def add_report_parser(commands: Any, name: str, help_text: str, *, json_required: bool) -> argparse.ArgumentParser:
    """A report command with its paths, ``--raw`` and ``--json``."""
    command: argparse.ArgumentParser = commands.add_parser(name, help=help_text, description=help_text)
    command.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=".txt, .md, CLAIR parsed .json or .pdf (with the pdf extra) files, or folders (searched recursively)",
    )
    command.add_argument("--raw", action="store_true", help="skip post-processing")
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.add_argument(
        "--json",
        required=json_required,
        type=output_file,
        metavar="FILE",
        help="where to write the JSON report ('-': standard output)",
    )
    return command


def output_file(text: str) -> str:
    """The argparse type of an output option: an empty path names no file, so it is refused before any work
    (rather than failing to write once the work is done)."""
    if not text:
        msg = "expected a file name, not an empty string"
        raise argparse.ArgumentTypeError(msg)
    return text


def refuse_writing_inputs(
    parser: argparse.ArgumentParser, found: Sequence[Found], outputs: Mapping[str, str | None]
) -> None:
    """Bad usage (exit 2) when an output (``{option: path}``) is one of the ``found`` files, however its path is
    typed or linked: writing it would erase an input. A file a searched folder holds counts when it would be read,
    as :func:`search_documents` decides (a supported suffix)."""
    inputs = {os.path.realpath(f.path) for f in found}
    for option, out in outputs.items():
        if out and os.path.realpath(out) in inputs:
            parser.error(f"{option} {out} is also an input; writing it would erase it")


def search_inputs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Search:
    """The files ``args.paths`` lead to; bad usage (exit 2) when a report file (not ``-``) is one of them."""
    search = search_documents(args.paths)
    outputs = {f"--{name}": getattr(args, name, None) for name in REPORTS}
    refuse_writing_inputs(parser, search.found, {o: out for o, out in outputs.items() if out != STDOUT})
    return search


def read_all(
    search: Search, handler: Callable[[SourceDocument, str], T], *, quiet: bool = False
) -> tuple[list[T], int]:
    """``handler(document, path)`` for each document ``search`` found, and how many failed (each named on
    standard error with its reason); what searched folders held besides is counted there too. For two or more
    files, unless ``quiet``, a bar on standard error counts their bytes done."""
    from adaptive_splitters.corpus.many import progress_bar

    done: list[T] = []
    failed = 0
    sizes = [file_size(found) for found in search.found]
    with progress_bar(sum(sizes), enabled=len(search.found) >= 2 and not quiet, unit="B") as bar:
        for found, size in zip(search.found, sizes, strict=True):
            try:
                if found.error is not None:
                    raise found.error
                done.append(handler(read_document(found.path), found.path))
            except Exception as err:
                failed += 1
                bar.write(f"adaptive-splitters: {failure_message(found.path, err)}", file=sys.stderr)
            bar.update(size)
    if search.skipped:
        print(f"adaptive-splitters: {describe_skipped(search.skipped, named=SKIPPED_NAMED)}", file=sys.stderr)
    return done, failed


def file_size(found: Found) -> int:
    """A found file's work units for a progress bar: its size in bytes (0 when it cannot be read)."""
    try:
        return os.path.getsize(found.path) if found.error is None else 0
    except OSError:
        return 0


def report_entry(doc: SourceDocument, path: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A document's JSON entry: ``name``, ``path``, ``chars``, then the command's ``fields``."""
    return {"name": doc.name, "path": path, "chars": len(doc.text), **fields}


def json_report(documents: Sequence[dict[str, Any]]) -> str:
    """``{"documents": documents}`` indented by two spaces, each ``[start, end]`` pair kept on one line."""
    report = {"documents": list(documents)}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if not _encodable(text):  # lone surrogates (a Latin-1 file name, a JSON document): escaped, as chunk does
        text = json.dumps(report, ensure_ascii=True, indent=2)
    return _PAIR.sub(r"[\1, \2]", text) + "\n"


def write_output(out: str, content: str, what: str) -> bool:
    """Write ``content`` to the file ``out`` (its folders made) or, for ``-``, standard output; ``False`` after
    naming the error on standard error when it cannot be written."""
    if not _encodable(content):  # an HTML page: lone surrogates shown as U+FFFD (offsets were cut in Python)
        content = content.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if out == STDOUT:
        sys.stdout.write(content)
        sys.stdout.flush()
        return True
    try:
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    except OSError as err:
        print(f"adaptive-splitters: cannot write the {what} {out}: {err.strerror or err}", file=sys.stderr)
        return False
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
