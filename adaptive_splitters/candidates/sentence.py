"""The sentence candidate (docs/method.md#sentence): groups of k consecutive sentences, k = 5 as in the paper.

Sentences come from :mod:`adaptive_splitters.text.sentences` (offline, abbreviation-aware) instead of the
paper's stanza pipeline, which downloads a model. Text before the first sentence joins the first chunk, as the
paper's gap repair does. Post-processed like the page candidate: oversize groups re-split, small ones merged.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from adaptive_splitters.candidates.base import Split, SplitContext
from adaptive_splitters.core import checks
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.text.sentences import check_language, sentence_starts


@dataclass
class SentenceCandidate:
    """``sentences_per_chunk`` sentences per span; the spans tile the text."""

    sentences_per_chunk: int = 5
    language: str = "en"
    name: str = "sentence"
    resplit: bool = True

    def __post_init__(self) -> None:
        checks.positive_int("sentences_per_chunk", self.sentences_per_chunk)
        check_language(self.language)

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """Spans of ``sentences_per_chunk`` sentences each (the last may hold fewer)."""
        text = doc.text
        if not text:
            return Split([])
        starts = sentence_starts(text, self.language)
        bounds = [0, *starts[self.sentences_per_chunk - 1 :: self.sentences_per_chunk], len(text)]
        return Split(list(itertools.pairwise(bounds)))
