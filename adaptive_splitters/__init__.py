"""adaptive-splitters: per-document selection among candidate chunkers, scored by intrinsic metrics.

Importing this package is light: torch, sentence-transformers, LangChain and LlamaIndex load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from adaptive_splitters.core.document import SourceDocument, Title
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.spans import Chunk, Span

if TYPE_CHECKING:
    from adaptive_splitters.engine import AdaptiveChunker, AdaptiveResult
    from adaptive_splitters.integrations.langchain import AdaptiveTextSplitter
    from adaptive_splitters.integrations.llama_index import AdaptiveNodeParser
    from adaptive_splitters.metrics.base import register_metric, unregister_metric

_LAZY = {
    "AdaptiveChunker": "adaptive_splitters.engine",
    "AdaptiveResult": "adaptive_splitters.engine",
    "AdaptiveTextSplitter": "adaptive_splitters.integrations.langchain",
    "AdaptiveNodeParser": "adaptive_splitters.integrations.llama_index",
    "ChunkerConfig": "adaptive_splitters.core.config",
    "register_metric": "adaptive_splitters.metrics.base",
    "unregister_metric": "adaptive_splitters.metrics.base",
}

__all__ = [
    "AdaptiveChunker",
    "AdaptiveNodeParser",
    "AdaptiveResult",
    "AdaptiveTextSplitter",
    "Chunk",
    "ChunkerConfig",
    "SizeLimits",
    "SourceDocument",
    "Span",
    "Title",
    "register_metric",
    "unregister_metric",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'adaptive_splitters' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
