"""The bot's SQLite connection keeps every statement whole: a read is finished before any other
coroutine's statement runs, so a write never lands inside a stale read snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.database import open_database

pytestmark = pytest.mark.storage


async def test_a_write_between_two_fetches_of_a_read_is_not_refused(tmp_path: Path) -> None:
    """Half-way through reading rows, another process commits and this connection writes.

    With plain aiosqlite the read's statement would still be open, holding a snapshot older
    than the other process's commit, and SQLite refuses the write ("database is locked",
    SQLITE_BUSY_SNAPSHOT) whatever the busy timeout. The delivery tick used to hold a lock of
    its own against this; now the connection makes it impossible."""
    path = tmp_path / "coach.sqlite3"
    ours = await open_database(path)
    await ours.execute("CREATE TABLE t (x INTEGER)")
    await ours.executemany("INSERT INTO t (x) VALUES (?)", [(1,), (2,), (3,)])
    theirs = await open_database(path)
    try:
        async with ours.execute("SELECT x FROM t ORDER BY x") as cursor:
            first = await cursor.fetchone()
            await theirs.execute("INSERT INTO t (x) VALUES (10)")  # another process commits
            await ours.execute("UPDATE t SET x = x + 100 WHERE x = 1")  # and we write
            rest = await cursor.fetchall()
        assert first == (1,) and rest == [(2,), (3,)]  # the read is what it was when it ran
        async with ours.execute("SELECT x FROM t ORDER BY x") as cursor:
            assert await cursor.fetchall() == [(2,), (3,), (10,), (101,)]
    finally:
        await ours.close()
        await theirs.close()


async def test_finished_statements_keep_the_cursor_api(tmp_path: Path) -> None:
    """Counts, ids, columns and batched reads behave as sqlite3's cursor does."""
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
        cursor = await db.execute("INSERT INTO t (x) VALUES (7)")
        assert cursor.lastrowid == 1 and cursor.rowcount == 1
        await db.executemany("INSERT INTO t (x) VALUES (?)", [(n,) for n in range(5)])
        cursor = await db.execute("UPDATE t SET x = x + 1 WHERE x < 3")
        assert cursor.rowcount == 3
        async with db.execute("UPDATE t SET x = 0 WHERE x > 3 RETURNING id") as cursor:
            assert await cursor.fetchall() == [(1,), (6,)]
        assert cursor.rowcount == 2
        async with db.execute("SELECT id, x FROM t ORDER BY id") as cursor:
            assert [d[0] for d in cursor.description] == ["id", "x"]
            assert await cursor.fetchmany(4) == [(1, 0), (2, 1), (3, 2), (4, 3)]
            assert await cursor.fetchmany(4) == [(5, 3), (6, 0)]
            assert await cursor.fetchmany(4) == []
            assert await cursor.fetchone() is None
        async with db.execute("SELECT x FROM t WHERE id = 99") as cursor:
            assert await cursor.fetchone() is None
    finally:
        await db.close()
