"""The recursive_<N> candidate: resolved by name, spans equal to the splitter's."""

from __future__ import annotations

import pytest
from markdown_like import make_document

from adaptive_splitters.candidates import SplitContext, resolve_candidate
from adaptive_splitters.candidates.recursive import RecursiveCandidate
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.text.recursive import RecursiveSplitter

DOC = make_document()


class TestCandidate:
    """``recursive_<N>`` resolves to the paper's configuration."""

    def test_resolves_by_name(self) -> None:
        candidate = resolve_candidate("recursive_600")
        assert isinstance(candidate, RecursiveCandidate)
        assert candidate.name == "recursive_600"
        assert candidate.chunk_size == 600
        assert candidate.resplit is False

    def test_spans_match_the_splitter(self) -> None:
        doc = SourceDocument.build(DOC)
        spans = resolve_candidate("recursive_120").split(doc, SplitContext()).spans
        assert spans == RecursiveSplitter(chunk_size=120).split_spans(DOC)

    def test_unknown_candidate(self) -> None:
        with pytest.raises(ValueError, match=r"unknown candidate 'recursve_1100'; registered: .*page.*recursive_<N>"):
            resolve_candidate("recursve_1100")
