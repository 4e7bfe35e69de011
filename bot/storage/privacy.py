"""SqlitePrivacyRepository: everything stored about one student, to export or to delete.

Every per-student table references `students(id)` with ON DELETE CASCADE, so deleting the
student's row removes all of it in one statement; the counts before and after prove it.

Deleted means unreadable too: the connection runs with `secure_delete` (freed content is
overwritten with zeros), and a checkpoint afterwards moves those zeros into the database file
and empties the write-ahead log, which still held the rows as they were written.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.jobs import FORGET

log = logging.getLogger(__name__)

# Each table holding a student's data, and the column that names the student.
STUDENT_TABLES: dict[str, str] = {
    "students": "id",
    "profiles": "student_id",
    "contacts": "owner_id",
    "exchanges": "owner_id",
    "drafts": "owner_id",
    "reminder_settings": "student_id",
    "reminders": "owner_id",
    "deliveries": "student_id",
    "coach_state": "student_id",
    "events": "owner_id",
    "contact_events": "owner_id",
    "pending_actions": "owner_id",
    # The residency season (migration 0012): counted so that a deletion proves them gone.
    "season_plans": "student_id",
    "letter_requests": "owner_id",
    "interviews": "owner_id",
    # Linked accounts and link codes (migration 0018): deleted with the record; named in the
    # export's cover message rather than its tables (the export format doesn't carry them).
    "linked_accounts": "student_id",
    "link_codes": "student_id",
}
# The season's tables are not in the export format yet (issue 16): the export reader refuses a
# table it doesn't know, so adding them here first would make every new export unrestorable.
SEASON_TABLES = frozenset({"season_plans", "letter_requests", "interviews"})
# What an export leaves out: internal bookkeeping with no meaning to the student.
LINK_TABLES = frozenset({"linked_accounts", "link_codes"})
NOT_EXPORTED = frozenset({"pending_actions", "deliveries"}) | SEASON_TABLES | LINK_TABLES
# Columns kept only for matching and search (derivable from the rest).
DERIVED_COLUMNS = frozenset(
    {"name_key", "specialty_key", "event_key", "email_key", "tags_key", "search_key"}
    # The parts of a contact's name: parsed again from `name` and `title` on restore.
    | {"name_title", "given_name", "middle_names", "family_name", "name_suffix", "post_nominals"}
    | {"person_key"}
    # The stored due rule (migration 0010), recomputed by the database.
    | {"due_on", "due_kind"}
    # The progress days (migration 0011), kept by the database from the exchanges.
    | {"first_outreach_on", "first_written_on", "last_replied_on"}
)


# Rows turned into dicts per turn of the event loop: ~2 ms of a student at the caps each.
SNAPSHOT_BATCH = 500
# A reader waits at most this long for a checkpoint that holds the WAL's index.
READER_BUSY_TIMEOUT_MS = 5000


class SqlitePrivacyRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def snapshot(self, student_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every exported row of the student's, table by table, column by column, as of one
        instant (the reads share one transaction)."""
        data: dict[str, list[dict[str, Any]]] = {}
        async with self._reader() as reader:
            await reader.execute("BEGIN")
            try:
                for table, column in STUDENT_TABLES.items():
                    if table not in NOT_EXPORTED:
                        data[table] = await self._rows(reader, table, column, student_id)
            finally:
                await reader.execute("COMMIT")
        return data

    @staticmethod
    async def _rows(
        reader: aiosqlite.Connection, table: str, column: str, student_id: int
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        async with reader.execute(
            f"SELECT * FROM {table} WHERE {column} = ? ORDER BY rowid", (student_id,)
        ) as cursor:
            names = [d[0] for d in cursor.description]
            # In batches: each await lets the event loop serve others between them
            # (a student at the cap has tens of thousands of rows).
            while batch := await cursor.fetchmany(SNAPSHOT_BATCH):
                rows.extend(
                    {k: v for k, v in zip(names, row, strict=True) if k not in DERIVED_COLUMNS}
                    for row in batch
                )
        return rows

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[aiosqlite.Connection]:
        """A read-only connection of the export's own, on its own thread.

        Reading a student at the caps takes ~150 ms of SQLite work; on the bot's connection every
        other student's statement would queue behind it. WAL lets this reader see one snapshot
        while the bot's connection goes on writing. An in-memory database has no second
        connection: it is read where it lives.
        """
        async with self._db.execute("PRAGMA database_list") as cursor:
            file = next((row[2] for row in await cursor.fetchall() if row[1] == "main"), "")
        if not file:
            yield self._db
            return
        reader = await aiosqlite.connect(
            f"{Path(file).as_uri()}?mode=ro", uri=True, isolation_level=None
        )
        try:
            await reader.execute(f"PRAGMA busy_timeout = {READER_BUSY_TIMEOUT_MS}")
            yield reader
        finally:
            await reader.close()

    async def counts(self, student_id: int) -> dict[str, int]:
        found = {}
        for table, column in STUDENT_TABLES.items():
            async with self._db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (student_id,)
            ) as cursor:
                row = await cursor.fetchone()
            found[table] = int(row[0]) if row else 0
        return found

    async def delete_student(self, student_id: int) -> dict[str, int]:
        """Remove every row of the student's; returns how many rows each table lost."""
        before = await self.counts(student_id)
        await self._db.execute(FORGET, (student_id,))
        await self._db.execute("DELETE FROM students WHERE id = ?", (student_id,))
        after = await self.counts(student_id)
        leftovers = {table: n for table, n in after.items() if n}
        if leftovers:
            raise RuntimeError(f"rows left after deleting a student: {sorted(leftovers)}")
        await self._erase_log()
        return before

    async def _erase_log(self) -> None:
        """Copy the zeroed pages into the database file and truncate the WAL to nothing."""
        async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            row = await cursor.fetchone()
        if row is not None and row[0]:
            # A reader held the log (a backup running): the next checkpoint finishes the job.
            log.warning("checkpoint after a deletion was blocked; it completes on the next one")
