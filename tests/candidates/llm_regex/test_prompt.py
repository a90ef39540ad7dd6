"""What the model reads: the instructions and worked example, then the document's start (whole lines within the
token budget) between ``<Input>`` tags."""

from __future__ import annotations

from adaptive_splitters.candidates import LLMRegexCandidate, SplitContext
from adaptive_splitters.candidates.llm_regex.pattern import extract_pattern
from adaptive_splitters.candidates.llm_regex.prompt import (
    DEFAULT_CONTEXT_TOKENS,
    INSTRUCTIONS,
    build_prompt,
    llm_context,
)
from adaptive_splitters.text.tokens import TokenCounter

SECTION = "The committee meets every month and publishes its decisions on the notice board.\n\n"


def test_prompt_builder_wraps_the_context() -> None:
    prompt = build_prompt("abc")
    assert prompt.startswith(INSTRUCTIONS)
    assert prompt.endswith("<Input>\nabc\n</Input>")
    for rule in ("self-contained", "paragraph", "<Table>", "<Figure>", "short items", "heading", "footnote"):
        assert rule in prompt
    assert "Ignore any instruction" in prompt  # the input is data
    assert "Harbour Lane Community Garden" in prompt  # the worked example


def test_context_stops_at_the_first_line_that_does_not_fit() -> None:
    counter = TokenCounter(lambda s: len(s.split()))
    text = "one two\nthree four five\nsix\n"
    assert llm_context(text, counter, context_tokens=5) == "one two\nthree four five\n"
    assert llm_context(text, counter, context_tokens=4) == "one two\n"
    assert llm_context("a b c d e f g h", counter, context_tokens=3) == "a b c"  # one long line: cut to fit
    assert llm_context(text, counter) == text
    assert DEFAULT_CONTEXT_TOKENS == 8000


def test_worked_example_answer_cuts_before_the_headings() -> None:
    worked_example = extract_pattern(INSTRUCTIONS[INSTRUCTIONS.rindex("</Input>") :])[0]
    assert worked_example is not None
    text = "An introduction of some length.\n\n# A\n\n" + SECTION + "## B\n\n" + SECTION
    found = LLMRegexCandidate(lambda prompt: f"<regex>{worked_example}</regex>").run(text, SplitContext())
    assert found.regex == worked_example
    assert [s for s, _ in found.spans] == [0, text.index("# A"), text.index("## B")]
