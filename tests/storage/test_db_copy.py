"""`coach db copy`: a school moved from SQLite to PostgreSQL and back, every table verified by
its row count and checksum, and the bot's own reads agreeing on both sides."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.core.events import GuildEventSettings
from bot.core.models import ContactDraft
from bot.core.ports import LinkCode, LinkedAccount
from bot.core.season import SeasonPlan
from bot.storage import copy as copying
from bot.storage.backends import (
    Repositories,
    open_repositories,
    postgres_repositories,
)
from bot.storage.copy import TABLES, CopyRefused, copy_database
from bot.storage.postgres.database import open_pool
from tests.conftest import PgDatabase
from tests.exports import rich_account, store_services
from tests.fakes import FakeClock, RecordingNotifier

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
C = 333_333_333_333_333_333


async def _school(path: Path) -> None:
    """Two students' rich accounts, plus the rows no student owns (server settings, endings)
    and the bookkeeping (held buttons, the delivery ledger): every table has rows."""
    repos = await open_repositories(path, None)
    try:
        clock = FakeClock()
        services = store_services(repos, clock, notifier=RecordingNotifier())
        for owner in (A, C):
            await rich_account(services, clock, owner)
        await repos.reminders.set_guild_timezone(7, "Europe/Paris", now=clock.now())
        await repos.events.save_guild_settings(
            GuildEventSettings(7, enabled=True, delay=timedelta(minutes=60)), now=clock.now()
        )
        await repos.events.record_ending(
            7, 99, "Grand rounds", clock.now(), clock.now() + timedelta(hours=1)
        )
        await repos.pending.put(A, "held", {"x": 1}, expires_at=clock.now() + timedelta(hours=1))
        await repos.reminders.claim(A, "digest", "w1", due_at=clock.now(), now=clock.now())
        # The season: a plan, a letter asked of a contact, an interview beside an event.
        await repos.season.set_plan(SeasonPlan(A, "us-2027", specialties=("IM",)), now=clock.now())
        writer = (await repos.contacts.list_plain(A))[0]
        await repos.season.put_letter(
            A, writer.id, asked_on=clock.now().date(), deadline=None, programs="IM", now=clock.now()
        )
        [event] = await repos.events.list_for(A, limit=1)
        await repos.season.put_interview(
            A, event.id, "Lakeside IM", no_contact=True, now=clock.now()
        )
        # An export cooling down: the slot moves with the school like every other row.
        await repos.jobs.claim(
            A, "export", "t1", now=clock.now(), stale_before=clock.now(), free_after=clock.now()
        )
        await repos.jobs.finish(A, "export", "t1", finished_at=clock.now())
        await repos.sender_lease.hold("p1", now=clock.now(), until=clock.now())
        # A Telegram account linked to A, and a code C asked for.
        await repos.links.link(LinkedAccount("telegram", 5_000_001, A, True, clock.now()))
        await repos.links.add_code(
            "h1", LinkCode(C, "discord", C), now=clock.now(), expires_at=clock.now()
        )
    finally:
        await repos.close()


async def _everything(repos: Repositories) -> dict[str, Any]:
    """What the bot reads of each student, through the repositories."""
    found: dict[str, Any] = {}
    for owner in (A, C):
        found[f"{owner}:snapshot"] = await repos.privacy.snapshot(owner)
        found[f"{owner}:due"] = await repos.contacts.due_contacts(
            owner, until=FakeClock().now().date() + timedelta(days=400), limit=100
        )
        found[f"{owner}:network"] = await repos.contacts.network_counts(owner, top=6)
        found[f"{owner}:plan"] = await repos.season.plan(owner)
        found[f"{owner}:letters"] = await repos.season.letters(owner)
        found[f"{owner}:links"] = await repos.links.accounts_of(owner)
    return found


def test_a_school_moves_to_postgresql_and_back_unchanged(
    tmp_path: Path, pg_database: PgDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "school.sqlite3"
    back = tmp_path / "back.sqlite3"
    asyncio.run(_school(source))
    url: str = asyncio.run(pg_database(migrated=False))

    assert main(["db", "copy", f"sqlite:///{source}", url]) == 0
    out = capsys.readouterr().out
    assert all(f"{table} " in out for table in TABLES), out
    assert "every table verified" in out
    assert main(["db", "copy", url, f"sqlite:///{back}"]) == 0

    async def compare() -> None:
        lite = await open_repositories(source, None)
        pool = await open_pool(url)
        again = await open_repositories(back, None)
        try:
            on_postgres = postgres_repositories(pool)
            expected = await _everything(lite)
            assert await _everything(on_postgres) == expected
            assert await _everything(again) == expected
            for table in TABLES:  # every table had rows: the copy covered each kind
                assert await pool.fetchval(f"SELECT COUNT(*) FROM {table}"), table
            # The bot goes on adding rows on PostgreSQL: ids continue after the copied ones.
            added = await on_postgres.contacts.add(
                A, ContactDraft(name="New after the move"), now=FakeClock().now()
            )
            assert added.id > max(
                c.id for c in await lite.contacts.list_plain(A) + await lite.contacts.list_plain(C)
            )
        finally:
            await lite.close()
            await pool.close()
            await again.close()

    asyncio.run(compare())


def test_a_target_with_data_is_refused_and_kept(
    tmp_path: Path, pg_database: PgDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "school.sqlite3"
    asyncio.run(_school(source))
    url: str = asyncio.run(pg_database())
    assert main(["db", "copy", f"sqlite:///{source}", url]) == 0
    capsys.readouterr()
    assert main(["db", "copy", f"sqlite:///{source}", url]) == 1
    assert "already holds data (table students)" in capsys.readouterr().err


def test_a_copy_that_lost_a_row_fails_the_check(
    tmp_path: Path, pg_database: PgDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verification is real: a writer that drops one exchange is caught by its table."""
    source = tmp_path / "school.sqlite3"
    asyncio.run(_school(source))
    url: str = asyncio.run(pg_database())
    real = copying._Postgres.insert

    async def lossy(self: Any, table: str, columns: list[str], rows: list[Any]) -> None:
        await real(self, table, columns, rows[1:] if table == "exchanges" else rows)

    monkeypatch.setattr(copying._Postgres, "insert", lossy)
    with pytest.raises(RuntimeError, match="exchanges: the copy differs from the source"):
        asyncio.run(copy_database(source, url))


def test_a_table_the_copy_does_not_know_is_refused(tmp_path: Path) -> None:
    """A table added by a migration and not listed for the copy would be silently left out."""
    source, target = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    asyncio.run(_school(source))

    async def add_table() -> None:
        repos = await open_repositories(source, None)
        try:
            await repos.handle.execute("CREATE TABLE newer (id INTEGER PRIMARY KEY)")
        finally:
            await repos.close()

    asyncio.run(add_table())
    with pytest.raises(CopyRefused, match=r"does not know: \['newer'\]"):
        asyncio.run(copy_database(source, target))


def test_bad_urls_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "copy", "mysql://x/y", "sqlite:///b.sqlite3"]) == 2
    assert "SOURCE_URL must be sqlite:///" in capsys.readouterr().err


def test_sqlite_to_sqlite_copies_too(tmp_path: Path) -> None:
    """The copy is between any two stores; two SQLite files need no server."""
    source, target = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    asyncio.run(_school(source))
    copied = asyncio.run(copy_database(source, target))
    assert [t.table for t in copied] == list(TABLES)

    async def compare() -> None:
        first = await open_repositories(source, None)
        second = await open_repositories(target, None)
        try:
            assert await _everything(second) == await _everything(first)
        finally:
            await first.close()
            await second.close()

    asyncio.run(compare())
