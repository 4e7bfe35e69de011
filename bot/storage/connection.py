"""The bot's SQLite connection: every statement runs to its end in one turn of the connection's
thread, so the many coroutines sharing the connection never interleave inside a statement.

With plain aiosqlite a read is two turns: `execute` steps to the first row and leaves the
statement open, `fetchall` reads the rest later. Any other coroutine's statement can run in
between, and a write that lands there runs inside the open read's snapshot: once another
process has committed since that snapshot began, SQLite refuses the write (SQLITE_BUSY_SNAPSHOT,
"database is locked") and the busy timeout cannot help. The delivery tick used to serialise its
own database work with a lock for this reason; here the store keeps its own statements whole
instead, for every caller (the tick, interactions, every repository), with no lock at all:
each statement is stepped to the end and closed in the same call that starts it, and its rows
are handed out from memory afterwards.

A statement's rows are therefore all in memory at once. Every read the bot makes is bounded
(pages, limits, one student's rows); the export snapshot, the largest, already held every row.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager


class _Finished:
    """A statement run to its end: its rows, what it counted, and its columns."""

    __slots__ = ("description", "lastrowid", "rowcount", "rows")

    def __init__(self, connection: sqlite3.Connection, sql: str, parameters: Any) -> None:
        cursor = connection.execute(sql, parameters)
        try:
            # Stepping to SQLITE_DONE resets the statement: no read stays open after this call.
            self.rows: list[Any] = cursor.fetchall()
            self.description = cursor.description
            self.rowcount = cursor.rowcount
            self.lastrowid = cursor.lastrowid
        finally:
            cursor.close()


class FinishedCursor(aiosqlite.Cursor):
    """aiosqlite's cursor API over a finished statement: fetches read memory, not the thread."""

    def __init__(self, conn: aiosqlite.Connection, finished: _Finished) -> None:
        # No sqlite3 cursor is kept: the statement is already closed.
        self.iter_chunk_size = conn._iter_chunk_size
        self._conn = conn
        self._finished = finished
        self._at = 0

    def _take(self, size: int) -> list[Any]:
        rows = self._finished.rows[self._at : self._at + size]
        self._at += len(rows)
        return rows

    async def fetchone(self) -> Any:
        rows = self._take(1)
        return rows[0] if rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        # A caller reading in batches does so to let the loop serve others between them.
        await asyncio.sleep(0)
        return self._take(1 if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._take(len(self._finished.rows))

    async def close(self) -> None:
        pass

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        raise NotImplementedError("run statements on the connection, not on a finished cursor")

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> aiosqlite.Cursor:
        raise NotImplementedError("run statements on the connection, not on a finished cursor")

    async def executescript(self, sql_script: str) -> aiosqlite.Cursor:
        raise NotImplementedError("run statements on the connection, not on a finished cursor")

    @property
    def rowcount(self) -> int:
        return int(self._finished.rowcount)

    @property
    def lastrowid(self) -> int | None:
        return self._finished.lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        raise NotImplementedError("a finished cursor has no array size")

    @property
    def description(self) -> Any:
        return self._finished.description


class WholeStatementConnection(aiosqlite.Connection):
    """An aiosqlite connection whose `execute` runs each statement whole (see the module)."""

    @contextmanager
    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        finished = await self._execute(  # type: ignore[no-untyped-call]
            _Finished, self._conn, sql, [] if parameters is None else parameters
        )
        return FinishedCursor(self, finished)


def connect(path: str, **options: Any) -> WholeStatementConnection:
    """Like `aiosqlite.connect`, with statements kept whole; await it to open."""

    def connector() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(path, **options)
        return connection

    factory: Callable[[], sqlite3.Connection] = connector
    return WholeStatementConnection(factory, iter_chunk_size=64)
