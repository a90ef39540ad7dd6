"""AdaptiveChunker: the loop over the stages (docs/method.md#overview), and nothing else.

For each document: structure → every candidate's split (stage 1) → post-processing (stage 2) → every metric on
every candidate, cheap ones first, embedding ones on one shared embedding run (stage 3) → the selection
(stage 4) → the chosen candidate's chunks. The engine knows no candidate or metric by name.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from adaptive_splitters.candidates import NotApplicable, Split, SplitContext, fallback_candidate, resolve_candidates
from adaptive_splitters.candidates.base import Candidate, run_candidate
from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.core.config import settings as config_settings
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits, default_chunk_size
from adaptive_splitters.core.result import AdaptiveResult, Cost
from adaptive_splitters.core.spans import Span
from adaptive_splitters.embeddings import EmbeddingSource, SpanVectors
from adaptive_splitters.embeddings.resolve import input_window
from adaptive_splitters.levels import PARENT_METRICS, Parents, parent_candidate_names, parent_of, snap
from adaptive_splitters.metrics import ScoringContext
from adaptive_splitters.metrics.base import Metric, resolve_metrics
from adaptive_splitters.metrics.scoring import DocumentVectors, Scores, failure, score_candidates
from adaptive_splitters.postprocess import postprocess_split
from adaptive_splitters.selection import select, selection_weights
from adaptive_splitters.text.annotate import annotated_chunks
from adaptive_splitters.text.structure import with_detected_structure
from adaptive_splitters.text.tokens import TokenCounter

__all__ = ["AdaptiveChunker", "AdaptiveResult", "Cost"]


class AdaptiveChunker:
    """Chunk each document with the candidate that scores best on the intrinsic metrics.

    Settings are keywords, each declared once in :class:`~adaptive_splitters.core.config.ChunkerConfig` (name,
    default, check, help); ``AdaptiveChunker(config)`` takes a built config, and
    ``AdaptiveChunker(ChunkerConfig.paper())`` is the paper's configuration. The main ones: ``chunk_size``
    (default half the embedder's input window: 128 for the bundled model; alias ``max_tokens``), ``candidates``
    (default ``recursive_{size}``, ``recursive_{size*6/11}``, ``page``), ``metrics`` (default the paper's five,
    Self-Retrieval and every registered one), ``weights``, ``selection`` (``fair`` or ``paper``), ``long_texts``
    (``sentences``, ``pool`` or ``truncate``), ``hard_limit`` (no chunk above ``chunk_size``), ``pairs``, ``llm``
    and ``llm_timeout``, ``embedder``, ``tokenizer``.

    When no candidate applies to a document (``page`` without pages, say), the engine falls back to
    ``recursive_{chunk_size}`` and says so in :attr:`AdaptiveResult.fallback` and in the reason.
    """

    def __init__(self, config: ChunkerConfig | None = None, /, **settings: Any) -> None:
        if config is not None and settings:
            msg = "give AdaptiveChunker a ChunkerConfig or keyword settings, not both"
            raise TypeError(msg)
        self.config = config if config is not None else ChunkerConfig.from_settings("AdaptiveChunker", settings)
        cfg = self.config
        model = cfg.embedding_cache.embedder if cfg.embedding_cache is not None else cfg.embedder
        size = cfg.chunk_size if cfg.chunk_size is not None else default_chunk_size(input_window(model))
        self.limits = SizeLimits(size, cfg.min_tokens, cfg.merge_limit, hard=cfg.hard_limit)  # type: ignore[arg-type]
        self.counter = TokenCounter(cfg.tokenizer)
        self.candidates = resolve_candidates(cfg.candidates, self.limits, cfg.llm, cfg.llm_timeout)
        self.metrics: list[Metric] = resolve_metrics(cfg.metrics)  # a snapshot: later registrations change nothing
        self.weights, self.other_weights = selection_weights(cfg.weights, self.metrics)
        self.embeddings = EmbeddingSource(cfg.embedder)
        self.parent_limits = self.parent_candidates = self.parent_metrics = None
        if cfg.parent_size is not None:
            if cfg.parent_size <= size:
                msg = f"parent_size ({cfg.parent_size}) must be larger than chunk_size ({size})"
                raise ValueError(msg)
            self.parent_limits = SizeLimits(cfg.parent_size, hard=cfg.hard_limit)
            self.parent_candidates = resolve_candidates(parent_candidate_names(cfg.parent_size), self.parent_limits)
            mine = {metric.name for metric in self.metrics}  # the paper's five that this chunker runs
            self.parent_metrics = resolve_metrics([m for m in PARENT_METRICS if m in mine] or PARENT_METRICS)

    @property
    def chunk_size(self) -> int:
        """The maximum chunk size in tokens."""
        return self.limits.max_tokens

    def chunk(
        self,
        text: str,
        *,
        blocks: Sequence[int] | Sequence[Span] | None = None,
        pages: Sequence[str] | Sequence[int] | None = None,
        pairs: Sequence[Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        name: str = "",
    ) -> AdaptiveResult:
        """Chunk ``text`` with the best candidate; see :class:`AdaptiveResult`."""
        doc = SourceDocument.build(text, pages=pages, blocks=blocks, pairs=pairs, name=name)
        return self.chunk_document(doc, metadata=metadata)

    def chunk_many(
        self,
        documents: Iterable[str | SourceDocument],
        workers: int | None = None,
        show_progress: bool = False,
    ) -> list[AdaptiveResult]:
        """Chunk a corpus: results in input order, identical documents worked out once, every core used, progress
        by characters; a failing document is named after the others are done (:mod:`adaptive_splitters.corpus`)."""
        from adaptive_splitters.corpus import chunk_many

        return chunk_many(self, documents, workers=workers, show_progress=show_progress)

    async def achunk(self, text: str, **kwargs: Any) -> AdaptiveResult:
        """:meth:`chunk` in a worker thread, so an event loop is not blocked."""
        return await asyncio.to_thread(self.chunk, text, **kwargs)

    def chunk_document(
        self, doc: SourceDocument, metadata: Mapping[str, Any] | None = None, *, cost: Cost | None = None
    ) -> AdaptiveResult:
        """Chunk an already built :class:`SourceDocument` (``cost``: where stage times go, default a new
        :class:`Cost`; a corpus run passes one that also reports progress)."""
        cost = cost if cost is not None else Cost()
        with cost.stage("structure"):
            doc = with_detected_structure(doc)
        vectors = self._vectors(doc, cost)
        splits, skipped = self._split(doc, self.candidates, cost, vectors)
        fallback = None
        if not splits:
            recursive = fallback_candidate(self.limits)
            splits, _ = self._split(doc, [recursive], cost, vectors)
            why = ", ".join(f"{name}: {reason}" for name, reason in skipped.items())
            fallback = f"no requested candidate applies ({why}); fell back to {recursive.name}"
        spans = {name: split.spans for name, split in splits.items()}
        scores, context = self._score(doc, spans, cost, vectors)
        with cost.stage("selection"):
            selection = select(
                scores, list(splits), self.weights, rule=self.config.selection, others=self.other_weights
            )
        if context.resolved is not None:
            doc = replace(doc, pairs=context.resolved)
        parents = self._parents(doc, splits[selection.chosen].spans, cost, vectors)
        if parents is not None:
            cost.embedding = vectors.embedded()  # the parents' ICC and DCC included
        notes = {name: split.notes for name, split in splits.items() if split.notes is not None}
        reasons = [*([fallback] if fallback else []), selection.reason, *(n.reason for n in notes.values() if n.reason)]
        chunks = {
            name: annotated_chunks(
                doc, name, split.spans, {**(metadata or {}), **(split.notes.metadata if split.notes else {})}
            )
            for name, split in splits.items()
        }
        if parents is not None:  # each chosen chunk names its parent
            chunks[selection.chosen] = [
                replace(chunk, metadata={**chunk.metadata, "parent": parent})
                for chunk, parent in zip(chunks[selection.chosen], parents.of_chunk, strict=True)
            ]
        return AdaptiveResult(
            chosen=selection.chosen,
            chunks=chunks[selection.chosen],
            scores=scores,
            objective=selection.objective,
            candidates=chunks,
            reason="; ".join(reasons),
            skipped=skipped,
            pairs_source=context.pairs_source or ("given" if doc.pairs is not None else "none"),
            document=doc,
            cost=cost.report(),
            notes={name: dict(note.report) for name, note in notes.items()},
            fallback=fallback,
            parents=parents,
        )

    def score(self, doc: SourceDocument, spans: Mapping[str, list[Span]], cost: Cost | None = None) -> Scores:
        """Every metric for every candidate: the cheap ones first, then the embedding ones on one embedding run."""
        return self._score(doc, spans, cost or Cost(), self._vectors(doc))[0]

    def _score(
        self, doc: SourceDocument, spans: Mapping[str, list[Span]], cost: Cost, vectors: DocumentVectors
    ) -> tuple[Scores, ScoringContext]:
        context = ScoringContext(self.counter, self.limits, pair_source=self.config.pairs)
        scores = score_candidates(doc, spans, self.metrics, context, vectors, cost)
        cost.embedding = vectors.embedded()
        return scores, context

    def _vectors(self, doc: SourceDocument, cost: Cost | None = None) -> DocumentVectors:
        """The document's span vectors, built on first use and then shared by candidates and metrics (their
        embedding work told to ``cost``)."""
        cfg = self.config
        clauses = self.limits.max_tokens // 2  # the recursive candidates cut sentences longer than their size
        return DocumentVectors(
            lambda: self.embeddings.vectors(doc, cfg.long_texts, self.counter, cfg.embedding_cache, clauses, cost)
        )

    def split_context(
        self, vectors: Callable[[], SpanVectors] | None = None, limits: SizeLimits | None = None
    ) -> SplitContext:
        """What this chunker's candidates and post-processing share for one document: its counter, limits (the
        chunks' unless ``limits`` are given), separators and heading rule, and the document's span ``vectors`` (for
        candidates that embed)."""
        cfg = self.config
        limits = limits or self.limits
        return SplitContext(
            self.counter, limits, vectors, keep_separator=cfg.keep_separator, carry_headings=cfg.carry_headings
        )

    def _parents(self, doc: SourceDocument, chunks: list[Span], cost: Cost, vectors: DocumentVectors) -> Parents | None:
        """Stage 4b, with ``parent_size``: every parent candidate's split snapped to whole chunks, scored by the
        paper's five metrics at the parents' size, and the best chosen (:mod:`adaptive_splitters.levels`)."""
        if self.parent_limits is None or self.parent_candidates is None or self.parent_metrics is None:
            return None
        splits, skipped = self._split(doc, self.parent_candidates, cost, vectors, self.parent_limits)
        snapped = {name: snap(split.spans, chunks) for name, split in splits.items()}
        context = ScoringContext(self.counter, self.parent_limits, pair_source=self.config.pairs)
        scores = score_candidates(doc, snapped, self.parent_metrics, context, vectors, cost)
        with cost.stage("selection"):
            weights = {metric.name: 1.0 for metric in self.parent_metrics}
            selection = select(scores, list(snapped), weights, rule="fair")
        spans = snapped[selection.chosen]
        return Parents(
            selection.chosen,
            spans,
            parent_of(chunks, spans),
            snapped,
            scores,
            selection.objective,
            selection.reason,
            skipped,
        )

    def _split(
        self,
        doc: SourceDocument,
        candidates: Sequence[Candidate],
        cost: Cost,
        vectors: Callable[[], SpanVectors],
        limits: SizeLimits | None = None,
    ) -> tuple[dict[str, Split], dict[str, str]]:
        context = self.split_context(vectors, limits)
        splits: dict[str, Split] = {}
        skipped: dict[str, str] = {}
        for candidate in candidates:
            try:
                with cost.stage("candidates"):
                    split = run_candidate(candidate, doc, context)
            except NotApplicable as reason:
                skipped[candidate.name] = str(reason)
                continue
            except (ValueError, TypeError):
                raise  # already names the candidate and the input
            except Exception as err:
                raise failure(doc, f"candidate {candidate.name!r}", err) from err
            if not self.config.raw:
                with cost.stage("postprocess"):
                    split = postprocess_split(split, doc, context, resplit=candidate.resplit)
            splits[candidate.name] = split
        return splits, skipped

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.config.changed().items())
        return f"AdaptiveChunker({settings})"


def _signature() -> inspect.Signature:
    """``AdaptiveChunker``'s signature for ``help()`` and IDEs: the config, then every setting with its default."""
    fields = config_settings()
    settings_ = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default) for f in fields]
    config = inspect.Parameter("config", inspect.Parameter.POSITIONAL_ONLY, default=None)
    return inspect.Signature([config, *settings_])


setattr(AdaptiveChunker, "__signature__", _signature())  # noqa: B010 - the class has no such attribute to assign
