"""The ``evaluate`` command: every candidate scored on the metrics, and the selection, for each file
(docs/method.md#selection): a table on the terminal, and on request the JSON report and the HTML report
(:mod:`adaptive_splitters.output.html`). ``--mentions`` gives RC CLAIR's entity-pronoun pairs; ``--user-metric``
adds the user's own metrics to the ``metrics`` setting.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from adaptive_splitters.cli.options import add_settings, add_user_metrics, chunker_from_args
from adaptive_splitters.cli.report import (
    STDOUT,
    add_report_parser,
    json_report,
    output_file,
    read_all,
    report_entry,
    search_inputs,
    write_output,
)

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.output.evaluation import Evaluated


def add_parser(commands: Any) -> None:
    """Add the ``evaluate`` command to the ``commands`` subparsers."""
    help_text = "score every candidate and select the best per file; a table, and JSON and HTML reports"
    add_scoring_command(commands, "evaluate", help_text, run)


def add_scoring_command(commands: Any, name: str, help_text: str, run: Callable[..., int]) -> None:
    """A command that runs the engine and reports (``evaluate``, ``compare``): the report's paths, ``--raw`` and
    ``--json``, then ``--html``, ``--mentions``, ``--user-metric`` and the engine's settings."""
    parser = add_report_parser(commands, name, help_text, json_required=False)
    parser.add_argument(
        "--html",
        type=output_file,
        metavar="FILE.html",
        help="where to write the HTML report, one self-contained file ('-': standard output)",
    )
    parser.add_argument(
        "--mentions", metavar="DIR", help="folder of <name>.json with entity_pronoun_pairs (else --pairs applies)"
    )
    add_user_metrics(parser)
    add_settings(parser)
    parser.set_defaults(run=run)


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Print the table (to standard error when ``--json -`` or ``--html -`` takes standard output); write
    ``--json`` (each document's choice, reason, candidate order, skipped candidates, pairs source, cost and, per
    candidate, its spans, metric scores, selection score, chunks and blocks cut) and ``--html``."""
    from adaptive_splitters.output.html import evaluation_page
    from adaptive_splitters.output.terminal import evaluation_table

    documents, failed = evaluate_all(parser, args)
    return deliver(args, documents, failed, evaluation_table, evaluation_page)


def evaluate_all(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[list[Evaluated], int]:
    """The engine with the command line's settings run on every document ``args.paths`` lead to."""
    from adaptive_splitters.output.evaluation import Evaluated
    from adaptive_splitters.readers.clair import with_mentions

    if args.json == STDOUT and args.html == STDOUT:
        parser.error("--json - and --html - cannot both take standard output")
    search = search_inputs(parser, args)
    chunker = chunker_from_args(parser, args, user_metrics=args.user_metric, raw=args.raw)
    metrics = tuple(m.name for m in chunker.metrics)

    def handle(doc: SourceDocument, path: str) -> Evaluated:
        if args.mentions:
            doc = with_mentions(doc, args.mentions)
        return Evaluated(path, chunker.chunk_document(doc), metrics)

    return read_all(search, handle, quiet=args.quiet)


def deliver(
    args: argparse.Namespace,
    documents: Sequence[Evaluated],
    failed: int,
    table: Callable[[Sequence[Evaluated]], str],
    page: Callable[[Sequence[Evaluated]], str],
) -> int:
    """Write the reports asked for and print ``table(documents)``; 1 if a document failed or a report could not
    be written, else 0."""
    from adaptive_splitters.output.evaluation import evaluation_record

    written = True
    if args.json:
        entries = [report_entry(e.result.document, e.path, evaluation_record(e)) for e in documents]
        written = write_output(args.json, json_report(entries), "JSON report")
    if args.html and documents:
        written = write_output(args.html, page(documents), "HTML report") and written
    if documents:
        print(table(documents), file=sys.stderr if STDOUT in (args.json, args.html) else sys.stdout)
    return 1 if failed or not written else 0
