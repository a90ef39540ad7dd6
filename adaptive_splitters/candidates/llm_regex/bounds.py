"""The bound check on the model's pattern, read before it is compiled (docs/method.md#llm_regex, *Bounds*).

The ``regex`` module writes counted repeats out when it compiles (``a{1000000000}`` grows to gigabytes, and the
matching time limit covers matching only), so :func:`check_pattern` reads the pattern first, conservatively, and
refuses what it cannot bound.
"""

from __future__ import annotations

import re

MAX_PATTERN_CHARS = 2000
MAX_REPEAT = 1000
"""The largest count a repeat (``{n}``, ``{n,}``, ``{n,m}``) may give."""
MAX_EXPANSION = 20_000
"""The largest size of the pattern with its counted repeats written out (nested counts multiply)."""
MAX_NESTING = 32
"""The deepest the pattern may nest groups."""

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

    At most :data:`MAX_PATTERN_CHARS` characters, every repeat count at most :data:`MAX_REPEAT`, the pattern with
    its counted repeats written out (nested counts multiply; ``{n,m}`` counts ``m``) at most :data:`MAX_EXPANSION`
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
            i = _read_brace(pattern, i, group)
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


def _read_brace(pattern: str, i: int, group: _Group) -> int:
    """Read the ``{`` at ``pattern[i]`` into ``group`` (a repeat count multiplies its last item; anything else is
    a literal brace, unless it looks like a fuzzy constraint); where reading goes on."""
    match = _QUANTIFIER.match(pattern, i)
    if match is None:
        end = pattern.find("}", i)
        if end >= 0 and _FUZZY_HINT.intersection(pattern[i + 1 : end]):
            raise _RefusedError(
                f"the regex has {pattern[i : end + 1]!r}, which is not a repeat count: fuzzy matching is not supported"
            )
        group.items.append(1)  # a literal brace
        return i + 1
    digits = [b.lstrip("0") or "0" for b in match.groups() if b]
    if any(len(b) > 18 for b in digits):  # int() of thousands of digits is slow: no need to read them
        raise _RefusedError(f"the regex repeats more than 10**18 times; at most {MAX_REPEAT} allowed")
    largest = max((int(b) for b in digits), default=0)
    if largest > MAX_REPEAT:
        raise _RefusedError(f"the regex repeats up to {largest} times; at most {MAX_REPEAT} allowed")
    if group.items:
        group.items[-1] = min(group.items[-1] * max(largest, 1), MAX_EXPANSION + 1)
    return match.end()


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
        return _comment_end(pattern, i, j + 1), "nothing"
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
    return _flags_end(pattern, i, j)


def _comment_end(pattern: str, i: int, k: int) -> int:
    """Where the comment ``(?#…)`` opened at ``pattern[i]`` (its text from ``k``) ends."""
    while k < len(pattern) and pattern[k] != ")":
        k += 2 if pattern[k] == "\\" else 1
    if k >= len(pattern):
        raise _RefusedError(f"the regex leaves the comment opened at position {i} unclosed")
    return k + 1


def _flags_end(pattern: str, i: int, j: int) -> tuple[int, str]:
    """``(end, what)`` for the inline flags ``(?flags)`` or ``(?flags:…)`` opened at ``pattern[i]``."""
    flags = _FLAGS.match(pattern, j)
    if flags is None or not (flags.group(1) or flags.group(2)):
        raise _RefusedError(f"the regex has a '(?' construct the reader cannot analyse at position {i}")
    on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
    if "x" in on or "V1" in on or "V1" in off:
        raise _RefusedError("the regex sets the verbose (x) or version 1 (V1) flag, which is not supported")
    return flags.end(), ("group" if end == ":" else "nothing")
