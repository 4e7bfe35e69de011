"""The storage backends the repository contract runs on: SQLite (a real file) and PostgreSQL
(a database of the test's own on the session's server, see tests/conftest.py).

`open_store(kind, …)` opens a migrated, empty store; `store.make("contacts")` builds that
store's repository; `store.rows(sql, *params)` reads raw rows on either (SQL written with `?`).
A contract module runs on PostgreSQL once every repository it uses is ported: its fixture's
parameters come from `kinds_for(<the repositories it uses>)`, so a repository not yet written
leaves PostgreSQL out of that module instead of skipping tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.storage.coaching import SqliteCoachRepository
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.events import SqliteEventRepository
from bot.storage.jobs import SqliteJobLedger
from bot.storage.links import SqliteAccountLinkRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.postgres.coaching import PgCoachRepository
from bot.storage.postgres.contacts import PgContactRepository
from bot.storage.postgres.drafts import PgDraftRepository
from bot.storage.postgres.events import PgEventRepository
from bot.storage.postgres.jobs import PgJobLedger
from bot.storage.postgres.links import PgAccountLinkRepository
from bot.storage.postgres.pending import PgPendingRepository
from bot.storage.postgres.privacy import PgPrivacyRepository
from bot.storage.postgres.profiles import PgProfileRepository
from bot.storage.postgres.reminders import PgReminderRepository
from bot.storage.postgres.restore import PgRestoreRepository
from bot.storage.postgres.rows import numbered
from bot.storage.postgres.season import PgSeasonRepository
from bot.storage.postgres.sender_lease import PgRateSlots, PgSenderLease
from bot.storage.postgres.students import PgStudentRepository
from bot.storage.privacy import SqlitePrivacyRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.restore import SqliteRestoreRepository
from bot.storage.season import SqliteSeasonRepository
from bot.storage.sender_lease import SqliteRateSlots, SqliteSenderLease
from bot.storage.students import SqliteStudentRepository

SQLITE = "sqlite"
POSTGRES = "postgresql"

# Each repository on each store; None where PostgreSQL's is not written yet.
REPOSITORIES: dict[str, tuple[type, type | None]] = {
    "students": (SqliteStudentRepository, PgStudentRepository),
    "contacts": (SqliteContactRepository, PgContactRepository),
    "pending": (SqlitePendingRepository, PgPendingRepository),
    "profiles": (SqliteProfileRepository, PgProfileRepository),
    "drafts": (SqliteDraftRepository, PgDraftRepository),
    "coach": (SqliteCoachRepository, PgCoachRepository),
    "events": (SqliteEventRepository, PgEventRepository),
    "reminders": (SqliteReminderRepository, PgReminderRepository),
    "privacy": (SqlitePrivacyRepository, PgPrivacyRepository),
    "restore": (SqliteRestoreRepository, PgRestoreRepository),
    "season": (SqliteSeasonRepository, PgSeasonRepository),
    "jobs": (SqliteJobLedger, PgJobLedger),
    "sender_lease": (SqliteSenderLease, PgSenderLease),
    "rate_slots": (SqliteRateSlots, PgRateSlots),
    "links": (SqliteAccountLinkRepository, PgAccountLinkRepository),
}


def kinds_for(*names: str) -> list[str]:
    """The stores a module using these repositories runs on."""
    unknown = set(names) - set(REPOSITORIES)
    assert not unknown, unknown
    ported = all(REPOSITORIES[name][1] is not None for name in names)
    return [SQLITE, POSTGRES] if ported else [SQLITE]


@dataclass
class Store:
    kind: str
    handle: Any  # aiosqlite.Connection or asyncpg.Pool

    def make(self, name: str) -> Any:
        sqlite, postgres = REPOSITORIES[name]
        made = sqlite if self.kind == SQLITE else postgres
        assert made is not None, f"no PostgreSQL {name} repository yet"
        return made(self.handle)

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.kind == SQLITE:
            async with self.handle.execute(sql, params) as cursor:
                return [tuple(row) for row in await cursor.fetchall()]
        return [tuple(row) for row in await self.handle.fetch(numbered(sql), *params)]

    async def execute(self, sql: str, *params: Any) -> None:
        if self.kind == SQLITE:
            await self.handle.execute(sql, params)
        else:
            await self.handle.execute(numbered(sql), *params)

    async def close(self) -> None:
        await self.handle.close()


async def open_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A migrated, empty store of `kind`, closed by the caller."""
    if kind == SQLITE:
        db = await open_database(tmp_path / "stores" / "coach.sqlite3")
        await migrate(db)
        return Store(SQLITE, db)
    if kind == POSTGRES:
        from bot.storage.postgres.database import open_pool

        url = await request.getfixturevalue("pg_database")()
        return Store(POSTGRES, await open_pool(url, min_size=1, max_size=4))
    raise ValueError(kind)


class Opener:
    """Opens stores of one kind again and again, for tests that run many short scenarios (a
    property test's examples, each in its own event loop, so each with its own connections).

    `fresh()` is an empty migrated store (a new SQLite file; PostgreSQL's one database of the
    test, emptied: a database per example would fill the disk with copies of the template);
    `reopen()` is the last one again, with its rows."""

    def __init__(self, kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
        self.kind = kind
        self._folder = tmp_path / "stores"
        self._count = 0
        self._new_database = request.getfixturevalue("pg_database") if kind == POSTGRES else None
        self._url: str | None = None

    async def fresh(self) -> Store:
        self._count += 1
        if self.kind == SQLITE:
            return await self.reopen()
        if self._url is None:
            assert self._new_database is not None
            self._url = await self._new_database()
            return await self.reopen()
        store = await self.reopen()
        tables = await store.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
        )
        names = ", ".join(f'"{name}"' for (name,) in tables)
        await store.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return store

    async def reopen(self) -> Store:
        if self.kind == SQLITE:
            db = await open_database(self._folder / f"coach-{self._count}.sqlite3")
            await migrate(db)
            return Store(SQLITE, db)
        from bot.storage.postgres.database import open_pool

        assert self._url is not None
        return Store(POSTGRES, await open_pool(self._url, min_size=1, max_size=2))


@pytest.fixture(params=[SQLITE, POSTGRES])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Each store in turn, for modules whose every repository exists on both."""
    made = await open_store(request.param, request, tmp_path)
    yield made
    await made.close()
