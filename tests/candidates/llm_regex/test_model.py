"""``ask`` with a time limit: every kind of model stops being waited for at the deadline, and what the model
itself raises stays the model's; the candidate falls back to recursive-1100 when its model does not answer in time.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata

from adaptive_splitters.candidates import LLMRegexCandidate, RecursiveSplitter, SplitContext
from adaptive_splitters.candidates.llm_regex.model import ModelTimeoutError, answer_text, ask, check_model
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.engine import AdaptiveChunker

PAPER_ANSWER = "<regex>(?<=\\n)(?=#[^\\n]*\\n)|(?=^# )</regex>"
SECTION = "The committee meets every month and publishes its decisions on the notice board.\n\n"
DOC = "# Garden rules\n\n" + SECTION * 3 + "## Plots\n\n" + SECTION * 2

_RELEASE = threading.Event()
"""Set at the end of each test: the slow sync models below wait on it, so their abandoned threads end."""
_REQUEST = contextvars.ContextVar("request", default="none")


@pytest.fixture(autouse=True)
def _release_slow_models() -> Iterator[None]:
    _RELEASE.clear()
    yield
    _RELEASE.set()


def _slow(prompt: str) -> str:
    _RELEASE.wait(5)
    return PAPER_ANSWER


async def _slow_async(prompt: str) -> str:
    await asyncio.sleep(5)
    return PAPER_ANSWER


class _SlowAInvoke:
    async def ainvoke(self, prompt: str) -> Any:
        await asyncio.sleep(5)
        return AIMessage(content=PAPER_ANSWER)


class _SlowAComplete:
    async def acomplete(self, prompt: str) -> Any:
        await asyncio.sleep(5)
        return CompletionResponse(text=PAPER_ANSWER)


class _SlowLlamaIndexLLM(CustomLLM):
    """A LlamaIndex LLM that takes 5 s (or until the test ends) before it answers."""

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="slow")

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        _RELEASE.wait(5)
        return CompletionResponse(text=PAPER_ANSWER)

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        yield self.complete(prompt)


# ask ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [_slow, RunnableLambda(_slow), _slow_async, _SlowAComplete()])
def test_ask_stops_waiting_at_the_timeout(model: Any) -> None:
    started = time.monotonic()
    with pytest.raises(ModelTimeoutError, match=r"^the model did not answer within 0\.3 s$"):
        ask(model, "prompt", timeout=0.3)
    assert time.monotonic() - started < 3.0  # a hang guard: the model takes 5 s


def test_ask_within_the_timeout_returns_the_answer_and_keeps_context_variables() -> None:
    _REQUEST.set("request-7")
    assert ask(lambda prompt: f"{prompt} {_REQUEST.get()}", "seen by", timeout=5) == "seen by request-7"

    async def answer(prompt: str) -> str:
        return prompt.upper()

    assert ask(answer, "async", timeout=5) == "ASYNC"
    assert ask(answer, "no limit") == "NO LIMIT"


def test_what_the_model_raises_is_not_reported_as_a_timeout() -> None:
    def refuses(prompt: str) -> str:
        raise TimeoutError("upstream gateway timed out")

    async def refuses_async(prompt: str) -> str:
        raise TimeoutError("upstream gateway timed out")

    for model in (refuses, refuses_async):
        with pytest.raises(TimeoutError, match="upstream gateway") as caught:
            ask(model, "prompt", timeout=5)
        assert not isinstance(caught.value, ModelTimeoutError)
    with pytest.raises(TypeError, match="not text"):
        ask(lambda prompt: 42, "prompt", timeout=5)


@pytest.mark.parametrize("bad", [0, -2, float("inf"), float("nan"), True])
def test_ask_timeout_must_be_a_positive_finite_number(bad: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        ask(_slow, "prompt", timeout=bad)


def test_answer_text_reads_strings_messages_blocks_and_responses() -> None:
    assert answer_text("plain") == "plain"
    assert answer_text(AIMessage(content=[{"type": "text", "text": "a"}, "b", {"type": "image"}])) == "ab"
    assert answer_text(CompletionResponse(text="done")) == "done"
    with pytest.raises(TypeError, match="not text"):
        answer_text(42)
    with pytest.raises(TypeError, match="llm must be"):
        check_model(object())


# the candidate's fallback when the model is late ------------------------------------------------------------


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: _slow,
        lambda: RunnableLambda(_slow),  # LangChain invoke
        _SlowLlamaIndexLLM,  # LlamaIndex complete
        lambda: _slow_async,
        _SlowAInvoke,
        _SlowAComplete,
    ],
    ids=["callable", "langchain_invoke", "llama_index_complete", "async_callable", "ainvoke", "acomplete"],
)
def test_model_that_does_not_answer_in_time_falls_back(make_model: Any) -> None:
    started = time.monotonic()
    split = LLMRegexCandidate(make_model(), llm_timeout=0.2).split(SourceDocument.build(DOC), SplitContext())
    assert time.monotonic() - started < 3.0  # a hang guard: the model takes 5 s
    assert split.notes is not None
    assert split.notes.report == {"regex": None, "fallback": "the model did not answer within 0.2 s"}
    assert split.spans == RecursiveSplitter(chunk_size=1100).split_spans(DOC)


async def test_model_timeout_holds_inside_a_running_event_loop() -> None:
    started = time.monotonic()
    found = LLMRegexCandidate(_slow_async, llm_timeout=0.2).run(DOC)
    assert time.monotonic() - started < 3.0
    assert found.fallback == "the model did not answer within 0.2 s"


def test_chunk_with_a_slow_model_returns_in_time() -> None:
    candidate = LLMRegexCandidate(_slow, llm_timeout=0.2)
    chunker = AdaptiveChunker(candidates=[candidate, "recursive_1100"], metrics=["SC"], chunk_size=1100)
    started = time.monotonic()
    result = chunker.chunk(DOC)
    assert time.monotonic() - started < 3.0
    assert "llm_regex fell back to recursive_1100: the model did not answer within 0.2 s" in result.reason
    assert result.notes["llm_regex"]["fallback"] == "the model did not answer within 0.2 s"
    assert result.candidates["llm_regex"][0].metadata["llm_regex_fallback"] == "the model did not answer within 0.2 s"
