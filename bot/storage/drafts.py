"""SqliteDraftRepository: drafted messages, scoped by owner, with their send and nudge times."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.models import Channel, Draft, Tone
from bot.storage.rows import from_db_time, to_db_time

SELECT_DRAFTS = (
    "SELECT id, owner_id, contact_id, template_id, channel, version, fields, created_at, "
    "sent_at, nudge_due_at, tone FROM drafts "
)


def row_to_draft(row: Sequence[Any]) -> Draft:
    return Draft(
        id=row[0],
        owner_id=row[1],
        contact_id=row[2],
        template_id=row[3],
        channel=Channel(row[4]),
        version=row[5],
        fields=json.loads(row[6]),
        created_at=from_db_time(row[7]),
        sent_at=from_db_time(row[8]) if row[8] else None,
        nudge_due_at=from_db_time(row[9]) if row[9] else None,
        tone=Tone(row[10]),
    )


class SqliteDraftRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def add(
        self,
        owner_id: int,
        contact_id: int,
        template_id: str,
        channel: Channel,
        fields: dict[str, str],
        *,
        now: datetime,
        tone: Tone = Tone.WARM,
    ) -> Draft | None:
        # The owner check is part of the INSERT: no draft can point at someone else's contact.
        async with self._db.execute(
            "INSERT INTO drafts "
            "(owner_id, contact_id, template_id, channel, fields, created_at, tone) "
            "SELECT owner_id, id, ?, ?, ?, ?, ? FROM contacts WHERE owner_id = ? AND id = ? "
            "RETURNING id",
            (
                template_id,
                channel.value,
                json.dumps(fields, ensure_ascii=False),
                to_db_time(now),
                Tone(tone).value,
                owner_id,
                contact_id,
            ),
        ) as cursor:
            row = await cursor.fetchone()
        return await self.get(owner_id, row[0]) if row else None

    async def get(self, owner_id: int, draft_id: int) -> Draft | None:
        async with self._db.execute(
            SELECT_DRAFTS + "WHERE owner_id = ? AND id = ?", (owner_id, draft_id)
        ) as cursor:
            row = await cursor.fetchone()
        return row_to_draft(row) if row else None

    async def update(
        self,
        owner_id: int,
        draft_id: int,
        *,
        channel: Channel,
        version: int,
        fields: dict[str, str],
        tone: Tone = Tone.WARM,
    ) -> Draft | None:
        cursor = await self._db.execute(
            "UPDATE drafts SET channel = ?, version = ?, fields = ?, tone = ? "
            "WHERE owner_id = ? AND id = ?",
            (
                channel.value,
                version,
                json.dumps(fields, ensure_ascii=False),
                Tone(tone).value,
                owner_id,
                draft_id,
            ),
        )
        return await self.get(owner_id, draft_id) if cursor.rowcount == 1 else None

    async def mark_sent(
        self, owner_id: int, draft_id: int, *, sent_at: datetime, nudge_due_at: datetime
    ) -> Draft | None:
        cursor = await self._db.execute(
            "UPDATE drafts SET sent_at = ?, nudge_due_at = ? "
            "WHERE owner_id = ? AND id = ? AND sent_at IS NULL",
            (to_db_time(sent_at), to_db_time(nudge_due_at), owner_id, draft_id),
        )
        return await self.get(owner_id, draft_id) if cursor.rowcount == 1 else None
