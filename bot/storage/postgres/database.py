"""Connecting to PostgreSQL and applying its numbered migrations.

Migrations are `migrations/NNNN_reason.sql`, numbered as SQLite's (bot/storage/migrations) and
reaching an equivalent schema at every number (tests/storage/test_postgres_migrations.py). The
version lives in a one-row table, `schema_version` (PostgreSQL has no `user_version`). Each
migration runs in its own transaction with the version update, under a transaction advisory
lock, so two processes starting at once apply each migration once and a failed one leaves the
database as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from importlib import resources

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.storage.database import Migration
from bot.storage.name_backfill import name_columns

log = logging.getLogger(__name__)

# A connection of its own or one lent by a pool: the repositories and migrations take either.
Conn = asyncpg.Connection | PoolConnectionProxy

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Any constant shared by every process of the bot: the key of the lock migrations run under.
MIGRATION_LOCK = 0x636F616368  # "coach"
# Shorter than Discord's 3-second interaction deadline, as SQLite's busy timeout: a statement
# stuck behind a lock surfaces as an error the student sees, not a silent time-out.
STATEMENT_TIMEOUT_MS = 2000
NAME_BATCH = 500


class DatabaseUnusable(RuntimeError):
    """The server can't be reached or refuses the bot (one clear line, no password)."""


def available_migrations() -> list[Migration]:
    folder = resources.files("bot.storage.postgres") / "migrations"
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


async def open_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A connection pool; every connection has the statement timeout and UTC."""
    try:
        pool = await asyncpg.create_pool(
            url,
            min_size=min_size,
            max_size=max_size,
            server_settings={
                "statement_timeout": str(STATEMENT_TIMEOUT_MS),
                "TimeZone": "UTC",
            },
        )
    except (OSError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        # The URL may hold a password: name the error's kind and message, never the URL.
        raise DatabaseUnusable(f"can't use the PostgreSQL database: {error}") from None
    assert pool is not None
    return pool


async def schema_version(db: asyncpg.Pool | Conn) -> int:
    exists = await db.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    version = await db.fetchval("SELECT version FROM schema_version")
    return int(version or 0)


async def backfill_name_parts(db: Conn) -> None:
    """Migration 0009's data step (bot/storage/name_backfill.py's, on PostgreSQL)."""
    columns = list(name_columns("x", None))
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=2))
    last = 0
    while True:
        rows = await db.fetch(
            "SELECT id, name, title FROM contacts WHERE id > $1 ORDER BY id LIMIT $2",
            last,
            NAME_BATCH,
        )
        if not rows:
            return
        await db.executemany(
            f"UPDATE contacts SET {assignments} WHERE id = $1",
            [(row["id"], *name_columns(row["name"], row["title"]).values()) for row in rows],
        )
        last = rows[-1]["id"]


# Python steps run after a migration's SQL, in the same transaction (SQL cannot parse names).
DATA_STEPS: dict[int, Callable[[Conn], Awaitable[None]]] = {
    9: backfill_name_parts,
}


async def migrate(db: asyncpg.Pool | Conn, *, target: int | None = None) -> list[int]:
    """Apply every migration above the database's version (up to `target`, if given)."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as connection:
            return await migrate(connection, target=target)
    everything = available_migrations()
    migrations = [m for m in everything if target is None or m.version <= target]
    async with db.transaction():
        # One process at a time: the others wait here, then find the work done. Neither the
        # wait nor a backfill over a school's rows is held to the pool's interactive timeout.
        await db.execute("SET LOCAL statement_timeout = 0")
        await db.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
        await db.execute(
            "INSERT INTO schema_version (version) SELECT 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM schema_version)"
        )
    current = await schema_version(db)
    if target is None and current > len(everything):
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this code "
            f"({len(everything)}); upgrade the bot before using this database"
        )
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= current:
            continue
        async with db.transaction():
            await db.execute("SET LOCAL statement_timeout = 0")
            await db.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            current = await schema_version(db)  # another process may have moved it meanwhile
            if migration.version <= current:
                continue
            await db.execute(migration.sql)
            step = DATA_STEPS.get(migration.version)
            if step is not None:
                await step(db)
            await db.execute("UPDATE schema_version SET version = $1", migration.version)
        current = migration.version
        log.info("applied migration %s", migration.name)
        applied.append(migration.version)
    return applied
