"""User metrics: any ``fn(doc, spans) -> float in [0, 1] | None`` as a :class:`~adaptive_splitters.metrics.base.Metric`.

``doc`` is the :class:`~adaptive_splitters.core.document.SourceDocument` as scored and ``spans`` the candidate's
``(start, end)`` spans; ``None`` means undefined (the selection rules handle it like an undefined built-in metric).
Registered metrics appear in ``AdaptiveResult.scores``, in ``evaluate --json`` and in the selection, with their
weight next to the built-in metrics' 0.2 each::

    from adaptive_splitters import register_metric
    register_metric("few_chunks", lambda doc, spans: 1 / len(spans), weight=0.1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics.base import DEFAULT_WEIGHT, ScoringContext, check_value, check_weight

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument

MetricFunction = Callable[["SourceDocument", Sequence[Span]], "float | None"]


@dataclass(frozen=True)
class FunctionMetric:
    """A metric computed by ``function(doc, spans)``; it reads no embeddings.

    Raises ``ValueError`` for an empty name and ``TypeError`` when ``function`` is not callable.
    """

    name: str
    function: MetricFunction
    weight: float = DEFAULT_WEIGHT
    embeds = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            msg = f"a metric name must be a non-empty string (received {self.name!r})"
            raise ValueError(msg)
        if not callable(self.function):
            kind = type(self.function).__name__
            msg = f"metric {self.name!r}: fn must be callable (doc, spans) -> float | None (received {kind})"
            raise TypeError(msg)
        object.__setattr__(self, "weight", check_weight(self.name, self.weight))

    def texts(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> Iterable[tuple[Span, ...]]:
        """Nothing to embed."""
        return ()

    def score(self, doc: SourceDocument, spans: Sequence[Span], context: ScoringContext) -> float | None:
        """The function's value, checked: a float in [0, 1] or ``None`` (``ValueError`` naming the metric)."""
        return check_value(self.name, self.function(doc, list(spans)), doc.name)
