"""IdentifyGate: processes sharing a token identify at most max_concurrency shards per 5 s, one
per bucket, taking turns through the store (an in-memory RateSlots here; the stores' own are
in tests/storage/test_shared_claims.py)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

from bot.discord_adapter.identify import CLOCK_MARGIN, IDENTIFY_WINDOW, IdentifyGate
from tests.fakes import FakeClock, InMemoryRateSlots

START = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


class SleepMovesTheClock:
    """Every sleep moves the shared clock on, so waiting costs no real time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    async def __call__(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)
        await asyncio.sleep(0)


def gates(
    count: int, slots: InMemoryRateSlots, clock: FakeClock, concurrency: int
) -> list[IdentifyGate]:
    async def limit() -> int:
        return concurrency

    return [
        IdentifyGate(slots, limit, now=clock.now, sleep=SleepMovesTheClock(clock))
        for _ in range(count)
    ]


async def test_three_processes_identify_one_bucket_five_seconds_apart() -> None:
    """max_concurrency 1: shards 0, 1 and 2 in three processes, all wanting to identify at
    once, go one at a time, each a full window after the one before."""
    slots, clock = InMemoryRateSlots(), FakeClock(START)
    three = gates(3, slots, clock, concurrency=1)
    await asyncio.gather(*(gate.wait_turn(shard) for shard, gate in enumerate(three)))
    times = sorted(now for _, _, now in slots.taken)
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= IDENTIFY_WINDOW + CLOCK_MARGIN for gap in gaps), gaps
    assert times[-1] - times[0] < 3 * (IDENTIFY_WINDOW + CLOCK_MARGIN)  # no idle window


async def test_buckets_identify_together_and_a_process_waits_for_its_own_second_shard() -> None:
    """max_concurrency 2: shards 0 and 1 (buckets 0 and 1) go at once; shard 2 (bucket 0 again)
    in the same process as shard 0 waits the window."""
    slots, clock = InMemoryRateSlots(), FakeClock(START)
    first, second = gates(2, slots, clock, concurrency=2)
    await asyncio.gather(first.wait_turn(0), second.wait_turn(1))
    assert [now for _, _, now in slots.taken] == [START, START]
    await first.wait_turn(2)
    name, _, when = slots.taken[-1]
    assert name == "identify/0" and when - START >= IDENTIFY_WINDOW


async def test_an_unreadable_limit_identifies_one_at_a_time() -> None:
    async def broken() -> int:
        raise OSError("gateway/bot unreachable")

    gate = IdentifyGate(InMemoryRateSlots(), broken, now=FakeClock(START).now)
    assert await gate.concurrency() == 1
    assert timedelta(0) < CLOCK_MARGIN < IDENTIFY_WINDOW
