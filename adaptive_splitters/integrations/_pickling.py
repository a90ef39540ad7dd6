"""What both adapters share beyond translation: refusing to pickle what cannot be pickled."""

from __future__ import annotations

import pickle
from typing import Any


def require_picklable(value: Any, owner: str, name: str, hint: str) -> None:
    """Raise ``TypeError`` when ``value`` (a setting named ``name`` of ``owner``) cannot be pickled, rather than
    letting a framework drop it silently (a worker would then run with another model, or none)."""
    if value is None:
        return
    try:
        pickle.dumps(value)
    except Exception as err:
        msg = f"{owner} cannot be pickled: its {name} ({type(value).__name__}) cannot be pickled; {hint}"
        raise TypeError(msg) from err
