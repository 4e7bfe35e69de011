"""Opening the database and applying numbered migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from bot.storage import database
from bot.storage.database import (
    BUSY_TIMEOUT_MS,
    Migration,
    available_migrations,
    migrate,
    open_database,
    schema_version,
)

pytestmark = pytest.mark.storage

TABLES = {
    "students",
    "contacts",
    "exchanges",
    "pending_actions",
    "profiles",
    "drafts",
    "reminder_settings",
    "coach_state",
    "guild_settings",
    "reminders",
    "deliveries",
    "events",
    "contact_events",
    "guild_event_settings",
    "scheduled_event_endings",
    "season_plans",
    "letter_requests",
    "interviews",
    "job_claims",
    "sender_leases",
    "linked_accounts",
    "link_codes",
}


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "nested" / "coach.sqlite3")
    yield connection
    await connection.close()


async def _scalar(db: aiosqlite.Connection, sql: str) -> object:
    async with db.execute(sql) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row[0]


async def _tables(db: aiosqlite.Connection) -> set[str]:
    async with db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        return {row[0] for row in await cursor.fetchall()} - {"sqlite_sequence"}


def test_available_migrations_are_numbered_from_one() -> None:
    """The packaged migrations are numbered 1..n and carry their SQL."""
    found = available_migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert found[0].name == "0001_initial.sql"
    assert all(m.sql.strip() for m in found)


async def test_open_creates_parent_folder(tmp_path: Path) -> None:
    """open_database creates missing parent folders for the file."""
    path = tmp_path / "a" / "b" / "coach.sqlite3"
    connection = await open_database(path)
    await connection.close()
    assert path.exists()


async def test_migrate_from_empty_applies_all(db: aiosqlite.Connection) -> None:
    """An empty database gets every migration and user_version equal to the newest."""
    expected = [m.version for m in available_migrations()]
    assert await schema_version(db) == 0
    assert await migrate(db) == expected
    assert await schema_version(db) == expected[-1]
    assert await _scalar(db, "PRAGMA user_version") == expected[-1]
    assert await _tables(db) == TABLES


async def test_migrate_twice_applies_nothing(db: aiosqlite.Connection) -> None:
    """A second migrate is a no-op that leaves the version alone."""
    await migrate(db)
    version = await schema_version(db)
    assert await migrate(db) == []
    assert await schema_version(db) == version


async def test_migrate_survives_reopen(tmp_path: Path) -> None:
    """The version persists in the file: reopening and migrating applies nothing."""
    path = tmp_path / "coach.sqlite3"
    first = await open_database(path)
    await migrate(first)
    await first.close()
    second = await open_database(path)
    try:
        assert await migrate(second) == []
    finally:
        await second.close()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("busy_timeout", BUSY_TIMEOUT_MS),
        ("synchronous", 1),  # NORMAL
    ],
)
async def test_pragmas(db: aiosqlite.Connection, pragma: str, expected: object) -> None:
    """The connection runs with WAL, foreign keys, NORMAL sync and the busy timeout."""
    assert await _scalar(db, f"PRAGMA {pragma}") == expected


def test_busy_timeout_beats_discord_deadline() -> None:
    """The busy timeout is 2 s, inside Discord's 3 s interaction deadline."""
    assert BUSY_TIMEOUT_MS == 2000 < 3000


async def test_connection_is_autocommit(db: aiosqlite.Connection) -> None:
    """Writes are visible without an explicit commit (autocommit mode)."""
    await migrate(db)
    await db.execute("INSERT INTO students (id, created_at) VALUES (1, 'x')")
    assert not db.in_transaction


async def test_newer_database_refused(db: aiosqlite.Connection) -> None:
    """A database from newer code is refused with a message naming both versions."""
    newest = len(available_migrations())
    await db.execute(f"PRAGMA user_version = {newest + 5}")
    with pytest.raises(RuntimeError, match=rf"schema version {newest + 5}.*newer.*upgrade"):
        await migrate(db)
    assert await schema_version(db) == newest + 5
    assert await _tables(db) == set()


async def test_failing_migration_rolls_back(
    db: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration that fails half-way leaves neither its changes nor a new version behind."""
    await migrate(db)
    good = available_migrations()
    broken = Migration(
        len(good) + 1,
        f"{len(good) + 1:04}_broken.sql",
        "CREATE TABLE half_done (x INTEGER);\n"
        "INSERT INTO half_done VALUES (1);\n"
        "INSERT INTO no_such_table VALUES (1);\n",
    )
    monkeypatch.setattr(database, "available_migrations", lambda: [*good, broken])
    with pytest.raises(Exception, match="no_such_table"):
        await migrate(db)
    assert await schema_version(db) == len(good)
    assert "half_done" not in await _tables(db)
    assert not db.in_transaction
    # The connection is still usable and a fixed migration applies afterwards.
    fixed = Migration(broken.version, broken.name, "CREATE TABLE half_done (x INTEGER);")
    monkeypatch.setattr(database, "available_migrations", lambda: [*good, fixed])
    assert await migrate(db) == [fixed.version]
    assert "half_done" in await _tables(db)


async def test_failing_first_migration_leaves_empty_database(
    db: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the very first migration fails the database stays at version 0 with no tables."""
    broken = Migration(1, "0001_broken.sql", "CREATE TABLE t (x);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(database, "available_migrations", lambda: [broken])
    with pytest.raises(Exception, match="syntax"):
        await migrate(db)
    assert await schema_version(db) == 0
    assert await _tables(db) == set()


def test_gap_in_migration_numbers_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Migrations must be numbered without gaps."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_a.sql").write_text("SELECT 1;")
    (folder / "0003_c.sql").write_text("SELECT 1;")
    (folder / "README.txt").write_text("ignored")

    class _Files:
        def __truediv__(self, name: str) -> Path:
            return tmp_path / name

    monkeypatch.setattr(database.resources, "files", lambda package: _Files())
    with pytest.raises(RuntimeError, match=r"without gaps.*\[1, 3\]"):
        available_migrations()
