"""The ``adaptive-splitters`` command: ``chunk`` (files and folders to JSON lines, the main job), ``split``
(every candidate's spans) and ``evaluate`` (scores and selection).

Exit codes: 0 all done; 2 bad usage; 1 some file failed (the others are still written; each failure is named
with its reason on standard error), or ``chunk`` could not write its ``--out``; 141 when the reader of
``chunk``'s standard output stopped reading; 130 and 143 when ``chunk`` was stopped by SIGINT and SIGTERM.
``chunk --out`` is replaced only by a complete output: a run that fails to write or is stopped leaves it as it was.
``split`` imports neither torch nor llama_index.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers.files import DocumentError, read_document, with_mentions

METRICS = ("SC", "BI", "RC", "ICC", "DCC")
SIGPIPE_EXIT = 141
"""The exit code when the reader of standard output goes away (``| head``): what a shell reports for SIGPIPE."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "chunk":
        return _chunk(parser, args)
    try:
        handler = _evaluate_handler(args) if args.command == "evaluate" else _split_handler(args)
    except (ValueError, TypeError) as err:
        parser.error(str(err))
    documents, failed = _run_files(args.files, handler)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"documents": documents}, ensure_ascii=False), encoding="utf-8")
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="adaptive-splitters", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _chunk_parser(commands)
    split = commands.add_parser("split", help="write every candidate's spans for each file")
    evaluate = commands.add_parser("evaluate", help="score every candidate and select the best per file")
    for command in (split, evaluate):
        command.add_argument(
            "files", nargs="+", metavar="FILE", help=".txt, .md, CLAIR parsed .json or .pdf (with the pdf extra)"
        )
        command.add_argument("--candidate", action="append", metavar="NAME", help="a candidate (repeatable)")
        command.add_argument("--raw", action="store_true", help="skip post-processing")
        command.add_argument("--json", required=True, metavar="OUT", help="where to write the JSON report")
    evaluate.add_argument(
        "--metrics", help="comma-separated subset of SC,BI,RC,ICC,DCC and user metrics (default: all of them)"
    )
    evaluate.add_argument(
        "--mentions", metavar="DIR", help="folder of <name>.json with entity_pronoun_pairs (else --pairs applies)"
    )
    evaluate.add_argument(
        "--pairs",
        choices=("heuristic", "none"),
        default="heuristic",
        help="RC's pairs when none are given: the offline heuristic (default) or none (RC undefined)",
    )
    evaluate.add_argument(
        "--user-metric",
        action="append",
        default=[],
        metavar="NAME=MODULE:FUNCTION[@WEIGHT]",
        help="register FUNCTION(doc, spans) -> float in [0, 1] | None as metric NAME (repeatable; weight 0.2)",
    )
    evaluate.add_argument("--long-texts", choices=("pool", "truncate"), default="pool")
    evaluate.add_argument("--selection", choices=("fair", "paper"), default="fair")
    evaluate.add_argument(
        "--llm",
        metavar="MODULE:ATTR",
        help="a chat model, LLM or callable prompt -> text to add the llm_regex candidate",
    )
    return parser


def _chunk_parser(commands: Any) -> None:
    chunk = commands.add_parser(
        "chunk",
        help="chunk files and folders with the best candidate per document; one JSON line per chunk",
        description="Chunk .txt, .md, CLAIR .json and .pdf files (folders recursively): one JSON line per chunk "
        "with id, document, path, chunk_index, start_index, end_index, text, candidate, page_start, page_end, "
        "section (and tokens). Offsets index the file's UTF-8 text (BOM removed, newlines as stored); for a PDF, "
        "its page texts joined by a blank line.",
    )
    chunk.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    chunk.add_argument("--out", metavar="FILE.jsonl", help="where to write the chunks (default: standard output)")
    chunk.add_argument("--candidate", action="append", metavar="NAME", help="a candidate (repeatable)")
    chunk.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    chunk.add_argument("--chunk-size", type=_positive, default=1100, help="the hard token limit (default 1100)")
    chunk.add_argument("--metrics", help="comma-separated subset of SC,BI,RC,ICC,DCC (default: all)")
    chunk.add_argument("--long-texts", choices=("pool", "truncate"), default="pool")
    chunk.add_argument("--selection", choices=("fair", "paper"), default="fair")
    chunk.add_argument("--llm", metavar="MODULE:ATTR", help="a chat model, LLM or callable to add llm_regex")


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        msg = f"must be a positive number of tokens (received {value})"
        raise argparse.ArgumentTypeError(msg)
    return number


def _chunk(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The ``chunk`` command: JSON lines to ``--out`` or standard output, summary and progress to standard error.

    ``--out`` is written whole or not at all: to a temporary file beside it, renamed onto it at the end, so a
    reader (or a concurrent run) never sees part of one run's output there. SIGINT and SIGTERM stop the run with
    130 and 143, a write error (a full disk) with 1; each removes the temporary file and leaves ``--out`` as it
    was (absent, or the previous complete output).
    """
    output = _Output(args.out)
    with _signals_raise():
        try:
            return _chunk_into(parser, args, output)
        except _Interrupted as stop:
            output.discard()
            print(f"adaptive-splitters: interrupted; {output.left}", file=sys.stderr)
            return 128 + stop.signum
        finally:
            output.discard()  # nothing left to do after a commit; otherwise no temporary file stays behind


def _chunk_into(parser: argparse.ArgumentParser, args: argparse.Namespace, output: _Output) -> int:
    from adaptive_splitters.engine import AdaptiveChunker
    from adaptive_splitters.output.jsonl import Chunked, Failed, chunk_files, json_line, summary_table
    from adaptive_splitters.readers.files import search_documents

    try:
        chunker = AdaptiveChunker(
            candidates=args.candidate,
            metrics=_metric_list(args.metrics),
            long_texts=args.long_texts,
            selection=args.selection,
            llm=_load_object(args.llm, "--llm") if args.llm else None,
            chunk_size=args.chunk_size,
            hard_limit=True,
        )
    except (ValueError, TypeError) as err:
        parser.error(str(err))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings are noise beside our reasons
    search = search_documents(args.paths)
    found = search.found
    if args.out and any(os.path.realpath(f.path) == os.path.realpath(args.out) for f in found):
        parser.error(f"--out {args.out} is also an input; writing it would erase it")
    try:
        stream = output.open()
    except OSError as err:
        parser.error(f"--out {args.out}: {err.strerror}")
    outcomes: list[Chunked | Failed] = []
    try:
        with _progress(len(found), quiet=args.quiet) as progress:
            for outcome in chunk_files(found, chunker, args.chunk_size, lambda r: stream.write(json_line(r))):
                outcomes.append(outcome)
                if isinstance(outcome, Failed):
                    progress.write(f"adaptive-splitters: {outcome.message}", file=sys.stderr)
                progress.update(1)
        output.commit()
    except BrokenPipeError:  # the reader stopped (e.g. `| head`): stop quietly, as a writer killed by SIGPIPE
        output.discard()
        if output.stream is None:  # standard output: nothing may be flushed to it at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return SIGPIPE_EXIT
    except OSError as err:  # e.g. a full disk: the output would be incomplete
        output.discard()
        print(f"adaptive-splitters: cannot write {output.name}: {err.strerror}; {output.left}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary_table(outcomes, search.skipped), file=sys.stderr)
    return 1 if any(isinstance(o, Failed) for o in outcomes) else 0


class _Interrupted(BaseException):  # not an Exception: nothing on the way may take it for a failed document
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Within: the first SIGINT or SIGTERM raises :class:`_Interrupted`; later ones are ignored (cleaning up).

    A signal ignored when the command started (``nohup``, a background job) stays ignored; outside the main
    thread, where handlers cannot be set, nothing changes."""
    fired = False

    def handler(signum: int, frame: object) -> None:
        nonlocal fired
        if not fired:
            fired = True
            raise _Interrupted(signum)

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(signum) is not signal.SIG_IGN:
                previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, signal.SIG_DFL if old is None else old)


class _Output:
    """Where ``chunk`` writes: standard output, or ``--out`` through a temporary file beside it (same folder,
    hidden, unique, ending ``.part``) renamed onto it by :meth:`commit`.

    An ``--out`` that exists and is not a regular file (``/dev/null``, a FIFO) is written directly: it cannot be
    replaced, and there is nothing there to keep. A link to a file is followed: the file it names is replaced.
    """

    def __init__(self, out: str | None) -> None:
        self.out = out
        self.name = out or "standard output"
        self.target = os.path.realpath(out) if out and os.path.islink(out) else out
        self.temp: str | None = None
        self.stream: BinaryIO | None = None
        self.committed = False

    @property
    def direct(self) -> bool:
        """Whether ``--out`` is written in place (standard output, or a device or FIFO)."""
        return self.target is None or (os.path.exists(self.target) and not os.path.isfile(self.target))

    @property
    def left(self) -> str:
        """What an interrupted or failed run leaves, for its message."""
        if self.committed:  # the signal came after the output was complete
            return f"{self.name} already written in full"
        return f"{self.name} is incomplete" if self.direct else f"{self.name} left unchanged"

    def open(self) -> BinaryIO:
        if self.target is None:
            return sys.stdout.buffer
        if os.path.isdir(self.target):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), self.target)
        folder = os.path.dirname(self.target) or "."
        os.makedirs(folder, exist_ok=True)
        if self.direct:
            self.stream = open(self.target, "wb")  # noqa: SIM115 (closed by commit or discard)
            return self.stream
        with _signals_held():  # no temporary file is created without being known here, to be removed
            fd, self.temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(self.target)}.", suffix=".part")
        self.stream = os.fdopen(fd, "wb")
        return self.stream

    def commit(self) -> None:
        """Flush and, for ``--out``, sync the output and rename it onto the target."""
        if self.stream is None:
            sys.stdout.buffer.flush()
            return
        self.stream.flush()
        if self.temp is not None:
            os.fsync(self.stream.fileno())
            os.fchmod(self.stream.fileno(), _new_file_mode(self.target))
        self.stream.close()
        if self.temp is not None and self.target is not None:
            with _signals_held():  # renamed and known to be: a signal now must not report it unchanged
                os.replace(self.temp, self.target)
                self.temp = None
                self.committed = True
            _sync_folder(os.path.dirname(self.target) or ".")

    def discard(self) -> None:
        """Close the output and remove the temporary file, if any: the target stays as it was."""
        if self.stream is not None and not self.stream.closed:
            with contextlib.suppress(OSError):
                self.stream.close()
        if self.temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.temp)
            self.temp = None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Within: SIGINT and SIGTERM wait (blocked, then delivered on leaving), where the system can block them."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _new_file_mode(target: str | None) -> int:
    """The permissions of the file replacing ``target``: its own when it exists, else what ``open`` would give."""
    try:
        return os.stat(target).st_mode & 0o7777 if target else 0o644
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: str) -> None:
    """Make a rename in ``folder`` durable, where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _progress(total: int, *, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr, disable=quiet or total < 2, dynamic_ncols=True)


def _metric_list(metrics: str | None) -> list[str] | None:
    return [m.strip() for m in metrics.split(",") if m.strip()] if metrics is not None else None


Handler = Callable[[SourceDocument], dict[str, Any]]


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


def _split_handler(args: argparse.Namespace) -> Handler:
    from adaptive_splitters.candidates import NotApplicable, SplitContext, default_candidate_names, resolve_candidate
    from adaptive_splitters.postprocess import candidate_spans
    from adaptive_splitters.text.structure import with_detected_structure

    candidates = [resolve_candidate(name) for name in (args.candidate or default_candidate_names())]
    context = SplitContext()

    def handle(doc: SourceDocument) -> dict[str, Any]:
        doc = with_detected_structure(doc)
        spans: dict[str, list[list[int]]] = {}
        skipped: dict[str, str] = {}
        for candidate in candidates:
            try:
                spans[candidate.name] = [list(s) for s in candidate_spans(candidate, doc, context, raw=args.raw)]
            except NotApplicable as reason:
                skipped[candidate.name] = str(reason)
        return {"spans": spans, "skipped": skipped}

    return handle


def _evaluate_handler(args: argparse.Namespace) -> Handler:
    from adaptive_splitters.engine import AdaptiveChunker

    for spec in args.user_metric:
        _register_user_metric(spec)
    chunker = AdaptiveChunker(
        candidates=args.candidate,
        metrics=_metric_list(args.metrics),
        long_texts=args.long_texts,
        selection=args.selection,
        raw=args.raw,
        pairs=args.pairs,
        llm=_load_object(args.llm, "--llm") if args.llm else None,
    )

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


def _load_object(spec: str, option: str) -> Any:
    """The object at ``MODULE:ATTR`` (dotted attributes allowed)."""
    import importlib

    module, _, attribute = spec.partition(":")
    if not module or not attribute:
        msg = f"{option} {spec!r}: expected MODULE:ATTR"
        raise ValueError(msg)
    try:
        found: Any = importlib.import_module(module)
        for part in attribute.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as err:
        msg = f"{option} {spec!r}: cannot load it ({err})"
        raise ValueError(msg) from err
    return found


def _register_user_metric(spec: str) -> None:
    """Register ``NAME=MODULE:FUNCTION[@WEIGHT]``."""
    import importlib

    from adaptive_splitters.metrics.base import DEFAULT_WEIGHT, register_metric

    name, _, target = spec.partition("=")
    target, _, weight = target.partition("@")
    module, _, function = target.partition(":")
    if not name or not module or not function:
        msg = f"--user-metric {spec!r}: expected NAME=MODULE:FUNCTION[@WEIGHT]"
        raise ValueError(msg)
    try:
        fn = getattr(importlib.import_module(module), function)
        value = float(weight) if weight else DEFAULT_WEIGHT
    except (ImportError, AttributeError) as err:
        msg = f"--user-metric {spec!r}: cannot load {module}:{function} ({err})"
        raise ValueError(msg) from err
    register_metric(name, fn, value)


if __name__ == "__main__":
    sys.exit(main())
