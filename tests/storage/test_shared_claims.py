"""What the bot's processes share through the store, on each store (SQLite, PostgreSQL): the job
ledger (one slot per student and kind, taken in one atomic step however many callers race for
it, freed by a cooldown's end or by going stale, gone with the student's account) and the sender
lease (one process sends proactive messages until its lease runs out or is released)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ports import JobSlot
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A, B = 111, 222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
STALE = timedelta(minutes=5)
COOL = timedelta(minutes=2)


@pytest.fixture(params=kinds_for("students", "jobs", "privacy"))
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(request.param, request, tmp_path)
    yield store
    await store.close()


async def claim(db: Store, token: str, at: datetime, student: int = A, kind: str = "export"):
    return await db.make("jobs").claim(
        student, kind, token, now=at, stale_before=at - STALE, free_after=at - COOL
    )


async def test_a_slot_is_taken_once_and_refused_while_its_job_runs(db: Store) -> None:
    assert await claim(db, "one", NOW) is None
    assert await claim(db, "two", NOW + timedelta(minutes=1)) == JobSlot(NOW, None)
    assert await claim(db, "b", NOW, student=B) is None  # another student
    assert await claim(db, "chart", NOW, kind="progress") is None  # another kind


async def test_a_finished_job_cools_down_then_frees_the_slot(db: Store) -> None:
    jobs = db.make("jobs")
    assert await claim(db, "one", NOW) is None
    done = NOW + timedelta(seconds=10)
    await jobs.finish(A, "export", "one", finished_at=done)
    assert await claim(db, "two", done + timedelta(seconds=30)) == JobSlot(NOW, done)
    assert await claim(db, "two", done + COOL) is None


async def test_a_released_job_leaves_no_trace(db: Store) -> None:
    jobs = db.make("jobs")
    assert await claim(db, "one", NOW) is None
    await jobs.finish(A, "export", "one", finished_at=None)
    assert await db.rows("SELECT COUNT(*) FROM job_claims") == [(0,)]
    assert await claim(db, "two", NOW) is None


async def test_a_stale_job_loses_its_slot_and_its_late_end_changes_nothing(db: Store) -> None:
    jobs = db.make("jobs")
    assert await claim(db, "dead", NOW) is None
    later = NOW + STALE
    assert await claim(db, "next", later) is None
    await jobs.finish(A, "export", "dead", finished_at=None)
    await jobs.finish(A, "export", "dead", finished_at=later)
    assert await claim(db, "third", later + timedelta(seconds=1)) == JobSlot(later, None)


async def test_of_many_racing_claims_exactly_one_wins(db: Store) -> None:
    """Several processes answering the same student at once (here, concurrent calls on the
    store: a pool of connections on PostgreSQL) take the slot once."""
    results = await asyncio.gather(*(claim(db, f"t{n}", NOW) for n in range(12)))
    assert sum(result is None for result in results) == 1


async def test_deleting_the_student_removes_their_slots(db: Store) -> None:
    await db.make("students").get_or_create(A, now=NOW)
    assert await claim(db, "one", NOW) is None
    assert await claim(db, "other", NOW, student=B) is None
    await db.make("privacy").delete_student(A)
    assert await db.rows("SELECT student_id FROM job_claims") == [(B,)]


@pytest.fixture(params=kinds_for("sender_lease"))
async def leases(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(request.param, request, tmp_path)
    yield store
    await store.close()


async def test_the_sender_lease_has_one_holder_until_it_runs_out(leases: Store) -> None:
    """One process sends: the lease is renewed by its holder, refused to another until it has
    run out (the holder died), then taken over; a release hands it over at once."""
    lease = leases.make("sender_lease")
    ttl = timedelta(seconds=30)
    assert await lease.hold("one", now=NOW, until=NOW + ttl)
    assert not await lease.hold("two", now=NOW, until=NOW + ttl)
    later = NOW + timedelta(seconds=20)
    assert await lease.hold("one", now=later, until=later + ttl)  # renewed
    assert not await lease.hold("two", now=NOW + ttl, until=NOW + 2 * ttl)  # still renewed
    expired = later + ttl
    assert await lease.hold("two", now=expired, until=expired + ttl)  # "one" died
    assert not await lease.hold("one", now=expired, until=expired + ttl)
    await lease.release("one")  # not its lease any more: nothing changes
    assert not await lease.hold("three", now=expired, until=expired + ttl)
    await lease.release("two")
    assert await lease.hold("three", now=expired, until=expired + ttl)


async def test_of_many_processes_racing_for_the_sender_lease_one_wins(leases: Store) -> None:
    lease = leases.make("sender_lease")
    until = NOW + timedelta(seconds=30)
    won = await asyncio.gather(*(lease.hold(f"p{n}", now=NOW, until=until) for n in range(12)))
    assert sum(won) == 1


@pytest.fixture(params=kinds_for("rate_slots", "sender_lease"))
async def slots(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(request.param, request, tmp_path)
    yield store
    await store.close()


async def test_a_rate_slot_is_nobody_elses_until_it_runs_out(slots: Store) -> None:
    """Turns at an outside limit (the gateway's identifies): a slot taken is refused to every
    other attempt, a second attempt of the same process included, until it has run out; slots
    of other names and the sender lease are apart."""
    rate = slots.make("rate_slots")
    window = timedelta(seconds=5)
    assert await rate.take("identify/0", "a:0:1", now=NOW, until=NOW + window)
    assert not await rate.take("identify/0", "a:1:2", now=NOW, until=NOW + window)
    assert not await rate.take("identify/0", "b:2:1", now=NOW + window / 2, until=NOW + window)
    assert await rate.take("identify/1", "b:1:1", now=NOW, until=NOW + window)  # another bucket
    assert await slots.make("sender_lease").hold("a", now=NOW, until=NOW + window)
    later = NOW + window
    assert await rate.take("identify/0", "b:2:1", now=later, until=later + window)
    racers = [
        rate.take("identify/0", f"p{n}", now=later + window, until=later + 2 * window)
        for n in range(8)
    ]
    assert sum(await asyncio.gather(*racers)) == 1
