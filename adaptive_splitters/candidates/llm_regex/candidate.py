"""The LLM-regex candidate (PAPER_SPEC §3.3): a language model reads the start of the document and answers one
delimiter regex; the document is cut before every match.

Everything the model says is untrusted. The model must answer within ``llm_timeout`` seconds (see
:func:`.model.ask`); the answer must hold ``<regex>…</regex>``; the pattern must pass
:func:`check_pattern` (bounded repeat counts, expansion and nesting, checked before compiling: the ``regex`` module
expands counted repeats at compile time, so ``a{1000000000}`` would take gigabytes), compile (after the paper's
hyphen-escaping repair if need be), run within ``timeout`` seconds of wall time over the whole document (see
:func:`find_cuts`; a linear-time engine cannot run the lookarounds such answers use), and match somewhere but not
nearly everywhere. Otherwise, or when the model raises or answers nothing, the candidate falls back to the recursive
splitter at the size limit (recursive-1100 by default) and records why. Cuts only ever happen at offsets, so
whatever the model or the document says, the spans tile the text.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from adaptive_splitters.candidates.base import SplitContext
from adaptive_splitters.candidates.llm_regex.model import ModelTimeoutError, ask, check_model, check_seconds, model_key
from adaptive_splitters.candidates.llm_regex.prompt import build_prompt
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.recursive import RecursiveSplitter, spans_at_cuts
from adaptive_splitters.text.tokens import TokenCounter

NAME = "llm_regex"
DEFAULT_CONTEXT_TOKENS = 8000
DEFAULT_TIMEOUT = 5.0
"""Seconds (wall time) the pattern may run over the whole document."""
DEFAULT_LLM_TIMEOUT = 60.0
"""Seconds the model may take to answer."""
MAX_PATTERN_CHARS = 2000
MAX_REPEAT = 1000
"""The largest count a repeat (``{n}``, ``{n,}``, ``{n,m}``) may give."""
MAX_EXPANSION = 20_000
"""The largest size of the pattern with its counted repeats written out (nested counts multiply)."""
MAX_NESTING = 32
"""The deepest the pattern may nest groups."""
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
        timeout: seconds (wall time) the pattern may run over the whole document before the fallback is taken.
        llm_timeout: seconds to wait for the model's answer before the fallback is taken (positive, finite).
        cache: reuse answers per (model, prompt); the prompt holds the document's start. Failures (the model
            raised or did not answer in time) are not cached.
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
        self.llm_timeout = check_seconds("llm_timeout", llm_timeout)
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
        except ModelTimeoutError as err:
            return self._fallback(text, context, str(err), None, None)
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
            return ask(self.llm, prompt, self.llm_timeout)
        key = (model_key(self.llm), hashlib.sha256(prompt.encode("utf-8", "surrogatepass")).hexdigest())
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
                return hit[1]
        answer = ask(self.llm, prompt, self.llm_timeout)  # raises (nothing cached) on failure or timeout
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
        return (
            f"LLMRegexCandidate({self.llm!r}, context_tokens={self.context_tokens}, timeout={self.timeout}, "
            f"llm_timeout={self.llm_timeout})"
        )

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


_QUANTIFIER = re.compile(r"\{([0-9]*),([0-9]*)\}|\{([0-9]+)\}")  # the regex module reads ASCII digits only
_BRACED_NAME = re.compile(r"\{\^?[A-Za-z][A-Za-z0-9 _&.\-:=]*\}")
r"""The body of ``\p{…}``, ``\P{…}`` and ``\N{…}``: only characters with no meaning of their own outside a class
(and not a repeat count), so reading it as one escape is safe even where the ``regex`` module would not."""
_ANGLED_NAME = re.compile(r"<\w+>")
_POSIX_CLASS = re.compile(r"\[:\^?[A-Za-z]+:\]")
_FLAGS = re.compile(r"((?:[abefiLmprsuwx]|V[01])*)(?:-((?:[abefiLmprsuwx]|V[01])+))?([:)])")
_GROUP_NAME = re.compile(r"\w+>")
_REFERENCE = re.compile(r"\w+\)")
_VERB = re.compile(r"\*[A-Z]+(?::\w*)?\)")
_FUZZY_HINT = frozenset("eids<")


class _RefusedError(Exception):
    """Why :func:`check_pattern` refuses a pattern."""


class _Group:
    """One open group while :func:`check_pattern` reads a pattern: the expansion of its finished alternatives and
    of the items of the current one (a repeat multiplies the last item)."""

    __slots__ = ("alternatives", "items")

    def __init__(self) -> None:
        self.alternatives = 0
        self.items: list[int] = []

    def total(self) -> int:
        return self.alternatives + sum(self.items)


def check_pattern(pattern: str) -> str | None:
    """Why the model's ``pattern`` is refused before compiling, or ``None`` when it is bounded.

    The ``regex`` module writes counted repeats out when it compiles (``a{1000000000}`` grows to gigabytes, and
    the ``timeout`` covers matching only), so the pattern is read first, conservatively: at most
    :data:`MAX_PATTERN_CHARS` characters, every repeat count at most :data:`MAX_REPEAT`, the pattern with its
    counted repeats written out (nested counts multiply; ``{n,m}`` counts ``m``) at most :data:`MAX_EXPANSION`
    items, groups nested at most :data:`MAX_NESTING` deep. What this reader cannot analyse is refused: the verbose
    flag (``x``) and version 1 (``V1``, nested sets) change the syntax; group calls and recursion (``(?R)``,
    ``(?1)``, ``(?&name)``) and fuzzy constraints (``{e<=1}``) escape the bounds. A pattern it accepts may still
    fail to compile; that is the compiler's to say.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"the model's pattern has {len(pattern)} characters (at most {MAX_PATTERN_CHARS})"
    try:
        _read_pattern(pattern)
    except _RefusedError as why:
        return str(why)
    return None


def _read_pattern(pattern: str) -> None:
    stack = [_Group()]
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        group = stack[-1]
        if char == "\\":
            i = _escape_end(pattern, i)
            group.items.append(1)
        elif char == "[":
            i = _class_end(pattern, i)
            group.items.append(1)
        elif char == "(":
            i, opened = _open_group(pattern, i)
            if opened == "group":
                stack.append(_Group())
                if len(stack) - 1 > MAX_NESTING:
                    raise _RefusedError(f"the regex nests groups more than {MAX_NESTING} deep")
            elif opened == "item":
                group.items.append(1)
            # "nothing": a comment or inline flags, which the next repeat does not apply to
        elif char == ")":
            if len(stack) > 1:  # else an unbalanced ")": the compiler rejects it (before writing anything out)
                stack.pop()
                stack[-1].items.append(min(group.total(), MAX_EXPANSION + 1))
            i += 1
        elif char == "|":
            group.alternatives += sum(group.items)
            group.items = []
            i += 1
        elif char in "*+?":
            i += 1
        elif char == "{":
            match = _QUANTIFIER.match(pattern, i)
            if match is None:
                end = pattern.find("}", i)
                if end >= 0 and _FUZZY_HINT.intersection(pattern[i + 1 : end]):
                    raise _RefusedError(
                        f"the regex has {pattern[i : end + 1]!r}, which is not a repeat count: fuzzy matching "
                        "is not supported"
                    )
                group.items.append(1)  # a literal brace
                i += 1
                continue
            digits = [b.lstrip("0") or "0" for b in match.groups() if b]
            largest = max((int(b) for b in digits if len(b) <= 18), default=0)
            if any(len(b) > 18 for b in digits):  # int() of thousands of digits is slow: no need to read them
                raise _RefusedError(f"the regex repeats more than 10**18 times; at most {MAX_REPEAT} allowed")
            if largest > MAX_REPEAT:
                raise _RefusedError(f"the regex repeats up to {largest} times; at most {MAX_REPEAT} allowed")
            if group.items:
                group.items[-1] = min(group.items[-1] * max(largest, 1), MAX_EXPANSION + 1)
            i = match.end()
        else:
            group.items.append(1)
            i += 1
    while len(stack) > 1:  # a group left open: the compiler rejects it; bound what was read anyway
        group = stack.pop()
        stack[-1].items.append(min(group.total(), MAX_EXPANSION + 1))
    expansion = stack[0].total()
    if expansion > MAX_EXPANSION:
        raise _RefusedError(
            f"the regex with its counted repeats written out has {_count(expansion)} items (nested repeats "
            f"multiply); at most {MAX_EXPANSION} allowed"
        )


def _count(expansion: int) -> str:
    return f"more than {MAX_EXPANSION}" if expansion > MAX_EXPANSION else str(expansion)


def _escape_end(pattern: str, i: int) -> int:
    """Where the escape at ``pattern[i]`` (a backslash) ends, outside a class."""
    if i + 1 >= len(pattern):
        return i + 1  # a lone backslash at the end: the compiler rejects it
    kind, j = pattern[i + 1], i + 2
    if kind in "pPN" and pattern.startswith("{", j):
        body = _BRACED_NAME.match(pattern, j)
        return body.end() if body else j
    if kind in "gL" and pattern.startswith("<", j):
        body = _ANGLED_NAME.match(pattern, j)
        return body.end() if body else j
    return j


def _class_end(pattern: str, i: int) -> int:
    """Where the character class opening at ``pattern[i]`` ends (version 0 syntax: ``[`` inside is literal, but
    ``[:name:]`` is a POSIX class; a ``]`` first is literal)."""
    n = len(pattern)
    j = i + 1
    if j < n and pattern[j] == "^":
        j += 1
    if j < n and pattern[j] == "]":
        j += 1
    while j < n:
        char = pattern[j]
        if char == "\\":
            j += 2
        elif char == "]":
            return j + 1
        elif pattern.startswith("[:", j):
            posix = _POSIX_CLASS.match(pattern, j)
            if posix is None:
                raise _RefusedError(f"the regex has a '[:' inside a class at position {j} that is not a POSIX class")
            j = posix.end()
        else:
            j += 1
    raise _RefusedError(f"the regex leaves the class opened at position {i} unclosed")


def _open_group(pattern: str, i: int) -> tuple[int, str]:
    """``(end, what)`` for the ``(`` at ``pattern[i]``: ``what`` is ``"group"`` (a group opens; ``end`` is where its
    content starts), ``"item"`` (a backreference or a verb, one item) or ``"nothing"`` (a comment, inline flags)."""
    j = i + 1
    if pattern.startswith("*", j):
        verb = _VERB.match(pattern, j)
        return (verb.end(), "item") if verb else (j, "group")  # "(*" alone: the compiler complains
    if not pattern.startswith("?", j):
        return j, "group"
    j += 1
    rest = pattern[j : j + 3]
    if rest[:1] in ("=", "!", ":", ">", "|"):
        return j + 1, "group"
    if rest[:2] in ("<=", "<!"):
        return j + 2, "group"
    if rest[:1] == "<" or rest[:2] == "P<":
        start = j + (1 if rest[:1] == "<" else 2)
        name = _GROUP_NAME.match(pattern, start)
        if name is None:
            raise _RefusedError(f"the regex has a group name the reader cannot analyse at position {i}")
        return name.end(), "group"
    if rest[:2] == "P=":
        name = _REFERENCE.match(pattern, j + 2)
        if name is None:
            raise _RefusedError(f"the regex has a reference the reader cannot analyse at position {i}")
        return name.end(), "item"
    if rest[:1] == "#":
        k = j + 1
        while k < len(pattern) and pattern[k] != ")":
            k += 2 if pattern[k] == "\\" else 1
        if k >= len(pattern):
            raise _RefusedError(f"the regex leaves the comment opened at position {i} unclosed")
        return k + 1, "nothing"
    if rest[:1] == "(":
        if rest[1:2] == "?":  # (?(?=…)yes|no): the lookaround opens next, as a group of its own
            return j, "group"
        name = _REFERENCE.match(pattern, j + 1)
        if name is None:
            raise _RefusedError(f"the regex has a condition the reader cannot analyse at position {i}")
        return name.end(), "group"
    calls = rest[:1] in ("R", "&") or rest[:1].isdigit() or rest[:2] in ("P>", "P&")
    if calls or (rest[:1] in ("+", "-") and rest[1:2].isdigit()):
        raise _RefusedError(f"the regex calls a group (recursion) at position {i}, which is not supported")
    flags = _FLAGS.match(pattern, j)
    if flags is None or not (flags.group(1) or flags.group(2)):
        raise _RefusedError(f"the regex has a '(?' construct the reader cannot analyse at position {i}")
    on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
    if "x" in on or "V1" in on or "V1" in off:
        raise _RefusedError("the regex sets the verbose (x) or version 1 (V1) flag, which is not supported")
    return flags.end(), ("group" if end == ":" else "nothing")


def compile_pattern(pattern: str) -> tuple[regex.Pattern[str] | None, bool, str | None]:
    """``(compiled, repaired, problem)``: the pattern compiled with the ``regex`` module, else after escaping the
    hyphens of its character classes (the paper's repair), else ``None`` and the compiler's complaint. A pattern
    :func:`check_pattern` refuses is never compiled."""
    problem = check_pattern(pattern)
    if problem is not None:
        return None, False, problem
    try:
        return regex.compile(pattern), False, None
    except Exception as err:
        first = err
    repaired = escape_class_hyphens(pattern)
    if repaired != pattern and check_pattern(repaired) is None:
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
    past ``timeout`` seconds, failed, matched nowhere, or matched nearly everywhere.

    The time limit is wall time. The ``regex`` module's own ``timeout`` counts the process's CPU time (under load
    a 5 s limit took 7.5-15 s), so the matching runs in a daemon worker thread (``concurrent=True``: it releases the
    GIL) and the caller stops waiting at the wall-clock deadline. The module's timeout stays as the backstop that
    ends an abandoned worker, and the worker also stops between matches once the deadline has passed.
    """
    deadline = time.monotonic() + timeout
    done = threading.Event()
    outcome: list[tuple[list[int] | None, str | None]] = []

    def work() -> None:
        try:
            outcome.append(_scan(text, pattern, timeout, deadline))
        except BaseException as err:  # reported, not raised: the caller may have stopped waiting
            outcome.append((None, f"the pattern {pattern.pattern!r} failed ({type(err).__name__}: {err})"))
        finally:
            done.set()

    threading.Thread(target=work, name="adaptive-splitters-llm-regex", daemon=True).start()
    if not done.wait(timeout) or not outcome:
        return None, _ran_past(pattern, timeout)
    return outcome[0]


def _ran_past(pattern: regex.Pattern[str], timeout: float) -> str:
    return f"the pattern {pattern.pattern!r} ran past the {timeout:g} s time limit"


def _scan(
    text: str, pattern: regex.Pattern[str], timeout: float, deadline: float
) -> tuple[list[int] | None, str | None]:
    limit = max(MIN_MATCH_ALLOWANCE, len(text) // MIN_CHARS_PER_MATCH)
    cuts: list[int] = []
    try:
        for count, match in enumerate(pattern.finditer(text, timeout=timeout, concurrent=True)):
            if count % 64 == 63 and time.monotonic() > deadline:
                return None, _ran_past(pattern, timeout)
            start = match.start()
            if 0 < start < len(text):
                cuts.append(start)
                if len(cuts) > limit:
                    return None, (
                        f"the pattern {pattern.pattern!r} matches more than {limit} times in {len(text)} characters "
                        "(nearly everywhere)"
                    )
    except TimeoutError:
        return None, _ran_past(pattern, timeout)
    except Exception as err:
        return None, f"the pattern {pattern.pattern!r} failed ({type(err).__name__}: {err})"
    if not cuts:
        return None, f"the pattern {pattern.pattern!r} matches nowhere inside the document"
    return cuts, None


def with_llm_candidate(candidates: Sequence[Any], llm: Any, llm_timeout: float = DEFAULT_LLM_TIMEOUT) -> list[Any]:
    """``candidates`` with the name ``llm_regex`` bound to ``LLMRegexCandidate(llm, llm_timeout=llm_timeout)``,
    appended if absent."""
    check_seconds("llm_timeout", llm_timeout)
    out = [LLMRegexCandidate(llm, llm_timeout=llm_timeout) if spec == NAME else spec for spec in candidates]
    if not any(spec == NAME or getattr(spec, "name", None) == NAME for spec in candidates):
        out.append(LLMRegexCandidate(llm, llm_timeout=llm_timeout))
    return out
