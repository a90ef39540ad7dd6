"""Scoring every candidate of one document: the cheap metrics first, then the embedding ones on one shared
embedding run (docs/method.md#overview)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import Cost
from adaptive_splitters.core.spans import Span
from adaptive_splitters.embeddings import SpanVectors
from adaptive_splitters.metrics import METRIC_NAMES
from adaptive_splitters.metrics.base import Metric, ScoringContext

Scores = dict[str, dict[str, float | None]]
"""Candidate → metric → value in [0, 1], or ``None`` where undefined."""


def score_candidates(
    doc: SourceDocument,
    spans: Mapping[str, list[Span]],
    metrics: Sequence[Metric],
    context: ScoringContext,
    vectors: Callable[[], SpanVectors],
    cost: Cost,
) -> Scores:
    """Every metric on every candidate's spans. ``vectors`` builds the document's span vectors, called only when
    an embedding metric runs; the texts all candidates need are embedded in one sorted batch run first."""
    names = [*METRIC_NAMES, *(m.name for m in metrics if m.name not in METRIC_NAMES)]
    out: Scores = {name: dict.fromkeys(names) for name in spans}
    cheap = [m for m in metrics if not m.embeds]
    embedding = [m for m in metrics if m.embeds] if doc.text.strip() else []  # nothing to embed in blanks
    for name, candidate_spans in spans.items():
        for metric in cheap:
            out[name][metric.name] = _scored(metric, doc, candidate_spans, context, cost)
    if embedding:
        context.vectors = vectors()
        with cost.stage("embedding"):
            _prefetch(doc, spans, embedding, context)
        for name, candidate_spans in spans.items():
            for metric in embedding:
                out[name][metric.name] = _scored(metric, doc, candidate_spans, context, cost)
    return out


def _prefetch(
    doc: SourceDocument, spans: Mapping[str, list[Span]], metrics: Sequence[Metric], context: ScoringContext
) -> None:
    """Embed every text the embedding metrics will read, for all candidates, in one sorted batch run.

    The metrics then read cached vectors; one call instead of one per candidate and metric keeps batches full
    and padding low. Values are unchanged (the same texts are embedded either way).
    """
    groups: list[tuple[Span, ...]] = []
    for candidate_spans in spans.values():
        groups.extend((span,) for span in candidate_spans)
        for metric in metrics:
            groups.extend(tuple(group) for group in metric.texts(doc, candidate_spans, context))
    try:
        context.span_vectors().of_joined(list(dict.fromkeys(groups)))
    except Exception as err:
        raise failure(doc, "stage embedding", err) from err


def _scored(
    metric: Metric, doc: SourceDocument, spans: list[Span], context: ScoringContext, cost: Cost
) -> float | None:
    with cost.stage(metric.name):
        try:
            return metric.score(doc, spans, context)
        except ValueError:
            raise  # an out-of-range value or bad input, already named
        except Exception as err:
            raise failure(doc, f"stage {metric.name}", err) from err


class DocumentVectors:
    """One document's span vectors, built on first use and shared by candidates and metrics; it counts what the
    whole run embedded (``AdaptiveResult.cost["embedding"]``), candidates' texts included."""

    def __init__(self, build: Callable[[], SpanVectors]) -> None:
        self._build = build
        self._vectors: SpanVectors | None = None
        self._before: dict[str, int] = {}

    def __call__(self) -> SpanVectors:
        if self._vectors is None:
            self._vectors = self._build()
            self._before = _stats(self._vectors.cache)
        return self._vectors

    def embedded(self) -> dict[str, int]:
        """What was embedded since the vectors were built (nothing when no one asked for them)."""
        if self._vectors is None:
            return {}
        after = _stats(self._vectors.cache)
        return {key: value - self._before.get(key, 0) for key, value in after.items()}


def _stats(cache: Any) -> dict[str, int]:
    stats = getattr(cache, "stats", None)
    return dict(vars(stats)) if stats is not None else {}


def failure(doc: SourceDocument, where: str, err: Exception) -> RuntimeError:
    """A ``RuntimeError`` naming the document, the stage or candidate, and the error."""
    return RuntimeError(f"document {doc.name or '(unnamed)'!r}, {where}: {type(err).__name__}: {err}")
