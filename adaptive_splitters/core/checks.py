"""The checks every setting and argument goes through: one message shape, ``<name> must be ... (received ...)``.

Booleans are never integers here (``chunk_size=True`` is refused), numpy integers are integers, and each check
returns the normalised value so callers store what was checked.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Check = Callable[[str, Any], Any]
"""``check(name, value) -> normalised value``; raises ``ValueError``/``TypeError`` naming ``name``."""


def is_integer(value: object) -> bool:
    """An ``int`` or numpy integer, not a ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name: str, value: Any) -> int:
    """``value`` as an ``int`` >= 1."""
    if not is_integer(value) or value < 1:
        msg = f"{name} must be a positive integer (received {value!r})"
        raise ValueError(msg)
    return int(value)


def non_negative_int(name: str, value: Any) -> int:
    """``value`` as an ``int`` >= 0."""
    if not is_integer(value) or value < 0:
        msg = f"{name} must be a non-negative integer (received {value!r})"
        raise ValueError(msg)
    return int(value)


def positive_number(name: str, value: Any) -> float:
    """``value`` as a finite ``float`` > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        msg = f"{name} must be a positive finite number (received {value!r})"
        raise ValueError(msg)
    return float(value)


def non_negative_number(name: str, value: Any) -> float:
    """``value`` as a finite ``float`` >= 0 (numpy scalars too, ``bool`` not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        msg = f"{name} must be a finite number >= 0 (received {value!r})"
        raise ValueError(msg)
    return float(value)


def boolean(name: str, value: Any) -> bool:
    """``True`` or ``False`` (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        msg = f"{name} must be True or False (received {value!r})"
        raise TypeError(msg)
    return value


def one_of(*choices: str) -> Check:
    """A check that ``value`` is one of ``choices``."""

    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            listed = ", ".join(repr(c) for c in choices)
            options = " or ".join(repr(c) for c in choices) if len(choices) <= 3 else f"one of {listed}"
            msg = f"{name} must be {options} (received {value!r})"
            raise ValueError(msg)
        return value

    check.choices = choices  # type: ignore[attr-defined]  # for option parsers (argparse choices)
    return check


def optional(check: Check) -> Check:
    """``check``, letting ``None`` through."""

    def checked(name: str, value: Any) -> Any:
        return None if value is None else check(name, value)

    return checked


def choice_or_callable(*choices: str) -> Check:
    """One of ``choices``, or a callable."""
    named = one_of(*choices)

    def check(name: str, value: Any) -> Any:
        if callable(value):
            return value
        try:
            return named(name, value)
        except ValueError:
            options = ", ".join(repr(c) for c in choices)
            msg = f"{name} must be {options} or a callable (received {value!r})"
            raise ValueError(msg) from None

    return check


def sequence_of_names(name: str, value: Any) -> tuple[Any, ...]:
    """A non-string sequence, as a tuple (its items are checked where they are resolved)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        msg = f"{name} must be a list (received {type(value).__name__} {value!r})"
        raise TypeError(msg)
    return tuple(value)


def mapping(name: str, value: Any) -> dict[Any, Any]:
    """A mapping, as a ``dict`` (its values are checked where they are used)."""
    if not isinstance(value, Mapping):
        msg = f"{name} must be a mapping (received {type(value).__name__} {value!r})"
        raise TypeError(msg)
    return dict(value)


def anything(name: str, value: Any) -> Any:
    """No check here: the value is resolved (and checked) by the stage that uses it."""
    del name
    return value
