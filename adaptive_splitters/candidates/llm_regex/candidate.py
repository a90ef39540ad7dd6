"""The LLM-regex candidate (docs/method.md#llm_regex): a language model reads the start of the document and
answers one delimiter regex; the document is cut before every match.

Everything the model says is untrusted. The model must answer within ``llm_timeout`` seconds (:func:`.model.ask`);
the answer must hold ``<regex>…</regex>``; the pattern must pass the bounds (:mod:`.bounds`, read before compiling),
compile (after the paper's hyphen-escaping repair if need be), run within ``timeout`` seconds of wall time over the
whole document, and match somewhere but not nearly everywhere (:mod:`.pattern`). Otherwise, or when the model raises
or answers nothing, the candidate falls back to the recursive splitter at the size limit (recursive-1100 by
default) and records why in its notes. Cuts only ever happen at offsets, so whatever the model or the document
says, the spans tile the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from adaptive_splitters.candidates.base import Notes, Split, SplitContext
from adaptive_splitters.candidates.llm_regex.cache import DEFAULT_SIZE, AnswerCache
from adaptive_splitters.candidates.llm_regex.model import ModelTimeoutError, ask, check_model
from adaptive_splitters.candidates.llm_regex.pattern import compile_pattern, extract_pattern, find_cuts
from adaptive_splitters.candidates.llm_regex.prompt import DEFAULT_CONTEXT_TOKENS, build_prompt, llm_context
from adaptive_splitters.core import checks
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.separators import spans_at_cuts

NAME = "llm_regex"
DEFAULT_TIMEOUT = 5.0
"""Seconds (wall time) the pattern may run over the whole document."""
DEFAULT_LLM_TIMEOUT = 60.0
"""Seconds the model may take to answer."""
ANSWER_CACHE_SIZE = DEFAULT_SIZE
"""How many prompts' answers one candidate keeps."""
_ANSWER_EXCERPT = 500


@dataclass(frozen=True)
class LLMRegexOutcome:
    """What the candidate did on one document.

    Attributes:
        spans: the raw spans (they tile the text).
        regex: the pattern that cut the document, or ``None`` when the fallback was taken.
        fallback: why the fallback (recursive at the size limit) was taken, or ``None``.
        proposed: the pattern the model proposed (before repair), or ``None`` when there was none.
        repaired: whether the hyphen-escaping repair made the pattern compile.
        answer: the start of the model's answer (``None`` when the model raised).
        fallback_name: the candidate name of the fallback (``recursive_{max_tokens}``).
    """

    spans: list[Span] = field(repr=False)
    regex: str | None
    fallback: str | None
    proposed: str | None = None
    repaired: bool = False
    answer: str | None = None
    fallback_name: str = "recursive_1100"

    @property
    def metadata(self) -> dict[str, Any]:
        """Chunk metadata: ``llm_regex_pattern`` and ``llm_regex_fallback``."""
        return {"llm_regex_pattern": self.regex, "llm_regex_fallback": self.fallback}

    @property
    def report(self) -> dict[str, Any]:
        """Report fields: ``regex`` (the pattern used or ``None``) and ``fallback`` (why, or ``None``)."""
        return {"regex": self.regex, "fallback": self.fallback}

    @property
    def notes(self) -> Notes:
        """The candidate's notes for the engine: :attr:`metadata`, :attr:`report` and :meth:`describe`."""
        return Notes(metadata=self.metadata, report=self.report, reason=self.describe())

    def describe(self) -> str:
        """One sentence for a result's reason."""
        if self.fallback is None:
            repaired = " (hyphens escaped)" if self.repaired else ""
            return f"{NAME} cut before every match of the model's regex `{self.regex}`{repaired}"
        return f"{NAME} fell back to {self.fallback_name}: {self.fallback}"


class _Reading(NamedTuple):
    """What the candidate keeps of one answer: its start, the pattern it proposes, or why it proposes none."""

    excerpt: str
    proposed: str | None
    problem: str | None


class LLMRegexCandidate:
    """The paper's LLM-regex candidate, named ``llm_regex``; post-processing re-splits its oversize spans.

    Args:
        llm: a LangChain chat model, a LlamaIndex LLM, or a callable (sync or async) prompt -> text.
        context_tokens: the model reads whole lines from the document's start while their token counts sum to at
            most this (the paper's 8000); a first line longer than that is cut to fit.
        timeout: seconds (wall time) the pattern may run over the whole document before the fallback is taken.
        llm_timeout: seconds to wait for the model's answer before the fallback is taken (positive, finite).
        cache: reuse this candidate's answers per prompt (the prompt holds the document's start), at most
            :data:`ANSWER_CACHE_SIZE` of them. Failures (the model raised or did not answer in time) are not
            cached; setting :attr:`llm` empties the cache, and a pickled or copied candidate starts with an empty one.
    """

    resplit = True

    def __init__(
        self,
        llm: Any,
        context_tokens: int = DEFAULT_CONTEXT_TOKENS,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        cache: bool = True,
        llm_timeout: float = DEFAULT_LLM_TIMEOUT,
    ) -> None:
        self.llm = llm
        if not isinstance(context_tokens, int) or isinstance(context_tokens, bool) or context_tokens <= 0:
            msg = f"context_tokens must be a positive integer (received {context_tokens!r})"
            raise ValueError(msg)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not timeout > 0:
            msg = f"timeout must be a positive number of seconds (received {timeout!r})"
            raise ValueError(msg)
        self.context_tokens = context_tokens
        self.timeout = float(timeout)
        self.llm_timeout = checks.positive_number("llm_timeout", llm_timeout)
        self.cache = cache

    @property
    def name(self) -> str:
        """``llm_regex``."""
        return NAME

    @property
    def llm(self) -> Any:
        """The model; setting another one empties the answer cache."""
        return self._llm

    @llm.setter
    def llm(self, llm: Any) -> None:
        check_model(llm)
        self._llm = llm
        self._answers: AnswerCache[_Reading] = AnswerCache(ANSWER_CACHE_SIZE)

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """Cut ``doc.text`` before every match of the model's regex, or fall back (see :meth:`run`); the notes
        say which pattern cut it or why it fell back."""
        found = self.run(doc.text, context)
        return Split(list(found.spans), found.notes)

    def run(self, text: str, context: SplitContext | None = None) -> LLMRegexOutcome:
        """Ask the model (or the cache) for a pattern and cut ``text`` with it; fall back on anything wrong."""
        context = context or SplitContext()
        if not text:
            fallback_name = f"recursive_{context.limits.max_tokens}"
            return LLMRegexOutcome([], None, "the document is empty", fallback_name=fallback_name)
        prompt = build_prompt(llm_context(text, context.counter, self.context_tokens))
        try:
            reading = self._read(prompt)
        except ModelTimeoutError as err:
            return self._fallback(text, context, str(err), None, None)
        except Exception as err:
            return self._fallback(text, context, f"the model raised {type(err).__name__}: {err}", None, None)
        proposed, excerpt = reading.proposed, reading.excerpt
        if proposed is None:
            return self._fallback(text, context, reading.problem or "no pattern", None, excerpt)
        compiled, repaired, problem = compile_pattern(proposed)
        if compiled is None:
            return self._fallback(text, context, problem or "invalid pattern", proposed, excerpt)
        cuts, problem = find_cuts(text, compiled, self.timeout)
        if cuts is None:
            return self._fallback(text, context, problem or "unusable pattern", proposed, excerpt)
        spans = spans_at_cuts(len(text), cuts)
        return LLMRegexOutcome(
            spans, compiled.pattern, None, proposed, repaired, excerpt, f"recursive_{context.limits.max_tokens}"
        )

    def _read(self, prompt: str) -> _Reading:
        """The model's answer to ``prompt``, read (from this candidate's cache when it has it). Raises what
        :func:`.model.ask` raises, and then caches nothing."""
        answers = self._answers if self.cache else None
        hit = answers.get(prompt) if answers is not None else None
        if hit is not None:
            return hit
        answer = ask(self.llm, prompt, self.llm_timeout)
        reading = _Reading(answer[:_ANSWER_EXCERPT], *extract_pattern(answer))
        if answers is not None:
            answers.put(prompt, reading)
        return reading

    def _fallback(
        self, text: str, context: SplitContext, why: str, proposed: str | None, answer: str | None
    ) -> LLMRegexOutcome:
        size = context.limits.max_tokens
        spans = context.splitter(size).split_spans(text)
        return LLMRegexOutcome(spans, None, why, proposed, False, answer, f"recursive_{size}")

    def __repr__(self) -> str:
        return (
            f"LLMRegexCandidate({self.llm!r}, context_tokens={self.context_tokens}, timeout={self.timeout}, "
            f"llm_timeout={self.llm_timeout})"
        )


def with_llm_candidate(candidates: Sequence[Any], llm: Any, llm_timeout: float = DEFAULT_LLM_TIMEOUT) -> list[Any]:
    """``candidates`` with the name ``llm_regex`` bound to ``LLMRegexCandidate(llm, llm_timeout=llm_timeout)``,
    appended if absent."""
    checks.positive_number("llm_timeout", llm_timeout)
    out = [LLMRegexCandidate(llm, llm_timeout=llm_timeout) if spec == NAME else spec for spec in candidates]
    if not any(spec == NAME or getattr(spec, "name", None) == NAME for spec in candidates):
        out.append(LLMRegexCandidate(llm, llm_timeout=llm_timeout))
    return out
