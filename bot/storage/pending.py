"""SqlitePendingRepository: short-lived state behind buttons (held adds, list filters)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.rows import to_db_time


class SqlitePendingRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def put(
        self, owner_id: int, kind: str, payload: dict[str, Any], *, expires_at: datetime
    ) -> int:
        cursor = await self._db.execute(
            "INSERT INTO pending_actions (owner_id, kind, payload, expires_at) VALUES (?, ?, ?, ?)",
            (owner_id, kind, json.dumps(payload), to_db_time(expires_at)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def take(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        async with self._db.execute(
            "DELETE FROM pending_actions WHERE id = ? AND owner_id = ? AND kind = ? "
            "AND expires_at > ? RETURNING payload",
            (pending_id, owner_id, kind, to_db_time(now)),
        ) as cursor:
            row = await cursor.fetchone()
        return json.loads(row[0]) if row else None

    async def peek(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        async with self._db.execute(
            "SELECT payload FROM pending_actions WHERE id = ? AND owner_id = ? AND kind = ? "
            "AND expires_at > ?",
            (pending_id, owner_id, kind, to_db_time(now)),
        ) as cursor:
            row = await cursor.fetchone()
        return json.loads(row[0]) if row else None

    async def held(
        self, owner_id: int, kind: str, *, now: datetime
    ) -> list[tuple[int, dict[str, Any]]]:
        async with self._db.execute(
            "SELECT id, payload FROM pending_actions WHERE owner_id = ? AND kind = ? "
            "AND expires_at > ? ORDER BY id",
            (owner_id, kind, to_db_time(now)),
        ) as cursor:
            rows = await cursor.fetchall()
        return [(row[0], json.loads(row[1])) for row in rows]

    async def purge_expired(self, *, now: datetime) -> int:
        cursor = await self._db.execute(
            "DELETE FROM pending_actions WHERE expires_at <= ?", (to_db_time(now),)
        )
        return cursor.rowcount
