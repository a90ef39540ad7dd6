"""Two levels (docs/method.md#two-levels): context units (parents) made of whole chosen chunks, chosen per document
among structural candidates by the paper's five metrics.

The chunks are the retrieval units, sized for the embedder and chosen as before; the parents are what a reader
gets when several chunks of one unit are retrieved (LlamaIndex's auto-merging, LangChain's parent-document
retrieval). Parents are built bottom-up: each structural candidate's boundaries are moved to the nearest chunk
boundary, so every parent is a run of whole chunks and the chunks stay exactly what they are without parents. The
paper's metrics (SC at the parents' size, BI, RC, ICC, DCC) then choose among the snapped candidates: the job they
were made for, complete and coherent units of context.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from adaptive_splitters.core.spans import Span

PARENT_METRICS = ("SC", "BI", "RC", "ICC", "DCC")
"""The metrics that choose the parents, at equal weights (the paper's)."""


def parent_candidate_names(parent_size: int) -> list[str]:
    """The structural candidates parents are chosen among: the recursive splitter at the parents' size, pages,
    markdown sections and the document's own delimiters (each where it applies)."""
    return [f"recursive_{parent_size}", "page", "markdown_sections", "structure_pattern"]


@dataclass(frozen=True)
class Parents:
    """The parents of one document's chosen chunks.

    Attributes:
        chosen: the parent candidate that won.
        spans: the parents, runs of whole chunks tiling what the chunks tile.
        of_chunk: each chosen chunk's parent (an index into ``spans``).
        candidates: parent candidate → its snapped spans.
        scores: parent candidate → metric → value (or ``None``).
        objective: parent candidate → what the selection maximised.
        reason: why the winner won.
        skipped: parent candidate → why it did not apply.
    """

    chosen: str
    spans: list[Span]
    of_chunk: list[int]
    candidates: dict[str, list[Span]]
    scores: dict[str, dict[str, float | None]]
    objective: dict[str, float | None]
    reason: str
    skipped: dict[str, str] = field(default_factory=dict)


def snap(candidate: Sequence[Span], chunks: Sequence[Span]) -> list[Span]:
    """``candidate``'s boundaries moved to the nearest chunk start (the earlier one on a tie), as runs of whole
    ``chunks`` (sorted, non-empty): every chunk lies in exactly one run, and a candidate boundary inside a chunk
    never cuts it."""
    if not chunks:
        return []
    starts = [start for start, _ in chunks]
    cuts = {0}
    for start, _ in candidate:
        at = bisect.bisect_left(starts, start)
        nearest = min((i for i in (at - 1, at) if 0 <= i < len(starts)), key=lambda i: (abs(starts[i] - start), i))
        cuts.add(nearest)
    bounds = sorted(cuts)
    runs = zip(bounds, [*bounds[1:], len(chunks)], strict=True)
    return [(chunks[a][0], max(end for _, end in chunks[a:b])) for a, b in runs]


def parent_of(chunks: Sequence[Span], parents: Sequence[Span]) -> list[int]:
    """Each chunk's parent: the one its start lies in (``parents`` sorted, from :func:`snap`)."""
    starts = [start for start, _ in parents]
    return [bisect.bisect_right(starts, start) - 1 for start, _ in chunks]
