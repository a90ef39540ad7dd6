"""The ``adaptive-splitters`` command: ``chunk`` (files and folders to JSON lines, the main job), ``split``
(every candidate's spans), ``evaluate`` (scores and selection: a table, JSON and HTML reports) and ``compare``
(two candidates' boundaries side by side); the engine's settings are options of each.

Exit codes: 0 all done; 2 bad usage; 1 some file failed (the others are still written; each failure is named
with its reason on standard error), or ``chunk`` could not write its ``--out``; 141 when the reader of
``chunk``'s standard output stopped reading; 130 and 143 when ``chunk`` was stopped by SIGINT and SIGTERM.
``chunk --out`` is replaced only by a complete output: a run that fails to write or is stopped leaves it as it was.
``split`` imports neither torch nor llama_index.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from adaptive_splitters.cli import chunk, compare, evaluate, split


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. A command's errors show that command's usage."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    command: argparse.ArgumentParser = args.command_parser
    if extra:
        command.error(f"unrecognized arguments: {' '.join(extra)}")
    code: int = args.run(command, args)
    return code


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; each sets ``run(parser, args) -> exit code``."""
    description = (__doc__ or "").replace("``", "'")  # help reads as text, not reST
    parser = argparse.ArgumentParser(
        prog="adaptive-splitters", description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    chunk.add_parser(commands)
    split.add_parser(commands)
    evaluate.add_parser(commands)
    compare.add_parser(commands)
    for command in commands.choices.values():
        command.set_defaults(command_parser=command)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("adaptive-splitters")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


if __name__ == "__main__":
    sys.exit(main())
