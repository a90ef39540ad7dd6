"""Reading documents from files and folders.

Formats: ``.txt`` and ``.md`` (UTF-8, a BOM removed, newlines untouched), CLAIR parsed ``.json`` (``full_text``,
``pages``, ``split_points``, ``titles``) and ``.pdf`` through the ``pdf`` extra (:mod:`.pdf`).
Every failure is a :class:`DocumentError` whose ``reason`` says what kind it is, so a batch can name it and go on.
"""

from __future__ import annotations

import dataclasses
import json
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


def describe_skipped(skipped: Sequence[Skipped]) -> str:
    """A one-line count of ``skipped`` by reason, e.g. ``skipped 3: 2 unsupported (.docx, .html), 1 not a regular
    file`` (an empty string for none)."""
    if not skipped:
        return ""
    parts = []
    for why in SKIP_REASONS:
        these = [s for s in skipped if s.why == why]
        if these:
            suffixes = f" ({', '.join(sorted({s.suffix for s in these}))})" if why == "unsupported" else ""
            parts.append(f"{len(these)} {why}{suffixes}")
    return f"skipped {len(skipped)}: {', '.join(parts)}"


def find_documents(paths: Sequence[str | Path]) -> list[Found]:
    """The files ``paths`` name: :func:`search_documents`'s ``found``."""
    return search_documents(paths).found


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


def read_document(path: str | Path) -> SourceDocument:
    """The document stored at ``path``; its name is CLAIR's ``document_name`` or the file stem.

    Raises:
        DocumentError: the file cannot be read, is binary, empty, not UTF-8, of an unsupported type, a JSON file
            that is not CLAIR's parsed format, or a PDF without text (or PDF support is not installed).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from adaptive_splitters.readers.pdf import read_pdf

        return read_pdf(path)
    if suffix not in (*TEXT_SUFFIXES, ".json"):
        detail = f"{suffix or 'no extension'}; expected one of {', '.join(SUFFIXES)}"
        raise DocumentError(path, "unsupported", detail)
    text = read_text(path)
    if suffix == ".json":
        return _clair_document(path, text)
    return SourceDocument.build(_nonempty(path, text), name=path.stem)


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


def _clair_document(path: Path, text: str) -> SourceDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DocumentError(path, "not a CLAIR document", f"invalid JSON: {err}") from err
    except RecursionError as err:  # "[[[[...": deeper than Python can parse, and no CLAIR file nests so
        raise DocumentError(path, "not a CLAIR document", "JSON nested too deeply to parse") from err
    if not isinstance(data, dict) or not isinstance(data.get("full_text"), str):
        raise DocumentError(path, "not a CLAIR document", "a .json document needs a 'full_text' string")
    pages = data.get("pages")
    try:
        return SourceDocument.build(
            _nonempty(path, data["full_text"]),
            pages=list(pages.values()) if isinstance(pages, dict) else pages,  # numbered 1, 2, ... in order
            blocks=data.get("split_points"),
            titles=data.get("titles"),
            name=str(data.get("document_name") or path.stem),
        )
    except RecursionError as err:
        raise DocumentError(path, "not a CLAIR document", "its fields are nested too deeply") from err
    except (TypeError, ValueError) as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(path, "not a CLAIR document", str(err)) from err


def _nonempty(path: Path, text: str) -> str:
    if not text.strip():
        raise DocumentError(path, "empty", "no text" if not text else "only whitespace")
    return text


def with_mentions(doc: SourceDocument, mentions_dir: str | Path) -> SourceDocument:
    """``doc`` with the entity-pronoun pairs of ``mentions_dir/<doc.name>.json`` (CLAIR's mentions format), or
    unchanged when that file does not exist."""
    pairs = read_pairs(mentions_dir, doc.name)
    return doc if pairs is None else dataclasses.replace(doc, pairs=SourceDocument.build("", pairs=pairs).pairs)


def read_pairs(mentions_dir: str | Path, name: str) -> list[list[list[int]]] | None:
    """Entity-pronoun pairs of document ``name`` from ``mentions_dir/<name>.json``, or ``None`` if absent."""
    path = Path(mentions_dir) / f"{name}.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except RecursionError as err:
        msg = f"{path}: JSON nested too deeply to parse"
        raise ValueError(msg) from err
    pairs = data.get("entity_pronoun_pairs") if isinstance(data, dict) else None
    if pairs is None:
        msg = f"{path}: no 'entity_pronoun_pairs' list"
        raise ValueError(msg)
    return list(pairs)
