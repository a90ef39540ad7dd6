"""The answer cache an :class:`~.candidate.LLMRegexCandidate` owns (docs/method.md#llm_regex, *Bounds*): what its
model answered to a prompt, keyed by the prompt's SHA-256, least recently used first out.

One cache belongs to one candidate, so to one model: nothing keys on a model's identity and no model object is kept
alive by it. It is bounded (:data:`DEFAULT_SIZE` entries), safe across threads, and not pickled: a pickled or
deep-copied candidate starts with an empty cache of the same size.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Generic, TypeVar

_V = TypeVar("_V")

DEFAULT_SIZE = 256
"""How many prompts' answers a cache keeps."""


class AnswerCache(Generic[_V]):
    """A bounded, thread-safe LRU of values keyed by prompt (its SHA-256)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            msg = f"size must be a positive integer (received {size!r})"
            raise ValueError(msg)
        self.size = size
        self._entries: OrderedDict[str, _V] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(prompt: str) -> str:
        """The key of ``prompt``: its SHA-256 (lone surrogates kept)."""
        return hashlib.sha256(prompt.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, prompt: str) -> _V | None:
        """The value cached for ``prompt`` (now the most recently used), or ``None``."""
        key = self.key(prompt)
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, prompt: str, value: _V) -> None:
        """Cache ``value`` for ``prompt``, dropping the least recently used entries beyond :attr:`size`."""
        key = self.key(prompt)
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every cached value."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __repr__(self) -> str:
        return f"AnswerCache(size={self.size}, entries={len(self)})"

    def __getstate__(self) -> dict[str, int]:
        return {"size": self.size}

    def __setstate__(self, state: dict[str, int]) -> None:
        self.size = state["size"]
        self._entries = OrderedDict()
        self._lock = threading.Lock()
