"""From engine results to records: the chosen candidate's scored chunks with flat metadata and their ids.

Framework-free, shared by the LangChain and LlamaIndex adapters and the ``chunk`` command. An adapter turns its
input into units (:mod:`adaptive_splitters.output.units`), calls :func:`emit_units` on them, then wraps each
:class:`Emitted` in its own record type; the command calls :func:`emit_document` on each file's document. What is
emitted is exactly what was scored: the chosen candidate's post-processed spans (the hard size limit is part of
post-processing).

Metadata values added here are flat (str, int, float, bool), as Chroma and flat-metadata stores require:
``chunk_index``, ``start_index``, ``end_index`` (exact, into the unit's text), ``adaptive_tokens`` (the chunk's size
in the chunker's tokenizer), ``adaptive_source`` (the SHA-256 of the text the offsets index: chunks with one key
and touching offsets are neighbours, which budget retrieval joins into passages), ``adaptive_prev_id`` and
``adaptive_next_id`` (the ids of the chunks before and after it in that text, where there are), ``adaptive_candidate``,
``adaptive_objective``, ``adaptive_scores`` (a JSON string ``{"chosen": {metric: value}, "objective":
{candidate: value}}``), ``page_start``/``page_end`` when the document has pages, and ``section`` when a heading
encloses the chunk (the key is absent otherwise, never empty). The chosen candidate's notes are added too
(:func:`note_metadata`: when ``llm_regex`` wins, ``llm_regex_pattern``, the model's regex that cut the text, or
``llm_regex_fallback``, why it fell back to the recursive splitter), each only when it has a value.

Ids follow :mod:`adaptive_splitters.output.ids`: deterministic, and unique within a call.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import AdaptiveResult
from adaptive_splitters.core.spans import stripped_span
from adaptive_splitters.corpus import chunk_or_raise
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.ids import chunk_id, text_key
from adaptive_splitters.output.units import Unit
from adaptive_splitters.text.annotate import page_numbers

ENGINE_KEYS = frozenset({"candidate", "chunk_index", "pages", "section", "parent"})
"""The engine's own chunk metadata; every other key on a chosen chunk is its candidate's notes."""
NEIGHBOUR_KEYS = ("adaptive_prev_id", "adaptive_next_id")
"""The ids of a chunk's neighbours in its text, where it has them (budget retrieval brings the best chunk's)."""
LEVEL_KEYS = ("adaptive_level", "adaptive_parent_id", "adaptive_parent_candidate", "adaptive_parent_scores")
"""What two levels add to a record; a chunk split again does not inherit them from its input."""
ADAPTIVE_KEYS = (
    "adaptive_candidate",
    "adaptive_objective",
    "adaptive_scores",
    "adaptive_tokens",
    "chunk_index",
    *LEVEL_KEYS,
)
"""Keys added to every record that describe the selection and the chunk, not the text (LlamaIndex embeds none of
them)."""


@dataclass(frozen=True)
class Emitted:
    """One output chunk: ``text == unit.text[start:end]``, flat added metadata, a deterministic id."""

    text: str
    start: int
    end: int
    metadata: dict[str, Any]
    id: str
    note_keys: tuple[str, ...] = ()
    """The keys of ``metadata`` that are the chosen candidate's notes."""
    level: str = "chunk"
    """``chunk`` (a retrieval unit) or ``parent`` (a context unit of whole chunks, with ``parent_size``)."""
    parent: str | None = None
    """A chunk's parent's id, when the document has parents."""


def unit_document(unit: Unit) -> SourceDocument:
    """The document the engine chunks for ``unit`` (its pages, when grouped, numbered from 0), named by its key."""
    return SourceDocument.build(
        unit.text,
        pages=list(unit.page_starts) if unit.page_starts is not None else None,
        page_numbers=range(len(unit.page_starts)) if unit.page_starts is not None else None,
        name=unit.source_key,
    )


def emit_units(
    chunker: AdaptiveChunker,
    units: Sequence[Unit],
    *,
    strip: bool = False,
    workers: int | None = 1,
    show_progress: bool = False,
) -> list[list[Emitted]]:
    """Each unit's emitted chunks, in input order, from one corpus run over the units with text (identical texts
    chunked once; ``workers`` and ``show_progress`` as :func:`~adaptive_splitters.corpus.chunk_many`'s). An
    empty unit has no chunks. The first failing unit raises its own exception, so nothing is returned for part
    of the input.

    ``strip`` trims whitespace off each chunk (offsets follow; the whitespace is then in no chunk).
    """
    texts = [unit for unit in units if unit.text]
    docs = [unit_document(unit) for unit in texts]
    results = iter(chunk_or_raise(chunker, docs, workers=workers, show_progress=show_progress))
    return [_emit_unit(chunker, unit, next(results), strip) if unit.text else [] for unit in units]


def _emit_unit(chunker: AdaptiveChunker, unit: Unit, result: AdaptiveResult, strip: bool) -> list[Emitted]:
    """The chosen candidate's scored chunks of ``unit``, given the engine's ``result`` for it."""
    grouped = unit.page_starts is not None
    labels = unit.page_labels
    _, emitted = emit_document(
        chunker,
        result.document,
        unit.source_key,
        unit.metadata,
        page_label=labels.__getitem__ if grouped and labels is not None else None,
        page_metadata=unit.page_metadata,
        strip=strip,
        id_offset=unit.id_offset,
        result=result,
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
    result: AdaptiveResult | None = None,
) -> tuple[AdaptiveResult, list[Emitted]]:
    """Chunk ``doc`` and emit the chosen candidate's chunks exactly as they were scored, ids keyed by
    ``source_key``.

    Each chunk's metadata is a deep copy of ``metadata`` (or of ``page_metadata[p]``, the metadata of the page
    ``p`` it starts on) plus the adaptive fields, ``page_start``/``page_end`` (``page_label`` of the first and
    last page it covers) when ``page_label`` is given and the document has pages, and ``section`` when a heading
    encloses it. ``result`` is the engine's result for ``doc`` when a corpus run has it already (the chunks are
    those of ``result.document``, whose text is ``doc``'s). Returns the engine's result too.
    """
    if result is None:
        result = chunker.chunk_document(doc)
    added = _result_metadata(result)
    text_hash = text_key(doc.text)
    notes = tuple(k for k in (result.chunks[0].metadata if result.chunks else {}) if k not in ENGINE_KEYS)
    out: list[Emitted] = []
    parent_of: list[int] = []  # each emitted chunk's parent, with two levels
    for chunk in result.chunks:
        visible = stripped_span(doc.text, chunk.start, chunk.end) if strip else chunk.span
        if visible is None:  # stripped to nothing
            continue
        start, end = visible
        pages = chunk.metadata.get("pages")
        parent = page_metadata[pages[0]] if page_metadata is not None and pages else metadata
        meta = _copy(parent or {})
        text = doc.text[start:end]
        _drop_inherited(meta)  # a chunk split again: its pieces have neighbours and parents of their own
        meta.update(added, chunk_index=len(out), start_index=start, end_index=end)
        meta.update(adaptive_tokens=chunker.counter(text), adaptive_source=text_hash)
        _add_pages(meta, pages, page_label)
        if chunk.metadata.get("section"):
            meta["section"] = chunk.metadata["section"]
        key_start, key_end = start + id_offset, end + id_offset
        key = chunk_id(source_key, key_start, key_end)
        out.append(Emitted(text, start, end, meta, key, notes))
        parent_of.append(chunk.metadata.get("parent", -1))
    for before, after in itertools.pairwise(out):  # budget retrieval brings the best chunk's neighbours by id
        before.metadata[NEIGHBOUR_KEYS[1]] = after.id
        after.metadata[NEIGHBOUR_KEYS[0]] = before.id
    if result.parents is None:
        return result, out
    parents = _parents(
        doc, result, source_key, metadata, page_metadata, page_label, strip, id_offset, text_hash, chunker
    )
    return result, _linked(parents, out, parent_of)


def _linked(parents: Sequence[Emitted], chunks: Sequence[Emitted], parent_of: Sequence[int]) -> list[Emitted]:
    """The parents that hold a chunk (one stripped of every chunk is dropped), then the chunks, each naming the
    parent the engine put it in (``parent_of``)."""
    children = [
        replace(e, metadata={**e.metadata, "adaptive_parent_id": parents[i].id}, parent=parents[i].id)
        for e, i in zip(chunks, parent_of, strict=True)
    ]
    held = {e.parent for e in children}
    return [*(p for p in parents if p.id in held), *children]


def _parents(
    doc: SourceDocument,
    result: AdaptiveResult,
    source_key: str,
    metadata: Mapping[str, Any] | None,
    page_metadata: Sequence[Mapping[str, Any]] | None,
    page_label: Callable[[int], int | str] | None,
    strip: bool,
    id_offset: int,
    text_hash: str,
    chunker: AdaptiveChunker,
) -> list[Emitted]:
    """The context units of ``result`` as records: whole runs of chunks, ``adaptive_level`` ``parent``, the parent
    candidate chosen and every parent candidate's scores; ids from the one recipe at the ``parent`` level."""
    assert result.parents is not None
    parents = result.parents
    scores = _json({"chosen": parents.chosen, "reason": parents.reason, **_scored(parents.scores, parents.objective)})
    out = []
    pages = page_numbers(doc, parents.spans)
    for index, span in enumerate(parents.spans):
        start, end = (stripped_span(doc.text, *span) if strip else None) or span
        text = doc.text[start:end]
        page = pages[index][0] if pages is not None and pages[index] else None
        meta = _copy(page_metadata[page] if page_metadata is not None and page is not None else metadata or {})
        _drop_inherited(meta)
        meta.update(
            adaptive_level="parent",
            adaptive_parent_candidate=parents.chosen,
            adaptive_parent_scores=scores,
            chunk_index=index,
            start_index=start,
            end_index=end,
            adaptive_tokens=chunker.counter(text),
            adaptive_source=text_hash,
        )
        _add_pages(meta, pages[index] if pages is not None else None, page_label)
        key = chunk_id(source_key, start + id_offset, end + id_offset, level="parent")
        out.append(Emitted(text, start, end, meta, key, (), level="parent"))
    return out


def scores_json(result: AdaptiveResult) -> str:
    """``{"chosen": {metric: value}, "objective": {candidate: value}, "scores": {candidate: {metric: value}}}``
    as JSON (NaN written as null): the winner's scores, what the selection maximised, and every candidate's scores."""
    chosen = {k: _finite(v) for k, v in result.scores.get(result.chosen, {}).items()}
    return _json({"chosen": chosen, **_scored(result.scores, result.objective)})


def _scored(scores: Mapping[str, Mapping[str, float | None]], objective: Mapping[str, float | None]) -> dict[str, Any]:
    """Every candidate's scores and the objective, NaN as ``None`` (JSON's null)."""
    return {
        "objective": {k: _finite(v) for k, v in objective.items()},
        "scores": {name: {k: _finite(v) for k, v in row.items()} for name, row in scores.items()},
    }


def _json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, allow_nan=False)


def _add_pages(
    meta: dict[str, Any], pages: Sequence[int] | None, page_label: Callable[[int], int | str] | None
) -> None:
    """``page_start``/``page_end``: the labels of the first and last page a record covers, when they are known."""
    if pages and page_label is not None:
        meta["page_start"] = page_label(pages[0])
        meta["page_end"] = page_label(pages[-1])


def _result_metadata(result: AdaptiveResult) -> dict[str, Any]:
    added: dict[str, Any] = {"adaptive_candidate": result.chosen, "adaptive_scores": scores_json(result)}
    objective = _finite(result.objective.get(result.chosen))
    if objective is not None:
        added["adaptive_objective"] = objective
    added.update(note_metadata(result))
    return added


def note_metadata(result: AdaptiveResult) -> dict[str, Any]:
    """The chosen candidate's notes as the engine put them on its chunks (``llm_regex_pattern`` or
    ``llm_regex_fallback``, say): flat values only, ``None`` left out."""
    if not result.chunks:
        return {}
    first = result.chunks[0].metadata
    flat = (str, int, float, bool)
    return {k: v for k, v in first.items() if k not in ENGINE_KEYS and isinstance(v, flat)}


def _drop_inherited(meta: dict[str, Any]) -> None:
    """Remove what a chunk's record says of its own place (neighbours, level, parent) from metadata it inherits
    from an input that was itself one of our chunks; ``doc_id`` too when it is that input's parent id."""
    if "doc_id" in meta and meta.get("doc_id") == meta.get("adaptive_parent_id"):
        del meta["doc_id"]
    for key in (*NEIGHBOUR_KEYS, *LEVEL_KEYS):
        meta.pop(key, None)


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
