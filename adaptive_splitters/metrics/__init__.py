"""Stage 3: the five intrinsic metrics of Adaptive Chunking, Self-Retrieval, and the user's own, on spans.

SC, BI and RC need no embeddings; ICC, DCC and SR read vectors from the shared span vectors. Every metric is a
:class:`~adaptive_splitters.metrics.base.Metric` in the one registry, returning a value in [0, 1] or ``None``
where it is undefined (docs/method.md, one section per metric).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from adaptive_splitters.metrics.base import Metric, ScoringContext, register_metric
from adaptive_splitters.metrics.bi import BlockIntegrity, block_integrity
from adaptive_splitters.metrics.dcc import ContextualCoherence, context_windows, contextual_coherence
from adaptive_splitters.metrics.icc import IntrachunkCohesion, chunk_pieces, intrachunk_cohesion
from adaptive_splitters.metrics.rc import ReferencesCompleteness, references_completeness
from adaptive_splitters.metrics.sc import SizeCompliance, size_compliance
from adaptive_splitters.metrics.sr import SelfRetrieval, self_retrieval

METRIC_NAMES: tuple[str, ...] = ("SC", "BI", "RC", "ICC", "DCC")
"""The paper's five: Size Compliance, Block Integrity, References Completeness, Intrachunk Cohesion, Document
Contextual Coherence."""

_BUILTINS = (
    SizeCompliance(),
    BlockIntegrity(),
    ReferencesCompleteness(),
    IntrachunkCohesion(),
    ContextualCoherence(),
    SelfRetrieval(),
)
for _builtin in _BUILTINS:
    register_metric(_builtin)

BUILTIN_WEIGHTS: Mapping[str, float] = MappingProxyType({m.name: m.weight for m in _BUILTINS})
"""The built-in metrics and their own weights (the paper's five at 0.2 each, SR at 1.0); which of them the
selection uses by default is :func:`adaptive_splitters.selection.default_weights`'s choice."""

__all__ = [
    "BUILTIN_WEIGHTS",
    "METRIC_NAMES",
    "BlockIntegrity",
    "ContextualCoherence",
    "IntrachunkCohesion",
    "Metric",
    "ReferencesCompleteness",
    "ScoringContext",
    "SelfRetrieval",
    "SizeCompliance",
    "block_integrity",
    "chunk_pieces",
    "context_windows",
    "contextual_coherence",
    "intrachunk_cohesion",
    "references_completeness",
    "self_retrieval",
    "size_compliance",
]
