"""SqliteRestoreRepository: a validated export written into one empty account, all at once.

One transaction, on a connection of its own (BEGIN IMMEDIATE takes the write lock up front),
that first checks the account is still empty, so two Import clicks on two previews cannot both
restore. Rows get new ids from
SQLite; references are remapped through the order of insertion: the account had no contacts or
events when the transaction began, so the n-th row inserted is the n-th id of the student's.
Each table is written with one `executemany`, which keeps the transaction short: other
writers wait for it. Derived key columns are computed exactly as the repositories compute them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import aiosqlite

from bot.core.export_reader import Restore
from bot.core.restore import AccountNotEmpty
from bot.core.text import fold
from bot.storage.contacts import contact_columns
from bot.storage.database import open_database
from bot.storage.privacy import LINK_TABLES, STUDENT_TABLES, SqlitePrivacyRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.rows import to_db_day, to_db_time

# What must be absent for a restore: everything but the student's row and bookkeeping.
RESTORED_TABLES = tuple(
    t
    for t in STUDENT_TABLES
    if t not in {"students", "pending_actions", "deliveries"} and t not in LINK_TABLES
)


def _time(value: Any) -> str | None:
    return to_db_time(value) if value is not None else None


class SqliteRestoreRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def holdings(self, student_id: int) -> dict[str, int]:
        return await _Transaction(self._db).holdings(student_id)

    async def restore(self, student_id: int, restore: Restore) -> None:
        # A connection of its own for the transaction: the bot's shared connection keeps
        # serving other commands, whose writes wait (busy timeout) for this COMMIT instead of
        # landing inside it, where a rollback would undo them or a concurrent /contact add
        # would upset the id remapping. An in-memory database has only the one connection.
        path = await _file_of(self._db)
        db = await open_database(path) if path else self._db
        try:
            await _Transaction(db).run(student_id, restore)
        finally:
            if db is not self._db:
                await db.close()


# Rows are built on the event loop in chunks, yielding between them: a contact's columns parse
# its name (~0.2 ms each, more on a busy host), so 5,000 at once would hold every other
# student's command for a second or more.
CONTACT_CHUNK = 25
ROW_CHUNK = 500
_Item = TypeVar("_Item")


async def _built(
    items: Sequence[_Item], build: Callable[[_Item], dict[str, Any]], *, chunk: int = ROW_CHUNK
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for start in range(0, len(items), chunk):
        if start:
            await asyncio.sleep(0)
        rows.extend(build(item) for item in items[start : start + chunk])
    return rows


def season_rows(
    owner: int, restore: Restore, contact: Sequence[int], event: Sequence[int]
) -> dict[str, list[dict[str, Any]]]:
    """The season's rows (plan, letters, interviews) with their references remapped to the new
    ids; the same on both stores."""
    plan = restore.season_plan
    return {
        "season_plans": []
        if plan is None
        else [
            {
                "student_id": owner,
                "cycle": plan.cycle,
                "route": plan.route.value,
                "graduation_year": plan.graduation_year,
                "specialties": json.dumps(list(plan.specialties), ensure_ascii=False),
                "updated_at": _time(plan.updated_at),
                "ask_done_on": to_db_day(plan.ask_done_on),
                "ask_snoozed_until": to_db_day(plan.ask_snoozed_until),
            }
        ],
        "letter_requests": [
            {
                "owner_id": owner,
                "contact_id": contact[letter.contact],
                "stage": letter.stage.value,
                "asked_on": to_db_day(letter.asked_on),
                "deadline": to_db_day(letter.deadline),
                "programs": letter.programs,
                "submitted_on": to_db_day(letter.submitted_on),
                "snoozed_until": to_db_day(letter.snoozed_until),
                "created_at": _time(letter.created_at),
                "updated_at": _time(letter.updated_at),
                "checked_on": to_db_day(letter.checked_on),
            }
            for letter in restore.letters
        ],
        "interviews": [
            {
                "event_id": event[interview.event],
                "owner_id": owner,
                "program": interview.program,
                "no_contact": int(interview.no_contact),
                "created_at": _time(interview.created_at),
            }
            for interview in restore.interviews
        ],
    }


async def _file_of(db: aiosqlite.Connection) -> str | None:
    async with db.execute("PRAGMA database_list") as cursor:
        for _, name, file in await cursor.fetchall():
            if name == "main":
                return file or None
    return None


class _Transaction:
    """The restore's writes, all on one connection inside one transaction."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def holdings(self, student_id: int) -> dict[str, int]:
        found = await SqlitePrivacyRepository(self._db).counts(student_id)
        return {table: found[table] for table in RESTORED_TABLES}

    async def run(self, student_id: int, restore: Restore) -> None:
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            held = await self.holdings(student_id)
            if any(held.values()):
                raise AccountNotEmpty(held)
            await self._write(student_id, restore)
        except BaseException:
            if self._db.in_transaction:
                await self._db.execute("ROLLBACK")
            raise
        await self._db.execute("COMMIT")

    async def _insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        names = ", ".join(rows[0])
        marks = ", ".join(f":{key}" for key in rows[0])
        # In batches: one executemany of 20,000 rows holds the GIL in sqlite3's C loop long
        # enough to starve the event loop; between batches it runs.
        for start in range(0, len(rows), ROW_CHUNK):
            await self._db.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + ROW_CHUNK]
            )

    async def _new_ids(self, table: str, student_id: int, expected: int) -> list[int]:
        async with self._db.execute(
            f"SELECT id FROM {table} WHERE owner_id = ? ORDER BY id", (student_id,)
        ) as cursor:
            ids = [int(row[0]) for row in await cursor.fetchall()]
        if len(ids) != expected:
            raise RuntimeError(f"restore wrote {len(ids)} {table} rows, expected {expected}")
        return ids

    async def _write(self, owner: int, restore: Restore) -> None:
        student = restore.student
        await self._db.execute(
            "INSERT INTO students (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            (owner, _time(student.created_at) if student else "1970-01-01T00:00:00+00:00"),
        )
        if student is not None:
            await self._db.execute(
                "UPDATE students SET timezone = ?, welcomed_at = ?, created_at = ? WHERE id = ?",
                (student.timezone, _time(student.welcomed_at), _time(student.created_at), owner),
            )
        if restore.profile is not None:
            await SqliteProfileRepository(self._db).save(
                owner, restore.profile.profile, now=restore.profile.updated_at
            )
        await self._insert(
            "contacts",
            await _built(
                restore.contacts,
                lambda c: {
                    **contact_columns(c.draft),
                    "owner_id": owner,
                    "created_at": _time(c.created_at),
                    "updated_at": _time(c.updated_at),
                    "follow_up_on": to_db_day(c.follow_up_on),
                    "snoozed_until": to_db_day(c.snoozed_until),
                },
                chunk=CONTACT_CHUNK,
            ),
        )
        contact = await self._new_ids("contacts", owner, len(restore.contacts))
        await self._insert(
            "exchanges",
            await _built(
                restore.exchanges,
                lambda e: {
                    "owner_id": owner,
                    "contact_id": contact[e.contact],
                    "kind": e.kind.value,
                    "happened_on": to_db_day(e.happened_on),
                    "note": e.note,
                    "created_at": _time(e.created_at),
                },
            ),
        )
        await self._insert(
            "drafts",
            [
                {
                    "owner_id": owner,
                    "contact_id": contact[d.contact],
                    "template_id": d.template_id,
                    "channel": d.channel.value,
                    "version": d.version,
                    "fields": json.dumps(d.fields, ensure_ascii=False),
                    "created_at": _time(d.created_at),
                    "sent_at": _time(d.sent_at),
                    "nudge_due_at": _time(d.nudge_due_at),
                    "tone": d.tone.value,
                }
                for d in restore.drafts
            ],
        )
        if restore.reminder_settings is not None:
            await SqliteReminderRepository(self._db).save_settings(
                replace(restore.reminder_settings, student_id=owner)
            )
        await self._insert(
            "reminders",
            [
                {
                    "owner_id": owner,
                    "contact_id": None if r.contact is None else contact[r.contact],
                    "note": r.note,
                    "due_at": _time(r.due_at),
                    "created_at": _time(r.created_at),
                    "done_at": _time(r.done_at),
                }
                for r in restore.reminders
            ],
        )
        if restore.coach is not None:
            goal = restore.coach.goal
            await self._db.execute(
                "INSERT INTO coach_state (student_id, last_tip, goal_contacts, goal_follow_ups, "
                "goal_check_ins, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    owner,
                    restore.coach.last_tip,
                    goal.new_contacts if goal else None,
                    goal.follow_ups if goal else None,
                    goal.check_ins if goal else None,
                    _time(restore.coach.updated_at),
                ),
            )
        await self._write_events(owner, restore, contact)

    async def _write_events(self, owner: int, restore: Restore, contact: list[int]) -> None:
        await self._insert(
            "events",
            [
                {
                    "owner_id": owner,
                    "name": e.name,
                    "name_key": fold(e.name),
                    "kind": e.kind.value,
                    "held_on": to_db_day(e.held_on),
                    "created_at": _time(e.created_at),
                }
                for e in restore.events
            ],
        )
        event = await self._new_ids("events", owner, len(restore.events))
        links: Iterable[tuple[int, int]] = restore.links
        await self._insert(
            "contact_events",
            [{"owner_id": owner, "contact_id": contact[c], "event_id": event[e]} for c, e in links],
        )
        for table, rows in season_rows(owner, restore, contact, event).items():
            await self._insert(table, rows)
