"""PgContactRepository: contacts and the exchanges logged with them, scoped by owner
(bot/storage/contacts.py on PostgreSQL: the same queries, row shape and derived columns).

The statements are SQLite's own text (_SELECT, _PLAIN, _NOT_AWAITING, _MOST_DUE), written with
`?` and numbered for PostgreSQL by `numbered`; what differs is said where it differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.core.models import Contact, ContactDraft, ContactFilter, Exchange, ExchangeKind, Page
from bot.core.progress import NetworkCounts, WeekCounts
from bot.core.text import fold
from bot.storage.contacts import (
    _MOST_DUE,
    _NOT_AWAITING,
    _PLAIN,
    _SELECT,
    _VALUE_COLUMNS,
    _filter_clause,
    _row_to_contact,
    _row_to_exchange,
    contact_columns,
)
from bot.storage.postgres import progress
from bot.storage.postgres.rows import Pool, affected, numbered
from bot.storage.rows import from_db_time, like_pattern, to_db_day, to_db_time

_EXCHANGE = "SELECT id, contact_id, kind, happened_on, note, created_at FROM exchanges "


class PgContactRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def _one(self, sql: str, params: Sequence[Any]) -> Contact | None:
        row = await self._pool.fetchrow(numbered(sql), *params)
        return _row_to_contact(tuple(row)) if row else None

    async def _many(self, sql: str, params: Sequence[Any]) -> list[Contact]:
        rows = await self._pool.fetch(numbered(sql), *params)
        return [_row_to_contact(tuple(row)) for row in rows]

    async def _count(self, sql: str, params: Sequence[Any]) -> int:
        return int(await self._pool.fetchval(numbered(sql), *params) or 0)

    async def add(self, owner_id: int, draft: ContactDraft, *, now: datetime) -> Contact:
        values = contact_columns(draft)
        values.update(owner_id=owner_id, created_at=to_db_time(now), updated_at=to_db_time(now))
        marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        contact_id = await self._pool.fetchval(
            f"INSERT INTO contacts ({', '.join(values)}) VALUES ({marks}) RETURNING id",
            *values.values(),
        )
        contact = await self.get(owner_id, int(contact_id))
        assert contact is not None
        return contact

    async def get(self, owner_id: int, contact_id: int) -> Contact | None:
        return await self._one(
            _SELECT + "WHERE c.owner_id = ? AND c.id = ?", (owner_id, contact_id)
        )

    async def update(
        self, owner_id: int, contact_id: int, draft: ContactDraft, *, now: datetime
    ) -> Contact | None:
        values = contact_columns(draft)
        assignments = ", ".join(f"{key} = ${i}" for i, key in enumerate(values, start=1))
        n = len(values)
        status = await self._pool.execute(
            f"UPDATE contacts SET {assignments}, updated_at = ${n + 1} "
            f"WHERE owner_id = ${n + 2} AND id = ${n + 3}",
            *values.values(),
            to_db_time(now),
            owner_id,
            contact_id,
        )
        if affected(status) != 1:
            return None
        return await self.get(owner_id, contact_id)

    async def remove(self, owner_id: int, contact_id: int) -> bool:
        status = await self._pool.execute(
            "DELETE FROM contacts WHERE owner_id = $1 AND id = $2", owner_id, contact_id
        )
        return affected(status) == 1

    async def find_duplicates(
        self, owner_id: int, name_key: str, email_key: str | None
    ) -> Sequence[Contact]:
        return await self._many(
            _SELECT + "WHERE c.owner_id = ? AND (c.person_key = ? OR c.email_key = ?) "
            "ORDER BY c.id LIMIT 5",
            (owner_id, name_key, email_key),
        )

    async def list_all(self, owner_id: int, contact_filter: ContactFilter) -> Sequence[Contact]:
        where, params = _filter_clause(owner_id, contact_filter)
        return await self._many(_SELECT + "WHERE " + where, params)

    async def list_plain(self, owner_id: int) -> Sequence[Contact]:
        return await self._many(_PLAIN + "WHERE c.owner_id = ?", (owner_id,))

    async def most_due_page(
        self, owner_id: int, contact_filter: ContactFilter, *, page: int, size: int
    ) -> Page:
        where, params = _filter_clause(owner_id, contact_filter)
        total = await self._count("SELECT COUNT(*) FROM contacts c WHERE " + where, params)
        number = min(max(page, 0), max(0, (total - 1) // size))
        items = await self._many(
            _SELECT + f"WHERE c.id IN (SELECT c.id FROM contacts c WHERE {where} "
            f"ORDER BY {_MOST_DUE} LIMIT ? OFFSET ?) ORDER BY {_MOST_DUE}",
            [*params, size, number * size],
        )
        return Page(items=tuple(items), number=number, size=size, total=total)

    async def due_contacts(self, owner_id: int, *, until: date, limit: int) -> Sequence[Contact]:
        return await self._top(
            "c.owner_id = ? AND c.due_on <= ? AND " + _NOT_AWAITING,
            (owner_id, to_db_day(until)),
            _MOST_DUE,
            (limit,),
        )

    async def count_due(self, owner_id: int, *, until: date) -> int:
        return await self._count(
            "SELECT COUNT(*) FROM contacts c WHERE c.owner_id = ? AND c.due_on <= ? AND "
            + _NOT_AWAITING,
            (owner_id, to_db_day(until)),
        )

    async def get_many(self, owner_id: int, ids: Sequence[int]) -> Sequence[Contact]:
        if not ids:
            return []
        # One array parameter, where SQLite binds one parameter per id.
        return await self._many(
            _SELECT + "WHERE c.owner_id = ? AND c.id = ANY(?::bigint[]) ORDER BY c.id",
            (owner_id, list(ids)),
        )

    async def _top(
        self, where: str, where_params: Sequence[Any], order: str, order_params: Sequence[Any]
    ) -> list[Contact]:
        """The first rows in `order` (the last parameter is the limit), ranked on the contacts
        table alone, as on SQLite."""
        *order_args, limit = order_params
        return await self._many(
            _SELECT + f"WHERE c.id IN (SELECT c.id FROM contacts c WHERE {where} "
            f"ORDER BY {order} LIMIT ?) ORDER BY {order}",
            [*where_params, *order_args, limit, *order_args],
        )

    async def search(self, owner_id: int, query_key: str, *, limit: int) -> Sequence[Contact]:
        return await self._top(
            "c.owner_id = ? AND c.search_key LIKE ? ESCAPE '\\'",
            (owner_id, like_pattern(query_key)),
            "(c.name_key LIKE ? ESCAPE '\\') DESC, c.name_key, c.id",
            (like_pattern(query_key), limit),
        )

    async def suggest(self, owner_id: int, prefix_key: str, *, limit: int) -> Sequence[Contact]:
        if not prefix_key:
            return await self._top(
                "c.owner_id = ?", (owner_id,), "c.updated_at DESC, c.id DESC", (limit,)
            )
        prefix = like_pattern(prefix_key, prefix_only=True)
        word = like_pattern(" " + prefix_key, prefix_only=False)
        anywhere = like_pattern(prefix_key)
        return await self._top(
            "c.owner_id = ? AND c.name_key LIKE ? ESCAPE '\\'",
            (owner_id, anywhere),
            "CASE WHEN c.name_key LIKE ? ESCAPE '\\' THEN 0 "
            "WHEN c.name_key LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END, c.name_key, c.id",
            (prefix, word, limit),
        )

    async def count(self, owner_id: int) -> int:
        return await self._count("SELECT COUNT(*) FROM contacts WHERE owner_id = ?", (owner_id,))

    async def distinct_values(
        self, owner_id: int, column: str, prefix_key: str, *, limit: int
    ) -> Sequence[str]:
        if column not in _VALUE_COLUMNS:
            raise ValueError(f"no suggestions for {column!r}")
        if column == "tag":
            # SQLite's json_each, in PostgreSQL's words.
            sql = (
                'SELECT DISTINCT j.value COLLATE "C" AS value FROM contacts c, '
                "jsonb_array_elements_text(c.tags::jsonb) AS j(value) "
                "WHERE c.owner_id = $1 ORDER BY 1"
            )
        else:
            name = _VALUE_COLUMNS[column]
            sql = (
                f"SELECT DISTINCT c.{name} FROM contacts c "
                f"WHERE c.owner_id = $1 AND c.{name} IS NOT NULL ORDER BY c.{name}"
            )
        values = [row[0] for row in await self._pool.fetch(sql, owner_id)]
        matching = [v for v in values if prefix_key in fold(v)]
        matching.sort(key=lambda v: (not fold(v).startswith(prefix_key), fold(v)))
        return matching[:limit]

    async def add_exchange(
        self,
        owner_id: int,
        contact_id: int,
        kind: ExchangeKind,
        happened_on: date,
        note: str | None,
        *,
        now: datetime,
    ) -> Exchange | None:
        # The owner check is part of the INSERT: no row is written against someone else's contact.
        exchange_id = await self._pool.fetchval(
            "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
            "SELECT owner_id, id, $1, $2, $3, $4 FROM contacts WHERE owner_id = $5 AND id = $6 "
            "RETURNING id",
            kind.value,
            to_db_day(happened_on),
            note,
            to_db_time(now),
            owner_id,
            contact_id,
        )
        if exchange_id is None:
            return None
        return Exchange(
            id=exchange_id,
            contact_id=contact_id,
            kind=kind,
            happened_on=happened_on,
            note=note,
            created_at=from_db_time(to_db_time(now)),
        )

    async def set_schedule(
        self,
        owner_id: int,
        contact_id: int,
        *,
        follow_up_on: date | None = None,
        snoozed_until: date | None = None,
    ) -> bool:
        status = await self._pool.execute(
            "UPDATE contacts SET follow_up_on = COALESCE($1, follow_up_on), "
            "snoozed_until = COALESCE($2, snoozed_until) WHERE owner_id = $3 AND id = $4",
            to_db_day(follow_up_on),
            to_db_day(snoozed_until),
            owner_id,
            contact_id,
        )
        return affected(status) == 1

    async def count_follow_ups_on(self, owner_id: int, day: date) -> int:
        return await self._count(
            "SELECT COUNT(*) FROM contacts WHERE owner_id = ? AND follow_up_on = ?",
            (owner_id, to_db_day(day)),
        )

    async def awaiting_any_reply(self, owner_id: int) -> bool:
        found = await self._pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM drafts d WHERE d.owner_id = $1 AND d.sent_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM exchanges r WHERE r.contact_id = d.contact_id "
            "AND r.kind = 'replied' AND r.happened_on >= substr(d.sent_at, 1, 10)))",
            owner_id,
        )
        return bool(found)

    async def week_counts(self, owner_id: int, *, today: date, weeks: int) -> Sequence[WeekCounts]:
        return await progress.week_counts(self._pool, owner_id, today=today, weeks=weeks)

    async def network_counts(self, owner_id: int, *, top: int) -> NetworkCounts:
        return await progress.network_counts(self._pool, owner_id, top=top)

    async def all_exchanges(self, owner_id: int) -> Sequence[Exchange]:
        rows = await self._pool.fetch(
            _EXCHANGE + "WHERE owner_id = $1 ORDER BY happened_on, id", owner_id
        )
        return [_row_to_exchange(tuple(row)) for row in rows]

    async def exchanges(self, owner_id: int, contact_id: int, *, limit: int) -> Sequence[Exchange]:
        rows = await self._pool.fetch(
            _EXCHANGE + "WHERE owner_id = $1 AND contact_id = $2 "
            "ORDER BY happened_on DESC, id DESC LIMIT $3",
            owner_id,
            contact_id,
            limit,
        )
        return [_row_to_exchange(tuple(row)) for row in rows]
