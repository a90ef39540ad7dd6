"""Progress by work done (docs/method.md#corpora): each document counts for its size (characters, or bytes of a
file), and moves while it is chunked, stage by stage and embedding batch by embedding batch.

A :class:`Meter` turns a document's stages into a fraction of its size and sends only the increments; at the end
it sends the rest, so a bar's total is exactly the sum of the sizes. :class:`MeteredChunker` is a view of a
chunker whose runs report to the meter it holds through :class:`StageCost`: stage ends, and the embedding work the
document's embedding cache tells its cost of. Nothing changes what is computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.result import AdaptiveResult, Cost

if TYPE_CHECKING:  # the engine imports the corpus paths for chunk_many: no import back at run time
    from adaptive_splitters.engine import AdaptiveChunker

STAGE_FRACTIONS = {"structure": 0.02, "postprocess": 0.15, "SC": 0.17, "BI": 0.18, "RC": 0.2, "selection": 0.98}
"""The share of a document done when each stage ends (the embedding stage fills 0.2 to 0.95 as it goes)."""
EMBEDDING_SPAN = (0.2, 0.95)


class Meter:
    """One document's progress: ``size`` units, sent as increments through ``send`` (never more than ``size``)."""

    def __init__(self, size: int, send: Callable[[int], object]) -> None:
        self.size = max(0, size)
        self.send = send
        self.sent = 0
        self.fraction = 0.0
        self.call = (0.0, 1.0, 1, 0)  # the embedding call under way: from, to, characters to embed, embedded

    def expect(self, chars: int) -> None:
        """An embedding call starts with ``chars`` characters to embed: it fills the rest of its stage (the
        candidates' before the cheap metrics end, then the embedding stage's)."""
        low, high = EMBEDDING_SPAN
        ceiling = high if self.fraction >= low else STAGE_FRACTIONS["postprocess"]
        self.call = (self.fraction, max(self.fraction, ceiling), max(1, chars), 0)

    def stage_done(self, name: str) -> None:
        """A stage ended: move to its share (candidates move a little each, up to post-processing's)."""
        share = STAGE_FRACTIONS.get(name)
        if name == "candidates":
            share = min(STAGE_FRACTIONS["postprocess"], self.fraction + 0.02)
        if share is not None:
            self.advance(share)

    def embedded_chars(self, chars: int) -> None:
        """An embedding batch ended: move within the call's span by the characters embedded."""
        start, end, total, done = self.call
        self.call = (start, end, total, done + chars)
        self.advance(start + (end - start) * min(1.0, (done + chars) / total))

    def advance(self, fraction: float) -> None:
        """Move to ``fraction`` of the document (never back), sending the new units."""
        self.fraction = max(self.fraction, min(1.0, fraction))
        units = int(self.size * self.fraction)
        if units > self.sent:
            self.send(units - self.sent)
            self.sent = units

    def finish(self) -> None:
        """The document is done (or failed): send the rest of its size."""
        self.advance(1.0)


class StageCost(Cost):
    """A :class:`Cost` that also tells a meter when each stage ends."""

    def __init__(self, meter: Meter) -> None:
        super().__init__()
        self.meter = meter

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        with super().stage(name):
            yield
        self.meter.stage_done(name)

    def embedding_call(self, chars: int) -> None:
        self.meter.expect(chars)

    def embedding_batch(self, chars: int) -> None:
        self.meter.embedded_chars(chars)


class MeteredChunker:
    """A view of a chunker whose runs report to :attr:`meter`: :meth:`chunk_document` gives the run a
    :class:`StageCost`; every other attribute is the chunker's own, and the chunker itself is left unchanged."""

    def __init__(self, chunker: AdaptiveChunker) -> None:
        self.chunker = chunker
        self.meter: Meter | None = None

    def as_chunker(self) -> AdaptiveChunker:
        """This view, typed as the chunker it stands for (it answers every attribute the chunker has)."""
        return cast("AdaptiveChunker", self)

    def __getattr__(self, name: str) -> Any:
        if name == "chunker":  # not set yet: never look it up on itself
            raise AttributeError(name)
        return getattr(self.chunker, name)

    def chunk_document(
        self, doc: SourceDocument, metadata: Mapping[str, Any] | None = None, *, cost: Cost | None = None
    ) -> AdaptiveResult:
        if cost is None and self.meter is not None:
            cost = StageCost(self.meter)
        return self.chunker.chunk_document(doc, metadata, cost=cost)
