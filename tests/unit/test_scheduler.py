"""The scheduler's one job: ticks never overlap, a slow tick is no warning, a failing one is
logged and the next still runs. The job's function is called directly: no wall time."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.scheduling.scheduler import JOB_ID, build_scheduler


async def test_a_tick_while_one_is_sending_is_skipped_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = asyncio.Event()
    calls = 0

    async def tick() -> None:
        nonlocal calls
        calls += 1
        await release.wait()

    job = build_scheduler(tick, 30).get_job(JOB_ID)
    caplog.set_level(logging.DEBUG)
    first = asyncio.create_task(job.func())
    await asyncio.sleep(0)
    await job.func()  # the next interval, while the first still drains
    await job.func()
    assert calls == 1
    release.set()
    await first
    await job.func()  # once it is done, the next tick runs
    assert calls == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_failing_tick_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = 0

    async def tick() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database is locked")

    job = build_scheduler(tick, 30).get_job(JOB_ID)
    await job.func()
    await job.func()
    assert calls == 2
    assert [r.message for r in caplog.records if r.levelno == logging.ERROR] == [
        "reminder tick failed"
    ]


async def test_a_tick_cancelled_by_shutdown_ends_quietly(caplog: pytest.LogCaptureFixture) -> None:
    """The scheduler's shutdown cancels a running tick: the job ends without an error (which
    APScheduler would log with a traceback), and says why at INFO."""
    started = asyncio.Event()

    async def tick() -> None:
        started.set()
        await asyncio.Event().wait()  # sending, until cancelled

    job = build_scheduler(tick, 30).get_job(JOB_ID)
    caplog.set_level(logging.INFO)
    running = asyncio.create_task(job.func())
    await started.wait()
    running.cancel()
    await running  # returns: no CancelledError reaches APScheduler
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "shutting down" in caplog.text
