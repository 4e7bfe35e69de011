"""SingleFlight: one heavy job per student and kind, released on exit or after going stale
(over the in-memory ledger; the stores' ledgers are held to the same rule in
tests/storage/test_job_ledger.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.flight import AlreadyRunning, CoolingDown, SingleFlight
from tests.fakes import FakeClock, InMemoryJobLedger

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222


async def test_a_second_job_of_the_same_kind_is_refused_until_the_first_ends() -> None:
    flights = SingleFlight(InMemoryJobLedger(), FakeClock(), cooldowns={})
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
    ledger = InMemoryJobLedger()
    flights = SingleFlight(ledger, FakeClock())
    with pytest.raises(ValueError):
        async with flights.hold(A, "import", "import"):
            raise ValueError("boom")
    assert ledger.slots == {}


async def test_a_job_that_never_finished_stops_blocking_once_stale() -> None:
    clock = FakeClock()
    flights = SingleFlight(
        InMemoryJobLedger(), clock, stale_after=timedelta(minutes=5), cooldowns={}
    )
    stuck = flights.hold(A, "export", "export")
    await stuck.__aenter__()  # never exited, as after a crash mid-way
    clock.advance(timedelta(minutes=4))
    with pytest.raises(AlreadyRunning):
        async with flights.hold(A, "export", "export"):
            pass
    clock.advance(timedelta(minutes=1))
    async with flights.hold(A, "export", "export"):
        # The stale job ending late does not release the newer one's hold.
        await stuck.__aexit__(None, None, None)
        with pytest.raises(AlreadyRunning):
            async with flights.hold(A, "export", "export"):
                pass
    async with flights.hold(A, "export", "export"):  # the newer one ended
        pass


async def test_a_job_that_succeeded_cools_down_for_its_kind() -> None:
    clock = FakeClock()
    flights = SingleFlight(InMemoryJobLedger(), clock, cooldowns={"export": timedelta(minutes=2)})
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
    flights = SingleFlight(
        InMemoryJobLedger(), FakeClock(), cooldowns={"import": timedelta(seconds=10)}
    )
    with pytest.raises(ValueError):
        async with flights.hold(A, "import", "import"):
            raise ValueError("not a contacts file")
    async with flights.hold(A, "import", "import"):
        pass


async def test_two_processes_share_one_ledger() -> None:
    """Two bots (two SingleFlights) over one ledger, as two processes over one database: a job
    running in one is refused in the other, and so is its cooldown."""
    clock, ledger = FakeClock(), InMemoryJobLedger()
    first = SingleFlight(ledger, clock, cooldowns={"export": timedelta(minutes=2)})
    second = SingleFlight(ledger, clock, cooldowns={"export": timedelta(minutes=2)})
    async with first.hold(A, "export", "export"):
        with pytest.raises(AlreadyRunning):
            async with second.hold(A, "export", "export"):
                pass
    with pytest.raises(CoolingDown):
        async with second.hold(A, "export", "export"):
            pass
    clock.advance(timedelta(minutes=2))
    async with second.hold(A, "export", "export"):
        pass


async def test_a_job_that_does_not_end_the_work_leaves_no_cooldown() -> None:
    """One part of an export in several parts: the next part can come straight after."""
    flights = SingleFlight(
        InMemoryJobLedger(), FakeClock(), cooldowns={"import": timedelta(seconds=5)}
    )
    async with flights.hold(A, "import", "import") as job:
        job.cools_down = False
    async with flights.hold(A, "import", "import"):
        pass
    with pytest.raises(CoolingDown):
        async with flights.hold(A, "import", "import"):
            pass
