"""The one registry: candidate and metric names resolvable wherever names are accepted.

It is the package's only module-level mutable state. Built-in candidates and metrics register themselves when
their package is imported; users add their own with ``register_candidate``, ``register_user_candidate`` and
``register_metric``. A chunker resolves names once, when it is built, so later registrations do not change it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Registry:
    """Name → factory for candidates (plus name families such as ``recursive_<N>``) and name → metric."""

    candidates: dict[str, Callable[..., Any]] = field(default_factory=dict)
    candidate_families: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


REGISTRY = Registry()
