"""The recursive candidate: the paper's split-then-merge splitter (:mod:`adaptive_splitters.text.recursive`) as a
candidate named ``recursive_{chunk_size}``."""

from __future__ import annotations

from dataclasses import dataclass

from adaptive_splitters.candidates.base import Split, SplitContext
from adaptive_splitters.core.document import SourceDocument


@dataclass(frozen=True)
class RecursiveCandidate:
    """The paper's recursive candidate (``to_chunk_size``, forward, overlap 0 by default) named
    ``recursive_{chunk_size}``. Post-processing does not re-split it (its spans already fit)."""

    chunk_size: int = 1100
    chunk_overlap: int = 0
    resplit: bool = False

    @property
    def name(self) -> str:
        """``recursive_{chunk_size}``."""
        return f"recursive_{self.chunk_size}"

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """The recursive splitter's spans over ``doc.text`` (separators kept as ``context.keep_separator`` says)."""
        return Split(context.splitter(self.chunk_size, self.chunk_overlap).split_spans(doc.text))
