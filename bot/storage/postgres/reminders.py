"""PgReminderRepository: digest settings, one-off reminders, and the delivery ledger
(bot/storage/reminders.py on PostgreSQL).

Exactly-once rests on `deliveries`' UNIQUE (kind, student_id, ref), as on SQLite: whoever
inserts the claim for an occurrence sends it; any other process gets nothing back from
ON CONFLICT DO NOTHING, whatever the interleaving (the unique index decides, not a read).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.models import Delivery, Draft, OneOffReminder, ReminderSettings, WeekActivity
from bot.storage.drafts import SELECT_DRAFTS, row_to_draft
from bot.storage.postgres.database import Conn
from bot.storage.postgres.rows import Pool, affected, numbered
from bot.storage.reminders import (
    _ACTIVE_STUDENT,
    _REMINDER,
    _SETTINGS,
    SAVE_SETTINGS,
    UNCERTAIN_SINCE_LAST_DIGEST,
    settings_params,
)
from bot.storage.reminders import _delivery as _delivery_row
from bot.storage.reminders import _reminder as _reminder_row
from bot.storage.reminders import _settings as _settings_row
from bot.storage.rows import to_db_time

_AWAITING = (
    "sent_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM exchanges r "
    "WHERE r.contact_id = drafts.contact_id AND r.kind = 'replied' "
    "AND r.happened_on >= substr(drafts.sent_at, 1, 10)) "
)

_UNCERTAIN = numbered(UNCERTAIN_SINCE_LAST_DIGEST)
_SAVE_SETTINGS = numbered(SAVE_SETTINGS)


async def save_settings(db: Pool | Conn, settings: ReminderSettings) -> None:
    """The settings' upsert, on the pool or on a transaction's connection (a restore)."""
    await db.execute(_SAVE_SETTINGS, *settings_params(settings))


class PgReminderRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    # -- settings ----------------------------------------------------------------------------

    async def get_settings(self, student_id: int) -> ReminderSettings | None:
        row = await self._pool.fetchrow(_SETTINGS + "WHERE student_id = $1", student_id)
        return _settings_row(tuple(row)) if row else None

    async def save_settings(self, settings: ReminderSettings) -> None:
        await save_settings(self._pool, settings)

    async def due_digests(self, now: datetime, *, limit: int) -> Sequence[ReminderSettings]:
        rows = await self._pool.fetch(
            _SETTINGS + "WHERE next_digest_at <= $1 AND enabled = 1 AND paused = 0 "
            "AND NOT EXISTS (SELECT 1 FROM students st WHERE st.id = reminder_settings.student_id "
            "AND st.unreachable_since IS NOT NULL) "
            "ORDER BY next_digest_at LIMIT $2",
            to_db_time(now),
            limit,
        )
        return [_settings_row(tuple(row)) for row in rows]

    async def advance_digest(
        self, student_id: int, *, expected: datetime, following: datetime
    ) -> bool:
        status = await self._pool.execute(
            "UPDATE reminder_settings SET next_digest_at = $1 "
            "WHERE student_id = $2 AND next_digest_at = $3",
            to_db_time(following),
            student_id,
            to_db_time(expected),
        )
        return affected(status) == 1

    # -- the delivery ledger -----------------------------------------------------------------

    async def claim(
        self, student_id: int, kind: str, ref: str, *, due_at: datetime, now: datetime
    ) -> Delivery | None:
        row = await self._pool.fetchrow(
            "INSERT INTO deliveries (student_id, kind, ref, due_at, claimed_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, student_id, ref) DO NOTHING "
            "RETURNING id, student_id, kind, ref, due_at, claimed_at, attempts, sent_at",
            student_id,
            kind,
            ref,
            to_db_time(due_at),
            to_db_time(now),
        )
        return _delivery_row(tuple(row)) if row else None

    async def was_claimed(self, student_id: int, kind: str, ref: str) -> bool:
        found = await self._pool.fetchval(
            "SELECT 1 FROM deliveries WHERE kind = $1 AND student_id = $2 AND ref = $3",
            kind,
            student_id,
            ref,
        )
        return found is not None

    async def lease_stale(
        self, *, stale_before: datetime, now: datetime, limit: int
    ) -> Sequence[Delivery]:
        # SKIP LOCKED: a second process leasing at the same moment passes over the rows this
        # one has locked instead of waiting for them, then finds them leased just now.
        rows = await self._pool.fetch(
            "UPDATE deliveries SET leased_at = $1, resend_safe = unsent, unsent = 0 "
            "WHERE id IN (SELECT id FROM deliveries "
            "WHERE sent_at IS NULL AND COALESCE(leased_at, claimed_at) < $2 ORDER BY id "
            "LIMIT $3 FOR UPDATE SKIP LOCKED) "
            "RETURNING id, student_id, kind, ref, due_at, claimed_at, attempts, sent_at, "
            "resend_safe",
            to_db_time(now),
            to_db_time(stale_before),
            limit,
        )
        return sorted((_delivery_row(tuple(row)) for row in rows), key=lambda d: d.id)

    async def finish(
        self, delivery_id: int, *, outcome: str, at: datetime, message_id: int | None = None
    ) -> None:
        await self._pool.execute(
            "UPDATE deliveries SET sent_at = $1, outcome = $2, message_id = $3 WHERE id = $4",
            to_db_time(at),
            outcome,
            message_id,
            delivery_id,
        )

    async def uncertain_since_last_digest(
        self, student_id: int, *, limit: int
    ) -> Sequence[Delivery]:
        rows = await self._pool.fetch(_UNCERTAIN, student_id, student_id, limit)
        return [_delivery_row(tuple(row)) for row in rows]

    async def count_attempt(self, delivery_id: int, *, unsent: bool = False) -> int:
        attempts = await self._pool.fetchval(
            "UPDATE deliveries SET attempts = attempts + 1, unsent = $2 WHERE id = $1 "
            "RETURNING attempts",
            delivery_id,
            int(unsent),
        )
        return int(attempts) if attempts is not None else 0

    # -- one-off reminders -------------------------------------------------------------------

    async def add_reminder(
        self,
        owner_id: int,
        contact_id: int | None,
        note: str | None,
        due_at: datetime,
        *,
        now: datetime,
    ) -> OneOffReminder | None:
        # The owner check is part of the INSERT: no reminder points at someone else's contact.
        reminder_id = await self._pool.fetchval(
            "INSERT INTO reminders (owner_id, contact_id, note, due_at, created_at) "
            "SELECT $1, $2, $3, $4, $5 WHERE $2::bigint IS NULL "
            "OR EXISTS (SELECT 1 FROM contacts WHERE owner_id = $1 AND id = $2) RETURNING id",
            owner_id,
            contact_id,
            note,
            to_db_time(due_at),
            to_db_time(now),
        )
        return await self.get_reminder(owner_id, reminder_id) if reminder_id is not None else None

    async def get_reminder(self, owner_id: int, reminder_id: int) -> OneOffReminder | None:
        row = await self._pool.fetchrow(
            _REMINDER + "WHERE owner_id = $1 AND id = $2", owner_id, reminder_id
        )
        return _reminder_row(tuple(row)) if row else None

    async def open_reminders(self, owner_id: int, *, until: datetime) -> Sequence[OneOffReminder]:
        rows = await self._pool.fetch(
            _REMINDER + "WHERE owner_id = $1 AND done_at IS NULL AND due_at <= $2 ORDER BY due_at",
            owner_id,
            to_db_time(until),
        )
        return [_reminder_row(tuple(row)) for row in rows]

    async def due_reminders(self, now: datetime, *, limit: int) -> Sequence[OneOffReminder]:
        rows = await self._pool.fetch(
            _REMINDER + "WHERE done_at IS NULL AND due_at <= $1 "
            "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.kind = 'reminder' "
            "AND d.student_id = reminders.owner_id AND d.ref = CAST(reminders.id AS TEXT)) "
            "AND "
            + _ACTIVE_STUDENT.format(owner="reminders.owner_id")
            + " ORDER BY due_at LIMIT $2",
            to_db_time(now),
            limit,
        )
        return [_reminder_row(tuple(row)) for row in rows]

    async def set_reminder(
        self,
        owner_id: int,
        reminder_id: int,
        *,
        due_at: datetime | None = None,
        done_at: datetime | None = None,
    ) -> bool:
        async with self._pool.acquire() as connection, connection.transaction():
            status = await connection.execute(
                "UPDATE reminders SET due_at = COALESCE($1, due_at), "
                "done_at = COALESCE($2, done_at) WHERE owner_id = $3 AND id = $4",
                to_db_time(due_at) if due_at else None,
                to_db_time(done_at) if done_at else None,
                owner_id,
                reminder_id,
            )
            changed = affected(status) == 1
            if changed and due_at is not None:
                # A snoozed reminder is a new occurrence: let it be delivered again when due.
                await connection.execute(
                    "DELETE FROM deliveries WHERE kind = 'reminder' AND student_id = $1 "
                    "AND ref = $2",
                    owner_id,
                    str(reminder_id),
                )
        return changed

    # -- nudges and activity -----------------------------------------------------------------

    async def due_nudges(self, now: datetime, *, limit: int) -> Sequence[Draft]:
        rows = await self._pool.fetch(
            SELECT_DRAFTS
            + "WHERE nudge_due_at <= $1 AND "
            + _AWAITING
            + "AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.kind = 'nudge' "
            "AND d.student_id = drafts.owner_id AND d.ref = CAST(drafts.id AS TEXT)) "
            "AND "
            + _ACTIVE_STUDENT.format(owner="drafts.owner_id")
            + " ORDER BY nudge_due_at LIMIT $2",
            to_db_time(now),
            limit,
        )
        return [row_to_draft(tuple(row)) for row in rows]

    async def awaiting_reply(self, owner_id: int, draft_id: int) -> Draft | None:
        row = await self._pool.fetchrow(
            SELECT_DRAFTS + "WHERE owner_id = $1 AND id = $2 AND " + _AWAITING,
            owner_id,
            draft_id,
        )
        return row_to_draft(tuple(row)) if row else None

    async def awaiting_replies(
        self, owner_id: int, *, nudge_before: datetime | None = None
    ) -> Sequence[Draft]:
        if nudge_before is None:
            rows = await self._pool.fetch(
                SELECT_DRAFTS + "WHERE owner_id = $1 AND " + _AWAITING + "ORDER BY sent_at, id",
                owner_id,
            )
        else:
            rows = await self._pool.fetch(
                SELECT_DRAFTS
                + "WHERE owner_id = $1 AND "
                + _AWAITING
                + "AND nudge_due_at < $2 ORDER BY sent_at, id",
                owner_id,
                to_db_time(nudge_before),
            )
        return [row_to_draft(tuple(row)) for row in rows]

    async def activity(self, owner_id: int, *, since: datetime) -> WeekActivity:
        row = await self._pool.fetchrow(
            "SELECT (SELECT COUNT(*) FROM contacts WHERE owner_id = $1 AND created_at >= $2), "
            "(SELECT COUNT(*) FROM exchanges WHERE owner_id = $1 AND happened_on >= $3 "
            "  AND kind IN ('emailed', 'messaged')), "
            "(SELECT COUNT(*) FROM exchanges WHERE owner_id = $1 AND happened_on >= $3 "
            "  AND kind = 'replied')",
            owner_id,
            to_db_time(since),
            since.date().isoformat(),
        )
        assert row is not None
        added, sent, replies = tuple(row)
        return WeekActivity(contacts_added=added, messages_sent=sent, replies=replies)

    # -- server defaults ---------------------------------------------------------------------

    async def guild_timezone(self, guild_id: int) -> str | None:
        timezone: str | None = await self._pool.fetchval(
            "SELECT timezone FROM guild_settings WHERE guild_id = $1", guild_id
        )
        return timezone

    async def set_guild_timezone(self, guild_id: int, timezone: str, *, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone, "
            "updated_at = excluded.updated_at",
            guild_id,
            timezone,
            to_db_time(now),
        )
