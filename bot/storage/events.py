"""SqliteEventRepository: a student's events and who they met there, and the servers'
scheduled-event switch and endings (see core.events)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import aiosqlite

from bot.core.events import Event, EventKind, GuildEventSettings, ScheduledEnding
from bot.core.meetings import MetAt
from bot.core.text import fold
from bot.storage.rows import from_db_day, from_db_time, like_pattern, to_db_day, to_db_time

_EVENT = "SELECT id, owner_id, name, kind, held_on, created_at FROM events "
_IDS_PER_QUERY = 500  # well under SQLite's limit on bound parameters
_ENDING = "SELECT id, guild_id, event_id, name, ended_at, notify_at FROM scheduled_event_endings "


def _event(row: Sequence[Any]) -> Event:
    held_on = from_db_day(row[4])
    assert held_on is not None
    return Event(
        id=row[0],
        owner_id=row[1],
        name=row[2],
        kind=EventKind(row[3]),
        held_on=held_on,
        created_at=from_db_time(row[5]),
    )


def _ending(row: Sequence[Any]) -> ScheduledEnding:
    return ScheduledEnding(
        id=row[0],
        guild_id=row[1],
        event_id=row[2],
        name=row[3],
        ended_at=from_db_time(row[4]),
        notify_at=from_db_time(row[5]),
    )


class SqliteEventRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    # -- events ------------------------------------------------------------------------------

    async def add(
        self, owner_id: int, name: str, kind: EventKind, held_on: date, *, now: datetime
    ) -> Event:
        rows = await self._rows(
            "INSERT INTO events (owner_id, name, name_key, kind, held_on, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id, owner_id, name, kind, held_on, created_at",
            (owner_id, name, fold(name), kind.value, to_db_day(held_on), to_db_time(now)),
        )
        return _event(rows[0])

    async def get(self, owner_id: int, event_id: int) -> Event | None:
        rows = await self._rows(_EVENT + "WHERE owner_id = ? AND id = ?", (owner_id, event_id))
        return _event(rows[0]) if rows else None

    async def find(self, owner_id: int, name_key: str) -> Sequence[Event]:
        rows = await self._rows(
            _EVENT + "WHERE owner_id = ? AND name_key = ? ORDER BY held_on DESC, id DESC",
            (owner_id, name_key),
        )
        return [_event(row) for row in rows]

    async def list_for(self, owner_id: int, *, limit: int) -> Sequence[Event]:
        rows = await self._rows(
            _EVENT + "WHERE owner_id = ? ORDER BY held_on DESC, id DESC LIMIT ?",
            (owner_id, limit),
        )
        return [_event(row) for row in rows]

    async def suggest(self, owner_id: int, text_key: str, *, limit: int) -> Sequence[Event]:
        rows = await self._rows(
            _EVENT + "WHERE owner_id = ? AND name_key LIKE ? ESCAPE '\\' "
            "ORDER BY held_on DESC, id DESC LIMIT ?",
            (owner_id, like_pattern(text_key), limit),
        )
        return [_event(row) for row in rows]

    async def link(self, owner_id: int, contact_id: int, event_id: int) -> None:
        # Both sides must be the owner's: the INSERT … SELECT finds nothing otherwise.
        await self._db.execute(
            "INSERT INTO contact_events (owner_id, contact_id, event_id) "
            "SELECT ?, c.id, e.id FROM contacts c, events e "
            "WHERE c.id = ? AND c.owner_id = ? AND e.id = ? AND e.owner_id = ? "
            "ON CONFLICT DO NOTHING",
            (owner_id, contact_id, owner_id, event_id, owner_id),
        )

    async def people(self, owner_id: int, event_id: int) -> Sequence[int]:
        rows = await self._rows(
            "SELECT contact_id FROM contact_events WHERE owner_id = ? AND event_id = ? "
            "ORDER BY rowid",
            (owner_id, event_id),
        )
        return [int(row[0]) for row in rows]

    async def linked_events(
        self, owner_id: int, contact_ids: Sequence[int]
    ) -> Mapping[int, Sequence[MetAt]]:
        found: dict[int, list[MetAt]] = {}
        ids = list(dict.fromkeys(contact_ids))
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            rows = await self._rows(
                "SELECT ce.contact_id, e.id, e.name, e.kind, e.held_on "
                "FROM contact_events ce JOIN events e ON e.id = ce.event_id "
                f"WHERE ce.owner_id = ? AND ce.contact_id IN ({', '.join('?' * len(chunk))}) "
                "ORDER BY e.held_on, e.id",
                (owner_id, *chunk),
            )
            for contact_id, event_id, name, kind, held_on in rows:
                day = from_db_day(held_on)
                assert day is not None
                met = MetAt(event_id=event_id, name=name, kind=EventKind(kind), held_on=day)
                found.setdefault(int(contact_id), []).append(met)
        return found

    # -- scheduled events --------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildEventSettings | None:
        rows = await self._rows(
            "SELECT enabled, delay_minutes FROM guild_event_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if not rows:
            return None
        return GuildEventSettings(
            guild_id, enabled=bool(rows[0][0]), delay=timedelta(minutes=rows[0][1])
        )

    async def save_guild_settings(self, settings: GuildEventSettings, *, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO guild_event_settings (guild_id, enabled, delay_minutes, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET enabled = excluded.enabled, "
            "delay_minutes = excluded.delay_minutes, updated_at = excluded.updated_at",
            (
                settings.guild_id,
                int(settings.enabled),
                settings.delay // timedelta(minutes=1),
                to_db_time(now),
            ),
        )

    async def record_ending(
        self, guild_id: int, event_id: int, name: str, ended_at: datetime, notify_at: datetime
    ) -> bool:
        rows = await self._rows(
            "INSERT INTO scheduled_event_endings (guild_id, event_id, name, ended_at, notify_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING id",
            (guild_id, event_id, name, to_db_time(ended_at), to_db_time(notify_at)),
        )
        return bool(rows)

    async def get_ending(self, ending_id: int) -> ScheduledEnding | None:
        rows = await self._rows(_ENDING + "WHERE id = ?", (ending_id,))
        return _ending(rows[0]) if rows else None

    async def ending_for_event(self, event_id: int) -> ScheduledEnding | None:
        rows = await self._rows(_ENDING + "WHERE event_id = ?", (event_id,))
        return _ending(rows[0]) if rows else None

    async def due_endings(self, now: datetime, *, limit: int) -> Sequence[ScheduledEnding]:
        rows = await self._rows(
            _ENDING + "WHERE processed_at IS NULL AND notify_at <= ? ORDER BY notify_at LIMIT ?",
            (to_db_time(now), limit),
        )
        return [_ending(row) for row in rows]

    async def mark_processed(self, ending_id: int, *, at: datetime) -> None:
        await self._db.execute(
            "UPDATE scheduled_event_endings SET processed_at = ? WHERE id = ?",
            (to_db_time(at), ending_id),
        )
