"""The loop-lag monitor: its summary, and that it logs numbers only and stops cleanly."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.looplag import LoopLagMonitor, lag_summary


def test_lag_summary_is_nearest_rank() -> None:
    samples = [i / 1000 for i in range(100)]  # 0 … 99 ms
    assert lag_summary(samples) == (0.049, 0.098, 0.099)
    assert lag_summary([0.002]) == (0.002, 0.002, 0.002)


async def test_monitor_logs_a_window_and_stops(caplog: pytest.LogCaptureFixture) -> None:
    """With a tiny window it reports at once; stop() cancels it without an error."""
    caplog.set_level(logging.INFO, logger="bot.looplag")
    monitor = LoopLagMonitor(0.001, sample_seconds=0.001)
    monitor.start()
    for _ in range(200):
        await asyncio.sleep(0.001)
        if caplog.records:
            break
    await monitor.stop()
    assert caplog.records and caplog.records[0].getMessage().startswith("loop lag n=")
