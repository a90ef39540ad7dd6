"""The model's pattern from answer to cuts: extracted from the tags, compiled (with the hyphen repair), and run
under a wall-time limit that also refuses patterns matching nowhere or nearly everywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import regex

import adaptive_splitters
from adaptive_splitters.candidates.llm_regex.pattern import (
    compile_pattern,
    escape_class_hyphens,
    extract_pattern,
    find_cuts,
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Here: <regex> (?=\n# ) </regex> and <regex>x</regex>", ("(?=\n# )", None)),
        ("<REGEX>a\nb</Regex>", ("a\nb", None)),
        ("", (None, "the model answered an empty string")),
        ("  \n", (None, "the model answered an empty string")),
        ("split before headings", (None, "the model's answer has no <regex>…</regex> tags")),
        ("<regex> </regex>", (None, "the model's <regex> tags are empty")),
        (f"<regex>{'x' * 2001}</regex>", (None, "the model's pattern has 2001 characters (at most 2000)")),
    ],
)
def test_extract_pattern_takes_the_first_tags(answer: str, expected: tuple[str | None, str | None]) -> None:
    assert extract_pattern(answer) == expected


def test_repaired_pattern_escapes_class_hyphens() -> None:
    assert escape_class_hyphens(r"[a-z_-]\-[+-*]") == r"[a\-z_-]\-[+\-*]"
    compiled, repaired, problem = compile_pattern("(?<=\\n)(?=[+-*] )")
    assert compiled is not None
    assert (compiled.pattern, repaired, problem) == ("(?<=\\n)(?=[+\\-*] )", True, None)
    compiled, repaired, _ = compile_pattern("(?=\\n# )")
    assert compiled is not None
    assert not repaired
    compiled, repaired, problem = compile_pattern("(unclosed")
    assert (compiled, repaired) == (None, False)
    assert problem is not None
    assert "does not compile" in problem


def test_find_cuts_keeps_match_starts_strictly_inside_the_text() -> None:
    text = "# A\n\ntext\n# B\n\nmore\n# C\n"
    assert find_cuts(text, regex.compile("(?m)^# "), 5) == ([text.index("# B"), text.index("# C")], None)
    cuts, why = find_cuts(text, regex.compile("ZZZ"), 5)
    assert cuts is None
    assert why == "the pattern 'ZZZ' matches nowhere inside the document"
    cuts, why = find_cuts("x" * 1000, regex.compile("(?=x)"), 5)
    assert cuts is None
    assert why == "the pattern '(?=x)' matches more than 40 times in 1000 characters (nearly everywhere)"


def test_find_cuts_stops_at_the_time_limit() -> None:
    started = time.monotonic()
    cuts, why = find_cuts("a" * 40 + "!", regex.compile("(a|aa)+$"), 0.05)
    assert cuts is None
    assert why == "the pattern '(a|aa)+$' ran past the 0.05 s time limit"
    assert time.monotonic() - started < 2.0


_WALL_CHILD = """
import sys, time, regex
from adaptive_splitters.candidates.llm_regex.pattern import find_cuts
pattern = regex.compile(r"(a|aa)+$")
text = "a" * 80 + "!"
print("ready", flush=True)
started = time.monotonic()
cuts, why = find_cuts(text, pattern, 0.5)
print(round(time.monotonic() - started, 3), why, flush=True)
"""


def _child_env() -> dict[str, str]:
    """The environment for a child Python that imports this very ``adaptive_splitters``."""
    root = str(Path(adaptive_splitters.__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs SIGSTOP/SIGCONT")
def test_matching_time_limit_is_wall_time_even_when_the_process_gets_little_cpu() -> None:
    # The child matches a catastrophic pattern with a 0.5 s limit while it runs only 10% of the time (stopped
    # 90 ms out of every 100 ms, which costs no CPU): a limit on CPU time would take about 5 s of wall time.
    child = subprocess.Popen([sys.executable, "-c", _WALL_CHILD], stdout=subprocess.PIPE, text=True, env=_child_env())
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 20
        while child.poll() is None and time.monotonic() < deadline:
            os.kill(child.pid, signal.SIGSTOP)
            time.sleep(0.09)
            os.kill(child.pid, signal.SIGCONT)
            time.sleep(0.01)
        if child.poll() is None:
            os.kill(child.pid, signal.SIGCONT)
        output = child.stdout.read() if child.wait(timeout=20) == 0 else ""
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGCONT)
            child.kill()
            child.wait()
    seconds, why = output.split(" ", 1)
    assert "ran past the 0.5 s time limit" in why
    assert float(seconds) < 2.5, seconds
