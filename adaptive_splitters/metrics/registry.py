"""User metrics: register a callable under a name with a weight; the engine scores every candidate with it.

A metric is ``fn(doc, spans) -> float in [0, 1] | None``: ``doc`` is the :class:`SourceDocument` as scored and
``spans`` the candidate's ``(start, end)`` spans. ``None`` means undefined (the selection rules handle it like an
undefined built-in metric). Registered metrics appear in ``AdaptiveResult.scores``, in ``evaluate --json`` and in the
selection, with their weight next to the built-in metrics' 0.2 each.

    from adaptive_splitters import register_metric
    register_metric("few_chunks", lambda doc, spans: 1 / len(spans), weight=0.1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adaptive_splitters.core.spans import Span
from adaptive_splitters.metrics import METRIC_NAMES
from adaptive_splitters.selection import DEFAULT_WEIGHT

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument

DEFAULT_USER_WEIGHT = DEFAULT_WEIGHT
"""A user metric's weight unless given: the built-in metrics' own."""
MetricFunction = Callable[["SourceDocument", Sequence[Span]], "float | None"]


@dataclass(frozen=True)
class UserMetric:
    """A registered metric: its name, function and selection weight."""

    name: str
    function: MetricFunction
    weight: float = DEFAULT_USER_WEIGHT

    def __call__(self, doc: SourceDocument, spans: Sequence[Span]) -> float | None:
        """The metric's value, checked: a float in [0, 1] or ``None``.

        Raises:
            ValueError: the function returned something else (the message names the metric and the document).
        """
        value = self.function(doc, list(spans))
        return check_value(self.name, value, doc.name)


_REGISTRY: dict[str, UserMetric] = {}


def register_metric(name: str, fn: MetricFunction, weight: float = DEFAULT_USER_WEIGHT) -> UserMetric:
    """Register ``fn`` as metric ``name`` with selection ``weight`` (replacing a metric of that name).

    Raises:
        ValueError: an empty name, a built-in metric's name, a weight that is negative or not finite.
        TypeError: ``fn`` is not callable.
    """
    if not isinstance(name, str) or not name.strip():
        msg = f"a metric name must be a non-empty string (received {name!r})"
        raise ValueError(msg)
    if name in METRIC_NAMES:
        msg = f"{name!r} is a built-in metric; register yours under another name"
        raise ValueError(msg)
    if not callable(fn):
        msg = f"metric {name!r}: fn must be callable (doc, spans) -> float | None (received {type(fn).__name__})"
        raise TypeError(msg)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight) or weight < 0:
        msg = f"metric {name!r}: weight must be a finite number >= 0 (received {weight!r})"
        raise ValueError(msg)
    metric = UserMetric(name, fn, float(weight))
    _REGISTRY[name] = metric
    return metric


def unregister_metric(name: str) -> None:
    """Remove metric ``name`` (no error when it is not registered)."""
    _REGISTRY.pop(name, None)


def registered_metrics() -> dict[str, UserMetric]:
    """The registered metrics by name, in registration order (a copy)."""
    return dict(_REGISTRY)


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
