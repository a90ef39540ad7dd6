"""A corpus job for pool tests, importable by worker processes: it chunks a document, unless the document asks the
worker process to die (as a process killed for memory would)."""

from __future__ import annotations

import os

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import AdaptiveResult
from adaptive_splitters.engine import AdaptiveChunker

DIE = "EXIT-THIS-PROCESS"


def chunk_or_die(chunker: AdaptiveChunker, doc: SourceDocument) -> AdaptiveResult:
    """``chunker.chunk_document(doc)``; the process exits with code 3 when the text holds :data:`DIE`."""
    if DIE in doc.text:
        os._exit(3)
    return chunker.chunk_document(doc)
