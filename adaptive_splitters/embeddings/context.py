"""Contextual chunk vectors for a vector store (docs/method.md#contextual-vectors): each chunk's vector plus a share
of its neighbours' vectors in its document, at the chunk's own vector's length.

A chunk sized for the embedder is a sentence or two, and its vector knows nothing of the text around it; a
question about that text then ranks it below chunks that merely share its words. Adding a quarter of each
neighbour's vector makes the stored vector lean towards its context while staying nearest to its own text. Queries
are embedded as they are. Framework-free: the LangChain and LlamaIndex embeddings that apply it are in
:mod:`adaptive_splitters.integrations`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from adaptive_splitters.core import checks

DEFAULT_CONTEXT_WEIGHT = 0.25
"""The share of each neighbour's vector added to a chunk's (0: the chunk's own vector)."""


def with_context(
    vectors: np.ndarray, before: Sequence[int | None], after: Sequence[int | None], weight: float
) -> np.ndarray:
    """Each row of ``vectors`` plus ``weight`` times the rows of its neighbours (``before[i]``, ``after[i]``: row
    indices, ``None`` for none), scaled to the row's own length (unit vectors stay unit vectors, and a model's
    unnormalised lengths are kept, so stores that compare by distance or inner product see no new lengths), in the
    input's dtype; a row without neighbours, or whose sum is zero, is returned exactly as it was."""
    weight = checks.non_negative_number("context_weight", weight)
    given = np.asarray(vectors)
    rows = given.astype(np.float64)
    if len(before) != len(rows) or len(after) != len(rows):
        msg = f"with_context: {len(rows)} vectors but {len(before)} and {len(after)} neighbour indices"
        raise ValueError(msg)
    out = given.copy()
    if not weight:
        return out
    for i, sides in enumerate(zip(before, after, strict=True)):
        near = [j for j in sides if j is not None]
        if not near:
            continue
        mixed = rows[i] + weight * rows[near].sum(axis=0)
        norm = float(np.linalg.norm(mixed))
        if norm > 0:
            out[i] = mixed * (float(np.linalg.norm(rows[i])) / norm)
    return out
