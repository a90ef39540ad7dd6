"""The ``split`` command: every candidate's spans for each file, post-processed unless ``--raw``
(docs/method.md#candidates). It scores nothing, so it imports neither torch nor llama_index.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from adaptive_splitters.cli.options import add_settings, chunker_from_args
from adaptive_splitters.cli.report import (
    add_report_parser,
    json_report,
    read_all,
    report_entry,
    search_inputs,
    write_output,
)
from adaptive_splitters.core.document import SourceDocument

SCORING_SETTINGS = ("metrics", "long_texts", "selection", "pairs")
"""Settings only the scoring reads: not options of ``split``."""


def add_parser(commands: Any) -> None:
    """Add the ``split`` command to the ``commands`` subparsers."""
    split = add_report_parser(commands, "split", "write every candidate's spans for each file", json_required=True)
    add_settings(split, leave_out=SCORING_SETTINGS)
    split.set_defaults(run=run)


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Write ``{"documents": [{name, path, chars, spans: {candidate: [[start, end], ...]}, skipped}]}``."""
    search = search_inputs(parser, args)
    documents, failed = read_all(search, _handler(parser, args), quiet=args.quiet)
    written = write_output(args.json, json_report(documents), "JSON report")
    return 1 if failed or not written else 0


def _handler(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Callable[[SourceDocument, str], Any]:
    from adaptive_splitters.candidates import NotApplicable
    from adaptive_splitters.postprocess import candidate_spans
    from adaptive_splitters.text.structure import with_detected_structure

    chunker = chunker_from_args(parser, args, raw=args.raw)
    context = chunker.split_context()

    def handle(doc: SourceDocument, path: str) -> dict[str, Any]:
        doc = with_detected_structure(doc)
        spans: dict[str, list[list[int]]] = {}
        skipped: dict[str, str] = {}
        for candidate in chunker.candidates:
            try:
                spans[candidate.name] = [list(s) for s in candidate_spans(candidate, doc, context, raw=args.raw)]
            except NotApplicable as reason:
                skipped[candidate.name] = str(reason)
        return report_entry(doc, path, {"spans": spans, "skipped": skipped})

    return handle
