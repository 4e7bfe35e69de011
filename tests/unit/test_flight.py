"""SingleFlight: one heavy job per student and kind, released on exit or after going stale."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.flight import AlreadyRunning, SingleFlight
from tests.fakes import FakeClock

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222


async def test_a_second_job_of_the_same_kind_is_refused_until_the_first_ends() -> None:
    flights = SingleFlight(FakeClock())
    async with flights.hold(A, "export", "export"):
        with pytest.raises(AlreadyRunning) as refused:
            async with flights.hold(A, "export", "export"):
                pass
        assert "still working on your last export" in refused.value.user_message
        async with flights.hold(A, "progress", "chart"):  # another kind: fine
            pass
        async with flights.hold(B, "export", "export"):  # another student: fine
            pass
    async with flights.hold(A, "export", "export"):  # the first ended
        pass


async def test_a_failed_job_releases_its_hold() -> None:
    flights = SingleFlight(FakeClock())
    with pytest.raises(ValueError):
        async with flights.hold(A, "import", "import"):
            raise ValueError("boom")
    assert not flights.running(A, "import")


async def test_a_job_that_never_finished_stops_blocking_once_stale() -> None:
    clock = FakeClock()
    flights = SingleFlight(clock, stale_after=timedelta(minutes=5))
    stuck = flights.hold(A, "export", "export")
    await stuck.__aenter__()  # never exited, as after a crash mid-way
    clock.advance(timedelta(minutes=4))
    assert flights.running(A, "export")
    clock.advance(timedelta(minutes=1))
    async with flights.hold(A, "export", "export"):
        # The stale job ending late does not release the newer one's hold.
        await stuck.__aexit__(None, None, None)
        assert flights.running(A, "export")
    assert not flights.running(A, "export")
