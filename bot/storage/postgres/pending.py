"""PgPendingRepository: short-lived state behind buttons (bot/storage/pending.py on
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.storage.postgres.rows import Pool, affected
from bot.storage.rows import to_db_time


class PgPendingRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def put(
        self, owner_id: int, kind: str, payload: dict[str, Any], *, expires_at: datetime
    ) -> int:
        found = await self._pool.fetchval(
            "INSERT INTO pending_actions (owner_id, kind, payload, expires_at) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            owner_id,
            kind,
            json.dumps(payload),
            to_db_time(expires_at),
        )
        return int(found)

    async def take(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        payload = await self._pool.fetchval(
            "DELETE FROM pending_actions WHERE id = $1 AND owner_id = $2 AND kind = $3 "
            "AND expires_at > $4 RETURNING payload",
            pending_id,
            owner_id,
            kind,
            to_db_time(now),
        )
        return json.loads(payload) if payload is not None else None

    async def peek(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        payload = await self._pool.fetchval(
            "SELECT payload FROM pending_actions WHERE id = $1 AND owner_id = $2 AND kind = $3 "
            "AND expires_at > $4",
            pending_id,
            owner_id,
            kind,
            to_db_time(now),
        )
        return json.loads(payload) if payload is not None else None

    async def held(
        self, owner_id: int, kind: str, *, now: datetime
    ) -> list[tuple[int, dict[str, Any]]]:
        rows = await self._pool.fetch(
            "SELECT id, payload FROM pending_actions WHERE owner_id = $1 AND kind = $2 "
            "AND expires_at > $3 ORDER BY id",
            owner_id,
            kind,
            to_db_time(now),
        )
        return [(row[0], json.loads(row[1])) for row in rows]

    async def purge_expired(self, *, now: datetime) -> int:
        status = await self._pool.execute(
            "DELETE FROM pending_actions WHERE expires_at <= $1", to_db_time(now)
        )
        return affected(status)
