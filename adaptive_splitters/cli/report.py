"""What ``split`` and ``evaluate`` share: their file arguments and the JSON report.

A report is ``{"documents": [...]}``, one entry per file read (``name``, ``path``, ``chars`` and the command's
fields); a file that fails is named with its reason on standard error, and the others are still reported.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers import DocumentError, read_document

Handler = Callable[[SourceDocument], dict[str, Any]]
"""What a command reports for one document."""


def add_report_parser(commands: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A report command with its files, ``--raw`` and ``--json``."""
    command: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
    command.add_argument(
        "files", nargs="+", metavar="FILE", help=".txt, .md, CLAIR parsed .json or .pdf (with the pdf extra)"
    )
    command.add_argument("--raw", action="store_true", help="skip post-processing")
    command.add_argument("--json", required=True, metavar="OUT", help="where to write the JSON report")
    return command


def write_report(files: Sequence[str], handler: Handler, out: str) -> int:
    """Report each file to ``out``; 1 if some file failed, else 0."""
    documents, failed = _run_files(files, handler)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"documents": documents}, ensure_ascii=False), encoding="utf-8")
    return 1 if failed else 0


def _run_files(files: Sequence[str], handler: Handler) -> tuple[list[dict[str, Any]], int]:
    documents: list[dict[str, Any]] = []
    failed = 0
    for path in files:
        try:
            doc = read_document(path)
            documents.append({"name": doc.name, "path": str(path), "chars": len(doc.text), **handler(doc)})
        except DocumentError as err:  # its message names the path and the reason
            failed += 1
            print(f"adaptive-splitters: {err}", file=sys.stderr)
        except Exception as err:
            failed += 1
            print(f"adaptive-splitters: {path}: {type(err).__name__}: {err}", file=sys.stderr)
    return documents, failed
