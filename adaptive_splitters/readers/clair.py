"""CLAIR's parsed documents (``.json``: ``full_text``, ``pages``, ``split_points``, ``titles``) and its mentions
files (``<name>.json`` with ``entity_pronoun_pairs``, the pairs RC scores: docs/method.md#references-completeness-rc).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers.files import DocumentError, nonempty, read_text


def read_clair(path: Path) -> SourceDocument:
    """The CLAIR parsed document at ``path``: ``full_text`` with its ``pages``, ``split_points`` (blocks) and
    ``titles``, named by ``document_name`` (else the file stem).

    Raises:
        DocumentError: :func:`~adaptive_splitters.readers.files.read_text`'s failures, or ``not a CLAIR document``
            (invalid or too deeply nested JSON, no ``full_text`` string, fields the document refuses).
    """
    text = read_text(path)
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
            nonempty(path, data["full_text"]),
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
