"""SqliteContactRepository: contacts and the exchanges logged with them, scoped by owner."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.core.models import (
    Contact,
    ContactDraft,
    ContactFilter,
    Exchange,
    ExchangeKind,
    Page,
    Role,
)
from bot.core.names import PersonName
from bot.core.progress import NetworkCounts, WeekCounts
from bot.core.text import fold
from bot.storage import progress
from bot.storage.name_backfill import name_columns
from bot.storage.rows import from_db_day, from_db_time, like_pattern, to_db_day, to_db_time

# "Last contacted" and the count of follow-ups are derived from the exchanges, never stored
# twice. An in-person "met" does not count as a follow-up.
_OWN = """c.id, c.owner_id, c.name, c.role, c.title, c.specialty, c.institution, c.met_event,
       c.met_on, c.email, c.profile_url, c.notes, c.tags, c.discord_user_id, c.cadence_days,
       c.created_at, c.updated_at"""
_NAME_PARTS = """c.address_as, c.name_title, c.given_name, c.middle_names, c.family_name,
       c.name_suffix, c.post_nominals"""
_SELECT = f"""
SELECT {_OWN},
       (SELECT MAX(e.happened_on) FROM exchanges e WHERE e.contact_id = c.id),
       (SELECT COUNT(*) FROM exchanges e WHERE e.contact_id = c.id AND e.kind != 'met'),
       c.follow_up_on, c.snoozed_until,
       (SELECT MAX(d.sent_at) FROM drafts d
         WHERE d.contact_id = c.id AND d.sent_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM exchanges r WHERE r.contact_id = c.id
                           AND r.kind = 'replied' AND r.happened_on >= substr(d.sent_at, 1, 10))),
       {_NAME_PARTS}
FROM contacts c
"""

# The contact's own columns only, in _SELECT's order: the exchange-derived fields left empty.
_PLAIN = f"""
SELECT {_OWN}, NULL, 0, c.follow_up_on, c.snoozed_until, NULL, {_NAME_PARTS}
FROM contacts c
"""

# Not waiting for a reply: _SELECT's awaiting_reply_since is NULL (no sent draft that the
# contact has not answered since). Checked only for the rows the due index walks.
_NOT_AWAITING = """NOT EXISTS (SELECT 1 FROM drafts d
  WHERE d.contact_id = c.id AND d.sent_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM exchanges r WHERE r.contact_id = c.id
                    AND r.kind = 'replied' AND r.happened_on >= substr(d.sent_at, 1, 10)))"""

_VALUE_COLUMNS = {"tag": "tags", "specialty": "specialty", "event": "met_event"}

# The due day and kind are stored on each contact (migration 0010: triggers keep them equal to
# attention.due_on, with the student's cadence settings); listings walk (owner_id, due_on).
_MOST_DUE = "c.due_on, c.name_key, c.id"


def _row_to_contact(row: Sequence[Any]) -> Contact:
    draft = ContactDraft(
        name=row[2],
        role=Role(row[3]),
        title=row[4],
        specialty=row[5],
        institution=row[6],
        met_event=row[7],
        met_on=from_db_day(row[8]),
        email=row[9],
        profile_url=row[10],
        notes=row[11],
        tags=tuple(json.loads(row[12])),
        discord_user_id=row[13],
        cadence_days=row[14],
        address_as=row[22],
    )
    return Contact(
        id=row[0],
        owner_id=row[1],
        draft=draft,
        created_at=from_db_time(row[15]),
        updated_at=from_db_time(row[16]),
        last_contacted_on=from_db_day(row[17]),
        exchange_count=row[18],
        follow_up_on=from_db_day(row[19]),
        snoozed_until=from_db_day(row[20]),
        awaiting_reply_since=from_db_time(row[21]) if row[21] else None,
        person=PersonName(
            typed=row[2],
            title=row[23],
            given=row[24] or "",
            middle=row[25] or "",
            family=row[26] or "",
            suffix=row[27],
            post_nominals=tuple(row[28].split(", ")) if row[28] else (),
        ),
    )


def _filter_clause(owner_id: int, contact_filter: ContactFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (on `contacts c`) of a listing's filter, and its parameters."""
    clauses = ["c.owner_id = ?"]
    params: list[Any] = [owner_id]
    if contact_filter.role:
        clauses.append("c.role = ?")
        params.append(contact_filter.role.value)
    if contact_filter.tag:
        clauses.append("c.tags_key LIKE ? ESCAPE '\\'")
        params.append(like_pattern("," + fold(contact_filter.tag).lstrip("#") + ","))
    if contact_filter.specialty:
        clauses.append("c.specialty_key LIKE ? ESCAPE '\\'")
        params.append(like_pattern(fold(contact_filter.specialty)))
    if contact_filter.event:
        clauses.append("c.event_key LIKE ? ESCAPE '\\'")
        params.append(like_pattern(fold(contact_filter.event)))
    return " AND ".join(clauses), params


def _row_to_exchange(row: Sequence[Any]) -> Exchange:
    return Exchange(
        id=row[0],
        contact_id=row[1],
        kind=ExchangeKind(row[2]),
        happened_on=date.fromisoformat(row[3]),
        note=row[4],
        created_at=from_db_time(row[5]),
    )


def contact_columns(draft: ContactDraft) -> dict[str, Any]:
    """The stored columns of a contact with its derived keys (a restore and bulk loaders use it)."""
    searchable = [
        draft.name,
        draft.title,
        draft.specialty,
        draft.institution,
        draft.met_event,
        draft.email,
        draft.notes,
        *draft.tags,
    ]
    return {
        "name": draft.name,
        "name_key": fold(draft.name),
        "role": draft.role.value,
        "title": draft.title,
        "specialty": draft.specialty,
        "specialty_key": fold(draft.specialty) if draft.specialty else None,
        "institution": draft.institution,
        "met_event": draft.met_event,
        "event_key": fold(draft.met_event) if draft.met_event else None,
        "met_on": to_db_day(draft.met_on),
        "email": draft.email,
        "email_key": draft.email.casefold() if draft.email else None,
        "profile_url": draft.profile_url,
        "notes": draft.notes,
        "tags": json.dumps(list(draft.tags), ensure_ascii=False),
        "tags_key": "," + "".join(f"{fold(t)}," for t in draft.tags),
        "search_key": fold("\n".join(part for part in searchable if part)),
        "discord_user_id": draft.discord_user_id,
        "cadence_days": draft.cadence_days,
        "address_as": draft.address_as,
        **name_columns(draft.name, draft.title),
    }


class SqliteContactRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _one(self, sql: str, params: Sequence[Any]) -> Contact | None:
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return _row_to_contact(row) if row else None

    async def _many(self, sql: str, params: Sequence[Any]) -> list[Contact]:
        async with self._db.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return [_row_to_contact(row) for row in rows]

    async def add(self, owner_id: int, draft: ContactDraft, *, now: datetime) -> Contact:
        values = contact_columns(draft)
        values.update(owner_id=owner_id, created_at=to_db_time(now), updated_at=to_db_time(now))
        names = ", ".join(values)
        marks = ", ".join(f":{key}" for key in values)
        cursor = await self._db.execute(f"INSERT INTO contacts ({names}) VALUES ({marks})", values)
        contact = await self.get(owner_id, int(cursor.lastrowid or 0))
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
        assignments = ", ".join(f"{key} = :{key}" for key in values)
        values.update(owner_id=owner_id, id=contact_id, updated_at=to_db_time(now))
        cursor = await self._db.execute(
            f"UPDATE contacts SET {assignments}, updated_at = :updated_at "
            "WHERE owner_id = :owner_id AND id = :id",
            values,
        )
        if cursor.rowcount != 1:
            return None
        return await self.get(owner_id, contact_id)

    async def remove(self, owner_id: int, contact_id: int) -> bool:
        cursor = await self._db.execute(
            "DELETE FROM contacts WHERE owner_id = ? AND id = ?", (owner_id, contact_id)
        )
        return cursor.rowcount == 1

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
        async with self._db.execute(
            "SELECT COUNT(*) FROM contacts c WHERE " + where, params
        ) as cursor:
            row = await cursor.fetchone()
        total = int(row[0]) if row else 0
        number = min(max(page, 0), max(0, (total - 1) // size))
        # Rank on the contacts table and its (owner_id, due_on) index; whole rows (with their
        # per-contact subqueries) for just this page.
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
        async with self._db.execute(
            "SELECT COUNT(*) FROM contacts c WHERE c.owner_id = ? AND c.due_on <= ? AND "
            + _NOT_AWAITING,
            (owner_id, to_db_day(until)),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def get_many(self, owner_id: int, ids: Sequence[int]) -> Sequence[Contact]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        return await self._many(
            _SELECT + f"WHERE c.owner_id = ? AND c.id IN ({marks}) ORDER BY c.id",
            [owner_id, *ids],
        )

    async def _top(
        self, where: str, where_params: Sequence[Any], order: str, order_params: Sequence[Any]
    ) -> list[Contact]:
        """The first rows in `order` (the last parameter is the limit). Ranking runs on the
        contacts table alone; _SELECT's per-contact subqueries then run for those rows only,
        not for every contact of a student with thousands."""
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
            # Nothing typed yet: the people the student touched most recently.
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
        async with self._db.execute(
            "SELECT COUNT(*) FROM contacts WHERE owner_id = ?", (owner_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def distinct_values(
        self, owner_id: int, column: str, prefix_key: str, *, limit: int
    ) -> Sequence[str]:
        if column not in _VALUE_COLUMNS:
            raise ValueError(f"no suggestions for {column!r}")
        if column == "tag":
            sql = (
                "SELECT DISTINCT j.value FROM contacts c, json_each(c.tags) j "
                "WHERE c.owner_id = ? ORDER BY j.value"
            )
        else:
            name = _VALUE_COLUMNS[column]
            sql = (
                f"SELECT DISTINCT c.{name} FROM contacts c "
                f"WHERE c.owner_id = ? AND c.{name} IS NOT NULL ORDER BY c.{name}"
            )
        async with self._db.execute(sql, (owner_id,)) as cursor:
            values = [row[0] for row in await cursor.fetchall()]
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
        async with self._db.execute(
            "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
            "SELECT owner_id, id, ?, ?, ?, ? FROM contacts WHERE owner_id = ? AND id = ? "
            "RETURNING id",
            (kind.value, to_db_day(happened_on), note, to_db_time(now), owner_id, contact_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return Exchange(
            id=row[0],
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
        cursor = await self._db.execute(
            "UPDATE contacts SET follow_up_on = COALESCE(?, follow_up_on), "
            "snoozed_until = COALESCE(?, snoozed_until) WHERE owner_id = ? AND id = ?",
            (to_db_day(follow_up_on), to_db_day(snoozed_until), owner_id, contact_id),
        )
        return cursor.rowcount == 1

    async def count_follow_ups_on(self, owner_id: int, day: date) -> int:
        async with self._db.execute(
            "SELECT COUNT(*) FROM contacts WHERE owner_id = ? AND follow_up_on = ?",
            (owner_id, to_db_day(day)),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def awaiting_any_reply(self, owner_id: int) -> bool:
        # The condition of _SELECT's "awaiting a reply since", over the student's sent drafts.
        async with self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM drafts d WHERE d.owner_id = ? AND d.sent_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM exchanges r WHERE r.contact_id = d.contact_id "
            "AND r.kind = 'replied' AND r.happened_on >= substr(d.sent_at, 1, 10)))",
            (owner_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return bool(row and row[0])

    async def week_counts(self, owner_id: int, *, today: date, weeks: int) -> Sequence[WeekCounts]:
        return await progress.week_counts(self._db, owner_id, today=today, weeks=weeks)

    async def network_counts(self, owner_id: int, *, top: int) -> NetworkCounts:
        return await progress.network_counts(self._db, owner_id, top=top)

    async def all_exchanges(self, owner_id: int) -> Sequence[Exchange]:
        async with self._db.execute(
            "SELECT id, contact_id, kind, happened_on, note, created_at FROM exchanges "
            "WHERE owner_id = ? ORDER BY happened_on, id",
            (owner_id,),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_row_to_exchange(row) for row in rows]

    async def exchanges(self, owner_id: int, contact_id: int, *, limit: int) -> Sequence[Exchange]:
        # `+owner_id` keeps SQLite off (owner_id, happened_on): that index also gives the order,
        # so without statistics the planner walks every exchange of the student (20,000 at the
        # caps: 10 ms) to find this contact's few; (contact_id, happened_on) reads just those.
        async with self._db.execute(
            "SELECT id, contact_id, kind, happened_on, note, created_at FROM exchanges "
            "WHERE +owner_id = ? AND contact_id = ? ORDER BY happened_on DESC, id DESC LIMIT ?",
            (owner_id, contact_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_row_to_exchange(row) for row in rows]
