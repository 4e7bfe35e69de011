"""PostgreSQL's migrations: the same schema as SQLite's at every version, upgrades from every
earlier version keeping data, and the rules SQLite's migrations follow (all or nothing, a
newer database refused, two processes migrating at once)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from bot.storage import database as sqlite_database
from bot.storage.database import Migration
from bot.storage.postgres import database
from bot.storage.postgres.database import available_migrations, migrate, schema_version
from tests.conftest import PgDatabase
from tests.storage.test_backup_and_upgrades import SEEDS, T

pytestmark = pytest.mark.storage

LATEST = len(available_migrations())


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "integer" or "text": SQLite's affinities, and what PostgreSQL types map to
    not_null: bool
    default: str | None
    primary_key: bool


@dataclass(frozen=True)
class Index:
    table: str
    columns: tuple[str, ...]
    unique: bool
    partial: bool


@dataclass
class Schema:
    tables: dict[str, tuple[Column, ...]]
    indexes: dict[str, Index]
    views: dict[str, tuple[str, ...]]
    triggers: set[str]


def _default(text: str | None) -> str | None:
    """'[]'::text → '[]', as SQLite writes it."""
    return None if text is None else re.sub(r"::[a-z ]+$", "", text)


async def _sqlite_schema(db: aiosqlite.Connection) -> Schema:
    async def rows(sql: str) -> list[tuple]:
        async with db.execute(sql) as cursor:
            return [tuple(r) for r in await cursor.fetchall()]

    objects = await rows("SELECT type, name, tbl_name, sql FROM sqlite_schema")
    tables: dict[str, tuple[Column, ...]] = {}
    views: dict[str, tuple[str, ...]] = {}
    indexes: dict[str, Index] = {}
    triggers: set[str] = set()
    for kind, name, table, sql in objects:
        if name.startswith("sqlite_"):
            continue
        if kind == "table":
            info = await rows(f"PRAGMA table_info({name})")
            tables[name] = tuple(
                Column(n, "integer" if t == "INTEGER" else "text", bool(nn) or pk > 0, d, pk > 0)
                for _, n, t, nn, d, pk in info
            )
        elif kind == "view":
            views[name] = tuple(r[1] for r in await rows(f"PRAGMA table_info({name})"))
        elif kind == "index" and sql is not None:  # not the automatic ones of UNIQUE/PRIMARY KEY
            columns = tuple(r[2] for r in await rows(f"PRAGMA index_info({name})"))
            unique = sql.upper().startswith("CREATE UNIQUE")
            indexes[name] = Index(table, columns, unique, " WHERE " in sql.upper())
        elif kind == "trigger":
            triggers.add(name)
    return Schema(tables, indexes, views, triggers)


INTEGERS = {"bigint", "integer", "smallint"}
# Tables with no integer key have an implicit rowid on SQLite, which the repositories order by;
# PostgreSQL's have it as a column of that name (not exported).
IMPLICIT_ROWID = {"contact_events"}


async def _postgres_schema(db: asyncpg.Connection) -> Schema:
    columns = await db.fetch(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, "
        "c.is_identity, t.table_type FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema = 'public' AND c.table_name <> 'schema_version' "
        "ORDER BY c.table_name, c.ordinal_position"
    )
    keys = {
        (r["table_name"], r["column_name"])
        for r in await db.fetch(
            "SELECT k.table_name, k.column_name FROM information_schema.table_constraints c "
            "JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name) "
            "WHERE c.table_schema = 'public' AND c.constraint_type = 'PRIMARY KEY'"
        )
    }
    tables: dict[str, list[Column]] = {}
    views: dict[str, list[str]] = {}
    for r in columns:
        if r["table_type"] == "VIEW":
            views.setdefault(r["table_name"], []).append(r["column_name"])
            continue
        if r["column_name"] == "rowid" and r["table_name"] in IMPLICIT_ROWID:
            assert r["is_identity"] == "YES"
            continue
        primary = (r["table_name"], r["column_name"]) in keys
        kind = "integer" if r["data_type"] in INTEGERS else r["data_type"]
        tables.setdefault(r["table_name"], []).append(
            Column(
                r["column_name"],
                kind,
                r["is_nullable"] == "NO",
                _default(r["column_default"]),
                primary,
            )
        )
    indexes = {
        r["name"]: Index(r["table"], tuple(r["columns"]), r["unique"], r["partial"])
        for r in await db.fetch(
            "SELECT i.relname AS name, t.relname AS table, x.indisunique AS unique, "
            "x.indpred IS NOT NULL AS partial, "
            "array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) "
            "      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "      ORDER BY k.n) AS columns "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace "
            "WHERE s.nspname = 'public' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
    }
    triggers = {
        r[0]
        for r in await db.fetch(
            "SELECT DISTINCT trigger_name FROM information_schema.triggers "
            "WHERE trigger_schema = 'public'"
        )
    }
    return Schema(
        {t: tuple(c) for t, c in tables.items()},
        indexes,
        {v: tuple(c) for v, c in views.items()},
        triggers,
    )


def test_both_dialects_have_the_same_migration_numbers() -> None:
    assert [m.version for m in available_migrations()] == [
        m.version for m in sqlite_database.available_migrations()
    ]


@pytest.mark.parametrize("version", range(1, LATEST + 1))
async def test_both_dialects_reach_the_same_schema(
    pg_database: PgDatabase, tmp_path: Path, version: int
) -> None:
    """Tables with their columns in order (kind, NOT NULL, default, key), indexes (columns,
    unique, partial), views and triggers: the same on SQLite and PostgreSQL at every version."""
    lite = await sqlite_database.open_database(tmp_path / "coach.sqlite3")
    try:
        await sqlite_database.migrate(lite, target=version)
        expected = await _sqlite_schema(lite)
    finally:
        await lite.close()
    pg = await asyncpg.connect(await pg_database(migrated=False))
    try:
        await migrate(pg, target=version)
        found = await _postgres_schema(pg)
    finally:
        await pg.close()
    assert found.tables == expected.tables
    assert found.indexes == expected.indexes
    assert found.views == expected.views
    assert found.triggers == expected.triggers


@pytest.fixture
async def pg(pg_database: PgDatabase) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(await pg_database(migrated=False))
    yield connection
    await connection.close()


async def _counts(db: asyncpg.Connection) -> dict[str, int]:
    tables = await db.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
    )
    return {r[0]: await db.fetchval(f'SELECT COUNT(*) FROM "{r[0]}"') for r in tables}


@pytest.mark.parametrize("start", range(1, LATEST))
async def test_upgrade_from_every_earlier_version_keeps_data(
    pg: asyncpg.Connection, start: int
) -> None:
    """The SQLite upgrade test's rows, on PostgreSQL: nothing lost, every backfill done."""
    await migrate(pg, target=start)
    for version in range(1, start + 1):
        for statement in SEEDS[version]:
            await pg.execute(statement)
    before = await _counts(pg)
    assert await migrate(pg) == list(range(start + 1, LATEST + 1))
    after = await _counts(pg)
    assert {t: n for t, n in after.items() if t in before} == before
    assert await pg.fetchval("SELECT notes FROM contacts WHERE id = 10") == "kept notes"
    assert await schema_version(pg) == LATEST
    if start < 9:  # migration 9's data step parsed the names stored before it
        row = await pg.fetchrow(
            "SELECT given_name, family_name, person_key FROM contacts WHERE id = 10"
        )
        assert tuple(row) == ("José", "Núñez", "jose nunez")
    assert await pg.fetchval("SELECT COUNT(*) FROM contacts WHERE due_on IS NULL") == 0
    row = await pg.fetchrow(
        "SELECT first_outreach_on, first_written_on FROM contacts WHERE id = 10"
    )
    assert tuple(row) == ("2026-03-01", "2026-03-01")


async def test_upgrade_parses_names_stored_before_parts_existed(pg: asyncpg.Connection) -> None:
    await migrate(pg, target=7)
    await pg.execute(SEEDS[1][0])
    for i, (name, title) in enumerate(
        [("Dr. Helen Marsh", None), ("Beethoven, Ludwig van", "Prof"), ("ZHANG Wei", None)]
    ):
        await pg.execute(
            "INSERT INTO contacts (id, owner_id, name, name_key, role, title, tags, tags_key, "
            "search_key, created_at, updated_at) VALUES ($1, 1, $2, $3, 'faculty', $4, '[]', ',', "
            "'', $5, $5)",
            30 + i,
            name,
            name.casefold(),
            title,
            T,
        )
    assert await migrate(pg) == list(range(8, LATEST + 1))
    rows = await pg.fetch(
        "SELECT name_title, given_name, family_name, person_key FROM contacts ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [
        ("Dr.", "Helen", "Marsh", "helen marsh"),
        ("Prof.", "Ludwig", "van Beethoven", "ludwig van beethoven"),
        (None, "Wei", "Zhang", "wei zhang"),
    ]


async def test_migrate_twice_applies_nothing(pg: asyncpg.Connection) -> None:
    assert await migrate(pg) == list(range(1, LATEST + 1))
    assert await migrate(pg) == []
    assert await schema_version(pg) == LATEST


async def test_newer_database_refused(pg: asyncpg.Connection) -> None:
    await migrate(pg)
    await pg.execute("UPDATE schema_version SET version = $1", LATEST + 5)
    with pytest.raises(RuntimeError, match="newer than this code"):
        await migrate(pg)


async def test_failing_migration_rolls_back(
    pg: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    await migrate(pg)
    good = available_migrations()
    broken = Migration(
        LATEST + 1,
        f"{LATEST + 1:04}_broken.sql",
        "CREATE TABLE half_done (x integer); INSERT INTO half_done VALUES (1);\n"
        "INSERT INTO no_such_table VALUES (1);",
    )
    monkeypatch.setattr(database, "available_migrations", lambda: [*good, broken])
    with pytest.raises(asyncpg.UndefinedTableError, match="no_such_table"):
        await migrate(pg)
    assert await schema_version(pg) == LATEST
    assert await pg.fetchval("SELECT to_regclass('half_done')") is None
    fixed = Migration(broken.version, broken.name, "CREATE TABLE half_done (x integer);")
    monkeypatch.setattr(database, "available_migrations", lambda: [*good, fixed])
    assert await migrate(pg) == [fixed.version]


async def test_two_processes_migrating_at_once_apply_each_migration_once(
    pg_database: PgDatabase,
) -> None:
    """Two bots starting together on a new database: the advisory lock lets one migrate."""
    url = await pg_database(migrated=False)
    first, second = await asyncpg.connect(url), await asyncpg.connect(url)
    try:
        done = await asyncio.gather(migrate(first), migrate(second))
    finally:
        await first.close()
        await second.close()
    assert sorted(done[0] + done[1]) == list(range(1, LATEST + 1))


async def test_the_backfills_give_existing_contacts_their_days(pg_database: PgDatabase) -> None:
    """A PostgreSQL database from before migrations 10 and 11: on upgrade its contacts get the
    due day of the Python rule and the progress days their exchanges make."""
    from bot.core.attention import due_on
    from bot.storage.postgres.contacts import PgContactRepository
    from bot.storage.postgres.database import open_pool

    pool = await open_pool(await pg_database(migrated=False))
    try:
        await migrate(pool, target=7)
        await pool.execute(SEEDS[1][0])
        await pool.execute(
            "INSERT INTO contacts (id, owner_id, name, name_key, role, tags, tags_key, "
            "search_key, created_at, updated_at) VALUES (5, 1, 'Ana', 'ana', 'tutor', '[]', "
            "',', 'ana', $1, $1)",
            T,
        )
        for kind, day in [
            ("met", "2026-02-20"),
            ("emailed", "2026-03-01"),
            ("replied", "2026-03-03"),
        ]:
            await pool.execute(
                "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, created_at) "
                "VALUES (1, 5, $1, $2, $3)",
                kind,
                day,
                T,
            )
        await migrate(pool)
        contact = await PgContactRepository(pool).get(1, 5)
        assert contact is not None
        row = await pool.fetchrow(
            "SELECT due_on, due_kind, first_outreach_on, first_written_on, last_replied_on "
            "FROM contacts WHERE id = 5"
        )
        assert tuple(row) == (
            due_on(contact).isoformat(),
            "check_in",
            "2026-03-01",
            "2026-03-01",
            "2026-03-03",
        )
        assert due_on(contact).isoformat() == "2026-04-14"  # a tutor: 42 days after the reply
    finally:
        await pool.close()


async def test_a_migration_waiting_for_another_process_outlasts_the_statement_timeout(
    pg_database: PgDatabase,
) -> None:
    """The bot's pool holds statements to 2 s (interactive reads); a process that starts while
    another migrates waits for it longer than that, and a backfill may take longer too."""
    from bot.storage.postgres.database import MIGRATION_LOCK, STATEMENT_TIMEOUT_MS, open_pool

    url = await pg_database(migrated=False)
    other = await asyncpg.connect(url)
    pool = await open_pool(url)
    try:
        await other.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        waiting = asyncio.create_task(migrate(pool))
        await asyncio.sleep(STATEMENT_TIMEOUT_MS / 1000 + 0.5)
        assert not waiting.done()
        await other.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
        assert await waiting == list(range(1, LATEST + 1))
    finally:
        await other.close()
        await pool.close()
