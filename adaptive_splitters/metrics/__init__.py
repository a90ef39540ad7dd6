"""The five intrinsic metrics of Adaptive Chunking (PAPER_SPEC §1), computed on spans.

SC, BI and RC need no embeddings; ICC and DCC read vectors from :class:`adaptive_splitters.embeddings.SpanVectors`.
Every metric returns a value in [0, 1], or ``None`` where the paper's metric is undefined.
"""

from __future__ import annotations

from adaptive_splitters.metrics.bi import block_integrity
from adaptive_splitters.metrics.dcc import context_windows, contextual_coherence
from adaptive_splitters.metrics.icc import chunk_pieces, intrachunk_cohesion
from adaptive_splitters.metrics.rc import references_completeness
from adaptive_splitters.metrics.sc import size_compliance

METRIC_NAMES: tuple[str, ...] = ("SC", "BI", "RC", "ICC", "DCC")
"""Size Compliance, Block Integrity, References Completeness, Intrachunk Cohesion, Document Contextual Coherence."""

__all__ = [
    "METRIC_NAMES",
    "block_integrity",
    "chunk_pieces",
    "context_windows",
    "contextual_coherence",
    "intrachunk_cohesion",
    "references_completeness",
    "size_compliance",
]
