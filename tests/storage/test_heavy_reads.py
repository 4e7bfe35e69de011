"""Reads behind autocomplete and /tip go through an index of the student's rows, never every
contact's row: a student at the 5,000-contact cap pays an index walk, not a read of every
contact."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.core.models import Channel, ContactDraft, ContactFilter, ExchangeKind
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.privacy import SqlitePrivacyRepository
from bot.storage.students import SqliteStudentRepository

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


async def plan_of(db: aiosqlite.Connection, call: Awaitable[object]) -> list[str]:
    """The query plan of the one SELECT that awaiting `call` runs (the last, if several)."""
    statements: list[str] = []
    await db.set_trace_callback(statements.append)
    await call
    await db.set_trace_callback(None)
    query = [s for s in statements if s.lstrip().upper().startswith("SELECT")][-1]
    async with db.execute("EXPLAIN QUERY PLAN " + query) as cursor:
        return [row[3] for row in await cursor.fetchall()]


@pytest.mark.parametrize("column", ["specialty", "event"])
async def test_value_suggestions_read_an_index_only(tmp_path: Path, column: str) -> None:
    """The specialty and event suggestions list distinct values from a covering index."""
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await migrate(db)
        plan = await plan_of(
            db, SqliteContactRepository(db).distinct_values(A, column, "", limit=25)
        )
    finally:
        await db.close()
    assert any(step.startswith("SEARCH c USING COVERING INDEX") for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


async def test_awaiting_any_reply_matches_the_contacts_and_reads_by_owner(tmp_path: Path) -> None:
    """awaiting_any_reply (what /tip asks) is true exactly when a contact of the student has
    awaiting_reply_since set, and finds the student's sent drafts through an index."""
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await migrate(db)
        students, contacts = SqliteStudentRepository(db), SqliteContactRepository(db)
        drafts = SqliteDraftRepository(db)
        for owner in (A, B):
            await students.get_or_create(owner, now=NOW)

        async def answer() -> list[bool]:
            listed = await contacts.list_all(A, ContactFilter())
            return [
                await contacts.awaiting_any_reply(A),
                any(c.awaiting_reply_since is not None for c in listed),
            ]

        ana = await contacts.add(A, ContactDraft(name="Ana"), now=NOW)
        bee = await contacts.add(B, ContactDraft(name="Bee"), now=NOW)
        assert await answer() == [False, False]
        for owner, contact in ((A, ana), (B, bee)):
            draft = await drafts.add(owner, contact.id, "followup_talk", Channel.EMAIL, {}, now=NOW)
            assert draft is not None
            later = NOW + timedelta(days=1)
            await drafts.mark_sent(owner, draft.id, sent_at=later, nudge_due_at=later)
        assert await answer() == [True, True]
        await contacts.add_exchange(
            A, ana.id, ExchangeKind.REPLIED, NOW.date() + timedelta(days=2), None, now=NOW
        )
        assert await answer() == [False, False]  # Bee's unanswered draft is not Ana's student's
        plan = await plan_of(db, contacts.awaiting_any_reply(A))
    finally:
        await db.close()
    assert "SEARCH d USING INDEX drafts_owner_contact (owner_id=?)" in plan, plan
    assert not any(step.startswith("SCAN") and "CONSTANT ROW" not in step for step in plan), plan


async def test_a_contacts_exchanges_read_that_contact_only(tmp_path: Path) -> None:
    """The history a draft reads (the contact's latest exchanges) walks the contact's index:
    a student's other exchanges (20,000 at the caps) are never read to find one contact's."""
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await migrate(db)
        await SqliteStudentRepository(db).get_or_create(A, now=NOW)
        contacts = SqliteContactRepository(db)
        ana = await contacts.add(A, ContactDraft(name="Ana"), now=NOW)
        plan = await plan_of(db, contacts.exchanges(A, ana.id, limit=20))
    finally:
        await db.close()
    assert plan == ["SEARCH exchanges USING INDEX exchanges_contact (contact_id=?)"], plan


async def test_an_export_reads_committed_rows_on_a_connection_of_its_own(
    tmp_path: Path,
) -> None:
    """The export's snapshot does not run on the bot's connection (where it would hold every
    other student's statement behind ~150 ms of reads at the caps): a write the bot's
    connection has not committed yet is not in it, and the bot's connection is free meanwhile."""
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await migrate(db)
        await SqliteStudentRepository(db).get_or_create(A, now=NOW)
        contacts = SqliteContactRepository(db)
        await contacts.add(A, ContactDraft(name="Ana"), now=NOW)
        await db.execute("BEGIN")
        await contacts.add(A, ContactDraft(name="Uncommitted"), now=NOW)
        data = await SqlitePrivacyRepository(db).snapshot(A)
        await db.execute("ROLLBACK")
    finally:
        await db.close()
    assert [record.name for record in data.contacts] == ["Ana"]
