"""PgPrivacyRepository: everything stored about one student, to export or to delete
(bot/storage/privacy.py on PostgreSQL: the same tables, and the same export records, read by
bot/storage/export_records.py).

Every per-student table references `students(id)` with ON DELETE CASCADE, as on SQLite: one
DELETE removes it all, and the counts before and after prove it. What SQLite's secure_delete
and checkpoint do for the file has no PostgreSQL statement: deleted rows stay in the table's
pages until (auto)vacuum reuses them, and in the write-ahead log and base backups until they
are recycled. The README's PostgreSQL section says so, beside pg_dump.
"""

from __future__ import annotations

from typing import Any

from bot.core.export_format import ExportSnapshot
from bot.storage.export_records import SECTION_SOURCES
from bot.storage.jobs import FORGET
from bot.storage.postgres.rows import Pool, numbered
from bot.storage.privacy import STUDENT_TABLES


class PgPrivacyRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def snapshot(self, student_id: int) -> ExportSnapshot:
        """Every exported record of the student's, section by section, as of one instant."""
        data: dict[str, Any] = {}
        async with self._pool.acquire() as connection, connection.transaction(readonly=True):
            # One snapshot of the whole account (REPEATABLE READ would be stricter still; a
            # student's own writes during their export are theirs to make).
            for section, (table, column, order, record) in SECTION_SOURCES.items():
                rows = await connection.fetch(
                    f"SELECT * FROM {table} WHERE {column} = $1 ORDER BY {order}", student_id
                )
                data[section] = tuple(record(dict(row.items())) for row in rows)
        return ExportSnapshot(**data)

    async def counts(self, student_id: int) -> dict[str, int]:
        found = {}
        for table, column in STUDENT_TABLES.items():
            n = await self._pool.fetchval(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = $1", student_id
            )
            found[table] = int(n or 0)
        return found

    async def delete_student(self, student_id: int) -> dict[str, int]:
        """Remove every row of the student's; returns how many rows each table lost."""
        before = await self.counts(student_id)
        await self._pool.execute(numbered(FORGET), student_id)
        await self._pool.execute("DELETE FROM students WHERE id = $1", student_id)
        after = await self.counts(student_id)
        leftovers = {table: n for table, n in after.items() if n}
        if leftovers:
            raise RuntimeError(f"rows left after deleting a student: {sorted(leftovers)}")
        return before
