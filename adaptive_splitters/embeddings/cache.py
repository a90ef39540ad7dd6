"""The embedding cache: each distinct text embedded once per model, in batches, every vector checked and
L2-normalised (docs/method.md#long-texts)."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from adaptive_splitters.core import checks
from adaptive_splitters.embeddings.adapters import DEFAULT_BATCH_SIZE
from adaptive_splitters.embeddings.resolve import resolve_embedder


@dataclass
class EmbeddingStats:
    """What an :class:`EmbeddingCache` has done so far."""

    texts_embedded: int = 0
    tokens_embedded: int = 0
    chars_embedded: int = 0
    requests: int = 0
    cache_hits: int = 0
    batches: int = 0


class EmbeddingProgress(Protocol):
    """Told of the embedding work as it happens (a corpus run's progress bar: ``adaptive_splitters.corpus``)."""

    def embedding_call(self, chars: int) -> None:
        """A call starts with ``chars`` characters of texts not embedded before."""

    def embedding_batch(self, chars: int) -> None:
        """A batch of ``chars`` characters was embedded."""


class EmbeddingCache:
    """Normalised embeddings keyed by (model identity, text): each distinct text is embedded once, in batches.

    Args:
        embedder: anything :func:`adaptive_splitters.embeddings.resolve.resolve_embedder` accepts.
        batch_size: texts per call to the embedder (32).
        counter: the token counter behind ``stats.tokens_embedded`` (default o200k_base).
        store: where vectors live, keyed by ``(identity, text)`` (default a new dict); pass a loaded mapping to
            reuse vectors across runs, e.g. one kept on disk.
        progress: told of each call's new characters and of each batch as it is embedded.
    """

    def __init__(
        self,
        embedder: Any = None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        counter: Callable[[str], int] | None = None,
        store: MutableMapping[tuple[str, str], np.ndarray] | None = None,
        progress: EmbeddingProgress | None = None,
    ) -> None:
        checks.positive_int("batch_size", batch_size)
        self.embedder = resolve_embedder(embedder)
        self.batch_size = batch_size
        self._counter = counter
        self.store: MutableMapping[tuple[str, str], np.ndarray] = {} if store is None else store
        self.progress = progress
        self._dim: int | None = None
        self.stats = EmbeddingStats()

    @property
    def identity(self) -> str:
        """The model identity part of the cache keys."""
        return self.embedder.name

    @property
    def counter(self) -> Callable[[str], int]:
        """The token counter behind ``stats.tokens_embedded``."""
        if self._counter is None:
            from adaptive_splitters.text.tokens import TokenCounter  # tiktoken loads on first use

            self._counter = TokenCounter()
        return self._counter

    def __len__(self) -> int:
        return len(self.store)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text (float32), embedding only texts not seen before."""
        key = self.identity
        self.stats.requests += len(texts)
        missing = list(dict.fromkeys(t for t in texts if (key, t) not in self.store))
        self.stats.cache_hits += len(texts) - len(missing)
        missing.sort(key=len, reverse=True)  # similar lengths per batch: less padding
        if self.progress is not None:
            self.progress.embedding_call(sum(len(t) for t in missing))
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i : i + self.batch_size]
            vectors = self._checked(batch, self.embedder.embed(batch))
            self.stats.batches += 1
            if self.progress is not None:
                self.progress.embedding_batch(sum(len(t) for t in batch))
            for text, vector in zip(batch, vectors, strict=True):
                self.store[(key, text)] = vector
                self.stats.texts_embedded += 1
                self.stats.chars_embedded += len(text)
                self.stats.tokens_embedded += self.counter(text)
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        return np.stack([self.store[(key, t)] for t in texts])

    def _checked(self, batch: list[str], out: Any) -> np.ndarray:
        name = self.identity
        try:
            array = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError) as err:
            msg = f"embedder {name!r} returned something that is not a numeric array ({type(out).__name__})"
            raise ValueError(msg) from err
        if array.ndim != 2 or array.shape[0] != len(batch) or array.shape[1] == 0:
            msg = f"embedder {name!r} returned shape {array.shape} for {len(batch)} texts; expected ({len(batch)}, dim)"
            raise ValueError(msg)
        if self._dim is not None and array.shape[1] != self._dim:
            msg = f"embedder {name!r} returned vectors of dimension {array.shape[1]}, earlier ones had {self._dim}"
            raise ValueError(msg)
        if not np.isfinite(array).all():
            row = int(np.argwhere(~np.isfinite(array))[0][0])
            msg = f"embedder {name!r} returned NaN or infinite values for text {_preview(batch[row])}"
            raise ValueError(msg)
        norms = np.linalg.norm(array, axis=1)
        if (norms == 0).any():
            row = int(np.argmin(norms))
            msg = f"embedder {name!r} returned a zero vector for text {_preview(batch[row])}"
            raise ValueError(msg)
        self._dim = int(array.shape[1])
        normalised: np.ndarray = (array / norms[:, None]).astype(np.float32)
        return normalised


def _preview(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))
