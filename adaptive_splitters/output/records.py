"""From engine results to framework records: page grouping, deterministic ids, flat metadata.

Framework-free, shared by the LangChain and LlamaIndex adapters and the ``chunk`` command. An adapter turns its
input into ``(text, metadata)`` pairs, calls :func:`plan_units` (one unit per engine run: a document, or the pages
of one source joined) and :func:`emit_unit` per unit, then wraps each :class:`Emitted` in its own record type; the
command calls :func:`emit_document` on each file's document. What is emitted is exactly what was scored: the
chosen candidate's post-processed spans (the hard size limit is part of post-processing).

Metadata values added here are flat (str, int, float, bool), as Chroma and flat-metadata stores require:
``chunk_index``, ``start_index``, ``end_index`` (exact, into the unit's text), ``adaptive_candidate``,
``adaptive_objective``, ``adaptive_scores`` (a JSON string ``{"chosen": {metric: value}, "objective":
{candidate: value}}``), ``page_start``/``page_end`` when the document has pages, and ``section`` when a heading
encloses the chunk (the key is absent otherwise, never empty). When the ``llm_regex`` candidate wins,
``llm_regex_pattern`` (the model's regex that cut the text) or ``llm_regex_fallback`` (why it fell back to the
recursive splitter) is added too, each a string and only when it has a value.

Ids are ``uuid5(ID_NAMESPACE, f"{key}|{start}|{end}")`` with the keys of :func:`unique_keys`: deterministic, and
unique within a call.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from adaptive_splitters.candidates.llm_regex.candidate import NAME as LLM_REGEX
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.engine import AdaptiveChunker, AdaptiveResult

ID_NAMESPACE = uuid5(NAMESPACE_URL, "adaptive-splitters")
"""The namespace of chunk ids: ``uuid5(ID_NAMESPACE, f"{source_key}|{start}|{end}")``."""

LLM_REGEX_KEYS = ("llm_regex_pattern", "llm_regex_fallback")
"""Metadata of chunks the ``llm_regex`` candidate cut: the model's pattern, or why it fell back."""

PAGE_SEPARATOR = "\n\n"
"""Joins the pages of one source; it belongs to the page before it (offsets count it)."""


@dataclass(frozen=True)
class Unit:
    """What one engine run chunks: one input document, or the pages of one source joined.

    Attributes:
        text: the text chunked; ``start_index``/``end_index`` refer to it.
        metadata: the parent metadata, copied per chunk on emission (for a group: see ``page_metadata``).
        source_key: the key of chunk ids (see :func:`unique_keys`).
        page_starts: offset of each page in ``text`` (a group only).
        page_labels: each page's ``page`` value as the loader numbered it (a group), or the one page's value.
        members: indexes of the input documents the unit comes from.
        page_metadata: each page's own metadata (a group only); a chunk carries the metadata of the page it
            starts on.
        id_offset: added to offsets in ids, so that the ids of a chunk of a chunk index the original text.
    """

    text: str
    metadata: Mapping[str, Any]
    source_key: str
    page_starts: tuple[int, ...] | None = None
    page_labels: tuple[int | str, ...] | None = None
    members: tuple[int, ...] = ()
    page_metadata: tuple[Mapping[str, Any], ...] | None = None
    id_offset: int = 0


@dataclass(frozen=True)
class Emitted:
    """One output chunk: ``text == unit.text[start:end]``, flat added metadata, a deterministic id."""

    text: str
    start: int
    end: int
    metadata: dict[str, Any]
    id: str


def chunk_id(source_key: str, start: int, end: int) -> str:
    """The deterministic id of the chunk ``[start, end)`` of the source keyed ``source_key``.

    A key with lone surrogates (a file name that is not UTF-8) is hashed through its UTF-8 bytes written with
    backslash escapes, rather than failing."""
    name = f"{source_key}|{start}|{end}"
    try:
        return str(uuid5(ID_NAMESPACE, name))
    except UnicodeEncodeError:
        return str(uuid5(ID_NAMESPACE, name.encode("utf-8", "surrogatepass").decode("utf-8", "backslashreplace")))


def text_key(text: str) -> str:
    """The SHA-256 of ``text`` (UTF-8), the source key of a document without ``source``."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def unique_keys(entries: Sequence[tuple[str, str, int]]) -> list[str]:
    """The id keys of one call's units, given each unit's ``(key, text, id_offset)``: the one id recipe.

    Two units whose offsets index different texts under one key (two files named alike, an edited document
    under its old id) get the text's SHA-256 appended (``#sha256=``), so their ids never collide; the second
    and later repeats of one unit (the same text passed twice, duplicate files) get ``#copy=N``, so ids are
    unique within a call. Both depend only on the input, so identical calls give identical ids.
    """
    texts: dict[tuple[str, int], set[str]] = {}
    for key, text, offset in entries:
        texts.setdefault((key, offset), set()).add(text)
    seen: dict[tuple[str, str, int], int] = {}
    out = []
    for key, text, offset in entries:
        unique = f"{key}#sha256={text_key(text)}" if len(texts[key, offset]) > 1 else key
        seen[key, text, offset] = count = seen.get((key, text, offset), 0) + 1
        out.append(unique if count == 1 else f"{unique}#copy={count}")
    return out


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


def emit_unit(chunker: AdaptiveChunker, unit: Unit, *, strip: bool = False) -> list[Emitted]:
    """Chunk ``unit`` with ``chunker`` and emit the chosen candidate's scored chunks.

    ``strip`` trims whitespace off each chunk (offsets follow; the whitespace is then in no chunk).
    """
    if not unit.text:
        return []
    grouped = unit.page_starts is not None
    doc = SourceDocument.build(
        unit.text,
        pages=list(unit.page_starts) if unit.page_starts is not None else None,
        page_numbers=range(len(unit.page_starts)) if unit.page_starts is not None else None,
        name=unit.source_key,
    )
    labels = unit.page_labels
    _, emitted = emit_document(
        chunker,
        doc,
        unit.source_key,
        unit.metadata,
        page_label=labels.__getitem__ if grouped and labels is not None else None,
        page_metadata=unit.page_metadata,
        strip=strip,
        id_offset=unit.id_offset,
    )
    if not grouped and labels is not None:  # one page: its label, before ``section`` as in a group
        for e in emitted:
            section = e.metadata.pop("section", None)
            e.metadata["page_start"] = e.metadata["page_end"] = labels[0]
            if section is not None:
                e.metadata["section"] = section
    return emitted


def emit_document(
    chunker: AdaptiveChunker,
    doc: SourceDocument,
    source_key: str,
    metadata: Mapping[str, Any] | None = None,
    *,
    page_label: Callable[[int], int | str] | None = None,
    page_metadata: Sequence[Mapping[str, Any]] | None = None,
    strip: bool = False,
    id_offset: int = 0,
) -> tuple[AdaptiveResult, list[Emitted]]:
    """Chunk ``doc`` and emit the chosen candidate's chunks exactly as they were scored, ids keyed by
    ``source_key``.

    Each chunk's metadata is a deep copy of ``metadata`` (or of ``page_metadata[p]``, the metadata of the page
    ``p`` it starts on) plus the adaptive fields, ``page_start``/``page_end`` (``page_label`` of the first and
    last page it covers) when ``page_label`` is given and the document has pages, and ``section`` when a heading
    encloses it. Returns the engine's result too.
    """
    result = chunker.chunk_document(doc)
    added = _result_metadata(result)
    out: list[Emitted] = []
    for chunk in result.chunks:
        start, end = _stripped(doc.text, chunk.start, chunk.end) if strip else chunk.span
        if start == end and strip:
            continue
        pages = chunk.metadata.get("pages")
        parent = page_metadata[pages[0]] if page_metadata is not None and pages else metadata
        meta = _copy(parent or {})
        meta.update(added, chunk_index=len(out), start_index=start, end_index=end)
        if pages and page_label is not None:
            meta["page_start"] = page_label(pages[0])
            meta["page_end"] = page_label(pages[-1])
        if chunk.metadata.get("section"):
            meta["section"] = chunk.metadata["section"]
        key_start, key_end = start + id_offset, end + id_offset
        out.append(Emitted(doc.text[start:end], start, end, meta, chunk_id(source_key, key_start, key_end)))
    return result, out


def scores_json(result: AdaptiveResult) -> str:
    """``{"chosen": {metric: value}, "objective": {candidate: value}, "scores": {candidate: {metric: value}}}``
    as JSON (NaN written as null): the winner's scores, what the selection maximised, and every candidate's scores."""
    payload = {
        "chosen": {k: _finite(v) for k, v in result.scores.get(result.chosen, {}).items()},
        "objective": {k: _finite(v) for k, v in result.objective.items()},
        "scores": {name: {k: _finite(v) for k, v in row.items()} for name, row in result.scores.items()},
    }
    return json.dumps(payload, sort_keys=True, allow_nan=False)


def _result_metadata(result: AdaptiveResult) -> dict[str, Any]:
    added: dict[str, Any] = {"adaptive_candidate": result.chosen, "adaptive_scores": scores_json(result)}
    objective = _finite(result.objective.get(result.chosen))
    if objective is not None:
        added["adaptive_objective"] = objective
    added.update(_llm_regex_metadata(result))
    return added


def _llm_regex_metadata(result: AdaptiveResult) -> dict[str, str]:
    """``llm_regex_pattern``/``llm_regex_fallback`` of a result the ``llm_regex`` candidate won, as the engine put
    them on its chunks (``None`` omitted)."""
    if result.chosen != LLM_REGEX or not result.chunks:
        return {}
    first = result.chunks[0].metadata
    return {key: first[key] for key in LLM_REGEX_KEYS if isinstance(first.get(key), str)}


def _single(index: int, text: str, metadata: Mapping[str, Any]) -> Unit:
    source = _source(metadata, index)
    page = metadata.get("page")
    labels = (_label(page, index),) if page is not None else None
    key = text_key(text) if source is None else source if page is None else f"{source}#page={page}"
    return Unit(text, metadata, key, None, labels, (index,))


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
        text = separator.join(items[i][0] for i in members)
        pages = tuple(items[i][1] for i in members)
        units.append(Unit(text, pages[0], source, tuple(starts), labels, tuple(members), pages))
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


def _copy(metadata: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return copy.deepcopy(dict(metadata))
    except Exception as err:
        msg = f"document metadata cannot be deep-copied per chunk: {err}"
        raise TypeError(msg) from err


def _finite(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)


def _stripped(text: str, start: int, end: int) -> Span:
    """``[start, end)`` without its leading and trailing whitespace (empty, at ``start``, when all blank)."""
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    right = len(piece.rstrip())
    return (start + left, start + right) if right > left else (start, start)


def require_picklable(value: Any, owner: str, name: str, hint: str) -> None:
    """Raise ``TypeError`` when ``value`` (a setting named ``name`` of ``owner``) cannot be pickled, rather than
    letting a framework drop it silently (a worker would then run with another model, or none)."""
    if value is None:
        return
    try:
        pickle.dumps(value)
    except Exception as err:
        msg = f"{owner} cannot be pickled: its {name} ({type(value).__name__}) cannot be pickled; {hint}"
        raise TypeError(msg) from err
