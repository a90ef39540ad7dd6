"""Whole-corpus parity: on all 33 CLAIR documents our spans equal the reference's, span for span.

Slow (15-30 s on two cores); run with ``pytest integration_tests``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from adaptive_splitters.candidates import SplitContext, resolve_candidate
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.postprocess import candidate_spans

CLAIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clair"
CANDIDATES = ("recursive_1100", "recursive_600", "page")
RAW_TOTALS = {"recursive_1100": 1347, "recursive_600": 2391, "page": 1765}
POST_TOTALS = {"recursive_1100": 1345, "recursive_600": 2381, "page": 1780}

pytestmark = pytest.mark.skipif(
    not (CLAIR / "reference_minilm.json").is_file(),
    reason=f"the CLAIR corpus and its reference spans are not at {CLAIR}",
)


@cache
def _reference() -> dict[str, Any]:
    return json.loads((CLAIR / "reference_minilm.json").read_text(encoding="utf-8"))["documents"]  # type: ignore[no-any-return]


@cache
def _spans_by_stage() -> dict[tuple[str, str], dict[str, list[list[int]]]]:
    """Our spans for every (candidate, stage) and document, computed once with one shared counter."""
    context = SplitContext()
    out: dict[tuple[str, str], dict[str, list[list[int]]]] = {}
    for name in _reference():
        data = json.loads((CLAIR / "parsed" / f"{name}.json").read_text(encoding="utf-8"))
        doc = SourceDocument.build(data["full_text"], pages=list(data["pages"].values()), name=name)
        for cand in CANDIDATES:
            candidate = resolve_candidate(cand)
            raw = candidate_spans(candidate, doc, context, raw=True)
            post = candidate_spans(candidate, doc, context)
            out.setdefault((cand, "raw"), {})[name] = [list(s) for s in raw]
            out.setdefault((cand, "post"), {})[name] = [list(s) for s in post]
    return out


@pytest.mark.parametrize("stage", ["raw", "post"])
@pytest.mark.parametrize("candidate", CANDIDATES)
def test_spans_equal_reference_on_every_document(candidate: str, stage: str) -> None:
    ours = _spans_by_stage()[(candidate, stage)]
    mismatched = [
        name
        for name, entry in _reference().items()
        if ours[name] != entry["chunkings"][f"{candidate}/{stage}"]["spans"]
    ]
    assert mismatched == [], f"{candidate}/{stage} differs from the reference on {len(mismatched)} documents"


@pytest.mark.parametrize(
    ("candidate", "stage", "total"),
    [
        *((c, "raw", n) for c, n in RAW_TOTALS.items()),
        *((c, "post", n) for c, n in POST_TOTALS.items()),
    ],
)
def test_corpus_chunk_totals(candidate: str, stage: str, total: int) -> None:
    ours = _spans_by_stage()[(candidate, stage)]
    assert len(ours) == 33
    assert sum(len(spans) for spans in ours.values()) == total
