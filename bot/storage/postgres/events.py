"""PgEventRepository: a student's events and who they met there, and the servers'
scheduled-event switch and endings (bot/storage/events.py on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from bot.core.events import Event, EventKind, GuildEventSettings, ScheduledEnding
from bot.core.meetings import MetAt
from bot.core.text import fold
from bot.storage.events import _ENDING, _EVENT, _ending, _event
from bot.storage.postgres.rows import Pool
from bot.storage.rows import from_db_day, like_pattern, to_db_day, to_db_time


class PgEventRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    # -- events ------------------------------------------------------------------------------

    async def add(
        self, owner_id: int, name: str, kind: EventKind, held_on: date, *, now: datetime
    ) -> Event:
        row = await self._pool.fetchrow(
            "INSERT INTO events (owner_id, name, name_key, kind, held_on, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, owner_id, name, kind, held_on, "
            "created_at",
            owner_id,
            name,
            fold(name),
            kind.value,
            to_db_day(held_on),
            to_db_time(now),
        )
        assert row is not None
        return _event(tuple(row))

    async def get(self, owner_id: int, event_id: int) -> Event | None:
        row = await self._pool.fetchrow(
            _EVENT + "WHERE owner_id = $1 AND id = $2", owner_id, event_id
        )
        return _event(tuple(row)) if row else None

    async def find(self, owner_id: int, name_key: str) -> Sequence[Event]:
        rows = await self._pool.fetch(
            _EVENT + "WHERE owner_id = $1 AND name_key = $2 ORDER BY held_on DESC, id DESC",
            owner_id,
            name_key,
        )
        return [_event(tuple(row)) for row in rows]

    async def list_for(self, owner_id: int, *, limit: int) -> Sequence[Event]:
        rows = await self._pool.fetch(
            _EVENT + "WHERE owner_id = $1 ORDER BY held_on DESC, id DESC LIMIT $2",
            owner_id,
            limit,
        )
        return [_event(tuple(row)) for row in rows]

    async def suggest(self, owner_id: int, text_key: str, *, limit: int) -> Sequence[Event]:
        rows = await self._pool.fetch(
            _EVENT + "WHERE owner_id = $1 AND name_key LIKE $2 ESCAPE '\\' "
            "ORDER BY held_on DESC, id DESC LIMIT $3",
            owner_id,
            like_pattern(text_key),
            limit,
        )
        return [_event(tuple(row)) for row in rows]

    async def link(self, owner_id: int, contact_id: int, event_id: int) -> None:
        # Both sides must be the owner's: the INSERT … SELECT finds nothing otherwise.
        await self._pool.execute(
            "INSERT INTO contact_events (owner_id, contact_id, event_id) "
            "SELECT $1, c.id, e.id FROM contacts c, events e "
            "WHERE c.id = $2 AND c.owner_id = $1 AND e.id = $3 AND e.owner_id = $1 "
            "ON CONFLICT DO NOTHING",
            owner_id,
            contact_id,
            event_id,
        )

    async def people(self, owner_id: int, event_id: int) -> Sequence[int]:
        # In the order they were linked: the rowid column stands for SQLite's (migration 0005).
        rows = await self._pool.fetch(
            "SELECT contact_id FROM contact_events WHERE owner_id = $1 AND event_id = $2 "
            "ORDER BY rowid",
            owner_id,
            event_id,
        )
        return [int(row[0]) for row in rows]

    async def linked_events(
        self, owner_id: int, contact_ids: Sequence[int]
    ) -> Mapping[int, Sequence[MetAt]]:
        found: dict[int, list[MetAt]] = {}
        rows = await self._pool.fetch(
            "SELECT ce.contact_id, e.id, e.name, e.kind, e.held_on "
            "FROM contact_events ce JOIN events e ON e.id = ce.event_id "
            "WHERE ce.owner_id = $1 AND ce.contact_id = ANY($2::bigint[]) "
            "ORDER BY e.held_on, e.id",
            owner_id,
            list(dict.fromkeys(contact_ids)),
        )
        for contact_id, event_id, name, kind, held_on in rows:
            day = from_db_day(held_on)
            assert day is not None
            met = MetAt(event_id=event_id, name=name, kind=EventKind(kind), held_on=day)
            found.setdefault(int(contact_id), []).append(met)
        return found

    # -- scheduled events --------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildEventSettings | None:
        row = await self._pool.fetchrow(
            "SELECT enabled, delay_minutes FROM guild_event_settings WHERE guild_id = $1",
            guild_id,
        )
        if row is None:
            return None
        return GuildEventSettings(guild_id, enabled=bool(row[0]), delay=timedelta(minutes=row[1]))

    async def save_guild_settings(self, settings: GuildEventSettings, *, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO guild_event_settings (guild_id, enabled, delay_minutes, updated_at) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (guild_id) DO UPDATE SET "
            "enabled = excluded.enabled, delay_minutes = excluded.delay_minutes, "
            "updated_at = excluded.updated_at",
            settings.guild_id,
            int(settings.enabled),
            settings.delay // timedelta(minutes=1),
            to_db_time(now),
        )

    async def record_ending(
        self, guild_id: int, event_id: int, name: str, ended_at: datetime, notify_at: datetime
    ) -> bool:
        found = await self._pool.fetchval(
            "INSERT INTO scheduled_event_endings (guild_id, event_id, name, ended_at, notify_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING RETURNING id",
            guild_id,
            event_id,
            name,
            to_db_time(ended_at),
            to_db_time(notify_at),
        )
        return found is not None

    async def get_ending(self, ending_id: int) -> ScheduledEnding | None:
        row = await self._pool.fetchrow(_ENDING + "WHERE id = $1", ending_id)
        return _ending(tuple(row)) if row else None

    async def ending_for_event(self, event_id: int) -> ScheduledEnding | None:
        row = await self._pool.fetchrow(_ENDING + "WHERE event_id = $1", event_id)
        return _ending(tuple(row)) if row else None

    async def due_endings(self, now: datetime, *, limit: int) -> Sequence[ScheduledEnding]:
        rows = await self._pool.fetch(
            _ENDING + "WHERE processed_at IS NULL AND notify_at <= $1 ORDER BY notify_at LIMIT $2",
            to_db_time(now),
            limit,
        )
        return [_ending(tuple(row)) for row in rows]

    async def mark_processed(self, ending_id: int, *, at: datetime) -> None:
        await self._pool.execute(
            "UPDATE scheduled_event_endings SET processed_at = $1 WHERE id = $2",
            to_db_time(at),
            ending_id,
        )
