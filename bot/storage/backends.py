"""The store the bot runs on, chosen by DATABASE_URL: every repository over one SQLite file
(the embedded default) or over one PostgreSQL database (a pool of connections).

The composition root (bot/app.py) opens one with `open_repositories` and hands each repository
to its service; mypy checks both stores' classes against the ports there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from bot.storage.coaching import SqliteCoachRepository
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.events import SqliteEventRepository
from bot.storage.jobs import SqliteJobLedger
from bot.storage.links import SqliteAccountLinkRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.postgres import database as postgres
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


@dataclass(frozen=True, slots=True)
class Repositories:
    kind: str  # SQLITE or POSTGRES
    handle: aiosqlite.Connection | asyncpg.Pool  # what close() closes
    students: SqliteStudentRepository | PgStudentRepository
    contacts: SqliteContactRepository | PgContactRepository
    pending: SqlitePendingRepository | PgPendingRepository
    profiles: SqliteProfileRepository | PgProfileRepository
    drafts: SqliteDraftRepository | PgDraftRepository
    coach: SqliteCoachRepository | PgCoachRepository
    events: SqliteEventRepository | PgEventRepository
    reminders: SqliteReminderRepository | PgReminderRepository
    privacy: SqlitePrivacyRepository | PgPrivacyRepository
    restore: SqliteRestoreRepository | PgRestoreRepository
    season: SqliteSeasonRepository | PgSeasonRepository
    jobs: SqliteJobLedger | PgJobLedger
    sender_lease: SqliteSenderLease | PgSenderLease
    rate_slots: SqliteRateSlots | PgRateSlots
    links: SqliteAccountLinkRepository | PgAccountLinkRepository

    async def close(self) -> None:
        await self.handle.close()


def sqlite_repositories(db: aiosqlite.Connection) -> Repositories:
    return Repositories(
        SQLITE,
        db,
        SqliteStudentRepository(db),
        SqliteContactRepository(db),
        SqlitePendingRepository(db),
        SqliteProfileRepository(db),
        SqliteDraftRepository(db),
        SqliteCoachRepository(db),
        SqliteEventRepository(db),
        SqliteReminderRepository(db),
        SqlitePrivacyRepository(db),
        SqliteRestoreRepository(db),
        SqliteSeasonRepository(db),
        SqliteJobLedger(db),
        SqliteSenderLease(db),
        SqliteRateSlots(db),
        SqliteAccountLinkRepository(db),
    )


def postgres_repositories(pool: asyncpg.Pool) -> Repositories:
    return Repositories(
        POSTGRES,
        pool,
        PgStudentRepository(pool),
        PgContactRepository(pool),
        PgPendingRepository(pool),
        PgProfileRepository(pool),
        PgDraftRepository(pool),
        PgCoachRepository(pool),
        PgEventRepository(pool),
        PgReminderRepository(pool),
        PgPrivacyRepository(pool),
        PgRestoreRepository(pool),
        PgSeasonRepository(pool),
        PgJobLedger(pool),
        PgSenderLease(pool),
        PgRateSlots(pool),
        PgAccountLinkRepository(pool),
    )


async def open_repositories(
    database_path: Path, postgres_url: str | None, **pool_options: Any
) -> Repositories:
    """Open and migrate the store: PostgreSQL when a URL is given, else the SQLite file."""
    if postgres_url is None:
        db = await open_database(database_path)
        try:
            await migrate(db)
        except BaseException:
            await db.close()
            raise
        return sqlite_repositories(db)
    pool = await postgres.open_pool(postgres_url, **pool_options)
    try:
        await postgres.migrate(pool)
    except BaseException:
        await pool.close()
        raise
    return postgres_repositories(pool)
