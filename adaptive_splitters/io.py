"""Reading documents from files: ``.txt`` and ``.md`` (UTF-8, BOM removed, newlines untouched) and CLAIR
parsed ``.json`` (``full_text``, ``pages``, ``split_points``, ``titles``)."""

from __future__ import annotations

import json
from pathlib import Path

from adaptive_splitters.document import SourceDocument

TEXT_SUFFIXES = (".txt", ".md", ".markdown")


def read_document(path: str | Path) -> SourceDocument:
    """The document stored at ``path``; its name is CLAIR's ``document_name`` or the file stem.

    Raises:
        ValueError: an unsupported extension, or a JSON file without ``full_text``.
        OSError, UnicodeDecodeError: the file cannot be read as UTF-8.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return SourceDocument.build(handle.read(), name=path.stem)
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("full_text"), str):
            msg = f"{path}: a .json document needs a 'full_text' string (CLAIR parsed format)"
            raise ValueError(msg)
        pages = data.get("pages")
        return SourceDocument.build(
            data["full_text"],
            pages=list(pages.values()) if isinstance(pages, dict) else pages,
            blocks=data.get("split_points"),
            titles=data.get("titles"),
            name=str(data.get("document_name") or path.stem),
        )
    msg = f"{path}: unsupported file type {suffix or '(none)'!r}; expected .txt, .md or a CLAIR .json"
    raise ValueError(msg)


def read_pairs(mentions_dir: str | Path, name: str) -> list[list[list[int]]] | None:
    """Entity-pronoun pairs of document ``name`` from ``mentions_dir/<name>.json``, or ``None`` if absent."""
    path = Path(mentions_dir) / f"{name}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    pairs = data.get("entity_pronoun_pairs") if isinstance(data, dict) else None
    if pairs is None:
        msg = f"{path}: no 'entity_pronoun_pairs' list"
        raise ValueError(msg)
    return list(pairs)
