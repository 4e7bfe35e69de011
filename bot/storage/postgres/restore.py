"""PgRestoreRepository: a validated export written into one empty account, all at once
(bot/storage/restore.py on PostgreSQL: the same rows, derived columns and checks).

One transaction on a connection of the pool's. It first locks the student's row (FOR UPDATE,
which every insert referencing the student waits for: their foreign-key check takes a share
lock on it), then checks the account is still empty, so two Import clicks on two previews
cannot both restore and no /contact add lands in the middle. Rows get new ids from the
sequences; references are remapped through the order of insertion, as on SQLite: the account
had no contacts or events when the lock was taken, and one session's ids only grow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from bot.core.export_reader import Restore
from bot.core.restore import AccountNotEmpty
from bot.core.text import fold
from bot.storage.contacts import contact_columns
from bot.storage.postgres.database import Conn
from bot.storage.postgres.privacy import PgPrivacyRepository
from bot.storage.postgres.profiles import save_profile
from bot.storage.postgres.reminders import save_settings
from bot.storage.postgres.rows import Pool
from bot.storage.privacy import STUDENT_TABLES
from bot.storage.restore import CONTACT_CHUNK, RESTORED_TABLES, _built, _time, season_rows
from bot.storage.rows import to_db_day

ROW_CHUNK = 500
RESTORE_TIMEOUT_MS = 120_000


class PgRestoreRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def holdings(self, student_id: int) -> dict[str, int]:
        found = await PgPrivacyRepository(self._pool).counts(student_id)
        return {table: found[table] for table in RESTORED_TABLES}

    async def restore(self, student_id: int, restore: Restore) -> None:
        async with self._pool.acquire() as connection, connection.transaction():
            # A bulk write of up to the account caps, not an interactive read: the pool's
            # 2-second statement timeout (bot/storage/postgres/database.py) is for those.
            await connection.execute(f"SET LOCAL statement_timeout = {RESTORE_TIMEOUT_MS}")
            student = restore.student
            await connection.execute(
                "INSERT INTO students (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                student_id,
                _time(student.created_at) if student else "1970-01-01T00:00:00+00:00",
            )
            await connection.execute("SELECT 1 FROM students WHERE id = $1 FOR UPDATE", student_id)
            held = await self._holdings(connection, student_id)
            if any(held.values()):
                raise AccountNotEmpty(held)
            await _Writer(connection).write(student_id, restore)

    async def _holdings(self, connection: Conn, student_id: int) -> dict[str, int]:
        found = {}
        for table in RESTORED_TABLES:
            n = await connection.fetchval(
                f"SELECT COUNT(*) FROM {table} WHERE {STUDENT_TABLES[table]} = $1", student_id
            )
            found[table] = int(n or 0)
        return found


class _Writer:
    """The restore's writes, on the transaction's connection."""

    def __init__(self, connection: Conn) -> None:
        self._db = connection

    async def _insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        names = list(rows[0])
        marks = ", ".join(f"${i}" for i in range(1, len(names) + 1))
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
        # In batches, so the event loop serves others between them.
        for start in range(0, len(rows), ROW_CHUNK):
            await self._db.executemany(
                sql, [tuple(row[n] for n in names) for row in rows[start : start + ROW_CHUNK]]
            )

    async def _new_ids(self, table: str, student_id: int, expected: int) -> list[int]:
        rows = await self._db.fetch(
            f"SELECT id FROM {table} WHERE owner_id = $1 ORDER BY id", student_id
        )
        ids = [int(row[0]) for row in rows]
        if len(ids) != expected:
            raise RuntimeError(f"restore wrote {len(ids)} {table} rows, expected {expected}")
        return ids

    async def write(self, owner: int, restore: Restore) -> None:
        student = restore.student
        if student is not None:
            await self._db.execute(
                "UPDATE students SET timezone = $1, welcomed_at = $2, created_at = $3 "
                "WHERE id = $4",
                student.timezone,
                _time(student.welcomed_at),
                _time(student.created_at),
                owner,
            )
        if restore.profile is not None:
            # The repositories' own upserts, on this transaction's connection.
            await save_profile(self._db, owner, restore.profile.profile, restore.profile.updated_at)
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
            await save_settings(self._db, replace(restore.reminder_settings, student_id=owner))
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
                "goal_check_ins, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
                owner,
                restore.coach.last_tip,
                goal.new_contacts if goal else None,
                goal.follow_ups if goal else None,
                goal.check_ins if goal else None,
                _time(restore.coach.updated_at),
            )
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
