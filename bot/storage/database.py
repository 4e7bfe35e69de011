"""Opening the SQLite file with the right pragmas, and applying numbered migrations.

Migrations are `migrations/NNNN_reason.sql`; each runs in its own transaction that also sets
`PRAGMA user_version = NNNN`, so a failed one leaves the database as it was.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.storage.connection import connect
from bot.storage.name_backfill import backfill_name_parts

log = logging.getLogger(__name__)

# Shorter than Discord's 3-second interaction deadline, so a locked database surfaces as an
# error the student sees rather than an interaction that silently times out.
BUSY_TIMEOUT_MS = 2000
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# The database holds students' notes about other people: readable by the bot's user only.
# SQLite gives the -wal and -shm files the database file's own mode.
PRIVATE_MODE = 0o600
SIDE_FILES = ("", "-wal", "-shm", "-journal")


class DatabaseUnusable(RuntimeError):
    """The database file can't be opened or isn't a SQLite database (one clear line)."""


def create_private(path: Path) -> None:
    """Create `path` (if missing) readable and writable by its owner only, and tighten the
    modes of a database and its side files made before this rule."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_MODE))
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        if side.exists() and side.stat().st_mode & 0o777 != PRIVATE_MODE:
            side.chmod(PRIVATE_MODE)


# Python steps run after a migration's SQL, in the same transaction (SQL cannot parse names).
DATA_STEPS: dict[int, Callable[[aiosqlite.Connection], Awaitable[None]]] = {
    9: backfill_name_parts,
}


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    folder = resources.files("bot.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


async def open_database(path: str | Path) -> aiosqlite.Connection:
    """A connection in autocommit mode with WAL, foreign keys and a busy timeout.

    A file that can't be opened or isn't a database raises DatabaseUnusable, with the
    connection's thread stopped (left running, it would keep the process from exiting).
    """
    try:
        if str(path) != ":memory:":
            create_private(Path(path))
        # Statements kept whole (bot.storage.connection): no read is ever left half-fetched
        # while another coroutine writes on the same connection.
        db: aiosqlite.Connection = await connect(str(path), isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise DatabaseUnusable(f"can't open the database {path}: {error}") from None
    try:
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Deleted rows are overwritten with zeros, not left readable in free pages.
        await db.execute("PRAGMA secure_delete = ON")
        await db.execute("SELECT COUNT(*) FROM sqlite_schema")  # reads the schema: a real db?
    except sqlite3.Error as error:
        await db.close()
        raise DatabaseUnusable(f"can't use the database {path}: {error}") from None
    return db


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, *, target: int | None = None) -> list[int]:
    """Apply every migration above the database's version (up to `target`, if given)."""
    current = await schema_version(db)
    migrations = [m for m in available_migrations() if target is None or m.version <= target]
    if target is None and current > len(migrations):
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this code "
            f"({len(migrations)}); upgrade the bot before using this file"
        )
    applied = []
    for migration in migrations:
        if migration.version <= current:
            continue
        step = DATA_STEPS.get(migration.version)
        try:
            if step is None:
                await db.executescript(
                    f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
                )
            else:
                # The script leaves its transaction open; the step and the version join it.
                await db.executescript(f"BEGIN;\n{migration.sql}\n")
                await step(db)
                await db.execute(f"PRAGMA user_version = {migration.version}")
                await db.execute("COMMIT")
        except Exception:
            if db.in_transaction:
                await db.rollback()
            raise
        log.info("applied migration %s", migration.name)
        applied.append(migration.version)
    return applied


def backup(source: Path, destination: Path) -> None:
    """A consistent copy of a live database (SQLite's online backup; safe while the bot runs)."""
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    if destination.exists():
        raise FileExistsError(f"{destination} already exists; choose a new file name")
    create_private(destination)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(destination)) as copy:
        live.backup(copy)


def restore(backup_file: Path, destination: Path) -> int:
    """Replace `destination` with a backup (stop the bot first); returns its schema version."""
    with closing(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)) as source:
        check = source.execute("PRAGMA integrity_check").fetchone()
        if check is None or check[0] != "ok":
            raise ValueError(f"{backup_file} is damaged: {check}")
        version = int(source.execute("PRAGMA user_version").fetchone()[0])
        if version > len(available_migrations()):
            raise ValueError(f"{backup_file} is from a newer version of the bot")
        create_private(destination)
        with closing(sqlite3.connect(destination)) as target:
            source.backup(target)
    return version
