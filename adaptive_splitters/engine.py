"""AdaptiveChunker: the loop over the stages (docs/method.md#overview), and nothing else.

For each document: structure → every candidate's split (stage 1) → post-processing (stage 2) → every metric on
every candidate, cheap ones first, embedding ones on one shared embedding run (stage 3) → the selection
(stage 4) → the chosen candidate's chunks. The engine knows no candidate or metric by name.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from adaptive_splitters.candidates import NotApplicable, Split, SplitContext, default_candidate_names
from adaptive_splitters.candidates import resolve_candidate as _resolve_candidate
from adaptive_splitters.candidates.base import run_candidate
from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.result import AdaptiveResult, Cost
from adaptive_splitters.core.spans import Chunk, Span
from adaptive_splitters.embeddings import EmbeddingSource
from adaptive_splitters.metrics import METRIC_NAMES, ScoringContext
from adaptive_splitters.metrics.base import DEFAULT_WEIGHT, Metric, resolve_metrics
from adaptive_splitters.postprocess import postprocess_split
from adaptive_splitters.selection import check_weights, select
from adaptive_splitters.text.annotate import page_numbers, sections
from adaptive_splitters.text.references import resolve_pairs
from adaptive_splitters.text.structure import with_detected_structure
from adaptive_splitters.text.tokens import TokenCounter

__all__ = ["AdaptiveChunker", "AdaptiveResult", "Cost"]


class AdaptiveChunker:
    """Chunk each document with the candidate that scores best on the intrinsic metrics.

    Settings are keywords, each declared once in :class:`~adaptive_splitters.core.config.ChunkerConfig` (name,
    default, check, help); ``AdaptiveChunker(config)`` takes a built config. The main ones: ``chunk_size`` (the
    paper's 1100; alias ``max_tokens``), ``candidates`` (default ``recursive_{size}``, ``recursive_{size*6/11}``,
    ``page``), ``metrics`` (default the five and every registered one), ``weights``, ``selection`` (``fair`` or
    ``paper``), ``long_texts`` (``pool`` or ``truncate``), ``hard_limit`` (no chunk above ``chunk_size``),
    ``pairs``, ``llm`` and ``llm_timeout``, ``embedder``, ``tokenizer``.

    When no candidate applies to a document (``page`` without pages, say), the engine falls back to
    ``recursive_{chunk_size}`` and says so in :attr:`AdaptiveResult.fallback` and in the reason.
    """

    def __init__(self, config: ChunkerConfig | None = None, /, **settings: Any) -> None:
        if config is not None and settings:
            msg = "give AdaptiveChunker a ChunkerConfig or keyword settings, not both"
            raise TypeError(msg)
        self.config = config if config is not None else ChunkerConfig.from_settings("AdaptiveChunker", settings)
        cfg = self.config
        self.limits = SizeLimits(cfg.chunk_size, cfg.min_tokens, cfg.merge_limit, hard=cfg.hard_limit)  # type: ignore[arg-type]
        self.counter = TokenCounter(cfg.tokenizer)
        self.candidates = _resolve_candidates(cfg, self.limits)
        self.metrics: list[Metric] = resolve_metrics(cfg.metrics)  # a snapshot: later registrations change nothing
        self.weights = _weights(cfg.weights, self.metrics)
        self.embeddings = EmbeddingSource(cfg.embedder)

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

    async def achunk(self, text: str, **kwargs: Any) -> AdaptiveResult:
        """:meth:`chunk` in a worker thread, so an event loop is not blocked."""
        return await asyncio.to_thread(self.chunk, text, **kwargs)

    def chunk_document(self, doc: SourceDocument, metadata: Mapping[str, Any] | None = None) -> AdaptiveResult:
        """Chunk an already built :class:`SourceDocument`."""
        cost = Cost()
        doc, pairs_source = self._structure(doc, cost)
        splits, skipped = self._split(doc, self.candidates, cost)
        fallback = None
        if not splits:
            recursive = _resolve_candidate(f"recursive_{self.chunk_size}", self.limits)
            splits, _ = self._split(doc, [recursive], cost)
            why = ", ".join(f"{name}: {reason}" for name, reason in skipped.items())
            fallback = f"no requested candidate applies ({why}); fell back to {recursive.name}"
        spans = {name: split.spans for name, split in splits.items()}
        scores = self.score(doc, spans, cost)
        with cost.stage("selection"):
            selection = select(scores, list(spans), self.weights, rule=self.config.selection)
        notes = {name: split.notes for name, split in splits.items() if split.notes is not None}
        reasons = [*([fallback] if fallback else []), selection.reason, *(n.reason for n in notes.values() if n.reason)]
        chunks = {
            name: _chunks(doc, name, split.spans, {**(metadata or {}), **(split.notes.metadata if split.notes else {})})
            for name, split in splits.items()
        }
        return AdaptiveResult(
            chosen=selection.chosen,
            chunks=chunks[selection.chosen],
            scores=scores,
            objective=selection.objective,
            candidates=chunks,
            reason="; ".join(reasons),
            skipped=skipped,
            pairs_source=pairs_source,
            document=doc,
            cost=cost.report(),
            notes={name: dict(note.report) for name, note in notes.items()},
            fallback=fallback,
        )

    def score(
        self, doc: SourceDocument, spans: Mapping[str, list[Span]], cost: Cost | None = None
    ) -> dict[str, dict[str, float | None]]:
        """Every metric for every candidate: the cheap ones first, then the embedding ones on one embedding run."""
        cost = cost or Cost()
        context = ScoringContext(self.counter, self.limits)
        names = [*METRIC_NAMES, *(m.name for m in self.metrics if m.name not in METRIC_NAMES)]
        out: dict[str, dict[str, float | None]] = {name: dict.fromkeys(names) for name in spans}
        cheap = [m for m in self.metrics if not m.embeds]
        embedding = [m for m in self.metrics if m.embeds] if doc.text else []
        for name, candidate_spans in spans.items():
            for metric in cheap:
                out[name][metric.name] = _scored(metric, doc, candidate_spans, context, cost)
        if embedding:
            context.vectors = self.embeddings.vectors(
                doc, self.config.long_texts, self.counter, self.config.embedding_cache
            )
            before = _stats(context.vectors.cache)
            with cost.stage("embedding"):
                _prefetch(doc, spans, embedding, context)
            for name, candidate_spans in spans.items():
                for metric in embedding:
                    out[name][metric.name] = _scored(metric, doc, candidate_spans, context, cost)
            after = _stats(context.vectors.cache)
            cost.embedding = {key: value - before.get(key, 0) for key, value in after.items()}
        return out

    def _structure(self, doc: SourceDocument, cost: Cost) -> tuple[SourceDocument, str]:
        with cost.stage("structure"):
            doc = with_detected_structure(doc)
        if doc.pairs is not None:
            return doc, "given"
        if not any(m.name == "RC" for m in self.metrics) or self.config.pairs == "none":
            return doc, "none"
        with cost.stage("pairs"):
            found, source = resolve_pairs(self.config.pairs, doc.text)
        return (replace(doc, pairs=tuple(found)) if found is not None else doc), source

    def _split(
        self, doc: SourceDocument, candidates: Sequence[Any], cost: Cost
    ) -> tuple[dict[str, Split], dict[str, str]]:
        context = SplitContext(self.counter, self.limits)
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
                raise _failure(doc, f"candidate {candidate.name!r}", err) from err
            if not self.config.raw:
                with cost.stage("postprocess"):
                    split = postprocess_split(split, doc, context, resplit=candidate.resplit)
            splits[candidate.name] = split
        return splits, skipped

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.config.changed().items())
        return f"AdaptiveChunker({settings})"


def _resolve_candidates(cfg: ChunkerConfig, limits: SizeLimits) -> list[Any]:
    names = list(cfg.candidates) if cfg.candidates is not None else default_candidate_names(cfg.chunk_size)
    if cfg.llm is not None:
        from adaptive_splitters.candidates.llm_regex import with_llm_candidate

        names = with_llm_candidate(names, cfg.llm, llm_timeout=cfg.llm_timeout)
    if not names:
        msg = "candidates must name at least one candidate"
        raise ValueError(msg)
    candidates = [_resolve_candidate(c, limits) for c in names]
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.name in seen:
            msg = f"candidate {candidate.name!r} is listed twice"
            raise ValueError(msg)
        seen.add(candidate.name)
    return candidates


def _weights(given: Mapping[str, float] | None, metrics: Sequence[Metric]) -> dict[str, float] | None:
    """The selection weights: ``given`` (built-in metrics it leaves out weigh 0) plus each other metric's own."""
    others = {m.name: m.weight for m in metrics if m.name not in METRIC_NAMES}
    weights = (
        dict(given) if given is not None else (None if not others else dict.fromkeys(METRIC_NAMES, DEFAULT_WEIGHT))
    )
    if weights is not None:
        for name, weight in others.items():
            weights.setdefault(name, weight)
    check_weights(weights, {"": dict.fromkeys([*METRIC_NAMES, *others])})
    return weights


def _prefetch(
    doc: SourceDocument, spans: Mapping[str, list[Span]], metrics: Sequence[Metric], context: ScoringContext
) -> None:
    """Embed every text the embedding metrics will read, for all candidates, in one sorted batch run.

    The metrics then read cached vectors; one call instead of one per candidate and metric keeps batches full
    and padding low. Values are unchanged (the same texts are embedded either way).
    """
    groups: list[tuple[Span, ...]] = []
    for candidate_spans in spans.values():
        groups.extend((span,) for span in candidate_spans)
        for metric in metrics:
            groups.extend(tuple(group) for group in metric.texts(doc, candidate_spans, context))
    try:
        context.span_vectors().of_joined(list(dict.fromkeys(groups)))
    except Exception as err:
        raise _failure(doc, "stage embedding", err) from err


def _scored(
    metric: Metric, doc: SourceDocument, spans: list[Span], context: ScoringContext, cost: Cost
) -> float | None:
    with cost.stage(metric.name):
        try:
            return metric.score(doc, spans, context)
        except ValueError:
            raise  # an out-of-range value or bad input, already named
        except Exception as err:
            raise _failure(doc, f"stage {metric.name}", err) from err


def _stats(cache: Any) -> dict[str, int]:
    stats = getattr(cache, "stats", None)
    return dict(vars(stats)) if stats is not None else {}


def _failure(doc: SourceDocument, where: str, err: Exception) -> RuntimeError:
    return RuntimeError(f"document {doc.name or '(unnamed)'!r}, {where}: {type(err).__name__}: {err}")


def _chunks(doc: SourceDocument, name: str, spans: list[Span], metadata: Mapping[str, Any]) -> list[Chunk]:
    pages = page_numbers(doc, spans)
    crumbs = sections(doc, spans)
    out = []
    for index, (start, end) in enumerate(spans):
        meta = {**copy.deepcopy(dict(metadata)), "candidate": name, "chunk_index": index}
        if pages is not None:
            meta["pages"] = pages[index]
        if crumbs is not None:
            meta["section"] = crumbs[index]
        out.append(Chunk(doc.text[start:end], start, end, meta))
    return out
