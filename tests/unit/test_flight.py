"""SingleFlight: one heavy job per student and kind, released on exit or after going stale."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.flight import AlreadyRunning, CoolingDown, SingleFlight
from tests.fakes import FakeClock

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222


async def test_a_second_job_of_the_same_kind_is_refused_until_the_first_ends() -> None:
    flights = SingleFlight(FakeClock(), cooldowns={})
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


async def test_a_job_that_succeeded_cools_down_for_its_kind() -> None:
    clock = FakeClock()
    flights = SingleFlight(clock, cooldowns={"export": timedelta(minutes=2)})
    async with flights.hold(A, "export", "export"):
        pass
    clock.advance(timedelta(seconds=30))
    with pytest.raises(CoolingDown) as refused:
        async with flights.hold(A, "export", "export"):
            pass
    assert refused.value.user_message == (
        "Your last export is just above. You can ask for another in 90 seconds."
    )
    async with flights.hold(B, "export", "export"):  # another student: fine
        pass
    async with flights.hold(A, "progress", "chart"):  # a kind with no cooldown: fine
        pass
    clock.advance(timedelta(seconds=90))
    async with flights.hold(A, "export", "export"):  # cooled down
        pass


async def test_a_failed_job_leaves_no_cooldown() -> None:
    """A rejected file can be corrected and sent again at once."""
    flights = SingleFlight(FakeClock(), cooldowns={"import": timedelta(seconds=10)})
    with pytest.raises(ValueError):
        async with flights.hold(A, "import", "import"):
            raise ValueError("not a contacts file")
    async with flights.hold(A, "import", "import"):
        pass


async def test_finished_jobs_are_forgotten_once_cooled_down() -> None:
    clock = FakeClock()
    flights = SingleFlight(clock, cooldowns={"progress": timedelta(seconds=20)})
    for student in range(5000):
        async with flights.hold(student, "progress", "chart"):
            pass
        clock.advance(timedelta(milliseconds=10))
    # Remembered cooldowns are swept as they expire: memory stays bounded whatever the school.
    assert len(flights._finished) < 4096


async def test_a_job_that_does_not_end_the_work_leaves_no_cooldown() -> None:
    """One part of an export in several parts: the next part can come straight after."""
    flights = SingleFlight(FakeClock(), cooldowns={"import": timedelta(seconds=5)})
    async with flights.hold(A, "import", "import") as job:
        job.cools_down = False
    async with flights.hold(A, "import", "import"):
        pass
    with pytest.raises(CoolingDown):
        async with flights.hold(A, "import", "import"):
            pass
