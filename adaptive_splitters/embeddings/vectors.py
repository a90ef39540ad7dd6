"""Normalised vectors of a document's spans, in one of two long-text modes (docs/method.md#long-texts).

- ``"truncate"`` (the paper's): the span's text is encoded whole and the model truncates it (256 word pieces for
  all-MiniLM-L6-v2), so only its beginning counts.
- ``"pool"``: the span is cut at the document's block boundaries, then at the model's limit inside an over-long
  block; every piece is embedded (cached by its text, so shared across candidates, chunks and DCC windows) and the
  span's vector is the token-weighted mean of its pieces' vectors, L2-normalised.
- ``"sentences"`` (default): as ``"pool"``, with the pieces cut at sentence starts too. Chunks far smaller than a
  block (sized for a 256-piece embedder) then share their pieces across candidates, and the pieces are the
  sentences Self-Retrieval asks with, so one pass over the document serves every candidate and metric.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from adaptive_splitters.core.config import LONG_TEXT_MODES
from adaptive_splitters.core.spans import Span
from adaptive_splitters.embeddings.cache import EmbeddingCache

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument

LongTexts = Literal["sentences", "pool", "truncate"]
_WORD = re.compile(r"\w")
_COMMA = re.compile(r",\s+")  # where the recursive splitter cuts a long sentence (text/recursive.py)


DIMENSION_PROBE = "a"
"""Embedded, in ``sentences`` mode, only when a call has no piece with a word character (a text of symbols
alone): its spans' vectors are zero, and the probe tells their dimension. An empty text would too, but some
embedders (hosted APIs) reject one."""


class SpanVectors:
    """Normalised vectors of spans of one document, in ``"pool"`` or ``"truncate"`` mode (see the module doc).

    Args:
        doc: the document; its ``split_points`` cut spans into pieces in pool mode.
        cache: the shared :class:`~adaptive_splitters.embeddings.cache.EmbeddingCache`.
        mode: ``"sentences"`` (default), ``"pool"`` or ``"truncate"`` (the paper's).
        counter: token counter for the pooling weights (default: the cache's).
        clause_tokens: in ``sentences`` mode, a sentence of more tokens than this is cut at its commas too (the
            recursive splitter's separator after sentences), so that candidates cutting long sentences share those
            pieces as well; ``None``: sentences stay whole.
    """

    def __init__(
        self,
        doc: SourceDocument,
        cache: EmbeddingCache,
        mode: str = "sentences",
        counter: Callable[[str], int] | None = None,
        clause_tokens: int | None = None,
    ) -> None:
        if mode not in LONG_TEXT_MODES:
            msg = f"long_texts must be one of {', '.join(LONG_TEXT_MODES)} (received {mode!r})"
            raise ValueError(msg)
        self.doc = doc
        self.text = doc.text
        self.cache = cache
        self.mode = mode
        self.counter = counter if counter is not None else cache.counter
        self._sentences: list[Span] | None = None
        self.clause_tokens = clause_tokens
        blocks = [0, *(doc.split_points or ()), len(doc.text)]
        self._bounds = self._sentence_cuts() if mode == "sentences" else blocks
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

    def retrieved(self, spans: Sequence[Span], window: int) -> np.ndarray:
        """One normalised row per span: the vector a vector store would keep for it, which reads at most
        ``window`` tokens. In ``truncate`` mode the model itself truncates the whole text; in the pooled modes
        only the pieces within the span's first ``window`` tokens (counted by :attr:`counter`) are pooled, the
        one reaching past the window weighted by its share inside it."""
        if self.mode == "truncate":
            return self.of(spans)
        whole = self.of(spans)  # embeds every piece once, through the shared cache
        rows = []
        for span, row in zip(spans, whole, strict=True):
            texts = [self.text[a:b] for a, b in self.pieces(span)]
            sizes = np.array([max(1, self.counter(t)) for t in texts], dtype=np.float64)
            if sizes.sum() <= window:  # the model reads it all: its vector is the span's own
                rows.append(row)
                continue
            before = np.concatenate(([0.0], np.cumsum(sizes)[:-1]))
            weights = np.clip(window - before, 0.0, sizes)
            pooled = weights @ self.cache.embed(texts).astype(np.float64)
            rows.append((pooled / np.linalg.norm(pooled)).astype(np.float32))
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def sentences(self) -> list[Span]:
        """The document's sentences cut at its block boundaries, tiling the text (found once per document)."""
        if self._sentences is None:
            from adaptive_splitters.text.sentences import sentence_starts

            cuts = set(self.doc.split_points or ()) | set(sentence_starts(self.text))
            bounds = [0]
            for cut in sorted(c for c in cuts if 0 < c < len(self.text)):
                if not self.text[bounds[-1] : cut].isspace():  # a blank piece joins the one after it
                    bounds.append(cut)
            if len(bounds) > 1 and self.text[bounds[-1] :].isspace():
                bounds.pop()  # trailing blanks join the last piece
            self._sentences = list(itertools.pairwise([*bounds, len(self.text)])) if self.text else []
        return self._sentences

    def _sentence_cuts(self) -> list[int]:
        """The sentences' boundaries, and the commas of sentences longer than ``clause_tokens``."""
        cuts = _cuts(self.sentences())
        if self.clause_tokens is None:
            return cuts
        out = [cuts[0]]
        for left, right in itertools.pairwise(cuts):
            if self.counter(self.text[left:right]) > self.clause_tokens:
                out.extend(m.start() for m in _COMMA.finditer(self.text, left, right) if left < m.start())
            out.append(right)
        return out

    def pieces(self, span: Span) -> list[Span]:
        """The pieces a pooled mode embeds for ``span``: cut at block boundaries (and sentence starts, in
        ``sentences`` mode, where pieces without a word character, such as the line breaks or the ``". "`` a
        chunk starts with, carry no meaning and are left out: such a span's vector is zero, at cosine 0 to every
        other) and at the model's limit."""
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
                    out.append(self._snapped(a, b, left, right))
        if self.mode == "sentences":
            return [(a, b) for a, b in out if _WORD.search(self.text, a, b)]
        return out

    def _snapped(self, a: int, b: int, left: int, right: int) -> Span:
        """In ``sentences`` mode, a sentence cut only from its punctuation or spaces (the recursive splitter's
        sentence separator starts the next chunk) stands for the whole sentence: the same text, embedded once."""
        if self.mode == "sentences" and not _WORD.search(self.text, left, a) and not _WORD.search(self.text, b, right):
            return (left, right)
        return (a, b)

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
        blank_is_zero = self.mode == "sentences"
        if not all(plans) and not blank_is_zero:
            texts.append("")  # the vector of an empty span
        rows = self.cache.embed(texts or [DIMENSION_PROBE])
        index = {t: i for i, t in enumerate(texts)}
        for key, plan in zip(keys, plans, strict=True):
            if not plan:
                self._memo[key] = np.zeros(rows.shape[1], dtype=np.float32) if blank_is_zero else rows[index[""]]
                continue
            piece_texts = [self.text[a:b] for a, b in plan]
            weights = np.array([max(1, self.counter(t)) for t in piece_texts], dtype=np.float64)
            pooled = weights @ rows[[index[t] for t in piece_texts]].astype(np.float64)
            norm = float(np.linalg.norm(pooled))
            if norm == 0.0:
                msg = f"embedder {self.cache.identity!r}: the pieces of span {key[0]} average to a zero vector"
                raise ValueError(msg)
            self._memo[key] = (pooled / norm).astype(np.float32)


def _cuts(pieces: list[Span]) -> list[int]:
    """The boundaries of pieces that tile a text, both ends included."""
    return [pieces[0][0], *(e for _, e in pieces)] if pieces else [0, 0]
