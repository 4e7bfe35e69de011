"""PgDraftRepository: drafted messages, scoped by owner, with their send and nudge times
(bot/storage/drafts.py on PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime

from bot.core.models import Channel, Draft, Tone
from bot.storage.drafts import SELECT_DRAFTS, row_to_draft
from bot.storage.postgres.rows import Pool, affected
from bot.storage.rows import to_db_time


class PgDraftRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

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
        draft_id = await self._pool.fetchval(
            "INSERT INTO drafts "
            "(owner_id, contact_id, template_id, channel, fields, created_at, tone) "
            "SELECT owner_id, id, $1, $2, $3, $4, $5 FROM contacts WHERE owner_id = $6 AND id = $7 "
            "RETURNING id",
            template_id,
            channel.value,
            json.dumps(fields, ensure_ascii=False),
            to_db_time(now),
            Tone(tone).value,
            owner_id,
            contact_id,
        )
        return await self.get(owner_id, draft_id) if draft_id is not None else None

    async def get(self, owner_id: int, draft_id: int) -> Draft | None:
        row = await self._pool.fetchrow(
            SELECT_DRAFTS + "WHERE owner_id = $1 AND id = $2", owner_id, draft_id
        )
        return row_to_draft(tuple(row)) if row else None

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
        status = await self._pool.execute(
            "UPDATE drafts SET channel = $1, version = $2, fields = $3, tone = $4 "
            "WHERE owner_id = $5 AND id = $6",
            channel.value,
            version,
            json.dumps(fields, ensure_ascii=False),
            Tone(tone).value,
            owner_id,
            draft_id,
        )
        return await self.get(owner_id, draft_id) if affected(status) == 1 else None

    async def mark_sent(
        self, owner_id: int, draft_id: int, *, sent_at: datetime, nudge_due_at: datetime
    ) -> Draft | None:
        status = await self._pool.execute(
            "UPDATE drafts SET sent_at = $1, nudge_due_at = $2 "
            "WHERE owner_id = $3 AND id = $4 AND sent_at IS NULL",
            to_db_time(sent_at),
            to_db_time(nudge_due_at),
            owner_id,
            draft_id,
        )
        return await self.get(owner_id, draft_id) if affected(status) == 1 else None
