"""The LLM-regex candidate (PAPER_SPEC §3.3): a language model reads the start of the document and answers one
delimiter regex; the document is cut before every match.

Everything the model says is untrusted. The answer must hold ``<regex>…</regex>``; the pattern must compile (after
the paper's hyphen-escaping repair if need be), run within ``timeout`` seconds over the whole document (the
``regex`` module's time bound: a linear-time engine cannot run the lookarounds such answers use), and match
somewhere but not nearly everywhere. Otherwise, or when the model raises or answers nothing, the candidate falls
back to the recursive splitter at the size limit (recursive-1100 by default) and records why. Cuts only ever
happen at offsets, so whatever the model or the document says, the spans tile the text.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from adaptive_splitters.candidates.base import SplitContext
from adaptive_splitters.candidates.llm_prompt import build_prompt
from adaptive_splitters.candidates.recursive import RecursiveSplitter, spans_at_cuts
from adaptive_splitters.document import SourceDocument
from adaptive_splitters.llm import ask, check_model, model_key
from adaptive_splitters.text.tokens import TokenCounter
from adaptive_splitters.types import Span

NAME = "llm_regex"
DEFAULT_CONTEXT_TOKENS = 8000
DEFAULT_TIMEOUT = 5.0
"""Seconds the pattern may run over the whole document (the ``regex`` module checks it coarsely)."""
MAX_PATTERN_CHARS = 2000
MIN_CHARS_PER_MATCH = 25
"""More than one match per this many characters (and over :data:`MIN_MATCH_ALLOWANCE`) counts as "everywhere"."""
MIN_MATCH_ALLOWANCE = 16
_MAX_CHARS_PER_TOKEN = 256
_ANSWER_EXCERPT = 500
_CACHE_SIZE = 256
_TAG = re.compile(r"<regex>(.*?)</regex>", re.IGNORECASE | re.DOTALL)


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

    def describe(self) -> str:
        """One sentence for a result's reason."""
        if self.fallback is None:
            repaired = " (hyphens escaped)" if self.repaired else ""
            return f"{NAME} cut before every match of the model's regex `{self.regex}`{repaired}"
        return f"{NAME} fell back to {self.fallback_name}: {self.fallback}"


class LLMRegexCandidate:
    """The paper's LLM-regex candidate, named ``llm_regex``; post-processing re-splits its oversize spans.

    Args:
        llm: a LangChain chat model, a LlamaIndex LLM, or a callable (sync or async) prompt -> text.
        context_tokens: the model reads whole lines from the document's start while their token counts sum to at
            most this (the paper's 8000); a first line longer than that is cut to fit.
        timeout: seconds the pattern may run over the whole document before the fallback is taken.
        cache: reuse answers per (model, prompt); the prompt holds the document's start.
    """

    resplit = True

    def __init__(
        self,
        llm: Any,
        context_tokens: int = DEFAULT_CONTEXT_TOKENS,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        cache: bool = True,
    ) -> None:
        check_model(llm)
        if not isinstance(context_tokens, int) or isinstance(context_tokens, bool) or context_tokens <= 0:
            msg = f"context_tokens must be a positive integer (received {context_tokens!r})"
            raise ValueError(msg)
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not timeout > 0:
            msg = f"timeout must be a positive number of seconds (received {timeout!r})"
            raise ValueError(msg)
        self.llm = llm
        self.context_tokens = context_tokens
        self.timeout = float(timeout)
        self.cache = cache
        self._local = threading.local()

    @property
    def name(self) -> str:
        """``llm_regex``."""
        return NAME

    def spans(self, doc: SourceDocument, context: SplitContext) -> list[Span]:
        """Cut ``doc.text`` before every match of the model's regex, or fall back (see :meth:`split`)."""
        found = self.split(doc.text, context)
        self._local.last = (doc.text, found)
        return list(found.spans)

    def outcome(self, text: str) -> LLMRegexOutcome | None:
        """The outcome of this thread's last :meth:`spans` call, if it was on ``text`` (the same object)."""
        last = getattr(self._local, "last", None)
        return last[1] if last is not None and last[0] is text else None

    @property
    def regex(self) -> str | None:
        """The pattern used by this thread's last :meth:`spans` call (``None``: fallback, or no call yet)."""
        last = getattr(self._local, "last", None)
        return last[1].regex if last is not None else None

    @property
    def fallback(self) -> str | None:
        """Why this thread's last :meth:`spans` call fell back, or ``None``."""
        last = getattr(self._local, "last", None)
        return last[1].fallback if last is not None else None

    def split(self, text: str, context: SplitContext | None = None) -> LLMRegexOutcome:
        """Ask the model (or the cache) for a pattern and cut ``text`` with it; fall back on anything wrong."""
        context = context or SplitContext()
        fallback_name = f"recursive_{context.limits.max_tokens}"
        if not text:
            return LLMRegexOutcome([], None, "the document is empty", fallback_name=fallback_name)
        prompt = build_prompt(llm_context(text, context.counter, self.context_tokens))
        try:
            answer = self._answer(prompt)
        except Exception as err:
            return self._fallback(text, context, f"the model raised {type(err).__name__}: {err}", None, None)
        excerpt = answer[:_ANSWER_EXCERPT]
        proposed, problem = extract_pattern(answer)
        if proposed is None:
            return self._fallback(text, context, problem or "no pattern", None, excerpt)
        compiled, repaired, problem = compile_pattern(proposed)
        if compiled is None:
            return self._fallback(text, context, problem or "invalid pattern", proposed, excerpt)
        cuts, problem = find_cuts(text, compiled, self.timeout)
        if cuts is None:
            return self._fallback(text, context, problem or "unusable pattern", proposed, excerpt)
        return LLMRegexOutcome(
            spans_at_cuts(len(text), cuts),
            compiled.pattern,
            None,
            proposed,
            repaired,
            excerpt,
            fallback_name,
        )

    def _answer(self, prompt: str) -> str:
        if not self.cache:
            return ask(self.llm, prompt)
        key = (model_key(self.llm), hashlib.sha256(prompt.encode("utf-8", "surrogatepass")).hexdigest())
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
                return hit[1]
        answer = ask(self.llm, prompt)
        with _CACHE_LOCK:
            _CACHE[key] = (self.llm, answer)  # the model is kept so its id is not reused while cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return answer

    def _fallback(
        self, text: str, context: SplitContext, why: str, proposed: str | None, answer: str | None
    ) -> LLMRegexOutcome:
        size = context.limits.max_tokens
        spans = RecursiveSplitter(chunk_size=size, counter=context.counter).split_spans(text)
        return LLMRegexOutcome(spans, None, why, proposed, False, answer, f"recursive_{size}")

    def __repr__(self) -> str:
        return f"LLMRegexCandidate({self.llm!r}, context_tokens={self.context_tokens}, timeout={self.timeout})"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_local", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()


_CACHE: OrderedDict[tuple[str, str], tuple[Any, str]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def clear_answer_cache() -> None:
    """Forget every cached model answer."""
    with _CACHE_LOCK:
        _CACHE.clear()


def llm_context(text: str, counter: TokenCounter, context_tokens: int = DEFAULT_CONTEXT_TOKENS) -> str:
    """The document's start the model reads: whole lines while their token counts sum to at most
    ``context_tokens`` (stopping at the first line that does not fit); a first line too long is cut to fit."""
    position = total = 0
    while position < len(text):
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline + 1
        room = context_tokens - total
        if end - position > _MAX_CHARS_PER_TOKEN * room or counter.surely_exceeds(end - position, room):
            break
        tokens = counter(text[position:end])
        if tokens > room:
            break
        total += tokens
        position = end
    if position == 0:
        return _head(text, counter, context_tokens)
    return text[:position]


def _head(text: str, counter: TokenCounter, context_tokens: int) -> str:
    """The longest-ish prefix of ``text`` with at most ``context_tokens`` tokens (shrunk proportionally)."""
    head = text[: context_tokens * 8]
    tokens = counter(head)
    while tokens > context_tokens and head:
        head = head[: max(0, min(len(head) - 1, int(len(head) * context_tokens / tokens * 0.95)))]
        tokens = counter(head)
    return head


def extract_pattern(answer: str) -> tuple[str | None, str | None]:
    """The pattern inside the answer's first ``<regex>…</regex>`` (stripped), or ``None`` and why."""
    if not answer or not answer.strip():
        return None, "the model answered an empty string"
    match = _TAG.search(answer)
    if match is None:
        return None, "the model's answer has no <regex>…</regex> tags"
    pattern = match.group(1).strip()
    if not pattern:
        return None, "the model's <regex> tags are empty"
    if len(pattern) > MAX_PATTERN_CHARS:
        return None, f"the model's pattern has {len(pattern)} characters (at most {MAX_PATTERN_CHARS})"
    return pattern, None


def compile_pattern(pattern: str) -> tuple[regex.Pattern[str] | None, bool, str | None]:
    """``(compiled, repaired, problem)``: the pattern compiled with the ``regex`` module, else after escaping the
    hyphens of its character classes (the paper's repair), else ``None`` and the compiler's complaint."""
    try:
        return regex.compile(pattern), False, None
    except Exception as err:
        first = err
    repaired = escape_class_hyphens(pattern)
    if repaired != pattern:
        try:
            return regex.compile(repaired), True, None
        except Exception:
            pass
    return None, False, f"the model's pattern {pattern!r} does not compile ({type(first).__name__}: {first})"


def escape_class_hyphens(pattern: str) -> str:
    """Escape every unescaped ``-`` inside a ``[...]`` class unless it directly precedes the closing ``]``
    (ranges such as ``a-z`` are escaped too, as the paper's repair does)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if not in_class and char == "[":
            in_class = True
        elif in_class and char == "]":
            in_class = False
        elif in_class and char == "-" and pattern[i + 1 : i + 2] != "]":
            out.append("\\-")
            i += 1
            continue
        out.append(char)
        i += 1
    return "".join(out)


def find_cuts(text: str, pattern: regex.Pattern[str], timeout: float) -> tuple[list[int] | None, str | None]:
    """The match starts inside ``text`` (the cut offsets), or ``None`` and why the pattern is unusable: it ran
    past ``timeout`` seconds, failed, matched nowhere, or matched nearly everywhere."""
    limit = max(MIN_MATCH_ALLOWANCE, len(text) // MIN_CHARS_PER_MATCH)
    cuts: list[int] = []
    try:
        for match in pattern.finditer(text, timeout=timeout):
            start = match.start()
            if 0 < start < len(text):
                cuts.append(start)
                if len(cuts) > limit:
                    return None, (
                        f"the pattern {pattern.pattern!r} matches more than {limit} times in {len(text)} characters "
                        "(nearly everywhere)"
                    )
    except TimeoutError:
        return None, f"the pattern {pattern.pattern!r} ran past the {timeout:g} s time limit"
    except Exception as err:
        return None, f"the pattern {pattern.pattern!r} failed ({type(err).__name__}: {err})"
    if not cuts:
        return None, f"the pattern {pattern.pattern!r} matches nowhere inside the document"
    return cuts, None


def with_llm_candidate(candidates: Sequence[Any], llm: Any) -> list[Any]:
    """``candidates`` with the name ``llm_regex`` bound to ``LLMRegexCandidate(llm)``, appended if absent."""
    out = [LLMRegexCandidate(llm) if spec == NAME else spec for spec in candidates]
    if not any(spec == NAME or getattr(spec, "name", None) == NAME for spec in candidates):
        out.append(LLMRegexCandidate(llm))
    return out
