"""Fixtures every test folder may use: a PostgreSQL server for the PostgreSQL tests.

`postgres_server` (one per test session) is `TEST_DATABASE_URL` when it is set (a server the
tests may create and drop databases on), otherwise a throwaway cluster started from the
machine's PostgreSQL binaries (tests/postgres.py) and stopped at the end. Without either, the
tests that need it are skipped with the reason, except under CI (`CI=true`), where a missing
PostgreSQL fails them: CI must run the whole contract on both stores.

`pg_database` gives each test a database of its own, copied from a template migrated once per
session (CREATE DATABASE … TEMPLATE is a file copy: a few milliseconds, no migrations per test).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.postgres import Cluster, find_bindir


@dataclass
class PostgresServer:
    """A server the tests own databases on, and the name of the migrated template."""

    admin_url: str  # a database to connect to for CREATE/DROP DATABASE
    template: str
    prefix: str  # every database this session makes starts with it

    def url(self, database: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{database}"))


def _run_sync(work: Coroutine[object, object, None]) -> None:
    """Run a coroutine to the end from synchronous fixture code, in a thread of its own: the
    fixture may be set up from inside a test's running event loop (a store fixture asking for
    a database), where asyncio.run is refused."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, work).result()


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI runs the PostgreSQL tests, but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


async def _admin(url: str, *statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _make_template(server: PostgresServer) -> None:
    import asyncpg

    from bot.storage.postgres.database import migrate

    await _admin(server.admin_url, f'CREATE DATABASE "{server.template}" TEMPLATE template0')
    connection = await asyncpg.connect(server.url(server.template))
    try:
        await migrate(connection)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    prefix = f"coach_test_{uuid.uuid4().hex[:8]}"
    given = os.environ.get("TEST_DATABASE_URL", "").strip()
    cluster = None
    if given:
        admin_url = given
    else:
        bindir = find_bindir()
        if bindir is None:
            _missing(
                "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on "
                "PATH); install it (apt-get install postgresql) or set TEST_DATABASE_URL"
            )
        assert bindir is not None
        cluster = Cluster.start(bindir)
        admin_url = cluster.url()
    server = PostgresServer(admin_url, f"{prefix}_template", prefix)
    try:
        _run_sync(_make_template(server))
        yield server
    finally:
        try:
            if cluster is None:
                _run_sync(_drop_all(server))
        finally:
            if cluster is not None:
                cluster.stop()


async def _drop_all(server: PostgresServer) -> None:
    import asyncpg

    connection = await asyncpg.connect(server.admin_url)
    try:
        names = await connection.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE $1", f"{server.prefix}%"
        )
        for row in names:
            await connection.execute(f'DROP DATABASE IF EXISTS "{row[0]}" WITH (FORCE)')
    finally:
        await connection.close()


PgDatabase = Callable[..., Awaitable[str]]


@pytest.fixture
def pg_database(postgres_server: PostgresServer) -> Iterator[PgDatabase]:
    """`await pg_database()`: the URL of a new database at the latest schema;
    `await pg_database(migrated=False)`: an empty one. Dropped after the test."""
    made: list[str] = []

    async def make(*, migrated: bool = True) -> str:
        name = f"{postgres_server.prefix}_{uuid.uuid4().hex[:12]}"
        template = postgres_server.template if migrated else "template0"
        await _admin(postgres_server.admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        made.append(name)
        return postgres_server.url(name)

    yield make
    if made:
        drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in made]
        _run_sync(_admin(postgres_server.admin_url, *drops))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses PostgreSQL (asking for the server, or run with a store
    parameter of "postgresql"), so `-m postgres` selects them and `-m "not postgres"` leaves
    them out."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        parameters = callspec.params.values() if callspec is not None else ()
        if "postgres_server" in getattr(item, "fixturenames", ()) or "postgresql" in parameters:
            item.add_marker(pytest.mark.postgres)
