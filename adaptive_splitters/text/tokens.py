"""Token counting: tiktoken encodings built offline from bundled files, any callable accepted, counts memoised.

The paper counts every string separately with tiktoken ``o200k_base`` (``len(encode(text))``). We count
special-token text (``<|endoftext|>``) as plain text, so no input can raise (docs/method.md#deviations-from-the-paper).

The offline encodings (``o200k_base``, ``cl100k_base``) are built directly from the vocabulary files that ship in
the ``llama-index-core`` wheel, with tiktoken's own definitions (pattern, special tokens, file hash): no network, no
environment variable read or set, and token counts identical to ``tiktoken.get_encoding``.
"""

from __future__ import annotations

import base64
import hashlib
import math
import numbers
import os
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import tiktoken

_CACHE_SUBDIR = "llama_index/core/_static/tiktoken_cache"
_MAX_CACHED_CHARS = 20_000
_MAX_CACHE_ENTRIES = 200_000
_PUBLIC = "https://openaipublic.blob.core.windows.net/encodings/"


class _Definition(NamedTuple):
    """How tiktoken defines an encoding (``tiktoken_ext.openai_public``): its file, the file's SHA-256, its split
    pattern and its special tokens (constant names in ``tiktoken_ext.openai_public`` → token id)."""

    url: str
    sha256: str
    pat_str: str
    special_tokens: tuple[tuple[str, int], ...]


_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|"""
    r"""\s+(?!\S)|\s"""
)
_DEFINITIONS: MappingProxyType[str, _Definition] = MappingProxyType(
    {
        "o200k_base": _Definition(
            _PUBLIC + "o200k_base.tiktoken",
            "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
            _O200K_PATTERN,
            (("ENDOFTEXT", 199999), ("ENDOFPROMPT", 200018)),
        ),
        "cl100k_base": _Definition(
            _PUBLIC + "cl100k_base.tiktoken",
            "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
            _CL100K_PATTERN,
            (
                ("ENDOFTEXT", 100257),
                ("FIM_PREFIX", 100258),
                ("FIM_MIDDLE", 100259),
                ("FIM_SUFFIX", 100260),
                ("ENDOFPROMPT", 100276),
            ),
        ),
    }
)

OFFLINE_ENCODINGS = tuple(_DEFINITIONS)
"""Encodings whose vocabulary files ship inside the ``llama-index-core`` wheel."""


def bundled_tiktoken_cache() -> Path | None:
    """The tiktoken cache folder shipped by ``llama-index-core``, found without importing it."""
    try:
        dist = metadata.distribution("llama-index-core")
    except metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file(_CACHE_SUBDIR)))
    return path if path.is_dir() else None


@lru_cache(maxsize=8)  # parsed vocabularies are immutable and take ~0.3 s each: built once per process per name
def get_encoding(name: str) -> tiktoken.Encoding:
    """A tiktoken encoding by name, built from the bundled vocabulary files (no network).

    Other names go to ``tiktoken.get_encoding``, which reads them from the folder ``TIKTOKEN_CACHE_DIR`` names.

    Raises:
        ValueError: the encoding is not available offline, or its file is missing or damaged.
    """
    bundled = bundled_tiktoken_cache()
    if name in _DEFINITIONS and bundled is not None:
        return _bundled_encoding(name, bundled)
    if name not in _DEFINITIONS and not os.environ.get("TIKTOKEN_CACHE_DIR"):
        msg = (
            f"tokenizer {name!r} is not available offline; the bundled encodings are "
            f"{', '.join(OFFLINE_ENCODINGS)} (or set TIKTOKEN_CACHE_DIR to a folder holding {name!r})"
        )
        raise ValueError(msg)
    import tiktoken

    try:
        return tiktoken.get_encoding(name)
    except Exception as err:
        msg = (
            f"could not load tokenizer {name!r} offline; the bundled encodings are "
            f"{', '.join(OFFLINE_ENCODINGS)} (from the llama-index-core package)"
        )
        raise ValueError(msg) from err


def _bundled_encoding(name: str, folder: Path) -> tiktoken.Encoding:
    """The encoding ``name`` built from its file in ``folder`` (named, as tiktoken names it, by its URL's SHA-1)."""
    import tiktoken
    import tiktoken_ext.openai_public as public

    definition = _DEFINITIONS[name]
    path = folder / hashlib.sha1(definition.url.encode()).hexdigest()
    try:
        data = path.read_bytes()
    except OSError as err:
        msg = f"could not load tokenizer {name!r} offline: {err} (reinstall llama-index-core)"
        raise ValueError(msg) from err
    if hashlib.sha256(data).hexdigest() != definition.sha256:
        msg = f"could not load tokenizer {name!r} offline: {path} is not the expected file (reinstall llama-index-core)"
        raise ValueError(msg)
    return tiktoken.Encoding(
        name=name,
        pat_str=definition.pat_str,
        mergeable_ranks=_mergeable_ranks(data),
        special_tokens={getattr(public, constant): rank for constant, rank in definition.special_tokens},
    )


def _mergeable_ranks(data: bytes) -> dict[bytes, int]:
    """A ``.tiktoken`` file's ``base64(token) rank`` lines, as ``tiktoken.load.load_tiktoken_bpe`` reads them
    (read here from bytes, so tiktoken does not copy the file into its own cache folder)."""
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


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
        return isinstance(self._count, _TiktokenCount) and length > limit * self._count.longest_token_bytes()

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "count": self._count}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name = state["name"]
        self._count = state["count"]
        self._memo = {}


class _TiktokenCount:
    """Picklable ``len(encode_ordinary(text))`` for a named tiktoken encoding."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.encoding = get_encoding(name)
        self._longest: int | None = None

    def longest_token_bytes(self) -> int:
        """The byte length of the encoding's longest vocabulary entry, computed on first use."""
        if self._longest is None:
            ranks: dict[bytes, int] = getattr(self.encoding, "_mergeable_ranks", {})
            self._longest = max(map(len, ranks), default=0) or 2**31
        return self._longest

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
