"""The ``evaluate`` command: every candidate scored on the metrics, and the selection, for each file
(docs/method.md#selection). ``--mentions`` gives RC CLAIR's entity-pronoun pairs; ``--user-metric`` adds the
user's own metrics to the ``metrics`` setting.
"""

from __future__ import annotations

import argparse
from typing import Any

from adaptive_splitters.cli.options import add_settings, add_user_metrics, chunker_from_args
from adaptive_splitters.cli.report import Handler, add_report_parser, write_report
from adaptive_splitters.core.document import SourceDocument


def add_parser(commands: Any) -> None:
    """Add the ``evaluate`` command to the ``commands`` subparsers."""
    evaluate = add_report_parser(commands, "evaluate", "score every candidate and select the best per file")
    evaluate.add_argument(
        "--mentions", metavar="DIR", help="folder of <name>.json with entity_pronoun_pairs (else --pairs applies)"
    )
    add_user_metrics(evaluate)
    add_settings(evaluate)
    evaluate.set_defaults(run=run)


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Write each document's choice, reason, candidate order, skipped candidates, pairs source, cost and, per
    candidate, its spans, metric scores and selection score."""
    return write_report(args.files, _handler(parser, args), args.json)


def _handler(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Handler:
    from adaptive_splitters.readers.clair import with_mentions

    chunker = chunker_from_args(parser, args, user_metrics=args.user_metric, raw=args.raw)

    def handle(doc: SourceDocument) -> dict[str, Any]:
        if args.mentions:
            doc = with_mentions(doc, args.mentions)
        result = chunker.chunk_document(doc)
        candidates = {
            name: {
                "spans": [list(c.span) for c in chunks],
                "scores": result.scores[name],
                "score": result.objective.get(name),
                **result.notes.get(name, {}),
            }
            for name, chunks in result.candidates.items()
        }
        return {
            "chosen": result.chosen,
            "reason": result.reason,
            "candidates": candidates,
            "candidate_order": list(result.candidates),
            "skipped": result.skipped,
            "pairs_source": result.pairs_source,
            "cost": result.cost,
        }

    return handle
