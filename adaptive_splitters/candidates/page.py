"""The page candidate: one span per page; an empty page gives an empty span ``[s, s]`` in raw output."""

from __future__ import annotations

from dataclasses import dataclass

from adaptive_splitters.candidates.base import NotApplicable, Split, SplitContext
from adaptive_splitters.core.document import SourceDocument


@dataclass(frozen=True)
class PageCandidate:
    """Split at page boundaries. Post-processing re-splits oversize pages and merges small ones."""

    name: str = "page"
    resplit: bool = True

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """The page spans of ``doc``; raises :class:`NotApplicable` when pages are unknown."""
        if doc.page_starts is None:
            msg = "the document has no pages"
            raise NotApplicable(msg)
        return Split(doc.page_spans())
