"""What several bot processes on one PostgreSQL database rely on: each process has its own pool,
and the database, not a process's lock, decides who wins (SQLite has one process and one
connection, so these cannot happen there)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.core.restore import AccountNotEmpty
from bot.storage.backends import Repositories, postgres_repositories
from bot.storage.postgres.database import open_pool
from tests.conftest import PgDatabase
from tests.storage.test_restore_repository_contract import RESTORE

pytestmark = pytest.mark.storage

NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
STUDENTS = range(1, 26)


@pytest.fixture
async def processes(pg_database: PgDatabase) -> AsyncIterator[list[Repositories]]:
    """Three "processes": three pools on one database."""
    url = await pg_database()
    pools: list[asyncpg.Pool] = [await open_pool(url, min_size=2, max_size=5) for _ in range(3)]
    made = [postgres_repositories(pool) for pool in pools]
    for student in STUDENTS:
        await made[0].students.get_or_create(student, now=NOW)
    yield made
    for pool in pools:
        await pool.close()


async def test_each_occurrence_is_claimed_by_exactly_one_process(
    processes: list[Repositories],
) -> None:
    """Every process claims every student's digest at once: one claim each, never two."""
    attempts = [
        repos.reminders.claim(student, "digest", "2026-W10", due_at=NOW, now=NOW)
        for student in STUDENTS
        for repos in processes
        for _ in range(2)
    ]
    won = [claim for claim in await asyncio.gather(*attempts) if claim is not None]
    assert sorted(claim.student_id for claim in won) == list(STUDENTS)
    assert len({claim.id for claim in won}) == len(STUDENTS)


async def test_the_digest_moves_on_once_when_processes_race(
    processes: list[Repositories],
) -> None:
    """advance_digest is a compare-and-set: of the processes that saw the same due time, one
    moves it on."""
    from bot.core.models import ReminderSettings

    later = NOW.replace(day=15)
    await processes[0].reminders.save_settings(
        ReminderSettings(student_id=1, consented_at=NOW, next_digest_at=NOW)
    )
    moved = await asyncio.gather(
        *(
            repos.reminders.advance_digest(1, expected=NOW, following=later)
            for repos in processes
            for _ in range(3)
        )
    )
    assert moved.count(True) == 1
    settings = await processes[1].reminders.get_settings(1)
    assert settings is not None and settings.next_digest_at == later


async def test_two_restores_into_one_account_at_once_write_one(
    processes: list[Repositories],
) -> None:
    """Two Import clicks on two previews, in two processes: the student's row lock lets one
    restore; the other finds the account full and writes nothing."""
    results = await asyncio.gather(
        processes[0].restore.restore(7, RESTORE),
        processes[1].restore.restore(7, RESTORE),
        return_exceptions=True,
    )
    assert sum(result is None for result in results) == 1
    assert sum(isinstance(result, AccountNotEmpty) for result in results) == 1
    held = await processes[2].restore.holdings(7)
    assert held["contacts"] == len(RESTORE.contacts)
    assert held["events"] == len(RESTORE.events)
