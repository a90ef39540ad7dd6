"""The ``compare`` command: two candidates on the same documents, their chunk boundaries side by side in the HTML
report (``--html``) and their chunks, cut blocks, shared boundaries and scores on the terminal
(docs/method.md#candidates). The engine runs with exactly those two candidates, so the reason says which of the
two it would keep.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from adaptive_splitters.cli.evaluate import add_scoring_command, deliver, evaluate_all

if TYPE_CHECKING:
    from adaptive_splitters.output.evaluation import Evaluated


def add_parser(commands: Any) -> None:
    """Add the ``compare`` command to the ``commands`` subparsers."""
    help_text = "two candidates' chunk boundaries side by side (--candidate A --candidate B)"
    add_scoring_command(commands, "compare", help_text, run)


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Run the two ``--candidate``s on every document; the summary on the terminal, ``--html`` and ``--json``."""
    from adaptive_splitters.output.html import comparison_page
    from adaptive_splitters.output.terminal import comparison_table

    candidates = args.candidates or []
    if len(candidates) != 2 or candidates[0] == candidates[1]:
        given = ", ".join(candidates) or "none"
        parser.error(f"compare needs two different candidates: --candidate A --candidate B (given: {given})")
    first, second = candidates
    documents, failed = evaluate_all(parser, args)

    def table(done: Sequence[Evaluated]) -> str:
        return "\n\n".join(comparison_table(e, first, second) for e in done)

    def page(done: Sequence[Evaluated]) -> str:
        return comparison_page(done, first, second)

    return deliver(args, documents, failed, table, page)
