"""Normalised vectors of a document's spans, in one of two long-text modes (docs/method.md#long-texts).

- ``"truncate"`` (the paper's): the span's text is encoded whole and the model truncates it (256 word pieces for
  all-MiniLM-L6-v2), so only its beginning counts.
- ``"pool"`` (default): the span is cut at the document's block boundaries, then at the model's limit inside an
  over-long block; every piece is embedded (cached by its text, so shared across candidates, chunks and DCC windows)
  and the span's vector is the token-weighted mean of its pieces' vectors, L2-normalised.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from adaptive_splitters.core.spans import Span
from adaptive_splitters.embeddings.cache import EmbeddingCache

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument

LongTexts = Literal["pool", "truncate"]
LONG_TEXT_MODES: tuple[str, ...] = ("pool", "truncate")


class SpanVectors:
    """Normalised vectors of spans of one document, in ``"pool"`` or ``"truncate"`` mode (see the module doc).

    Args:
        doc: the document; its ``split_points`` cut spans into pieces in pool mode.
        cache: the shared :class:`~adaptive_splitters.embeddings.cache.EmbeddingCache`.
        mode: ``"pool"`` (default) or ``"truncate"`` (the paper's).
        counter: token counter for the pooling weights (default: the cache's).
    """

    def __init__(
        self,
        doc: SourceDocument,
        cache: EmbeddingCache,
        mode: str = "pool",
        counter: Callable[[str], int] | None = None,
    ) -> None:
        if mode not in LONG_TEXT_MODES:
            msg = f"long_texts must be 'pool' or 'truncate' (received {mode!r})"
            raise ValueError(msg)
        self.doc = doc
        self.text = doc.text
        self.cache = cache
        self.mode = mode
        self.counter = counter if counter is not None else cache.counter
        self._bounds = [0, *(doc.split_points or ()), len(doc.text)]
        self._atoms: dict[int, list[int]] = {}
        self._memo: dict[tuple[Span, ...], np.ndarray] = {}

    def of(self, spans: Sequence[Span]) -> np.ndarray:
        """One normalised row per span."""
        return self.of_joined([(span,) for span in spans])

    def of_joined(self, groups: Sequence[Sequence[Span]]) -> np.ndarray:
        """One normalised row per group: the vector of the concatenated texts of the group's spans (DCC windows)."""
        keys = [tuple((int(s), int(e)) for s, e in group) for group in groups]
        todo = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if todo:
            if self.mode == "truncate":
                vectors = self.cache.embed(["".join(self.text[s:e] for s, e in key) for key in todo])
                self._memo.update(zip(todo, vectors, strict=True))
            else:
                self._pool(todo)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[k] for k in keys])

    def pieces(self, span: Span) -> list[Span]:
        """The pieces pool mode embeds for ``span``: cut at block boundaries and at the model's limit."""
        start, end = span
        if end <= start:
            return []
        out: list[Span] = []
        first = max(0, bisect_right(self._bounds, start) - 1)
        last = bisect_left(self._bounds, end)
        for block in range(first, min(last, len(self._bounds) - 1)):
            cuts = self._block_cuts(block)
            for left, right in itertools.pairwise(cuts):
                a, b = max(left, start), min(right, end)
                if b > a:
                    out.append((a, b))
        return out

    def _block_cuts(self, block: int) -> list[int]:
        found = self._atoms.get(block)
        if found is None:
            left, right = self._bounds[block], self._bounds[block + 1]
            inner = self.cache.embedder.cut_points(self.text[left:right]) if right > left else []
            found = [left, *(left + c for c in inner), right]
            self._atoms[block] = found
        return found

    def _pool(self, keys: list[tuple[Span, ...]]) -> None:
        plans = [[p for span in key for p in self.pieces(span)] for key in keys]
        texts = list(dict.fromkeys(self.text[a:b] for plan in plans for a, b in plan))
        if not all(plans):
            texts.append("")  # the vector of an empty span
        rows = self.cache.embed(texts)
        index = {t: i for i, t in enumerate(texts)}
        for key, plan in zip(keys, plans, strict=True):
            if not plan:
                self._memo[key] = rows[index[""]]
                continue
            piece_texts = [self.text[a:b] for a, b in plan]
            weights = np.array([max(1, self.counter(t)) for t in piece_texts], dtype=np.float64)
            pooled = weights @ rows[[index[t] for t in piece_texts]].astype(np.float64)
            norm = float(np.linalg.norm(pooled))
            if norm == 0.0:
                msg = f"embedder {self.cache.identity!r}: the pieces of span {key[0]} average to a zero vector"
                raise ValueError(msg)
            self._memo[key] = (pooled / norm).astype(np.float32)
