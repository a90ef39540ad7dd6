"""User candidates: callables returning spans or strings, named errors, gap repair, registration by name."""

from __future__ import annotations

import pytest

from adaptive_splitters.candidates import (
    FunctionCandidate,
    SplitContext,
    register_user_candidate,
    registered_names,
    resolve_candidate,
)
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.postprocess import candidate_spans

CONTEXT = SplitContext(limits=SizeLimits(max_tokens=1000, min_tokens=0))
DOC = SourceDocument.build("abc abc abc. def!")


def test_strings_are_located_by_anchored_forward_search() -> None:
    candidate = FunctionCandidate("words", lambda text: ["abc ", "abc ", "abc. ", "def!"])
    # repeated text: each string is placed after the previous one, never on an earlier copy
    assert candidate.split(DOC, CONTEXT).spans == [(0, 4), (4, 8), (8, 13), (13, 17)]


def test_gaps_between_strings_are_repaired() -> None:
    candidate = FunctionCandidate("stripped", lambda text: ["abc", "abc", "def!"])
    assert candidate.split(DOC, CONTEXT).spans == [(0, 3), (4, 7), (13, 17)]
    assert candidate_spans(candidate, DOC, CONTEXT) == [(0, 3), (3, 7), (7, 17)]


def test_spans_are_accepted() -> None:
    candidate = FunctionCandidate("spans", lambda text: [(0, 8), [8, 17]])
    assert candidate.split(DOC, CONTEXT).spans == [(0, 8), (8, 17)]


def test_string_not_in_text_names_candidate_and_index() -> None:
    candidate = FunctionCandidate("llm", lambda text: ["abc", "zzz"])
    with pytest.raises(ValueError, match=r"'llm' returned chunk 1"):
        candidate.split(DOC, CONTEXT)


def test_bad_return_values() -> None:
    with pytest.raises(TypeError, match="'none'"):
        FunctionCandidate("none", lambda text: None).split(DOC, CONTEXT)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError, match="chunk 1"):
        FunctionCandidate("mixed", lambda text: [(0, 3), "abc"]).split(DOC, CONTEXT)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="outside the text"):
        candidate_spans(FunctionCandidate("far", lambda text: [(0, 99)]), DOC, CONTEXT)
    with pytest.raises(TypeError, match="callable"):
        FunctionCandidate("x", "not callable")  # type: ignore[arg-type]


def test_registration_by_name() -> None:
    def halves(text: str) -> list[tuple[int, int]]:
        return [(0, len(text) // 2), (len(text) // 2, len(text))]

    candidate = register_user_candidate("halves_for_test", halves)
    assert register_user_candidate("halves_for_test", halves) is candidate  # same function: no-op
    assert "halves_for_test" in registered_names()
    assert resolve_candidate("halves_for_test").split(DOC, CONTEXT).spans == [(0, 8), (8, 17)]
    with pytest.raises(ValueError, match="already registered"):
        register_user_candidate("halves_for_test", lambda text: [])
