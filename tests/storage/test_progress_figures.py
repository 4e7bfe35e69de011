"""The progress figures counted in SQL (migration 0011) always equal the Python rules.

Random sequences of the writes that change them (contacts recorded on various days, met, given a
role and a specialty, edited or removed; exchanges of every kind logged, moved or removed) run
against a real SQLite file; afterwards `week_counts` and `network_counts` of each student are what
`progress.weekly_counts` and `progress.network_counts` say over the student's whole lists, for
any window. The queries read through indexes only (their query plans search, never scan).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.models import ContactDraft, ExchangeKind, Role
from bot.core.progress import network_counts, weekly_counts
from bot.storage import progress as sql
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.students import SqliteStudentRepository
from tests.storage.stores import Opener, Store, kinds_for

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
START = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)

days = st.integers(min_value=-120, max_value=120).map(lambda n: START.date() + timedelta(days=n))
specialties = st.sampled_from([None, "", "Cardiology", "cardiology", "Émergency", "Surgery", "Zed"])
owners = st.sampled_from([A, B])
picks = st.integers(min_value=0, max_value=1000)  # which existing contact/exchange, modulo

adds = st.tuples(
    st.just("add"),
    owners,
    st.sampled_from(list(Role)),
    st.one_of(st.none(), days),
    specialties,
    st.integers(min_value=-120 * 24, max_value=120 * 24),  # recorded this many hours from START
)
operations = st.one_of(
    adds,
    st.tuples(st.just("exchange"), picks, st.sampled_from(list(ExchangeKind)), days),
    # Close to the day met, where the follow-up window's edges are.
    st.tuples(st.just("follow"), picks, st.sampled_from(list(ExchangeKind)), st.integers(-1, 5)),
    st.tuples(
        st.just("update"),
        picks,
        st.sampled_from(list(Role)),
        st.one_of(st.none(), days),
        specialties,
    ),
    st.tuples(st.just("remove"), picks),
    st.tuples(st.just("unlog"), picks),
    st.tuples(st.just("move"), picks, st.sampled_from(list(ExchangeKind)), days, picks),
)
windows = st.tuples(
    st.integers(min_value=-140, max_value=140).map(lambda n: START.date() + timedelta(days=n)),
    st.integers(min_value=1, max_value=60),  # weeks
    st.integers(min_value=1, max_value=8),  # top specialties
)


async def _apply(
    db: Store,
    contacts: Any,
    ids: list[tuple[int, int]],
    op: tuple[Any, ...],
) -> None:
    kind = op[0]
    if kind == "add":
        _, owner, role, met_on, specialty, hours = op
        draft = ContactDraft(name=f"P{len(ids)}", role=role, met_on=met_on, specialty=specialty)
        added = await contacts.add(owner, draft, now=START + timedelta(hours=hours))
        ids.append((owner, added.id))
    elif not ids:
        return
    elif kind == "exchange":
        _, pick, exchange_kind, day = op
        owner, contact_id = ids[pick % len(ids)]
        await contacts.add_exchange(owner, contact_id, exchange_kind, day, None, now=START)
    elif kind == "follow":
        _, pick, exchange_kind, offset = op
        owner, contact_id = ids[pick % len(ids)]
        current = await contacts.get(owner, contact_id)
        if current is not None:
            day = (current.draft.met_on or START.date()) + timedelta(days=offset)
            await contacts.add_exchange(owner, contact_id, exchange_kind, day, None, now=START)
    elif kind == "update":
        _, pick, role, met_on, specialty = op
        owner, contact_id = ids[pick % len(ids)]
        current = await contacts.get(owner, contact_id)
        if current is not None:
            changed = replace(current.draft, role=role, met_on=met_on, specialty=specialty)
            await contacts.update(owner, contact_id, changed, now=START)
    elif kind == "remove":
        owner, contact_id = ids[op[1] % len(ids)]
        await contacts.remove(owner, contact_id)  # its exchanges go with it (cascade)
    elif kind == "unlog":
        # No service removes an exchange today; a restore or a future "undo" would.
        count = (await db.rows("SELECT COUNT(*) FROM exchanges"))[0][0]
        await db.execute(
            "DELETE FROM exchanges WHERE id = (SELECT id FROM exchanges ORDER BY id LIMIT 1 "
            "OFFSET ?)",
            op[1] % max(1, count),
        )
    elif kind == "move":
        # An exchange corrected in place: its kind, its day, even the contact (same owner).
        _, pick, exchange_kind, day, target = op
        count = (await db.rows("SELECT COUNT(*) FROM exchanges"))[0][0]
        found = await db.rows(
            "SELECT id, owner_id FROM exchanges ORDER BY id LIMIT 1 OFFSET ?",
            pick % max(1, count),
        )
        if not found:
            return
        row = found[0]
        same_owner = [cid for owner, cid in ids if owner == row[1]]
        await db.execute(
            "UPDATE exchanges SET kind = ?, happened_on = ?, "
            "contact_id = coalesce((SELECT id FROM contacts WHERE id = ?), contact_id) "
            "WHERE id = ?",
            exchange_kind.value,
            day.isoformat(),
            same_owner[target % len(same_owner)],
            row[0],
        )


async def _check(contacts: Any, today: date, weeks: int, top: int) -> None:
    for owner in (A, B):
        plain = await contacts.list_plain(owner)
        exchanges = await contacts.all_exchanges(owner)
        assert list(await contacts.week_counts(owner, today=today, weeks=weeks)) == weekly_counts(
            plain, exchanges, today=today, weeks=weeks
        )
        assert await contacts.network_counts(owner, top=top) == network_counts(
            plain, exchanges, top=top
        )


@pytest.fixture(params=kinds_for("students", "contacts"))
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    return Opener(request.param, request, tmp_path)


async def _run(db: Store, ops: list[tuple[Any, ...]], checks: list[tuple[date, int, int]]) -> None:
    try:
        students = db.make("students")
        contacts = db.make("contacts")
        for owner in (A, B):
            await students.get_or_create(owner, now=START)
        ids: list[tuple[int, int]] = []  # (owner, contact id)
        for op in ops:
            await _apply(db, contacts, ids, op)
        for today, weeks, top in checks:
            await _check(contacts, today, weeks, top)
    finally:
        await db.close()


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    first=st.lists(adds, min_size=5, max_size=25),
    ops=st.lists(operations, min_size=10, max_size=80),
    checks=st.lists(windows, min_size=1, max_size=3),
)
@example(  # the edges: followed up on day 3 and day 4 after meeting, a reply logged first
    first=[("add", A, Role.TUTOR, START.date(), "Surgery", 0)] * 3,
    ops=[
        ("follow", 0, ExchangeKind.EMAILED, 3),
        ("follow", 1, ExchangeKind.CALLED, 4),
        ("follow", 2, ExchangeKind.REPLIED, -1),
        ("follow", 2, ExchangeKind.MESSAGED, -1),
        ("follow", 2, ExchangeKind.MEETING, 0),
    ],
    checks=[(START.date() + timedelta(days=7), 2, 6)],
)
def test_sql_progress_figures_always_equal_the_python_rules(
    stores: Opener,
    first: list[tuple[Any, ...]],
    ops: list[tuple[Any, ...]],
    checks: list[tuple[date, int, int]],
) -> None:
    async def example() -> None:
        await _run(await stores.fresh(), [*first, *ops], checks)

    asyncio.run(example())


def test_the_backfill_gives_existing_contacts_their_days(tmp_path: Path) -> None:
    """A database from before migration 11: its exchanges count once it is upgraded."""

    async def scenario() -> None:
        db = await open_database(tmp_path / "old.sqlite3")
        try:
            await migrate(db, target=10)
            await SqliteStudentRepository(db).get_or_create(A, now=START)
            contacts = SqliteContactRepository(db)
            met = START.date()
            ana = await contacts.add(A, ContactDraft(name="Ana", met_on=met), now=START)
            for kind, day in [
                (ExchangeKind.MET, met),
                (ExchangeKind.EMAILED, met + timedelta(days=2)),
                (ExchangeKind.REPLIED, met + timedelta(days=3)),
                (ExchangeKind.CALLED, met + timedelta(days=9)),
            ]:
                await contacts.add_exchange(A, ana.id, kind, day, None, now=START)
            await migrate(db)
            counts = await contacts.network_counts(A, top=6)
            assert (counts.met, counts.followed_up, counts.written, counts.replied) == (1, 1, 1, 1)
            weeks = await contacts.week_counts(A, today=met + timedelta(days=9), weeks=2)
            assert [(w.follow_ups, w.check_ins, w.replies) for w in weeks] == [(1, 0, 1), (0, 1, 0)]
        finally:
            await db.close()

    asyncio.run(scenario())


PLANNED = {
    "weeks": (sql._WEEKS, {"owner": A, "first": "2026-01-05", "weeks": 53}),
    "roles": (sql._ROLES, (A,)),
    "specialties": (sql._SPECIALTIES, (A, 6)),
    "rates": (sql._RATES, {"owner": A, "window": 3}),
}


@pytest.mark.parametrize("name", sorted(PLANNED))
async def test_progress_queries_read_through_indexes_only(tmp_path: Path, name: str) -> None:
    """Every table the progress figures read is searched by the student's id through an index
    that holds the columns counted (no scan of a table, no look-up of its rows)."""
    sql_text, params = PLANNED[name]
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await migrate(db)
        async with db.execute("EXPLAIN QUERY PLAN " + sql_text, params) as cursor:
            plan = [row[3] for row in await cursor.fetchall()]
    finally:
        await db.close()
    reads = [step for step in plan if " contacts" in step or " exchanges" in step]
    assert reads, plan
    for step in reads:
        assert step.startswith("SEARCH ") and "USING COVERING INDEX" in step, plan
    assert not any("TEMP B-TREE FOR GROUP BY" in step for step in plan), plan
