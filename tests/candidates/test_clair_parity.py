"""Parity on a fast CLAIR subset: our spans equal the reference implementation's, span for span.

All 33 documents are checked by integration_tests/test_clair_parity_all.py.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from adaptive_splitters.candidates import SplitContext, resolve_candidate
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.postprocess import candidate_spans

CLAIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clair"
DOCUMENTS = (
    "Norma (légal)_EDPS Generative AI guidelines",
    "Ada (technique)_Standards - Explicability",
    "Ada (technique)_Standards - Robustness",
    "Sophia (sciences sociales)_Responsible AI - A competitive edge in the data and GenAI landscape",
)
CANDIDATES = ("recursive_1100", "recursive_600", "page")

pytestmark = pytest.mark.skipif(
    not (CLAIR / "reference_minilm.json").is_file(),
    reason=f"the CLAIR corpus and its reference spans are not at {CLAIR} (../shared/data/clair)",
)


@cache
def _reference() -> dict[str, Any]:
    documents: dict[str, Any] = json.loads((CLAIR / "reference_minilm.json").read_text(encoding="utf-8"))["documents"]
    return documents


@cache
def _document(name: str) -> SourceDocument:
    data = json.loads((CLAIR / "parsed" / f"{name}.json").read_text(encoding="utf-8"))
    return SourceDocument.build(data["full_text"], pages=list(data["pages"].values()), name=name)


@cache
def _ours(name: str, candidate: str) -> dict[str, list[Span]]:
    doc, context, chosen = _document(name), SplitContext(), resolve_candidate(candidate)
    raw = candidate_spans(chosen, doc, context, raw=True)
    return {"raw": raw, "post": candidate_spans(chosen, doc, context)}


@pytest.mark.parametrize("stage", ["raw", "post"])
@pytest.mark.parametrize("candidate", CANDIDATES)
@pytest.mark.parametrize("name", DOCUMENTS)
def test_spans_equal_reference(name: str, candidate: str, stage: str) -> None:
    expected = [tuple(span) for span in _reference()[name]["chunkings"][f"{candidate}/{stage}"]["spans"]]
    assert _ours(name, candidate)[stage] == expected


def test_raw_page_keeps_empty_pages_as_zero_length_spans() -> None:
    spans = _ours(DOCUMENTS[-1], "page")["raw"]
    empty = [number for number, (start, end) in enumerate(spans, start=1) if start == end]
    assert empty == [19]
    assert all(start < end for start, end in _ours(DOCUMENTS[-1], "page")["post"])
