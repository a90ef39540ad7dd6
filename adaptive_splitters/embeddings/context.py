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
    unnormalised lengths are kept, so stores that compare by distance or inner product see no new lengths); a row
    whose sum is zero stays as it was."""
    weight = checks.non_negative_number("context_weight", weight)
    rows = np.asarray(vectors, dtype=np.float64)
    if len(before) != len(rows) or len(after) != len(rows):
        msg = f"with_context: {len(rows)} vectors but {len(before)} and {len(after)} neighbour indices"
        raise ValueError(msg)
    out = rows.copy()
    if weight:
        for i, (left, right) in enumerate(zip(before, after, strict=True)):
            for j in (left, right):
                if j is not None:
                    out[i] += weight * rows[j]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    own = np.linalg.norm(rows, axis=1, keepdims=True)
    out = np.where(norms > 0, out * (own / np.where(norms > 0, norms, 1.0)), rows)
    return out.astype(np.float32)
