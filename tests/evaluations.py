"""Real evaluations of small texts for the report tests: the engine with the cheap metrics (SC, BI, RC) unless
asked for others."""

from __future__ import annotations

import re
from typing import Any

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.evaluation import Evaluated

PARAGRAPHS = "\n\n".join(
    f"Paragraph {i} talks about topic {i % 3}; it holds a few words so that chunks of sixty tokens split it. "
    "The committee said it would review them again."
    for i in range(12)
)


def evaluate(text: str = PARAGRAPHS, path: str = "docs/doc.md", name: str = "doc", **settings: Any) -> Evaluated:
    """``text`` evaluated by the engine with ``settings`` (default: ``chunk_size=60``, candidates
    ``recursive_60``, ``recursive_30`` and ``page``, metrics SC, BI, RC); its blocks are its paragraphs."""
    chosen: dict[str, Any] = {"chunk_size": 60, "candidates": ["recursive_60", "recursive_30", "page"]}
    chosen["metrics"] = ["SC", "BI", "RC"]
    chunker = AdaptiveChunker(**{**chosen, **settings})
    blocks = [m.end() for m in re.finditer(r"\n\n", text) if m.end() < len(text)]
    result = chunker.chunk_document(SourceDocument.build(text, blocks=blocks, name=name))
    return Evaluated(path, result, tuple(m.name for m in chunker.metrics))
