"""The benchmarks' school with heavy students holds what bench/README.md says it does.

A school seeded by bench.seed is what every interaction figure is measured on: heavy students
must really sit at their contact count with their exchanges, and the stored due day that /due
and the digest read (migration 0010) must be the Python rule's, as if the bot had written every
row itself. A bulk loader that bypassed the triggers would make the bench measure wrong lists.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.seed import Heavy, cached_school, seed_school
from bot.core.attention import due_on, needs_follow_up
from bot.core.models import ContactFilter
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import open_database

pytestmark = pytest.mark.storage

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)


async def test_heavy_students_hold_their_contacts_and_history_with_the_right_due_days(
    tmp_path: Path,
) -> None:
    school = await seed_school(
        tmp_path / "school.sqlite3",
        students=4,
        contacts_per_student=6,
        now=NOW,
        heavy=Heavy(students=1, contacts=120, exchanges=4),
    )
    heavy, light = school.heavy[0], school.students[1]
    assert school.heavy == school.students[:1]
    assert school.contacts == 120 + 3 * 6
    db = await open_database(school.path)
    try:
        rows = await db.execute_fetchall(
            "SELECT c.owner_id, COUNT(DISTINCT c.id), COUNT(e.id), "
            "SUM(e.happened_on < c.met_on OR e.happened_on > ?) "
            "FROM contacts c LEFT JOIN exchanges e ON e.contact_id = c.id GROUP BY c.owner_id",
            (NOW.date().isoformat(),),
        )
        counts = {row[0]: tuple(row[1:]) for row in rows}
        assert counts[heavy] == (120, 480, 0)  # 4 each, from the day met to today
        assert counts[light][0] == 6
        assert counts[light][1] <= 6  # light students keep the plain school's few exchanges
        repo = SqliteContactRepository(db)
        for owner in (heavy, light):
            contacts = await repo.list_all(owner, ContactFilter())
            stored = {
                row[0]: (row[1], row[2])
                for row in await db.execute_fetchall(
                    "SELECT id, due_on, due_kind FROM contacts WHERE owner_id = ?", (owner,)
                )
            }
            for contact in contacts:
                kind = "follow_up" if needs_follow_up(contact) else "check_in"
                assert stored[contact.id] == (due_on(contact).isoformat(), kind)
        assert all(c.exchange_count == 4 for c in await repo.list_all(heavy, ContactFilter()))
    finally:
        await db.close()


async def test_a_cached_school_with_heavy_students_is_not_the_plain_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bench.seed.CACHE", tmp_path / "cache")
    plain = await cached_school(
        tmp_path / "a.sqlite3", students=3, contacts_per_student=2, log=lambda _: None
    )
    heavy = await cached_school(
        tmp_path / "b.sqlite3",
        students=3,
        contacts_per_student=2,
        heavy=Heavy(students=1, contacts=10, exchanges=1),
        log=lambda _: None,
    )
    assert (plain.contacts, plain.heavy) == (6, ())
    assert (heavy.contacts, heavy.heavy) == (10 + 2 * 2, heavy.students[:1])
    assert len(list((tmp_path / "cache").glob("*.sqlite3"))) == 2
