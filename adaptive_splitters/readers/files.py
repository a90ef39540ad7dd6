"""Finding documents in files and folders, and reading text and markdown files.

``.txt`` and ``.md`` are UTF-8 (a BOM removed, newlines untouched); CLAIR ``.json`` is read by :mod:`.clair` and
``.pdf`` by :mod:`.pdf`, both on :func:`read_text` and :class:`DocumentError`. Every failure is a
:class:`DocumentError` whose ``reason`` says what kind it is, so a batch can name it and go on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from adaptive_splitters.core.document import SourceDocument

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
SUFFIXES = (*TEXT_SUFFIXES, ".json", ".pdf")
"""What folders are searched for (files named on the command line must have one of these too)."""
UNICODE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


class DocumentError(ValueError):
    """A file that cannot be chunked, with ``reason``: ``unreadable``, ``binary``, ``empty``, ``not UTF-8``,
    ``PDF without text``, ``unsupported``, ``not a CLAIR document`` or ``no PDF support``."""

    def __init__(self, path: str | Path, reason: str, detail: str = "") -> None:
        self.path = str(path)
        self.reason = reason
        self.detail = detail
        super().__init__(f"{path}: {reason}" + (f" ({detail})" if detail else ""))

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str, str]]:
        """Pickled with its three fields (worker processes send it back whole)."""
        return (DocumentError, (self.path, self.reason, self.detail))


def failure_message(path: str, err: Exception) -> str:
    """One line saying why the document at ``path`` failed: a :class:`DocumentError`'s own message (it names the
    path), else the path, the exception's type and its message."""
    return str(err) if isinstance(err, DocumentError) else f"{path}: {type(err).__name__}: {err}"


@dataclass(frozen=True)
class Found:
    """A file to read: ``path`` as the command line gave it (or as a folder given there leads to it)."""

    path: str
    error: DocumentError | None = None


SKIP_REASONS = ("unsupported", "not a regular file", "broken link", "link to a folder (not followed)")
"""Why a folder's entry is passed over (hidden names are passed over without being counted)."""


@dataclass(frozen=True)
class Skipped:
    """An entry of a searched folder that is not read: ``why`` is one of :data:`SKIP_REASONS`; ``suffix`` is the
    file's suffix (``no extension`` when it has none) for ``unsupported``."""

    path: str
    why: str
    suffix: str = ""


@dataclass(frozen=True)
class Search:
    """What :func:`search_documents` found: the files to read (and the failures), and what folders held besides."""

    found: list[Found]
    skipped: list[Skipped]


SKIPPED_NAMED = 10
"""How many skipped entries a command names, one a line, below the count (the rest are counted)."""


def describe_skipped(skipped: Sequence[Skipped], named: int = 0) -> str:
    """A one-line count of ``skipped`` by reason, e.g. ``skipped 3: 2 unsupported (.docx, .html), 1 not a regular
    file`` (an empty string for none); with ``named``, followed by the first ``named`` entries by path, a line
    each (``  path: reason``), and ``  and N more`` for the rest."""
    if not skipped:
        return ""
    lines = [f"  {s.path}: {s.why}" for s in sorted(skipped, key=lambda s: s.path)[:named]]
    if named and len(skipped) > named:
        lines.append(f"  and {len(skipped) - named} more")
    return "\n".join([_count_skipped(skipped), *lines])


def _count_skipped(skipped: Sequence[Skipped]) -> str:
    parts = []
    for why in SKIP_REASONS:
        these = [s for s in skipped if s.why == why]
        if these:
            suffixes = f" ({', '.join(sorted({s.suffix for s in these}))})" if why == "unsupported" else ""
            parts.append(f"{len(these)} {why}{suffixes}")
    return f"skipped {len(skipped)}: {', '.join(parts)}"


def search_documents(paths: Sequence[str | Path]) -> Search:
    """The files ``paths`` name, folders searched recursively for :data:`SUFFIXES` (sorted; hidden names skipped;
    links to folders inside a folder are not followed, links to files are), and what those folders held besides
    (:class:`Skipped`: other suffixes, FIFOs and other non-regular files, broken links, links to folders). A path
    that does not exist or is not a regular file, a folder that cannot be listed or holds no such files, is a
    :class:`Found` with an error (``unsupported`` for a folder that holds only skipped entries, ``empty`` for
    one that holds nothing); a file reached twice is kept once, at its first path."""
    found: list[Found] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    passed: set[str] = set()

    def add(path: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(Found(path))

    for given in paths:
        given = os.fspath(given)
        if os.path.isdir(given):
            reached = False
            here: list[Skipped] = []
            for entry in _walk(given):
                if isinstance(entry, Skipped):
                    here.append(entry)
                    continue
                reached = True
                if entry.error is None:
                    add(entry.path)
                else:
                    found.append(entry)
            for skip in here:  # a folder given twice (or inside another given) counts its entries once
                if os.path.abspath(skip.path) not in passed:
                    passed.add(os.path.abspath(skip.path))
                    skipped.append(skip)
            if not reached:
                wanted = f"no {', '.join(SUFFIXES)} files in this folder"
                error = (
                    DocumentError(given, "unsupported", f"{wanted}; {describe_skipped(here)}")
                    if here
                    else DocumentError(given, "empty", wanted)
                )
                found.append(Found(given, error))
        elif os.path.isfile(given):
            add(given)
        else:
            detail = "not a regular file" if os.path.exists(given) else "no such file or folder"
            found.append(Found(given, DocumentError(given, "unreadable", detail)))
    return Search(found, skipped)


def _walk(folder: str) -> Iterator[Found | Skipped]:
    failures: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=failures.append):
        while failures:
            err = failures.pop()
            where = err.filename or root
            yield Found(where, DocumentError(where, "unreadable", err.strerror or type(err).__name__))
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            if os.path.islink(os.path.join(root, name)):
                yield Skipped(os.path.join(root, name), "link to a folder (not followed)")
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            suffix = Path(name).suffix.lower()
            if suffix not in SUFFIXES:
                yield Skipped(path, "unsupported", suffix or "no extension")
            elif os.path.isfile(path):
                yield Found(path)
            elif os.path.islink(path) and not os.path.exists(path):
                yield Skipped(path, "broken link")
            else:
                yield Skipped(path, "not a regular file")
    for err in failures:  # the folder itself could not be listed
        yield Found(folder, DocumentError(folder, "unreadable", err.strerror or type(err).__name__))


def read_text(path: Path) -> str:
    """The file's text: UTF-8, a BOM removed, newlines as stored."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DocumentError(path, "unreadable", err.strerror or type(err).__name__) from err
    for bom, encoding in UNICODE_BOMS:
        if data.startswith(bom):
            raise DocumentError(path, "not UTF-8", f"it starts with a {encoding} byte-order mark; re-encode as UTF-8")
    if b"\x00" in data[:8192]:
        raise DocumentError(path, "binary", "it contains NUL bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        detail = f"byte 0x{data[err.start]:02x} at offset {err.start} is invalid; re-encode the file as UTF-8"
        raise DocumentError(path, "not UTF-8", detail) from err


def read_text_document(path: Path) -> SourceDocument:
    """The ``.txt`` or ``.md`` document at ``path``, named after the file stem (:func:`read_text`'s failures)."""
    return SourceDocument.build(nonempty(path, read_text(path)), name=path.stem)


def nonempty(path: Path, text: str) -> str:
    """``text``, or ``DocumentError`` ``empty`` when it is empty or only whitespace."""
    if not text.strip():
        raise DocumentError(path, "empty", "no text" if not text else "only whitespace")
    return text
