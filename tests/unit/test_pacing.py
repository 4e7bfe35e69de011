"""How many digest sends the Pacer keeps in flight: from the rate and Discord's answer time."""

from __future__ import annotations

import asyncio
import math

import pytest

from bot.core.pacing import COVER_SECONDS, DEFAULT_RATE, MAX_IN_FLIGHT, Pacer, sends_in_flight
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
