"""Stage 3: the five intrinsic metrics of Adaptive Chunking, computed on spans, and the user's own.

SC, BI and RC need no embeddings; ICC and DCC read vectors from the shared span vectors. Every metric is a
:class:`~adaptive_splitters.metrics.base.Metric` in the one registry, returning a value in [0, 1] or ``None``
where it is undefined (docs/method.md, one section per metric).
"""

from __future__ import annotations

from adaptive_splitters.metrics.base import Metric, ScoringContext, register_metric
from adaptive_splitters.metrics.bi import BlockIntegrity, block_integrity
from adaptive_splitters.metrics.dcc import ContextualCoherence, context_windows, contextual_coherence
from adaptive_splitters.metrics.icc import IntrachunkCohesion, chunk_pieces, intrachunk_cohesion
from adaptive_splitters.metrics.rc import ReferencesCompleteness, references_completeness
from adaptive_splitters.metrics.sc import SizeCompliance, size_compliance

METRIC_NAMES: tuple[str, ...] = ("SC", "BI", "RC", "ICC", "DCC")
"""Size Compliance, Block Integrity, References Completeness, Intrachunk Cohesion, Document Contextual Coherence."""

for _builtin in (
    SizeCompliance(),
    BlockIntegrity(),
    ReferencesCompleteness(),
    IntrachunkCohesion(),
    ContextualCoherence(),
):
    register_metric(_builtin)

__all__ = [
    "METRIC_NAMES",
    "BlockIntegrity",
    "ContextualCoherence",
    "IntrachunkCohesion",
    "Metric",
    "ReferencesCompleteness",
    "ScoringContext",
    "SizeCompliance",
    "block_integrity",
    "chunk_pieces",
    "context_windows",
    "contextual_coherence",
    "intrachunk_cohesion",
    "references_completeness",
    "size_compliance",
]
