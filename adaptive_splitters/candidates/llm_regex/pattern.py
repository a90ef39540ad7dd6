"""The model's pattern, untrusted from answer to cuts (docs/method.md#llm_regex): taken from the answer's
``<regex>…</regex>`` tags, bound-checked (:mod:`.bounds`) before compiling, compiled with the hyphen repair if need
be, and run over the document under a wall-time limit that also refuses patterns matching nowhere or nearly
everywhere.
"""

from __future__ import annotations

import re
import threading
import time

import regex

from adaptive_splitters.candidates.llm_regex.bounds import MAX_PATTERN_CHARS, check_pattern

MIN_CHARS_PER_MATCH = 25
"""More than one match per this many characters (and over :data:`MIN_MATCH_ALLOWANCE`) counts as "everywhere"."""
MIN_MATCH_ALLOWANCE = 16
_TAG = re.compile(r"<regex>(.*?)</regex>", re.IGNORECASE | re.DOTALL)


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
    hyphens of its character classes (the paper's repair), else ``None`` and the compiler's complaint. A pattern
    :func:`.bounds.check_pattern` refuses is never compiled."""
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
