"""Any language model, duck-typed: prompt in, text out.

Accepted models (no framework is imported here):

- a LangChain chat model or LLM, or any runnable: ``invoke(prompt)`` (or only ``ainvoke``), returning a message
  with ``.content`` or a string;
- a LlamaIndex LLM: ``complete(prompt)`` (or only ``acomplete``), returning a response with ``.text``;
- a callable ``prompt -> text``, sync or async.

:func:`ask` with a ``timeout`` stops waiting for a model that does not answer in time: the call runs in a daemon
worker thread (an async model in a private event loop there, cancelled at the deadline) and the caller gets
:class:`ModelTimeoutError` once the deadline passes, whatever the model is doing. A sync model cannot be interrupted:
its thread is abandoned (as a daemon it does not keep the interpreter alive) and its late answer is dropped.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from adaptive_splitters.core import checks
from adaptive_splitters.core.sync import run_sync

_T = TypeVar("_T")


class ModelTimeoutError(TimeoutError):
    """The model did not answer within the allowed seconds (raised by :func:`ask`, not by the model)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(f"the model did not answer within {timeout:g} s")


def check_model(llm: object) -> None:
    """Raise ``TypeError`` unless ``llm`` looks like a model :func:`ask` can call."""
    if not (any(hasattr(llm, name) for name in ("invoke", "complete", "ainvoke", "acomplete")) or callable(llm)):
        msg = (
            "llm must be a LangChain chat model (invoke), a LlamaIndex LLM (complete) or a callable "
            f"prompt -> text (received {type(llm).__name__})"
        )
        raise TypeError(msg)


def ask(llm: Any, prompt: str, timeout: float | None = None) -> str:
    """The text ``llm`` answers to ``prompt`` (one user message). Raises what the model raises, ``TypeError`` for
    an object that is not a model or an answer that is not text, and :class:`ModelTimeoutError` when ``timeout``
    (seconds) is given and the model has not answered by then (see the module's docstring)."""
    if timeout is None:
        return _ask(llm, prompt, None)
    seconds = checks.positive_number("timeout", timeout)
    return call_with_timeout(lambda: _ask(llm, prompt, seconds), seconds)


def _ask(llm: Any, prompt: str, timeout: float | None) -> str:
    if hasattr(llm, "invoke"):
        answer = llm.invoke(prompt)
    elif hasattr(llm, "complete"):
        answer = llm.complete(prompt)
    elif hasattr(llm, "ainvoke"):
        answer = _await(llm.ainvoke(prompt), timeout)
    elif hasattr(llm, "acomplete"):
        answer = _await(llm.acomplete(prompt), timeout)
    else:
        check_model(llm)
        answer = llm(prompt)
    if inspect.isawaitable(answer):
        answer = _await(answer, timeout)
    return answer_text(answer)


def call_with_timeout(function: Callable[[], _T], timeout: float) -> _T:
    """``function()`` run in a daemon worker thread (in a copy of the caller's context variables); its result or
    exception, or :class:`ModelTimeoutError` once ``timeout`` seconds pass (the thread is then abandoned)."""
    done = threading.Event()
    outcome: list[Any] = []  # [True, result] or [False, exception]
    context = contextvars.copy_context()

    def work() -> None:
        try:
            outcome.extend((True, context.run(function)))
        except BaseException as err:  # handed to the caller, who re-raises it
            outcome.extend((False, err))
        finally:
            done.set()

    threading.Thread(target=work, name="adaptive-splitters-llm", daemon=True).start()
    if not done.wait(timeout):
        raise ModelTimeoutError(timeout)
    ok, value = outcome
    if not ok:
        raise value
    result: _T = value
    return result


def _await(awaitable: Any, timeout: float | None) -> Any:
    """Await ``awaitable`` from sync code; with ``timeout``, cancel it and raise :class:`ModelTimeoutError` when it
    runs longer (``asyncio.wait`` rather than ``wait_for``, so that a ``TimeoutError`` the model raises stays the
    model's)."""
    if timeout is None:
        return run_sync(awaitable)

    async def bounded() -> Any:
        task = asyncio.ensure_future(awaitable)
        finished, _ = await asyncio.wait({task}, timeout=timeout)
        if not finished:
            task.cancel()
            raise ModelTimeoutError(timeout)
        return task.result()

    return run_sync(bounded())


def answer_text(answer: object) -> str:
    """The text of a model's answer: a string, a message's ``.content`` (text blocks joined), a completion's
    ``.text``, or a chat response's ``.message.content``."""
    if isinstance(answer, str):
        return answer
    for attribute in ("content", "text"):
        value = getattr(answer, attribute, None)
        if isinstance(value, str):
            return value
        if isinstance(value, list):  # LangChain content blocks
            return "".join(_block_text(block) for block in value)
    message = getattr(answer, "message", None)
    if message is not None and message is not answer:
        return answer_text(message)
    msg = f"the model's answer is not text (received {type(answer).__name__})"
    raise TypeError(msg)


def _block_text(block: object) -> str:
    if isinstance(block, str):
        return block
    if isinstance(block, dict) and block.get("type", "text") == "text":
        return str(block.get("text", ""))
    return ""
