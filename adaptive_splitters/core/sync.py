"""Awaiting from sync code: what the async-only models and embedders need (a private event loop, in a worker
thread when a loop already runs here)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any


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
