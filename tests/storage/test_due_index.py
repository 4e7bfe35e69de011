"""The stored due day (migration 0010) always equals the Python rule, attention.due_on.

Random sequences of the writes that change the rule's inputs (a contact's dates, role and
cadence, exchanges logged or removed, snoozes, the student's cadence settings) run against a real
SQLite file; after each sequence every contact's stored `due_on`/`due_kind` is what
`attention.due_on`/`needs_follow_up` say, and the reads built on the column (`due_contacts`,
`count_due`, `most_due_page`) agree with the Python order.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.attention import due_on, most_due_first, needs_follow_up
from bot.core.models import ContactDraft, ContactFilter, ExchangeKind, ReminderSettings, Role
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.students import SqliteStudentRepository
from tests.storage.stores import Opener, Store, kinds_for

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
START = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)

days = st.integers(min_value=-400, max_value=400).map(lambda n: START.date() + timedelta(days=n))
roles = st.sampled_from(list(Role))
cadences = st.one_of(st.none(), st.just(0), st.integers(min_value=7, max_value=730))
owners = st.sampled_from([A, B])
picks = st.integers(min_value=0, max_value=1000)  # which existing contact/exchange, modulo

adds = st.tuples(
    st.just("add"),
    owners,
    roles,
    st.one_of(st.none(), days),
    cadences,
    st.integers(min_value=-30, max_value=30),  # recorded this many days from START
)
operations = st.one_of(
    adds,
    st.tuples(st.just("update"), picks, roles, st.one_of(st.none(), days), cadences),
    st.tuples(st.just("exchange"), picks, st.sampled_from(list(ExchangeKind)), days),
    st.tuples(st.just("unlog"), picks),
    st.tuples(st.just("schedule"), picks, st.one_of(st.none(), days), st.one_of(st.none(), days)),
    st.tuples(
        st.just("settings"),
        owners,
        st.dictionaries(roles.map(lambda r: r.value), st.integers(7, 730), max_size=4),
    ),
    st.tuples(st.just("unsettle"), owners),
)


@pytest.fixture(params=kinds_for("students", "contacts", "reminders"))
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    return Opener(request.param, request, tmp_path)


async def _run(store: Store, ops: list[tuple[Any, ...]]) -> None:
    try:
        students = store.make("students")
        contacts = store.make("contacts")
        reminders = store.make("reminders")
        for owner in (A, B):
            await students.get_or_create(owner, now=START)
        # (owner, contact id) of the contacts there, in the order they were added.
        ids: list[tuple[int, int]] = [
            (owner, contact_id)
            for owner, contact_id in await store.rows(
                "SELECT owner_id, id FROM contacts ORDER BY id"
            )
        ]
        for op in ops:
            await _apply(store, contacts, reminders, ids, op)
        await _check(store, contacts, reminders)
    finally:
        await store.close()


async def _apply(
    db: Store,
    contacts: Any,
    reminders: Any,
    ids: list[tuple[int, int]],
    op: tuple[Any, ...],
) -> None:
    kind = op[0]
    if kind == "add":
        _, owner, role, met_on, cadence, offset = op
        draft = ContactDraft(name=f"P{len(ids)}", role=role, met_on=met_on, cadence_days=cadence)
        added = await contacts.add(owner, draft, now=START + timedelta(days=offset, hours=11))
        ids.append((owner, added.id))
    elif kind == "settings":
        _, owner, cadence = op
        await reminders.save_settings(
            ReminderSettings(student_id=owner, consented_at=START, cadence=cadence)
        )
    elif kind == "unsettle":
        await db.execute("DELETE FROM reminder_settings WHERE student_id = ?", op[1])
    elif not ids:
        return
    elif kind == "update":
        _, pick, role, met_on, cadence = op
        owner, contact_id = ids[pick % len(ids)]
        current = await contacts.get(owner, contact_id)
        assert current is not None
        changed = replace(current.draft, role=role, met_on=met_on, cadence_days=cadence)
        await contacts.update(owner, contact_id, changed, now=START)
    elif kind == "exchange":
        _, pick, exchange_kind, day = op
        owner, contact_id = ids[pick % len(ids)]
        await contacts.add_exchange(owner, contact_id, exchange_kind, day, None, now=START)
    elif kind == "unlog":
        # No service removes an exchange today; a restore or a future "undo" would.
        count = (await db.rows("SELECT COUNT(*) FROM exchanges"))[0][0]
        await db.execute(
            "DELETE FROM exchanges WHERE id = (SELECT id FROM exchanges ORDER BY id LIMIT 1 "
            "OFFSET ?)",
            op[1] % max(1, count),
        )
    elif kind == "schedule":
        _, pick, follow_up_on, snoozed_until = op
        owner, contact_id = ids[pick % len(ids)]
        await contacts.set_schedule(
            owner, contact_id, follow_up_on=follow_up_on, snoozed_until=snoozed_until
        )


async def _check(db: Store, contacts: Any, reminders: Any) -> None:
    for owner in (A, B):
        settings_row = await reminders.get_settings(owner)
        cadence = settings_row.cadence if settings_row else None
        everyone = await contacts.list_all(owner, ContactFilter())
        stored = {
            row[0]: (row[1], row[2])
            for row in await db.rows(
                "SELECT id, due_on, due_kind FROM contacts WHERE owner_id = ?", owner
            )
        }
        for contact in everyone:
            expected_kind = "follow_up" if needs_follow_up(contact) else "check_in"
            assert stored[contact.id] == (due_on(contact, cadence).isoformat(), expected_kind)
        ordered = most_due_first(everyone, cadence)
        until = START.date() + timedelta(days=6)
        due = [c for c in ordered if due_on(c, cadence) <= until]
        assert [c.id for c in await contacts.due_contacts(owner, until=until, limit=5)] == [
            c.id for c in due[:5]
        ]
        assert await contacts.count_due(owner, until=until) == len(due)
        page = await contacts.most_due_page(owner, ContactFilter(), page=0, size=7)
        assert [c.id for c in page.items] == [c.id for c in ordered[:7]]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    first=st.lists(adds, min_size=10, max_size=30),  # enough people for every role and state
    ops=st.lists(operations, min_size=10, max_size=60),
)
def test_stored_due_day_always_equals_the_python_rule(
    stores: Opener, first: list[tuple[Any, ...]], ops: list[tuple[Any, ...]]
) -> None:
    async def example() -> None:
        await _run(await stores.fresh(), [*first, *ops])

    asyncio.run(example())


def test_the_backfill_gives_existing_contacts_their_day(tmp_path: Path) -> None:
    """A database from before migration 10: its contacts get their due day on upgrade."""

    async def scenario() -> None:
        db = await open_database(tmp_path / "old.sqlite3")
        try:
            await migrate(db, target=7)
            students = SqliteStudentRepository(db)
            await students.get_or_create(A, now=START)
            await db.execute(
                "INSERT INTO contacts (id, owner_id, name, name_key, role, tags, tags_key, "
                "search_key, created_at, updated_at) VALUES (5, ?, 'Ana', 'ana', 'tutor', '[]', "
                "',', 'ana', ?, ?)",
                (A, START.isoformat(), START.isoformat()),
            )
            await db.execute(
                "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, created_at) "
                "VALUES (?, 5, 'emailed', '2026-03-01', ?)",
                (A, START.isoformat()),
            )
            await migrate(db)
            contact = await SqliteContactRepository(db).get(A, 5)
            assert contact is not None
            async with db.execute("SELECT due_on, due_kind FROM contacts WHERE id = 5") as cur:
                row = await cur.fetchone()
            assert row is not None
            assert tuple(row) == (due_on(contact).isoformat(), "check_in")
            assert due_on(contact) == date(2026, 4, 12)  # a tutor: 42 days after the email
        finally:
            await db.close()

    asyncio.run(scenario())


def test_changing_the_students_cadence_moves_their_contacts(stores: Opener) -> None:
    """The settings trigger: a new cadence per role re-dates every contact of that role."""
    old_friend = ("add", A, Role.RESIDENT, date(2025, 1, 1), None, 0)
    other = ("add", B, Role.RESIDENT, date(2025, 1, 1), None, 0)
    first = ("settings", A, {"resident": 30})
    second = ("settings", A, {"resident": 60})

    async def scenario() -> None:
        await _run(await stores.fresh(), [old_friend, other, first])
        await _run(await stores.reopen(), [second])  # reopened: the rows are kept
        db = await stores.reopen()
        try:
            rows = await db.rows("SELECT owner_id, due_on FROM contacts ORDER BY id")
        finally:
            await db.close()
        recorded = START.date()
        assert rows == [
            (A, (recorded + timedelta(days=60)).isoformat()),
            (B, (recorded + timedelta(days=91)).isoformat()),
        ]

    asyncio.run(scenario())


def test_plain_contacts_are_the_full_ones_without_the_exchange_fields(stores: Opener) -> None:
    """list_plain (what progress reads) has every own field of list_all, derived ones empty."""

    async def scenario() -> None:
        ops = [
            ("add", A, Role.TUTOR, date(2026, 3, 1), None, 0),
            ("add", A, Role.FACULTY, None, 60, -3),
            ("exchange", 0, ExchangeKind.EMAILED, date(2026, 3, 5)),
            ("schedule", 1, date(2026, 3, 20), None),
        ]
        await _run(await stores.fresh(), ops)
        db = await stores.reopen()
        try:
            contacts = db.make("contacts")
            full = sorted(await contacts.list_all(A, ContactFilter()), key=lambda c: c.id)
            plain = sorted(await contacts.list_plain(A), key=lambda c: c.id)
        finally:
            await db.close()
        assert full[0].exchange_count == 1
        assert plain == [
            replace(c, last_contacted_on=None, exchange_count=0, awaiting_reply_since=None)
            for c in full
        ]

    asyncio.run(scenario())
