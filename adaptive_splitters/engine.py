"""AdaptiveChunker: candidates → post-processing → metrics → selection → chunks.

For each document every candidate produces spans; SC, BI and RC score them without embeddings, then ICC and
DCC score them with one shared embedding cache; the selection keeps the best candidate and says why.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from adaptive_splitters.candidates import (
    Candidate,
    NotApplicable,
    SplitContext,
    default_candidate_names,
    resolve_candidate,
)
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import PAPER_MAX_TOKENS, SizeLimits
from adaptive_splitters.core.spans import Chunk, Span
from adaptive_splitters.metrics.registry import UserMetric, registered_metrics
from adaptive_splitters.pipeline import postprocessed_spans, raw_spans
from adaptive_splitters.selection import DEFAULT_WEIGHT, check_weights
from adaptive_splitters.text.annotate import page_numbers, sections
from adaptive_splitters.text.references import PairsFunction, resolve_pairs
from adaptive_splitters.text.structure import with_detected_structure
from adaptive_splitters.text.tokens import TokenCounter

METRIC_NAMES = ("SC", "BI", "RC", "ICC", "DCC")
DEFAULT_LLM_TIMEOUT = 60.0
"""Seconds the ``llm_regex`` candidate waits for the model's answer."""
LongTexts = Literal["pool", "truncate"]
SelectionRule = Literal["fair", "paper"]


@dataclass
class AdaptiveResult:
    """The outcome for one document.

    Attributes:
        chosen: the winning candidate's name.
        chunks: the winner's chunks; metadata ``candidate``, ``chunk_index``, ``pages``, ``section``.
        scores: candidate → metric → value in [0, 1], or ``None`` where the metric is undefined.
        objective: candidate → the value the selection maximised.
        candidates: candidate → its chunks.
        reason: why the winner won.
        skipped: candidate → why it did not apply.
        pairs_source: where the entity-pronoun pairs came from: ``given``, ``heuristic``, ``callable`` or ``none``.
        document: the document as scored (with detected structure filled in).
        notes: candidate → what it recorded, for candidates that keep notes (``llm_regex``: ``regex``, the
            pattern used or ``None``; ``fallback``, why it fell back or ``None``; also in its chunks' metadata as
            ``llm_regex_pattern`` and ``llm_regex_fallback``, and in ``reason``).
        fallback: why ``recursive_{chunk_size}`` was run instead of the requested candidates (none applied), or
            ``None``.
    """

    chosen: str
    chunks: list[Chunk]
    scores: dict[str, dict[str, float | None]]
    objective: dict[str, float | None]
    candidates: dict[str, list[Chunk]]
    reason: str
    skipped: dict[str, str]
    pairs_source: str
    document: SourceDocument
    cost: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    fallback: str | None = None

    def spans(self, candidate: str | None = None) -> list[Span]:
        """The spans of ``candidate`` (the winner by default)."""
        return [c.span for c in self.candidates[candidate or self.chosen]]


class AdaptiveChunker:
    """Chunk each document with the candidate that scores best on the intrinsic metrics.

    Args:
        candidates: candidate names or objects (default ``recursive_{max}``, ``recursive_{max*6/11}``, ``page``).
        weights: metric weights keyed ``SC``, ``BI``, ``RC``, ``ICC``, ``DCC`` (default 0.2 each).
        embedder: a model name or path, a sentence-transformers model, or a callable texts → vectors
            (default all-MiniLM-L6-v2, bundled, offline).
        tokenizer: a tiktoken encoding name or a counting callable (default ``o200k_base``).
        long_texts: ``pool`` (block-wise embeddings, pooled; default) or ``truncate`` (the paper's).
        selection: ``fair`` (compare on metrics defined for every candidate; default) or ``paper``.
        chunk_size: the maximum chunk size in tokens (the paper's 1100); ``max_tokens`` is an alias. It sizes the
            default candidates and SC.
        min_tokens: chunks under this are merged (default ``min(100, round(chunk_size / 11))``, the paper's 100).
        merge_limit: merging stops at this many tokens (default ``chunk_size + 50``, the paper's 1150).
        hard_limit: make ``chunk_size`` a hard limit: the merge limit is capped at it and post-processing
            re-splits any span above it, so no scored (and so no emitted) chunk exceeds it. The adapters and the
            ``chunk`` command set it; the default (off) is the paper's post-processing.
        metrics: the metrics to compute: built-in names and names registered with
            :func:`adaptive_splitters.metrics.registry.register_metric` (default all five and every registered metric).
        raw: skip post-processing.
        pairs: where RC's entity-pronoun pairs come from when the document has none: ``"heuristic"`` (default,
            :func:`adaptive_splitters.text.references.heuristic_pairs`, offline), ``"none"`` (RC undefined), or a
            callable ``text -> [[e_start, e_end], [p_start, p_end]], ...`` (inclusive ends; a coreference model).
        llm: a LangChain chat model, a LlamaIndex LLM or a callable prompt -> text: adds the ``llm_regex``
            candidate (or binds the name ``llm_regex`` in ``candidates``) to it.
        llm_timeout: seconds to wait for the model's answer before ``llm_regex`` falls back (default 60).

    When no candidate applies to a document (``page`` without pages, say), the engine falls back to
    ``recursive_{chunk_size}`` and says so in :attr:`AdaptiveResult.fallback` and in the reason.
    """

    def __init__(
        self,
        candidates: Sequence[str | Candidate] | None = None,
        weights: Mapping[str, float] | None = None,
        embedder: Any = None,
        tokenizer: Any = "o200k_base",
        long_texts: LongTexts = "pool",
        selection: SelectionRule = "fair",
        min_tokens: int | None = None,
        chunk_size: int | None = None,
        merge_limit: int | None = None,
        metrics: Sequence[str] | None = None,
        *,
        max_tokens: int | None = None,
        hard_limit: bool = False,
        raw: bool = False,
        pairs: str | PairsFunction = "heuristic",
        llm: Any = None,
        llm_timeout: float = DEFAULT_LLM_TIMEOUT,
        embedding_cache: Any = None,
    ) -> None:
        if long_texts not in ("pool", "truncate"):
            msg = f"long_texts must be 'pool' or 'truncate' (received {long_texts!r})"
            raise ValueError(msg)
        if selection not in ("fair", "paper"):
            msg = f"selection must be 'fair' or 'paper' (received {selection!r})"
            raise ValueError(msg)
        if not callable(pairs) and pairs not in ("heuristic", "none"):
            msg = f"pairs must be 'heuristic', 'none' or a callable text -> pairs (received {pairs!r})"
            raise ValueError(msg)
        size = _chunk_size(chunk_size, max_tokens)
        self.limits = SizeLimits(size, min_tokens, merge_limit, hard=hard_limit)  # type: ignore[arg-type]
        self.chunk_size = size
        self.counter = TokenCounter(tokenizer)
        names = list(candidates) if candidates is not None else default_candidate_names(size)
        if llm is not None:
            from adaptive_splitters.candidates.llm_regex.candidate import with_llm_candidate

            names = with_llm_candidate(names, llm, llm_timeout=llm_timeout)
        if not names:
            msg = "candidates must name at least one candidate"
            raise ValueError(msg)
        self.candidates = [resolve_candidate(c, self.limits) for c in names]
        _check_unique([c.name for c in self.candidates])
        self.metrics = _check_metrics(metrics)
        registered = registered_metrics()  # a snapshot: later registrations do not change this chunker
        self._user = registered if metrics is None else {n: registered[n] for n in self.metrics if n in registered}
        self.pairs = pairs
        if weights is not None and not isinstance(weights, Mapping):
            check_weights(weights, {})  # names the argument: it must be a mapping
        self.weights = dict(weights) if weights is not None else None
        self.embedder = embedder
        self.long_texts = long_texts
        self.selection = selection
        self.raw = raw
        self._shared_cache = embedding_cache
        self._model: Any = None
        self._lock = threading.Lock()
        check_weights(self._selection_weights(), {"": dict.fromkeys([*METRIC_NAMES, *self._user])})

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
        with cost.stage("structure"):
            doc = with_detected_structure(doc)
        pairs_source = "given" if doc.pairs is not None else "none"
        if doc.pairs is None and "RC" in self.metrics and self.pairs != "none":
            with cost.stage("pairs"):
                found, pairs_source = resolve_pairs(self.pairs, doc.text)
            if found is not None:
                doc = replace(doc, pairs=tuple(found))
        spans, skipped = self._candidate_spans(doc, self.candidates, cost)
        fallback = None
        if not spans:
            fallback_candidate = resolve_candidate(f"recursive_{self.limits.max_tokens}", self.limits)
            spans, _ = self._candidate_spans(doc, [fallback_candidate], cost)
            why = ", ".join(f"{name}: {reason}" for name, reason in skipped.items())
            fallback = f"no requested candidate applies ({why}); fell back to {fallback_candidate.name}"
        scores = self.score(doc, spans, cost)
        with cost.stage("selection"):
            chosen, objective, reason = self._select(scores, list(spans))
        notes = _candidate_notes(self.candidates, doc.text, spans)
        reason = "; ".join([*([fallback] if fallback else []), reason, *(note.describe() for note in notes.values())])
        chunks = {
            name: _chunks(doc, name, s, {**(metadata or {}), **(notes[name].metadata if name in notes else {})})
            for name, s in spans.items()
        }
        return AdaptiveResult(
            chosen=chosen,
            chunks=chunks[chosen],
            scores=scores,
            objective=objective,
            candidates=chunks,
            reason=reason,
            skipped=skipped,
            pairs_source=pairs_source,
            document=doc,
            cost=cost.report(),
            notes={name: note.report for name, note in notes.items()},
            fallback=fallback,
        )

    def _candidate_spans(
        self, doc: SourceDocument, candidates: Sequence[Candidate], cost: Cost
    ) -> tuple[dict[str, list[Span]], dict[str, str]]:
        context = SplitContext(self.counter, self.limits)
        spans: dict[str, list[Span]] = {}
        skipped: dict[str, str] = {}
        for candidate in candidates:
            try:
                with cost.stage("candidates"):
                    spans[candidate.name] = raw_spans(candidate, doc, context)
            except NotApplicable as reason:
                skipped[candidate.name] = str(reason)
                continue
            except (ValueError, TypeError):
                raise  # already names the candidate and the input
            except Exception as err:
                msg = f"document {doc.name or '(unnamed)'!r}, candidate {candidate.name!r}: {type(err).__name__}: {err}"
                raise RuntimeError(msg) from err
            if not self.raw:
                with cost.stage("postprocess"):
                    spans[candidate.name] = postprocessed_spans(candidate, doc, spans[candidate.name], context)
        return spans, skipped

    def score(
        self, doc: SourceDocument, spans: Mapping[str, list[Span]], cost: Cost | None = None
    ) -> dict[str, dict[str, float | None]]:
        """Every requested metric for every candidate; cheap metrics first, embeddings last."""
        from adaptive_splitters import metrics as m

        cost = cost or Cost()
        limits = self.limits
        blocks = doc.split_points or ()
        user = self.user_metrics()
        out: dict[str, dict[str, float | None]] = {name: dict.fromkeys([*METRIC_NAMES, *user]) for name in spans}
        for name, s in spans.items():
            row = out[name]
            if "SC" in self.metrics:
                with cost.stage("SC"):
                    row["SC"] = m.size_compliance(doc.text, s, self.counter, limits.min_tokens, limits.max_tokens)
            if "BI" in self.metrics:
                with cost.stage("BI"):
                    row["BI"] = m.block_integrity(s, blocks, len(doc.text))
            if "RC" in self.metrics and doc.pairs is not None:
                with cost.stage("RC"):
                    row["RC"] = m.references_completeness(s, doc.pairs, text=doc.text)
            for user_metric in user.values():
                with cost.stage(user_metric.name):
                    row[user_metric.name] = _user_metric(user_metric, doc, s)
        if {"ICC", "DCC"} & set(self.metrics) and doc.text:
            vectors = self._vectors(doc)
            before = _stats(vectors.cache)
            with cost.stage("embedding"):
                self._prefetch(doc, spans, vectors)
            for name, s in spans.items():
                for metric in ("ICC", "DCC"):
                    if metric in self.metrics:
                        with cost.stage(metric):
                            out[name][metric] = self._embedding_metric(metric, doc, s, vectors)
            cost.embedding = _stats_delta(before, _stats(vectors.cache))
        return out

    def _prefetch(self, doc: SourceDocument, spans: Mapping[str, list[Span]], vectors: Any) -> None:
        """Embed every text ICC and DCC will need, for all candidates, in one sorted batch run.

        The metrics then read cached vectors; one call instead of one per candidate and metric keeps batches full
        and padding low. Values are unchanged (the same texts are embedded either way).
        """
        from adaptive_splitters.metrics.dcc import context_windows
        from adaptive_splitters.metrics.icc import chunk_pieces

        groups: list[tuple[Span, ...]] = []
        split_points = doc.split_points or ()
        for s in spans.values():
            groups.extend((span,) for span in s)
            if "ICC" in self.metrics:
                groups.extend((piece,) for span in s for piece in chunk_pieces(span, split_points))
            if "DCC" in self.metrics and len(s) >= 2:
                groups.extend(tuple(parts) for _, parts in context_windows(s, doc.text, self.counter))
        try:
            vectors.of_joined(list(dict.fromkeys(groups)))
        except Exception as err:
            msg = f"document {doc.name or '(unnamed)'!r}, stage embedding: {type(err).__name__}: {err}"
            raise RuntimeError(msg) from err

    def _embedding_metric(self, metric: str, doc: SourceDocument, spans: list[Span], vectors: Any) -> float | None:
        from adaptive_splitters import metrics as m

        try:
            if metric == "ICC":
                return m.intrachunk_cohesion(doc, spans, vectors)
            return m.contextual_coherence(doc, spans, vectors, self.counter)
        except Exception as err:
            msg = f"document {doc.name or '(unnamed)'!r}, stage {metric}: {type(err).__name__}: {err}"
            raise RuntimeError(msg) from err

    def _vectors(self, doc: SourceDocument) -> Any:
        """Span vectors of ``doc`` over a cache of this document's texts (or the shared ``embedding_cache``).

        A per-document cache keeps memory bounded during ingestion and is never shared between threads; the
        model itself is loaded once per chunker.
        """
        from adaptive_splitters.embeddings import EmbeddingCache, SpanVectors, resolve_embedder

        cache = self._shared_cache
        if cache is None:
            with self._lock:
                if self._model is None:
                    self._model = resolve_embedder(self.embedder)
            cache = EmbeddingCache(self._model, counter=self.counter)
        return SpanVectors(doc, cache, self.long_texts, self.counter)

    def _select(self, scores: dict[str, dict[str, float | None]], order: list[str]) -> tuple[str, Any, str]:
        from adaptive_splitters.selection import select

        result = select(scores, order, self._selection_weights(), rule=self.selection)
        return result.chosen, result.objective, result.reason

    def user_metrics(self) -> dict[str, UserMetric]:
        """The registered metrics this chunker computes (all registered ones unless ``metrics`` named a subset)."""
        return dict(self._user)

    def _selection_weights(self) -> dict[str, float] | None:
        user = self.user_metrics()
        if not user:
            return self.weights
        weights = dict(self.weights) if self.weights is not None else dict.fromkeys(METRIC_NAMES, DEFAULT_WEIGHT)
        for name, metric in user.items():
            weights.setdefault(name, metric.weight)
        return weights

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_model"] = None  # the model reloads lazily after unpickling
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


class Cost:
    """Wall time per stage and embedding work of one run (``AdaptiveResult.cost``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.embedding: dict[str, int] = {}
        self._start = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Add the time spent in the ``with`` block to stage ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    def report(self) -> dict[str, Any]:
        """``{"seconds": {stage: s, ..., "total": s}, "embedding": {texts_embedded, tokens_embedded, ...}}``."""
        seconds = {k: round(v, 6) for k, v in self.seconds.items()}
        seconds["total"] = round(time.perf_counter() - self._start, 6)
        return {"seconds": seconds, "embedding": dict(self.embedding)}


def _user_metric(metric: UserMetric, doc: SourceDocument, spans: list[Span]) -> float | None:
    try:
        return metric(doc, spans)
    except ValueError:
        raise  # an out-of-range value, already named
    except Exception as err:
        msg = f"document {doc.name or '(unnamed)'!r}, metric {metric.name!r}: {type(err).__name__}: {err}"
        raise RuntimeError(msg) from err


def _stats(cache: Any) -> dict[str, int]:
    stats = getattr(cache, "stats", None)
    return dict(vars(stats)) if stats is not None else {}


def _stats_delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {key: value - before.get(key, 0) for key, value in after.items()}


def _chunks(doc: SourceDocument, name: str, spans: list[Span], metadata: Mapping[str, Any] | None) -> list[Chunk]:
    base = dict(metadata or {})
    pages = page_numbers(doc, spans)
    crumbs = sections(doc, spans)
    out = []
    for index, (start, end) in enumerate(spans):
        meta = {**copy.deepcopy(base), "candidate": name, "chunk_index": index}
        if pages is not None:
            meta["pages"] = pages[index]
        if crumbs is not None:
            meta["section"] = crumbs[index]
        out.append(Chunk(doc.text[start:end], start, end, meta))
    return out


def _candidate_notes(candidates: Sequence[Candidate], text: str, spans: Mapping[str, list[Span]]) -> dict[str, Any]:
    """What candidates that keep notes (``outcome(text)``: the LLM regex used or why it fell back) did on ``text``;
    each note has ``metadata`` (for chunks), ``report`` (for the result) and ``describe()`` (for the reason)."""
    notes: dict[str, Any] = {}
    for candidate in candidates:
        outcome = getattr(candidate, "outcome", None)
        note = outcome(text) if callable(outcome) and candidate.name in spans else None
        if note is not None:
            notes[candidate.name] = note
    return notes


def _chunk_size(chunk_size: int | None, max_tokens: int | None) -> int:
    """``chunk_size``, or its alias ``max_tokens`` (the paper's 1100 when neither is given)."""
    if chunk_size is not None and max_tokens is not None and chunk_size != max_tokens:
        msg = f"give chunk_size or its alias max_tokens, not both (received {chunk_size!r} and {max_tokens!r})"
        raise ValueError(msg)
    size = chunk_size if chunk_size is not None else max_tokens
    if size is None:
        return PAPER_MAX_TOKENS
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        name = "chunk_size" if chunk_size is not None else "max_tokens"
        msg = f"{name} must be a positive integer number of tokens (received {size!r})"
        raise ValueError(msg)
    return size


def _check_unique(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            msg = f"candidate {name!r} is listed twice"
            raise ValueError(msg)
        seen.add(name)


def _check_metrics(metrics: Sequence[str] | None) -> tuple[str, ...]:
    if metrics is None:
        return METRIC_NAMES
    registered = registered_metrics()
    for name in metrics:
        if name not in METRIC_NAMES and name not in registered:
            known = [*METRIC_NAMES, *registered]
            msg = f"unknown metric {name!r}; known: {', '.join(known)} (register others with register_metric)"
            raise ValueError(msg)
    return tuple(metrics)
