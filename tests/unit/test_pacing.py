"""The Discord adapter's Pacer: spacing and one-second windows under Discord's global rate limit,
and how many digest sends it keeps in flight (from the rate and Discord's answer time)."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import math

import pytest

from bot.discord_adapter.pacing import (
    COVER_SECONDS,
    DEFAULT_RATE,
    MAX_IN_FLIGHT,
    Pacer,
    sends_in_flight,
)
from tests.fakes import FakeSleep


@pytest.mark.parametrize("answer_ms", [0, 120, 250, 500, 800, 1500])
@pytest.mark.parametrize("rate", [10.0, 47.0, 50.0])
def test_in_flight_covers_the_rate_for_the_answer_time(rate: float, answer_ms: int) -> None:
    """Little's law: enough sends in flight to start `rate` a second when each takes the
    answer time, and never sized for less than half a second."""
    answer = answer_ms / 1000
    in_flight = sends_in_flight(rate, answer)
    covered = max(answer, COVER_SECONDS)
    assert in_flight >= rate * covered  # sustains the rate
    assert in_flight >= math.ceil(rate * covered) + 1  # with room for answers that vary
    assert in_flight <= max(4, math.ceil(rate * covered * 1.5))  # not far more than needed


def test_in_flight_is_capped_when_discord_stalls() -> None:
    assert sends_in_flight(47.0, 60.0) == MAX_IN_FLIGHT


def test_default_pacer_covers_half_a_second_at_the_default_rate() -> None:
    """Before any answer is seen, the default rate with 500 ms answers is already sustainable
    (the fixed 8 of before capped fan-out at 32/s once answers took 250 ms)."""
    pacer = Pacer(DEFAULT_RATE)
    assert pacer.concurrency >= DEFAULT_RATE * 0.5
    assert pacer.concurrency == sends_in_flight(DEFAULT_RATE, 0.0)


async def test_slow_answers_observed_widen_the_bound() -> None:
    """Answers slower than COVER_SECONDS raise the bound to match what is observed."""
    clock = FakeSleep()
    pacer = Pacer(47.0, monotonic=clock.monotonic, sleep=clock)
    before = pacer.concurrency
    for _ in range(60):
        async with pacer:
            clock.now += 1.2  # Discord took 1.2 s to answer
    assert pacer.answer_seconds == pytest.approx(1.2, rel=0.01)
    assert pacer.concurrency == sends_in_flight(47.0, pacer.answer_seconds) > before


async def test_the_bound_holds_concurrent_sends() -> None:
    """No more requests than the bound are ever in flight together."""
    clock = FakeSleep()
    pacer = Pacer(1e6, monotonic=clock.monotonic, sleep=clock)
    bound = pacer.concurrency
    in_flight = most = 0

    async def send() -> None:
        nonlocal in_flight, most
        async with pacer:
            in_flight += 1
            most = max(most, in_flight)
            for _ in range(3):
                await asyncio.sleep(0)
            in_flight -= 1

    await asyncio.gather(*(send() for _ in range(bound * 3)))
    assert most == bound


async def test_pacer_spaces_starts_and_bounds_concurrency() -> None:
    """100 sends through the Pacer start at least 1/rate apart, at most `bound` at once."""
    fake = FakeSleep()
    rate, bound = 40.0, 5
    pacer = Pacer(rate, bound, monotonic=fake.monotonic, sleep=fake)
    starts: list[float] = []
    in_flight = 0
    most = 0

    async def send(index: int) -> None:
        nonlocal in_flight, most
        async with pacer:
            starts.append(fake.monotonic())
            in_flight += 1
            most = max(most, in_flight)
            for _ in range(index % 4 + 1):
                await asyncio.sleep(0)
            in_flight -= 1

    await asyncio.gather(*(send(i) for i in range(100)))
    assert len(starts) == 100
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 1 / rate - 1e-9
    assert most == bound
    assert sum(fake.calls) == pytest.approx(99 / rate)


async def test_pacer_does_not_wait_when_idle() -> None:
    """A request after a long quiet spell starts at once (no sleep)."""
    fake = FakeSleep()
    pacer = Pacer(10.0, 2, monotonic=fake.monotonic, sleep=fake)
    async with pacer:
        pass
    fake.now += 5
    async with pacer:
        pass
    assert fake.calls == []


async def test_pacer_releases_on_error() -> None:
    """A send that raises still frees its slot."""
    fake = FakeSleep()
    pacer = Pacer(1e6, 1, monotonic=fake.monotonic, sleep=fake)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            async with pacer:
                raise RuntimeError("boom")
    async with pacer:
        pass


async def test_pacer_never_starts_more_than_rate_in_any_second_even_after_a_stall() -> None:
    """Waiters held up by a stalled loop leave spaced, not in a burst: at most floor(rate)
    starts in any one-second window, and no two starts closer than half an interval."""
    fake = FakeSleep()
    rate = 47.0
    pacer = Pacer(rate, 8, monotonic=fake.monotonic, sleep=fake)
    starts: list[float] = []

    async def send(index: int) -> None:
        async with pacer:
            starts.append(fake.monotonic())
            if index == 20:
                fake.now += 0.7  # the loop stalls for 700 ms inside one request

    await asyncio.gather(*(send(i) for i in range(300)))
    starts.sort()
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.5 / rate - 1e-9
    most_in_a_second = max(bisect.bisect_left(starts, s + 1.0) - i for i, s in enumerate(starts))
    assert most_in_a_second <= 47
