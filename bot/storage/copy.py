"""`coach db copy SOURCE_URL TARGET_URL`: a whole database from one store to the other
(SQLite → PostgreSQL to move a school onto a server, and back), verified row for row.

Both sides are first brought to the latest schema; the target must be empty. Every table is
copied in the order its foreign keys need, ids and all, in one transaction on the target; the
columns the triggers keep (the due day, the progress days) are copied too and the triggers
recompute them to the same values. Then each table is read back on both sides in key order and
compared by its row count and a SHA-256 over its rows (canonical JSON of each row's values), so
a copy that dropped, changed or added anything fails loudly instead of going live.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from bot.storage import database as sqlite
from bot.storage.postgres import database as postgres
from bot.storage.postgres.database import Conn

# Every table, parents before children, with the key its rows are compared in.
TABLES: dict[str, str] = {
    "students": "id",
    "guild_settings": "guild_id",
    "guild_event_settings": "guild_id",
    "scheduled_event_endings": "id",
    "contacts": "id",
    "exchanges": "id",
    "pending_actions": "id",
    "profiles": "student_id",
    "drafts": "id",
    "reminder_settings": "student_id",
    "reminders": "id",
    "deliveries": "id",
    "coach_state": "student_id",
    "events": "id",
    "contact_events": "contact_id, event_id",
    "season_plans": "student_id",
    "letter_requests": "id",
    "interviews": "event_id",
    "job_claims": "student_id, kind",
    "sender_leases": "name",
    "linked_accounts": "front_end, account_id",
    "link_codes": "code_hash",
}
# Copied in the order they were made (people at an event are listed in link order).
COPY_ORDER = {"contact_events": "rowid"}
# Columns a store has for itself (PostgreSQL's stand-in for SQLite's implicit rowid).
OWN_COLUMNS = frozenset({"rowid"})
BATCH = 1000


class CopyRefused(Exception):
    """The copy cannot start (the target holds data, the schemas differ); one line."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int
    checksum: str  # SHA-256, hex, the same on both sides


class _Side:
    """One end of the copy: reads a table in batches, writes rows, reads its columns."""

    async def tables(self) -> set[str]:
        """Every table of the schema but the store's own bookkeeping."""
        raise NotImplementedError

    async def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    def rows(
        self, table: str, columns: list[str], order: str
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        raise NotImplementedError

    async def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    async def begin(self) -> None:
        raise NotImplementedError

    async def commit(self) -> None:
        raise NotImplementedError

    async def rollback(self) -> None:
        raise NotImplementedError

    async def after_copy(self) -> None:
        """Whatever the store needs once the rows are in (PostgreSQL: its sequences)."""

    async def close(self) -> None:
        raise NotImplementedError


class _Sqlite(_Side):
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def tables(self) -> set[str]:
        async with self._db.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cursor:
            return {row[0] for row in await cursor.fetchall()}

    async def columns(self, table: str) -> list[str]:
        async with self._db.execute(f"PRAGMA table_info({table})") as cursor:
            return [row[1] for row in await cursor.fetchall()]

    async def rows(
        self, table: str, columns: list[str], order: str
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        async with self._db.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
        ) as cursor:
            while batch := await cursor.fetchmany(BATCH):
                yield [tuple(row) for row in batch]

    async def is_empty(self, table: str) -> bool:
        async with self._db.execute(f"SELECT EXISTS (SELECT 1 FROM {table})") as cursor:
            row = await cursor.fetchone()
        return not (row and row[0])

    async def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        await self._db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    async def begin(self) -> None:
        await self._db.execute("BEGIN IMMEDIATE")

    async def commit(self) -> None:
        await self._db.execute("COMMIT")

    async def rollback(self) -> None:
        if self._db.in_transaction:
            await self._db.execute("ROLLBACK")

    async def close(self) -> None:
        await self._db.close()


class _Postgres(_Side):
    def __init__(self, db: asyncpg.Connection) -> None:
        self._db: Conn = db
        self._transaction: Any = None

    async def tables(self) -> set[str]:
        rows = await self._db.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
        )
        return {row[0] for row in rows}

    async def columns(self, table: str) -> list[str]:
        rows = await self._db.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = $1 ORDER BY ordinal_position",
            table,
        )
        return [row[0] for row in rows]

    async def rows(
        self, table: str, columns: list[str], order: str
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        # A cursor needs a transaction; a read-only one gives the whole table one snapshot.
        async with self._db.transaction(readonly=True):
            cursor = await self._db.cursor(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            )
            while batch := await cursor.fetch(BATCH):
                yield [tuple(row) for row in batch]

    async def is_empty(self, table: str) -> bool:
        return not await self._db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})")

    async def insert(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        await self._db.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    async def begin(self) -> None:
        self._transaction = self._db.transaction()
        await self._transaction.start()

    async def commit(self) -> None:
        self._transaction, started = None, self._transaction
        await started.commit()

    async def rollback(self) -> None:
        if self._transaction is not None:
            self._transaction, started = None, self._transaction
            await started.rollback()

    async def after_copy(self) -> None:
        # Ids were copied as they were: move each identity past the highest, so the next
        # row the bot adds gets a fresh one.
        for table, key in TABLES.items():
            if key != "id":
                continue
            await self._db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce(max(id), 0) + 1, false) FROM {table}"
            )

    async def close(self) -> None:
        await self._db.close()


async def _open(target: Path | str) -> _Side:
    """A migrated store: `target` is a SQLite file's path or a PostgreSQL URL."""
    if isinstance(target, Path):
        db = await sqlite.open_database(target)
        await sqlite.migrate(db)
        return _Sqlite(db)
    try:
        connection = await asyncpg.connect(target)
    except (OSError, asyncpg.PostgresError) as error:
        raise postgres.DatabaseUnusable(f"can't use the PostgreSQL database: {error}") from None
    await postgres.migrate(connection)
    return _Postgres(connection)


async def _digest(side: _Side, table: str, columns: list[str]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    async for batch in side.rows(table, columns, TABLES[table]):
        for row in batch:
            digest.update(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode())
            digest.update(b"\n")
        count += len(batch)
    return count, digest.hexdigest()


async def copy_database(source: Path | str, target: Path | str) -> list[TableCopy]:
    """Copy every row of `source` into the empty `target` and verify each table."""
    reader = await _open(source)
    try:
        writer = await _open(target)
        try:
            return await _copy(reader, writer)
        finally:
            await writer.close()
    finally:
        await reader.close()


async def _copy(reader: _Side, writer: _Side) -> list[TableCopy]:
    # A table this copy does not know (a migration added it) would be left behind: refuse.
    unknown = (await reader.tables() | await writer.tables()) - set(TABLES)
    if unknown:
        raise CopyRefused(f"tables this copy does not know: {sorted(unknown)}; update TABLES")
    shared: dict[str, list[str]] = {}
    for table in TABLES:
        theirs = [c for c in await reader.columns(table) if c not in OWN_COLUMNS]
        ours = [c for c in await writer.columns(table) if c not in OWN_COLUMNS]
        if theirs != ours:
            raise CopyRefused(f"the two databases' {table} tables differ: {theirs} / {ours}")
        shared[table] = theirs
        async for batch in writer.rows(table, ["1"], TABLES[table]):
            if batch:
                raise CopyRefused(
                    f"the target already holds data (table {table}); use an empty one"
                )
            break
    await writer.begin()
    try:
        for table, columns in shared.items():
            order = COPY_ORDER.get(table, TABLES[table])
            async for batch in reader.rows(table, columns, order):
                await writer.insert(table, columns, batch)
        await writer.after_copy()
    except BaseException:
        await writer.rollback()
        raise
    await writer.commit()
    copied = []
    for table, columns in shared.items():
        count, checksum = await _digest(reader, table, columns)
        landed = await _digest(writer, table, columns)
        if landed != (count, checksum):
            raise RuntimeError(
                f"{table}: the copy differs from the source ({landed[0]} rows, source {count})"
            )
        copied.append(TableCopy(table, count, checksum))
    return copied
