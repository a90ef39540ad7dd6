"""Units: what one engine run chunks, planned from framework inputs (a document, or the pages of one source).

Per-page input (one document per PDF page with ``source`` and ``page`` metadata) is joined per source with
:data:`PAGE_SEPARATOR`, so the page candidate and the metrics see the whole document; each chunk then carries the
metadata of the page it starts on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from adaptive_splitters.output.ids import text_key, unique_keys

PAGE_SEPARATOR = "\n\n"
"""Joins the pages of one source; it belongs to the page before it (offsets count it)."""
RECORD_KEYS = ("row", "seq_num")
"""Metadata naming one record of a source (LangChain's ``CSVLoader`` ``row``, ``JSONLoader`` ``seq_num``): added to
the id key as ``page`` is (``#row=N``), so records of one source chunked in separate calls never share ids."""


@dataclass(frozen=True)
class Unit:
    """What one engine run chunks: one input document, or the pages of one source joined.

    Attributes:
        text: the text chunked; ``start_index``/``end_index`` refer to it.
        metadata: the parent metadata, copied per chunk on emission (for a group: see ``page_metadata``).
        source_key: the key of chunk ids (see :func:`unique_keys`).
        page_starts: offset of each page in ``text`` (a group only).
        page_labels: each page's ``page`` value as the loader numbered it (a group), or the one page's value.
        page_metadata: each page's own metadata (a group only); a chunk carries the metadata of the page it
            starts on.
        id_offset: added to offsets in ids, so that the ids of a chunk of a chunk index the original text.
    """

    text: str
    metadata: Mapping[str, Any]
    source_key: str
    page_starts: tuple[int, ...] | None = None
    page_labels: tuple[int | str, ...] | None = None
    page_metadata: tuple[Mapping[str, Any], ...] | None = None
    id_offset: int = 0


def plan_units(
    items: Sequence[tuple[str, Mapping[str, Any]]], group_pages: bool | None = None, separator: str = PAGE_SEPARATOR
) -> list[Unit]:
    """The engine runs for ``items`` (``(text, metadata)`` pairs, in input order).

    ``group_pages=None`` groups when every item has ``source`` and ``page`` metadata. Grouping joins all pages
    of one source (in input order, even when sources are interleaved) with ``separator``; units follow the first
    appearance of their source. A page listed twice for one source raises ``ValueError``. Keys are made unique
    by :func:`unique_keys`.
    """
    for i, (text, metadata) in enumerate(items):
        if not isinstance(text, str):
            msg = f"document {i} has page_content of type {type(text).__name__}, not str"
            raise TypeError(msg)
        if not isinstance(metadata, Mapping):
            msg = f"document {i} has metadata of type {type(metadata).__name__}, not a mapping"
            raise TypeError(msg)
    paged = [("source" in m and "page" in m) for _, m in items]
    if group_pages is None:
        group_pages = bool(items) and all(paged)
    if group_pages:
        missing = [i for i, ok in enumerate(paged) if not ok]
        if missing:
            msg = f"group_pages=True needs 'source' and 'page' metadata on every document (missing on {missing[:5]})"
            raise ValueError(msg)
        units = _group(items, separator)
    else:
        units = [_single(i, text, metadata) for i, (text, metadata) in enumerate(items)]
    keys = unique_keys([(u.source_key, u.text, u.id_offset) for u in units])
    return [replace(u, source_key=key) for u, key in zip(units, keys, strict=True)]


def _single(index: int, text: str, metadata: Mapping[str, Any]) -> Unit:
    source = _source(metadata, index)
    page = metadata.get("page")
    labels = (_label(page, index),) if page is not None else None
    own = _own_chunk(text, metadata)
    if own is not None:
        return Unit(text, metadata, own[0], None, labels, id_offset=own[1])
    if source is None:
        return Unit(text, metadata, text_key(text), None, labels)
    parts = "".join(f"#{k}={metadata[k]}" for k in ("page", *RECORD_KEYS) if metadata.get(k) is not None)
    return Unit(text, metadata, source + parts, None, labels)


def _own_chunk(text: str, metadata: Mapping[str, Any]) -> tuple[str, int] | None:
    """For a document that is one of our own chunks (``adaptive_source``, the hash of its source's text, with
    ``start_index``/``end_index`` spanning exactly its text): that hash as the id key and its start as the id
    offset, so its pieces' ids index its source, and the pieces of two chunks of one source
    (``ParentDocumentRetriever``'s children of our parents) never share ids. Other documents: ``None`` (their ids
    are as before)."""
    source, start, end = metadata.get("adaptive_source"), metadata.get("start_index"), metadata.get("end_index")
    if not isinstance(source, str) or not isinstance(start, int) or isinstance(start, bool) or start < 0:
        return None
    if end != start + len(text):
        return None
    return f"adaptive_source={source}", start


def _group(items: Sequence[tuple[str, Mapping[str, Any]]], separator: str) -> list[Unit]:
    groups: dict[str, list[int]] = {}
    for i, (_, metadata) in enumerate(items):
        groups.setdefault(_source(metadata, i) or "", []).append(i)
    units = []
    for source, members in groups.items():
        labels = tuple(_label(items[i][1]["page"], i) for i in members)
        if len(set(labels)) != len(labels):
            twice = next(label for label in labels if labels.count(label) > 1)
            msg = f"page {twice!r} of source {source!r} is given twice; group_pages needs each page once"
            raise ValueError(msg)
        starts, offset = [], 0
        for position, i in enumerate(members):
            starts.append(offset)
            offset += len(items[i][0]) + (len(separator) if position < len(members) - 1 else 0)
        texts = [items[i][0] for i in members]
        text = separator.join(texts) if any(texts) else ""  # pages all empty: no text, not a lone separator
        pages = tuple(items[i][1] for i in members)
        key = source if len(members) > 1 else f"{source}#page={labels[0]}"  # one page: keyed as when split alone
        own = _own_chunk(text, pages[0]) if len(members) == 1 else None  # one of our chunks: keyed by its source
        key, offset = own if own is not None else (key, 0)
        units.append(Unit(text, pages[0], key, tuple(starts), labels, pages, id_offset=offset))
    return units


def _source(metadata: Mapping[str, Any], index: int) -> str | None:
    source = metadata.get("source")
    if source is None:
        return None
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source) if not isinstance(source, str) else source  # type: ignore[return-value]
    if isinstance(source, int) and not isinstance(source, bool):
        return str(source)
    msg = f"document {index} has metadata 'source' of type {type(source).__name__}; expected str, int or a path"
    raise TypeError(msg)


def _label(page: Any, index: int) -> int | str:
    if isinstance(page, (int, str)) and not isinstance(page, bool):
        return page
    msg = f"document {index} has metadata 'page' of type {type(page).__name__}; expected int or str"
    raise TypeError(msg)
