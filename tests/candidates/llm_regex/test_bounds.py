"""The bound check read before compiling: huge repeat counts, expansion, nesting and unanalysable syntax are
refused (fast, without allocating), while the patterns the prompt leads to pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import adaptive_splitters
from adaptive_splitters.candidates.llm_regex.bounds import check_pattern
from adaptive_splitters.candidates.llm_regex.pattern import compile_pattern, extract_pattern
from adaptive_splitters.candidates.llm_regex.prompt import INSTRUCTIONS

PAPER_REGEX = r"(?<=\n)(?=#[^\n]*\n)|(?=^# )"
SECTION = "The committee meets every month and publishes its decisions on the notice board.\n\n"
DOC = "# Garden rules\n\n" + SECTION * 3 + "## Plots\n\n" + SECTION * 2 + "## Tools\n\n" + SECTION

_BOUNDED_CHILD = """
import json, resource, sys, time
limit = 2 * 1024 ** 3  # the child may not grow past 2 GB: on unbounded code the compiler hits MemoryError
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from adaptive_splitters.candidates import LLMRegexCandidate, RecursiveSplitter, SplitContext
from adaptive_splitters.text.tokens import TokenCounter
text = sys.stdin.read()
counter = TokenCounter(lambda s: len(s.split()))
fallback = RecursiveSplitter(chunk_size=1100, counter=counter).split_spans(text)
out = []
for pattern in json.loads(sys.argv[1]):
    candidate = LLMRegexCandidate(lambda prompt, p=pattern: "<regex>" + p + "</regex>", cache=False)
    started = time.monotonic()
    found = candidate.run(text, SplitContext(counter=counter))
    seconds = time.monotonic() - started
    out.append({"fallback": found.fallback, "seconds": seconds, "recursive": found.spans == fallback})
print(json.dumps(out))
"""


def _child_env() -> dict[str, str]:
    """The environment for a child Python that imports this very ``adaptive_splitters``."""
    root = str(Path(adaptive_splitters.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_huge_repeat_counts_are_refused_before_compiling_without_allocating() -> None:
    huge = {
        "a{1000000000}": "the regex repeats up to 1000000000 times; at most 1000 allowed",
        "(?:a{65535}){65535}": "the regex repeats up to 65535 times; at most 1000 allowed",
        "a{10000000}": "the regex repeats up to 10000000 times; at most 1000 allowed",
        "(?:(?:a{1000}){1000}){1000}": "written out has more than 20000 items",
        "(?:a{1000}){21}": "written out has more than 20000 items",
    }
    try:
        done = subprocess.run(
            [sys.executable, "-c", _BOUNDED_CHILD, json.dumps(list(huge))],
            input=DOC,
            capture_output=True,
            text=True,
            timeout=120,
            env=_child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the candidate did not fall back within 120 s on huge repeat counts")
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    for (pattern, why), result in zip(huge.items(), results, strict=True):
        assert result["fallback"] is not None, pattern
        assert why in result["fallback"], (pattern, result["fallback"])
        assert result["recursive"], pattern
        assert result["seconds"] < 1.0, (pattern, result["seconds"])  # refused before compiling, not by MemoryError


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(?=Th){1001}", "repeats up to 1001 times; at most 1000 allowed"),
        ("(?=The){0,5000}", "repeats up to 5000 times"),
        ("The{5000,}", "repeats up to 5000 times"),
        ("The{" + "9" * 40 + "}", "repeats more than 10**18 times"),
        ("(?:The(?#note)){1000000}", "repeats up to 1000000 times"),  # a comment is no item to repeat
        ("(?:(?:(?=T){200}){200})", "written out has more than 20000 items"),
        ("(?:x{1000})(?i){21}", "written out has more than 20000 items"),  # the repeat applies to the group
        ("(" * 40 + "(?=#)" + ")" * 40, "nests groups more than 32 deep"),
        ("(?x)(?=\\n\\#) {2}", "verbose (x)"),
        ("(?V1)(?=[[#]--[a]])", "version 1 (V1)"),
        ("(?=(#)(?1))", "calls a group"),
        ("(?=(?R))", "calls a group"),
        ("(?:The){e<=1}", "fuzzy matching is not supported"),
        ("(?=[[:al pha:]]x{100})", "not a POSIX class"),
        ("(?=[abc)", "class opened at position 3 unclosed"),
        ("(?#never closed", "comment opened at position 0 unclosed"),
        ("x" * 2001, "2001 characters (at most 2000)"),
    ],
)
def test_unbounded_or_unanalysable_patterns_are_refused_with_the_reason(pattern: str, why: str) -> None:
    started = time.monotonic()
    problem = check_pattern(pattern)
    assert problem is not None
    assert why in problem
    assert compile_pattern(pattern) == (None, False, problem)  # never compiled
    assert time.monotonic() - started < 2.0


def test_patterns_the_prompts_produce_pass_the_bounds() -> None:
    worked_example = extract_pattern(INSTRUCTIONS[INSTRUCTIONS.rindex("</Input>") :])[0]
    assert worked_example == r"(?<=\n)(?=#{1,3} [^\n]*\n)|(?=^# )"
    usual = [
        PAPER_REGEX,
        worked_example,
        r"(?=\n## )",
        r"(?<=\n)(?=[+-*] )",
        r"(?m)^#{1,6} ",
        r"(?<=\n)(?=\d+\.\s)",
        r"(?i)(?=^article \d+)",
        r"(?=\p{Lu}{2,}\n)|(?=\p{Script=Latin})",
        r"(?<=\n)(?=[[:upper:]][^\n]{0,80}\n)",
        r"(?<=\n)(?=(?P<h>#+) )(?!(?P=h)#)",
        r"(?:(?:\n[ \t]*){2})(?=\S)",
        r"(?=\{5000\})|[{]9{3}[}]|x{ab}|\N{LATIN SMALL LETTER A}",
        r"(?(?=#)#|(?=\n\n))",
        r"(*SKIP)(*FAIL)|(?=</Table>)",
        "(?:a{100}){100}",
    ]
    for pattern in usual:
        assert check_pattern(pattern) is None, pattern
