"""``ask`` with a time limit (issue #14, item 9): every kind of model stops being waited for at the deadline, and
what the model itself raises stays the model's."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.runnables import RunnableLambda

from adaptive_splitters.candidates.llm_regex.model import ModelTimeoutError, ask

_RELEASE = threading.Event()
_REQUEST = contextvars.ContextVar("request", default="none")


@pytest.fixture(autouse=True)
def _release_slow_models() -> Iterator[None]:
    _RELEASE.clear()
    yield
    _RELEASE.set()


def _slow(prompt: str) -> str:
    _RELEASE.wait(5)
    return "late"


async def _slow_async(prompt: str) -> str:
    await asyncio.sleep(5)
    return "late"


class _SlowAcomplete:
    async def acomplete(self, prompt: str) -> Any:
        await asyncio.sleep(5)
        return "late"


@pytest.mark.parametrize("model", [_slow, RunnableLambda(_slow), _slow_async, _SlowAcomplete()])
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
