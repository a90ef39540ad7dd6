"""Any language model, duck-typed: prompt in, text out.

Accepted models (no framework is imported here):

- a LangChain chat model or LLM, or any runnable: ``invoke(prompt)`` (or only ``ainvoke``), returning a message
  with ``.content`` or a string;
- a LlamaIndex LLM: ``complete(prompt)`` (or only ``acomplete``), returning a response with ``.text``;
- a callable ``prompt -> text``, sync or async.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
from collections.abc import Coroutine
from typing import Any


def check_model(llm: object) -> None:
    """Raise ``TypeError`` unless ``llm`` looks like a model :func:`ask` can call."""
    if not (any(hasattr(llm, name) for name in ("invoke", "complete", "ainvoke", "acomplete")) or callable(llm)):
        msg = (
            "llm must be a LangChain chat model (invoke), a LlamaIndex LLM (complete) or a callable "
            f"prompt -> text (received {type(llm).__name__})"
        )
        raise TypeError(msg)


def ask(llm: Any, prompt: str) -> str:
    """The text ``llm`` answers to ``prompt`` (one user message). Raises what the model raises, and
    ``TypeError`` for an object that is not a model or an answer that is not text."""
    if hasattr(llm, "invoke"):
        answer = llm.invoke(prompt)
    elif hasattr(llm, "complete"):
        answer = llm.complete(prompt)
    elif hasattr(llm, "ainvoke"):
        answer = run_sync(llm.ainvoke(prompt))
    elif hasattr(llm, "acomplete"):
        answer = run_sync(llm.acomplete(prompt))
    else:
        check_model(llm)
        answer = llm(prompt)
    if inspect.isawaitable(answer):
        answer = run_sync(answer)
    return answer_text(answer)


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


def model_key(llm: object) -> str:
    """A key naming one model object for caches: its class and identity."""
    return f"{type(llm).__module__}.{type(llm).__qualname__}@{id(llm):x}"


def _block_text(block: object) -> str:
    if isinstance(block, str):
        return block
    if isinstance(block, dict) and block.get("type", "text") == "text":
        return str(block.get("text", ""))
    return ""


def run_sync(awaitable: Any) -> Any:
    """Await ``awaitable`` from sync code, in a private event loop (in a worker thread if one is running here)."""

    async def wrapped() -> Any:
        return await awaitable

    coroutine: Coroutine[Any, Any, Any] = wrapped()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
