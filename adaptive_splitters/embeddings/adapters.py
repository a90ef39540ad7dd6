"""The embedder protocol and the adapters that wrap every embedder (docs/method.md#long-texts).

Texts reach a model only through an :class:`EmbedderAdapter`, whose ``embed`` and ``cut_points`` see them through
:func:`model_text`: lone surrogates (which no UTF-8 tokenizer or API accepts) become U+FFFD, one code point for one,
so offsets still line up; cache keys and chunks keep the source text unchanged.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import numpy as np

DEFAULT_BATCH_SIZE = 32
"""Texts per call to a model."""

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def model_text(text: str) -> str:
    """``text`` as a model receives it: each lone surrogate replaced by U+FFFD (same length, same offsets)."""
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _embedding_model_texts(method: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    @functools.wraps(method)
    def embed(self: EmbedderAdapter, texts: list[str]) -> np.ndarray:
        return method(self, [model_text(t) for t in texts])

    return embed


def _cutting_model_text(method: Callable[..., list[int]]) -> Callable[..., list[int]]:
    @functools.wraps(method)
    def cut_points(self: EmbedderAdapter, text: str) -> list[int]:
        return method(self, model_text(text))

    return cut_points


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns a list of texts into one vector per text (rows of a 2-D array)."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text."""
        ...


class EmbedderAdapter:
    """Base of the adapters :func:`adaptive_splitters.embeddings.resolve.resolve_embedder` returns: a ``name`` for
    messages and cache keys, ``embed``, and optionally the model's input limit for pool mode (:meth:`cut_points`)."""

    name: str = "embedder"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Route the texts of every subclass's ``embed`` and ``cut_points`` through :func:`model_text`: the one
        place where texts reach any model (sentence-transformers, callables, framework embedders, user adapters)."""
        super().__init_subclass__(**kwargs)
        embed = cls.__dict__.get("embed")
        if inspect.isfunction(embed):  # a plain method (not a staticmethod, say)
            setattr(cls, "embed", _embedding_model_texts(embed))  # noqa: B010 - mypy rejects assigning a method
        cut_points = cls.__dict__.get("cut_points")
        if inspect.isfunction(cut_points):
            setattr(cls, "cut_points", _cutting_model_text(cut_points))  # noqa: B010

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text."""
        raise NotImplementedError

    def cut_points(self, text: str) -> list[int]:
        """Offsets inside ``text`` that cut it into pieces the model reads whole; ``[]`` when no limit is known."""
        del text
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class CallableEmbedder(EmbedderAdapter):
    """A callable ``list[str] -> vectors`` (or an object with a batch method named ``method``)."""

    def __init__(self, function: Callable[[list[str]], Any], name: str | None = None) -> None:
        self.function = function
        self.name = name or callable_name(function)

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.function(list(texts)))  # checked and converted by EmbeddingCache


class FrameworkEmbedder(EmbedderAdapter):
    """A LangChain ``Embeddings`` (``embed_documents`` / ``aembed_documents``) or a LlamaIndex ``BaseEmbedding``
    (``get_text_embedding_batch`` / ``aget_text_embedding_batch``), found by duck typing (neither framework is
    imported). The sync method is used; when it is missing or raises ``NotImplementedError`` (an async-only
    implementation), the async one runs to completion (in a helper thread if an event loop is already running).
    """

    def __init__(self, obj: Any, sync: str | None, asynchronous: str | None, name: str | None = None) -> None:
        self.obj = obj
        self._sync = getattr(obj, sync) if sync and hasattr(obj, sync) else None
        self._async = getattr(obj, asynchronous) if asynchronous and hasattr(obj, asynchronous) else None
        if self._sync is None and self._async is None:
            msg = f"{type(obj).__name__} has neither {sync} nor {asynchronous}"
            raise TypeError(msg)
        self.name = name or object_name(obj)

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._sync is not None:
            try:
                return np.asarray(self._sync(list(texts)), dtype=np.float64)
            except NotImplementedError:
                if self._async is None:
                    raise
        from adaptive_splitters.core.sync import run_sync

        assert self._async is not None  # no sync method means an async one (checked in __init__)
        return np.asarray(run_sync(self._async(list(texts))), dtype=np.float64)


def callable_name(function: Any) -> str:
    """The cache identity of a callable embedder: its owner's name for a bound method, else its qualified name."""
    name = getattr(function, "__qualname__", None) or type(function).__name__
    owner = getattr(function, "__self__", None)
    if owner is not None:
        return object_name(owner)
    return f"{name}@{id(function):x}"


def object_name(obj: Any) -> str:
    """The cache identity of an embedder object: its model name (or type) and its id."""
    label = getattr(obj, "model_name", None) or getattr(obj, "model", None)
    base = label if isinstance(label, str) else type(obj).__name__
    return f"{base}@{id(obj):x}"
