"""Stage 3's contract: a :class:`Metric` says what it needs embedded and scores one candidate's spans.

Built-in and user metrics are alike: each has a name, a default selection weight, whether it reads embeddings,
the texts it will embed (so that every candidate's texts go to the model in one run) and its score, a float in
[0, 1] or ``None`` where it is undefined (docs/method.md, one section per metric). Names resolve through the one
registry (:mod:`adaptive_splitters.core.registry`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from adaptive_splitters.core import checks
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.registry import REGISTRY
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.references import resolve_pairs
from adaptive_splitters.text.tokens import TokenCounter

if TYPE_CHECKING:
    from adaptive_splitters.core.document import Pair, SourceDocument
    from adaptive_splitters.embeddings import SpanVectors

DEFAULT_WEIGHT = 0.2
"""Each built-in metric's weight, as in the paper (equal weights over five metrics)."""


@dataclass
class ScoringContext:
    """What metrics share within one document's scoring: the token counter, the size limits, where entity-pronoun
    pairs come from when the document has none (``pair_source``: ``"heuristic"``, ``"none"`` or a callable;
    resolved at most once per document, on first use), and, once an embedding metric runs, the span vectors."""

    counter: TokenCounter
    limits: SizeLimits
    vectors: SpanVectors | None = None
    pair_source: Any = "none"
    resolved: tuple[Pair, ...] | None = None
    pairs_source: str | None = None
    """Where the pairs came from once asked for: ``given``, ``heuristic``, ``callable`` or ``none``."""

    def pairs(self, doc: SourceDocument) -> tuple[Pair, ...] | None:
        """The document's entity-pronoun pairs: its own, else from ``pair_source`` (resolved once)."""
        if doc.pairs is not None:
            self.pairs_source = "given"
            return doc.pairs
        if self.pairs_source is None:
            found, self.pairs_source = resolve_pairs(self.pair_source, doc.text)
            self.resolved = tuple(found) if found is not None else None
        return self.resolved

    def span_vectors(self) -> SpanVectors:
        """The span vectors; only embedding metrics (``embeds``) may ask, after the engine has set them."""
        if self.vectors is None:
            msg = "span vectors are only available to metrics with embeds = True"
            raise RuntimeError(msg)
        return self.vectors


@runtime_checkable
class Metric(Protocol):
    """A label-free quality measure of one candidate's spans over a document."""

    @property
    def name(self) -> str:
        """The metric's name in scores, weights and reports."""
        ...

    @property
    def weight(self) -> float:
        """Its weight in the selection unless ``weights`` says otherwise."""
        ...

    @property
    def embeds(self) -> bool:
        """Whether it reads embeddings (embedding metrics run after the others, on one shared embedding run)."""
        ...

    def texts(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> Iterable[tuple[Span, ...]]:
        """The span groups whose joined text it will embed (empty for a metric that does not embed)."""
        ...

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """Its value in [0, 1], or ``None`` where it is undefined."""
        ...


@dataclass(frozen=True)
class BuiltinMetric:
    """What the five built-in metrics share: a name, the paper's equal weight, and nothing to embed unless a
    metric says otherwise (``embeds`` and :meth:`texts`)."""

    name: str
    weight: float = DEFAULT_WEIGHT
    embeds: ClassVar[bool] = False
    builtin: ClassVar[bool] = True

    def texts(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> Iterable[tuple[Span, ...]]:
        """Nothing to embed."""
        return ()


def register_metric(
    metric: Metric | str, fn: Callable[..., Any] | None = None, weight: float = DEFAULT_WEIGHT
) -> Metric:
    """Register ``metric`` (a :class:`Metric`), or ``fn(doc, spans) -> float | None`` under the name ``metric``
    with ``weight``, replacing a user metric of that name; returns the registered metric.

    Raises:
        ValueError: an empty name, a built-in metric's name, a weight that is negative or not finite.
        TypeError: ``fn`` is not callable, or ``metric`` is neither a name nor a :class:`Metric`.
    """
    if isinstance(metric, str):
        from adaptive_splitters.metrics.user import FunctionMetric

        metric = FunctionMetric(metric, fn, weight)  # type: ignore[arg-type]
    elif not isinstance(metric, Metric):
        msg = f"register_metric takes a Metric or a name and a function (received {type(metric).__name__})"
        raise TypeError(msg)
    existing = REGISTRY.metrics.get(metric.name)
    if existing is not None and getattr(existing, "builtin", False) and existing is not metric:
        msg = f"{metric.name!r} is a built-in metric; register yours under another name"
        raise ValueError(msg)
    check_weight(metric.name, metric.weight)
    REGISTRY.metrics[metric.name] = metric
    return metric


def unregister_metric(name: str) -> None:
    """Remove user metric ``name`` (no error when it is not registered; built-in metrics stay)."""
    if not getattr(REGISTRY.metrics.get(name), "builtin", False):
        REGISTRY.metrics.pop(name, None)


def registered_metrics() -> dict[str, Metric]:
    """The registered user metrics by name, in registration order (a copy; the built-in five are not listed)."""
    return {name: m for name, m in REGISTRY.metrics.items() if not getattr(m, "builtin", False)}


def resolve_metrics(specs: Sequence[Metric | str] | None) -> list[Metric]:
    """The metrics a chunker computes: ``None`` for every registered one (the built-in five first), else each
    named (or given) metric, in the order given. Names match regardless of case (``sc`` is ``SC``) when no
    metric has the name exactly.

    Raises:
        ValueError: no metric, an unknown name, or a metric listed twice.
    """
    if specs is None:
        return list(REGISTRY.metrics.values())
    if not specs:
        msg = "metrics must name at least one metric (leave it out for all of them)"
        raise ValueError(msg)
    folded = {name.casefold(): m for name, m in REGISTRY.metrics.items()}
    out: list[Metric] = []
    for spec in specs:
        metric = spec if not isinstance(spec, str) else REGISTRY.metrics.get(spec, folded.get(spec.casefold()))
        if metric is None or not isinstance(metric, Metric):
            known = ", ".join(REGISTRY.metrics)
            msg = f"unknown metric {spec!r}; known: {known} (register others with register_metric)"
            raise ValueError(msg)
        if any(m.name == metric.name for m in out):
            msg = f"metric {metric.name!r} is listed twice"
            raise ValueError(msg)
        out.append(metric)
    return out


def check_weight(name: str, weight: object) -> float:
    """``weight`` as a finite float >= 0; raises ``ValueError`` naming metric ``name``."""
    return checks.non_negative_number(f"metric {name!r}: weight", weight)


def check_value(name: str, value: Any, document: str = "") -> float | None:
    """``value`` as a float in [0, 1], or ``None``.

    Raises:
        ValueError: not a real number, NaN, or outside [0, 1]; the message names metric ``name``.
    """
    if value is None:
        return None
    where = f" on document {document!r}" if document else ""
    if isinstance(value, bool) or (not isinstance(value, (int, float)) and not hasattr(value, "__float__")):
        msg = f"metric {name!r} returned {value!r}{where}; expected a float in [0, 1] or None"
        raise ValueError(msg)
    number = float(value)
    if not 0.0 <= number <= 1.0:  # NaN fails too
        msg = f"metric {name!r} returned {number!r}{where}; expected a float in [0, 1] or None"
        raise ValueError(msg)
    return number
