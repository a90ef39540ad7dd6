"""Reranking of a search's results before delivery (docs/method.md#reranking): the dense ranking fused with a
lexical one, after each chunk's similarity has borrowed from its neighbours'.

Framework-free and stateless: it reads only the results a search returned (their texts, scores and neighbour
ids), so it works over any vector store. Why:

- **lexical**: a small embedder misses the exact terms a question shares with its answer (a drug, a gene, a
  number); BM25 over the retrieved candidates finds them, and reciprocal-rank fusion keeps what each ranking gets
  right;
- **neighbours**: a chunk sized for the embedder is a sentence or two, and its vector knows nothing of the
  sentences around it; adding a share of its neighbours' similarity ranks higher the chunks whose context is about
  the question too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from adaptive_splitters.core import checks

DEFAULT_LEXICAL_WEIGHT = 1.0
"""The lexical ranking's weight in the fusion, against 1 for the dense ranking (0: dense only)."""
DEFAULT_NEIGHBOUR_WEIGHT = 0.25
"""The share of each neighbour's similarity a chunk adds to its own (0: none)."""
RRF_K = 10
"""Reciprocal-rank fusion's constant: a result at rank r (from 0) scores ``weight / (RRF_K + r + 1)``."""
RERANK_FETCH = 100
"""Results a reranking retriever asks one search for first: the pool the lexical ranking reorders."""
BM25_K1 = 1.2
BM25_B = 0.75
_FUNCTION_WORDS = """
a an and are as at be been but by did do does for from had has have how in into is it its of on or that the their
then there these this those to was were what when where which who whom why with
"""
STOP_WORDS = frozenset(_FUNCTION_WORDS.split())
"""English function words, left out of the lexical ranking (in other languages its IDF weighs them down)."""
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """One search result as the reranking reads it: its text, its similarity to the query (``None``: unknown), its
    id and its neighbours' ids in its source (``None``: unknown)."""

    text: str
    score: float | None = None
    key: Hashable | None = None
    previous: Hashable | None = None
    next: Hashable | None = None


def rerank(
    query: str,
    candidates: Sequence[Candidate],
    *,
    lexical_weight: float = DEFAULT_LEXICAL_WEIGHT,
    neighbour_weight: float = DEFAULT_NEIGHBOUR_WEIGHT,
) -> list[int]:
    """The order (indices into ``candidates``, best first) after reranking ``candidates`` (best first) for
    ``query``.

    First each candidate adds ``neighbour_weight`` times each of its two neighbours' scores (a neighbour that is
    not among the candidates, or none at all, counts as the lowest score), when every candidate has a finite score;
    the candidates are ordered by that. Then that order and the BM25 order of their texts (statistics from the
    candidates themselves) are fused by reciprocal rank, the lexical one weighted ``lexical_weight``. Ties keep the
    search's order.
    """
    checks.non_negative_number("lexical_weight", lexical_weight)
    checks.non_negative_number("neighbour_weight", neighbour_weight)
    order = list(range(len(candidates)))
    if len(candidates) < 2:
        return order
    smoothed = _with_neighbours(candidates, neighbour_weight)
    if smoothed is not None:
        order.sort(key=lambda i: -smoothed[i])
    if not lexical_weight:
        return order
    lexical = bm25(query, [c.text for c in candidates])
    by_words = sorted(order, key=lambda i: -lexical[i])  # stable: ties in the dense order
    fused = [0.0] * len(candidates)
    for rank, i in enumerate(order):
        fused[i] += 1.0 / (RRF_K + rank + 1)
    for rank, i in enumerate(by_words):
        if lexical[i] > 0:  # sharing no word with the query is no lexical evidence
            fused[i] += lexical_weight / (RRF_K + rank + 1)
    return sorted(order, key=lambda i: -fused[i])


def _with_neighbours(candidates: Sequence[Candidate], weight: float) -> list[float] | None:
    """Each candidate's score plus ``weight`` times its two neighbours' scores, a neighbour that is not among the
    candidates (or that it does not have: a text's first or last chunk, another splitter's chunk) counted at the
    lowest score among them, so that adding a constant to every score, or scaling them all, never changes the
    order; ``None`` when a score is unknown or not finite, or ``weight`` is 0 (the search's order stands)."""
    scores = [c.score for c in candidates]
    if not weight or any(s is None or not math.isfinite(s) for s in scores):
        return None
    known = [float(s) for s in scores if s is not None]
    floor = min(known)
    by_key = {c.key: float(s) for c, s in zip(candidates, known, strict=True) if c.key is not None}
    out = []
    for candidate, score in zip(candidates, known, strict=True):
        for key in (candidate.previous, candidate.next):
            score += weight * (floor if key is None else by_key.get(key, floor))
        out.append(score)
    return out


def as_similarities(scores: Sequence[float | None]) -> list[float | None]:
    """Scores a search returned, best first, as similarities (higher is nearer): as they are when they do not rise
    (similarities), negated when they do not fall (distances, as most stores' ``*_with_score`` searches give); all
    ``None`` when one is unknown or not finite, or they both rise and fall (not one ranking's scores)."""
    if any(s is None or not math.isfinite(s) for s in scores):
        return [None] * len(scores)
    values = [float(s) for s in scores if s is not None]
    pairs = list(zip(values, values[1:], strict=False))
    if all(b <= a for a, b in pairs):
        return list(values)
    if all(b >= a for a, b in pairs):
        return [-v for v in values]
    return [None] * len(scores)


def words(text: str) -> list[str]:
    """The words BM25 counts: lower-cased runs of word characters, without :data:`STOP_WORDS`."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def bm25(query: str, texts: Sequence[str]) -> list[float]:
    """Okapi BM25 of ``query`` against each of ``texts``, with document frequencies counted in ``texts``."""
    bags = [Counter(words(t)) for t in texts]
    sizes = [sum(bag.values()) for bag in bags]
    mean = sum(sizes) / len(sizes) if sizes else 0.0
    frequency = Counter(w for bag in bags for w in bag)
    n = len(bags)
    terms = Counter(words(query))
    idf = {w: math.log(1 + (n - frequency[w] + 0.5) / (frequency[w] + 0.5)) for w in terms if frequency[w]}
    out = []
    for bag, size in zip(bags, sizes, strict=True):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * size / mean) if mean else BM25_K1
        out.append(sum(idf[w] * bag[w] * (BM25_K1 + 1) / (bag[w] + norm) for w in idf if w in bag))
    return out
