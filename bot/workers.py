"""Where CPU-heavy work runs: the core's `Offload` port, in worker processes or inline.

Parsing a 5 MB upload, building an export of 5,000 contacts or drawing a chart holds the GIL for
hundreds of milliseconds, so a thread would still stall the event loop (every other student's
interaction and the gateway heartbeat): the bot sends that work to worker processes. The pool is
spawned, not forked (a fork would copy the aiosqlite and discord.py threads' state), and starts a
worker on first use.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

_R = TypeVar("_R")

# Two workers: a chart and an import (or export) at once don't queue behind each other, and the
# bot's own process keeps a core of a two-core host. Each worker costs ~60 MB once started.
WORKERS = 2


# Workers run at a lower priority than the bot: where they share a core with it (a small host,
# or the bot pinned to one core), the scheduler gives the event loop the core first, so an
# export drawing for seconds delays other students' answers by little instead of doubling them.
WORKER_NICENESS = 10


def _lower_priority() -> None:
    """The worker's initializer: background work yields to the interactive loop."""
    # Where lowering is not permitted (some containers), the worker runs at the bot's priority.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


def worker_pool(workers: int = WORKERS) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_lower_priority,
    )


class ExecutorOffload:
    """Runs each call on an executor: a process pool in the bot."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    async def run(self, fn: Callable[..., _R], /, *args: Any) -> _R:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)


class InlineOffload:
    """Runs each call in the caller: unit tests, one-shot tools and benchmarks of the work."""

    async def run(self, fn: Callable[..., _R], /, *args: Any) -> _R:
        return fn(*args)
