"""Writing ``chunk --out`` whole or not at all, and stopping cleanly on SIGINT and SIGTERM.

:class:`Output` writes to a temporary file beside ``--out`` and renames it onto it at the end, so a reader (or a
concurrent run) never sees part of one run's output there; :func:`signals_raise` turns the first SIGINT or
SIGTERM into :class:`Interrupted`, and :func:`signals_held` keeps them out of the steps that must not be cut.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO


class Interrupted(BaseException):
    """SIGINT or SIGTERM, raised where the run is: not an ``Exception``, so nothing on the way takes it for a
    failed document."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within: the first SIGINT or SIGTERM raises :class:`Interrupted`; later ones are ignored (cleaning up).

    A signal ignored when the command started (``nohup``, a background job) stays ignored; outside the main
    thread, where handlers cannot be set, nothing changes."""
    fired = False

    def handler(signum: int, frame: object) -> None:
        nonlocal fired
        if not fired:
            fired = True
            raise Interrupted(signum)

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


class Output:
    """Where ``chunk`` writes: standard output, or ``--out`` through a temporary file beside it (same folder,
    hidden, unique, ending ``.part``) renamed onto it by :meth:`commit`.

    An ``--out`` that exists and is not a regular file (``/dev/null``, a FIFO) is written directly: it cannot be
    replaced, and there is nothing there to keep. A link to a file is followed: the file it names is replaced.
    """

    def __init__(self, out: str | None) -> None:
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
        """The stream to write to: standard output, the target itself (:attr:`direct`) or a new temporary file."""
        if self.target is None:
            return sys.stdout.buffer
        if os.path.isdir(self.target):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), self.target)
        folder = os.path.dirname(self.target) or "."
        os.makedirs(folder, exist_ok=True)
        if self.direct:
            self.stream = open(self.target, "wb")  # noqa: SIM115 (closed by commit or discard)
            return self.stream
        with signals_held():  # no temporary file is created without being known here, to be removed
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
            os.fchmod(self.stream.fileno(), new_file_mode(self.target))
        self.stream.close()
        if self.temp is not None and self.target is not None:
            with signals_held():  # renamed and known to be: a signal now must not report it unchanged
                os.replace(self.temp, self.target)
                self.temp = None
                self.committed = True
            sync_folder(os.path.dirname(self.target) or ".")

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
def signals_held() -> Iterator[None]:
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


def new_file_mode(target: str | None) -> int:
    """The permissions of the file replacing ``target``: its own when it exists, else what ``open`` would give."""
    try:
        return os.stat(target).st_mode & 0o7777 if target else 0o644
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def sync_folder(folder: str) -> None:
    """Make a rename in ``folder`` durable, where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
