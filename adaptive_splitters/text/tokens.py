"""Token counting: tiktoken encodings loaded offline, any callable accepted, counts memoised.

The paper counts every string separately with tiktoken ``o200k_base`` (``len(encode(text))``). We count
special-token text (``<|endoftext|>``) as plain text, so no input can raise.
"""

from __future__ import annotations

import math
import numbers
import os
import threading
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tiktoken

OFFLINE_ENCODINGS = ("o200k_base", "cl100k_base")
"""Encodings whose vocabulary files ship inside the ``llama-index-core`` wheel."""

_CACHE_SUBDIR = "llama_index/core/_static/tiktoken_cache"
_MAX_CACHED_CHARS = 20_000
_MAX_CACHE_ENTRIES = 200_000
_ENV_LOCK = threading.Lock()


def bundled_tiktoken_cache() -> Path | None:
    """The tiktoken cache folder shipped by ``llama-index-core``, found without importing it."""
    try:
        dist = metadata.distribution("llama-index-core")
    except metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(_CACHE_SUBDIR)))
    return path if path.is_dir() else None


@cache
def get_encoding(name: str) -> tiktoken.Encoding:
    """A tiktoken encoding by name, loaded from the bundled vocabulary files (no network)."""
    import tiktoken

    if name not in OFFLINE_ENCODINGS and not os.environ.get("TIKTOKEN_CACHE_DIR"):
        msg = (
            f"tokenizer {name!r} is not available offline; the bundled encodings are "
            f"{', '.join(OFFLINE_ENCODINGS)} (or set TIKTOKEN_CACHE_DIR to a folder holding {name!r})"
        )
        raise ValueError(msg)
    bundled = bundled_tiktoken_cache()
    with _ENV_LOCK:
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        if bundled is not None and name in OFFLINE_ENCODINGS:
            os.environ["TIKTOKEN_CACHE_DIR"] = str(bundled)
        try:
            return tiktoken.get_encoding(name)
        except Exception as err:
            msg = (
                f"could not load tokenizer {name!r} offline; the bundled encodings are "
                f"{', '.join(OFFLINE_ENCODINGS)} (from the llama-index-core package)"
            )
            raise ValueError(msg) from err
        finally:
            if previous is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous


class TokenCounter:
    """Counts tokens of strings, memoising short strings.

    Args:
        tokenizer: a tiktoken encoding name (default ``"o200k_base"``), a ``tiktoken.Encoding``, an object
            with ``encode(text)``, or any callable ``str -> int``.
    """

    def __init__(self, tokenizer: str | Callable[[str], int] | Any = "o200k_base") -> None:
        self.name = _tokenizer_name(tokenizer)
        self._count = _count_function(tokenizer)
        self._memo: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        """The number of tokens in ``text``."""
        if not text:
            return 0
        if len(text) > _MAX_CACHED_CHARS:
            return self._count(text)
        found = self._memo.get(text)
        if found is None:
            found = self._count(text)
            if len(self._memo) >= _MAX_CACHE_ENTRIES:
                self._memo.clear()
            self._memo[text] = found
        return found

    def encoding(self) -> tiktoken.Encoding | None:
        """The tiktoken encoding behind this counter, when there is one."""
        return getattr(self._count, "encoding", None)

    def surely_exceeds(self, length: int, limit: int) -> bool:
        """True when every text of ``length`` characters has more than ``limit`` tokens, known without counting.

        A tiktoken token spans at most its longest vocabulary entry's bytes, hence at most that many characters;
        other counters give no such bound (always ``False``).
        """
        name = getattr(self._count, "name", None) if isinstance(self._count, _TiktokenCount) else None
        return name is not None and length > limit * _longest_token_bytes(name)

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "count": self._count}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name = state["name"]
        self._count = state["count"]
        self._memo = {}


@cache
def _longest_token_bytes(name: str) -> int:
    ranks: dict[bytes, int] = getattr(get_encoding(name), "_mergeable_ranks", {})
    return max(map(len, ranks), default=0) or 2**31


class _TiktokenCount:
    """Picklable ``len(encode_ordinary(text))`` for a named tiktoken encoding."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.encoding = get_encoding(name)

    def __call__(self, text: str) -> int:
        return len(self.encoding.encode_ordinary(text))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_TiktokenCount, (self.name,))


class _EncodeCount:
    """``len(tokenizer.encode(text))``, preferring ``encode_ordinary`` (special tokens as text)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> int:
        encode = getattr(self.tokenizer, "encode_ordinary", None) or self.tokenizer.encode
        return len(encode(text))


class _CallableCount:
    """A user's ``str -> int`` counter, its answers checked: a non-negative integer (numpy integers too; a finite
    non-negative float is truncated, as ``int`` does; ``bool``, ``None``, negative, NaN and infinite answers raise,
    naming the tokenizer, the value and the text's length)."""

    def __init__(self, function: Callable[[str], int]) -> None:
        self.function = function

    def __call__(self, text: str) -> int:
        value = self.function(text)
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            msg = (
                f"tokenizer {_describe(self.function)} returned {value!r} ({type(value).__name__}) for a text of "
                f"{len(text)} characters; a token counter must return a non-negative integer"
            )
            raise TypeError(msg)
        number: Any = value
        if number >= 0 and (isinstance(number, numbers.Integral) or math.isfinite(number)):
            return int(number)
        msg = (
            f"tokenizer {_describe(self.function)} returned {value!r} for a text of {len(text)} characters; "
            "a token counter must return a non-negative integer"
        )
        raise ValueError(msg)


def _describe(function: Any) -> str:
    """How messages name a user's tokenizer: its qualified name when it has one, else its repr."""
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", None)
    if not isinstance(name, str):
        return repr(function)
    code = getattr(function, "__code__", None)
    if "<lambda>" in name and code is not None:
        return f"{name!r} (defined at {code.co_filename}:{code.co_firstlineno})"
    return repr(name)


def _count_function(tokenizer: Any) -> Callable[[str], int]:
    if isinstance(tokenizer, str):
        return _TiktokenCount(tokenizer)
    if hasattr(tokenizer, "encode_ordinary") or hasattr(tokenizer, "encode"):
        return _EncodeCount(tokenizer)
    if callable(tokenizer):
        return _CallableCount(tokenizer)
    msg = f"tokenizer must be an encoding name, an object with encode(), or a callable (received {tokenizer!r})"
    raise TypeError(msg)


def _tokenizer_name(tokenizer: Any) -> str:
    if isinstance(tokenizer, str):
        return tokenizer
    return str(getattr(tokenizer, "name", None) or getattr(tokenizer, "__name__", None) or type(tokenizer).__name__)
