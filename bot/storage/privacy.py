"""SqlitePrivacyRepository: everything stored about one student, to export or to delete.

The export is the export format's records (bot/core/export_format.py), read section by
section from the tables `export_records.SECTION_SOURCES` names, in one read transaction.

Every per-student table references `students(id)` with ON DELETE CASCADE, so deleting the
student's row removes all of it in one statement; the counts before and after prove it.

Deleted means unreadable too: the connection runs with `secure_delete` (freed content is
overwritten with zeros), and a checkpoint afterwards moves those zeros into the database file
and empties the write-ahead log, which still held the rows as they were written.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.export_format import ExportSnapshot
from bot.storage.export_records import SECTION_SOURCES, Row
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
    # The residency season (migration 0012).
    "season_plans": "student_id",
    "letter_requests": "owner_id",
    "interviews": "owner_id",
    # Linked accounts and link codes (migration 0018): deleted with the record; named in the
    # export's cover message rather than its tables (the export format doesn't carry them).
    "linked_accounts": "student_id",
    "link_codes": "student_id",
}
# Linked accounts are bookkeeping of the record, not the student's data: outside the export
# format and the restore's emptiness check (a linked account may restore into its record).
LINK_TABLES = frozenset({"linked_accounts", "link_codes"})


# Rows turned into records per turn of the event loop: ~2 ms of a student at the caps each.
SNAPSHOT_BATCH = 500
# A reader waits at most this long for a checkpoint that holds the WAL's index.
READER_BUSY_TIMEOUT_MS = 5000


class SqlitePrivacyRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def snapshot(self, student_id: int) -> ExportSnapshot:
        """Every exported record of the student's, section by section, as of one instant (the
        reads share one transaction)."""
        data: dict[str, Any] = {}
        async with self._reader() as reader:
            await reader.execute("BEGIN")
            try:
                for section, (table, column, order, record) in SECTION_SOURCES.items():
                    data[section] = await self._records(
                        reader,
                        f"SELECT * FROM {table} WHERE {column} = ? ORDER BY {order}",
                        student_id,
                        record,
                    )
            finally:
                await reader.execute("COMMIT")
        return ExportSnapshot(**data)

    @staticmethod
    async def _records(
        reader: aiosqlite.Connection, sql: str, student_id: int, record: Callable[[Row], object]
    ) -> tuple[object, ...]:
        records: list[object] = []
        async with reader.execute(sql, (student_id,)) as cursor:
            names = [d[0] for d in cursor.description]
            # In batches: each await lets the event loop serve others between them
            # (a student at the cap has tens of thousands of rows).
            while batch := await cursor.fetchmany(SNAPSHOT_BATCH):
                records.extend(record(dict(zip(names, row, strict=True))) for row in batch)
        return tuple(records)

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
