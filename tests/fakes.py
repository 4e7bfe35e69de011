"""Hand-written in-memory fakes of the core's ports (bot/core/ports.py).

They follow the SQLite repositories' semantics closely enough that one contract test module
(tests/storage/test_repository_contract.py) runs against both: owner scoping, folded matching,
derived "last contacted" and follow-up counts, cascades, UTC normalisation and JSON payloads.
The one deliberate difference: no foreign keys, so a contact may be added for a student row
that was never created.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.content.templates import TemplateCatalogue
from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.models import (
    Channel,
    Contact,
    ContactDraft,
    ContactFilter,
    Draft,
    Exchange,
    ExchangeKind,
    Profile,
    Student,
)
from bot.core.services import Services
from bot.core.students import StudentService
from bot.core.text import fold
from bot.settings import PROJECT_ROOT

DEFAULT_NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    """What a round trip through storage gives back: the same instant, in UTC."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return value.astimezone(UTC)


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime = DEFAULT_NOW) -> None:
        self._now = _utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, value: datetime) -> None:
        self._now = _utc(value)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by `delta` or by timedelta keyword parts (days=1, hours=2, ...)."""
        self._now += (delta or timedelta()) + timedelta(**parts)
        return self._now


# -- students ---------------------------------------------------------------------------------


@dataclass
class _StudentRow:
    id: int
    timezone: str | None
    welcomed: bool
    created_at: datetime

    def to_model(self) -> Student:
        return Student(
            id=self.id, timezone=self.timezone, welcomed=self.welcomed, created_at=self.created_at
        )


class InMemoryStudentRepository:
    def __init__(self) -> None:
        self.rows: dict[int, _StudentRow] = {}

    async def get_or_create(self, student_id: int, *, now: datetime) -> tuple[Student, bool]:
        created = student_id not in self.rows
        if created:
            self.rows[student_id] = _StudentRow(student_id, None, False, _utc(now))
        return self.rows[student_id].to_model(), created

    async def mark_welcomed(self, student_id: int) -> bool:
        row = self.rows.get(student_id)
        if row is None or row.welcomed:
            return False
        row.welcomed = True
        return True

    async def set_timezone(self, student_id: int, timezone: str | None) -> None:
        row = self.rows.get(student_id)
        if row is not None:
            row.timezone = timezone


# -- contacts ---------------------------------------------------------------------------------


@dataclass
class _ContactRow:
    id: int
    owner_id: int
    draft: ContactDraft
    created_at: datetime
    updated_at: datetime
    follow_up_on: date | None = None
    snoozed_until: date | None = None

    @property
    def name_key(self) -> str:
        return fold(self.draft.name)

    @property
    def email_key(self) -> str | None:
        return self.draft.email.casefold() if self.draft.email else None

    @property
    def tag_keys(self) -> list[str]:
        return [fold(t) for t in self.draft.tags]

    @property
    def search_key(self) -> str:
        d = self.draft
        parts = [d.name, d.title, d.specialty, d.institution, d.met_event, d.email, d.notes]
        return fold("\n".join(p for p in [*parts, *d.tags] if p))


_VALUE_FIELDS = {"tag": None, "specialty": "specialty", "event": "met_event"}


class InMemoryContactRepository:
    def __init__(self) -> None:
        self.rows: dict[int, _ContactRow] = {}
        self.exchange_rows: dict[int, tuple[int, Exchange]] = {}  # id -> (owner_id, exchange)
        self._contact_ids = itertools.count(1)
        self._exchange_ids = itertools.count(1)
        self.sent_at: dict[int, list[datetime]] = {}  # contact id -> drafts' sent times

    def _owned(self, owner_id: int, contact_id: int) -> _ContactRow | None:
        row = self.rows.get(contact_id)
        return row if row is not None and row.owner_id == owner_id else None

    def _exchanges_of(self, contact_id: int) -> list[Exchange]:
        return [e for _, e in self.exchange_rows.values() if e.contact_id == contact_id]

    def _to_model(self, row: _ContactRow) -> Contact:
        exchanges = self._exchanges_of(row.id)
        return Contact(
            id=row.id,
            owner_id=row.owner_id,
            draft=row.draft,
            created_at=row.created_at,
            updated_at=row.updated_at,
            last_contacted_on=max((e.happened_on for e in exchanges), default=None),
            exchange_count=sum(1 for e in exchanges if e.kind is not ExchangeKind.MET),
            follow_up_on=row.follow_up_on,
            snoozed_until=row.snoozed_until,
            awaiting_reply_since=self._awaiting(row.id, exchanges),
        )

    def _awaiting(self, contact_id: int, exchanges: list[Exchange]) -> datetime | None:
        replies = [e.happened_on for e in exchanges if e.kind is ExchangeKind.REPLIED]
        waiting = [
            sent
            for sent in self.sent_at.get(contact_id, [])
            if not any(day >= sent.date() for day in replies)
        ]
        return max(waiting, default=None)

    async def set_schedule(
        self,
        owner_id: int,
        contact_id: int,
        *,
        follow_up_on: date | None = None,
        snoozed_until: date | None = None,
    ) -> bool:
        row = self._owned(owner_id, contact_id)
        if row is None:
            return False
        if follow_up_on is not None:
            row.follow_up_on = follow_up_on
        if snoozed_until is not None:
            row.snoozed_until = snoozed_until
        return True

    async def count_follow_ups_on(self, owner_id: int, day: date) -> int:
        return sum(1 for row in self._of(owner_id) if row.follow_up_on == day)

    def _of(self, owner_id: int) -> list[_ContactRow]:
        return [row for row in self.rows.values() if row.owner_id == owner_id]

    async def add(self, owner_id: int, draft: ContactDraft, *, now: datetime) -> Contact:
        at = _utc(now)
        row = _ContactRow(next(self._contact_ids), owner_id, draft, at, at)
        self.rows[row.id] = row
        return self._to_model(row)

    async def get(self, owner_id: int, contact_id: int) -> Contact | None:
        row = self._owned(owner_id, contact_id)
        return self._to_model(row) if row else None

    async def update(
        self, owner_id: int, contact_id: int, draft: ContactDraft, *, now: datetime
    ) -> Contact | None:
        row = self._owned(owner_id, contact_id)
        if row is None:
            return None
        row.draft = draft
        row.updated_at = _utc(now)
        return self._to_model(row)

    async def remove(self, owner_id: int, contact_id: int) -> bool:
        if self._owned(owner_id, contact_id) is None:
            return False
        del self.rows[contact_id]
        for exchange_id, (_, exchange) in list(self.exchange_rows.items()):
            if exchange.contact_id == contact_id:
                del self.exchange_rows[exchange_id]
        return True

    async def find_duplicates(
        self, owner_id: int, name_key: str, email_key: str | None
    ) -> Sequence[Contact]:
        found = [
            row
            for row in self._of(owner_id)
            if row.name_key == name_key or (email_key is not None and row.email_key == email_key)
        ]
        return [self._to_model(row) for row in sorted(found, key=lambda r: r.id)[:5]]

    async def list_all(self, owner_id: int, contact_filter: ContactFilter) -> Sequence[Contact]:
        rows = self._of(owner_id)
        f = contact_filter
        if f.role:
            rows = [r for r in rows if r.draft.role == f.role]
        if f.tag:
            tag = fold(f.tag).lstrip("#")
            rows = [r for r in rows if tag in r.tag_keys]
        if f.specialty:
            key = fold(f.specialty)
            rows = [r for r in rows if r.draft.specialty and key in fold(r.draft.specialty)]
        if f.event:
            key = fold(f.event)
            rows = [r for r in rows if r.draft.met_event and key in fold(r.draft.met_event)]
        return [self._to_model(row) for row in rows]

    async def search(self, owner_id: int, query_key: str, *, limit: int) -> Sequence[Contact]:
        rows = [r for r in self._of(owner_id) if query_key in r.search_key]
        rows.sort(key=lambda r: (query_key not in r.name_key, r.name_key, r.id))
        return [self._to_model(row) for row in rows[:limit]]

    async def suggest(self, owner_id: int, prefix_key: str, *, limit: int) -> Sequence[Contact]:
        if not prefix_key:
            recent = sorted(self._of(owner_id), key=lambda r: (r.updated_at, r.id), reverse=True)
            return [self._to_model(row) for row in recent[:limit]]

        def rank(row: _ContactRow) -> int:
            if row.name_key.startswith(prefix_key):
                return 0
            return 1 if " " + prefix_key in row.name_key else 2

        rows = [r for r in self._of(owner_id) if prefix_key in r.name_key]
        rows.sort(key=lambda r: (rank(r), r.name_key, r.id))
        return [self._to_model(row) for row in rows[:limit]]

    async def count(self, owner_id: int) -> int:
        return len(self._of(owner_id))

    async def distinct_values(
        self, owner_id: int, column: str, prefix_key: str, *, limit: int
    ) -> Sequence[str]:
        if column not in _VALUE_FIELDS:
            raise ValueError(f"no suggestions for {column!r}")
        values: set[str] = set()
        for row in self._of(owner_id):
            if column == "tag":
                values.update(row.draft.tags)
            else:
                value = getattr(row.draft, _VALUE_FIELDS[column] or "")
                if value is not None:
                    values.add(value)
        matching = [v for v in sorted(values) if prefix_key in fold(v)]
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
        if self._owned(owner_id, contact_id) is None:
            return None
        exchange = Exchange(
            id=next(self._exchange_ids),
            contact_id=contact_id,
            kind=kind,
            happened_on=happened_on,
            note=note,
            created_at=_utc(now),
        )
        self.exchange_rows[exchange.id] = (owner_id, exchange)
        return exchange

    async def exchanges(self, owner_id: int, contact_id: int, *, limit: int) -> Sequence[Exchange]:
        mine = [
            e
            for owner, e in self.exchange_rows.values()
            if owner == owner_id and e.contact_id == contact_id
        ]
        mine.sort(key=lambda e: (e.happened_on, e.id), reverse=True)
        return mine[:limit]


# -- pending ----------------------------------------------------------------------------------


@dataclass
class _PendingRow:
    owner_id: int
    kind: str
    payload: str  # JSON, as stored
    expires_at: datetime


class InMemoryPendingRepository:
    def __init__(self) -> None:
        self.rows: dict[int, _PendingRow] = {}
        self._ids = itertools.count(1)

    def _live(self, owner_id: int, pending_id: int, kind: str, now: datetime) -> _PendingRow | None:
        row = self.rows.get(pending_id)
        if row is None or row.owner_id != owner_id or row.kind != kind:
            return None
        return row if row.expires_at > _utc(now) else None

    async def put(
        self, owner_id: int, kind: str, payload: dict[str, Any], *, expires_at: datetime
    ) -> int:
        pending_id = next(self._ids)
        self.rows[pending_id] = _PendingRow(owner_id, kind, json.dumps(payload), _utc(expires_at))
        return pending_id

    async def take(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        row = self._live(owner_id, pending_id, kind, now)
        if row is None:
            return None
        del self.rows[pending_id]
        return json.loads(row.payload)

    async def peek(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        row = self._live(owner_id, pending_id, kind, now)
        return json.loads(row.payload) if row else None

    async def purge_expired(self, *, now: datetime) -> int:
        expired = [i for i, row in self.rows.items() if row.expires_at <= _utc(now)]
        for pending_id in expired:
            del self.rows[pending_id]
        return len(expired)


# -- wiring -----------------------------------------------------------------------------------


# -- profiles and drafts ------------------------------------------------------------------------


class InMemoryProfileRepository:
    def __init__(self) -> None:
        self._profiles: dict[int, Profile] = {}

    async def get(self, student_id: int) -> Profile | None:
        return self._profiles.get(student_id)

    async def save(self, student_id: int, profile: Profile, *, now: datetime) -> Profile:
        _utc(now)
        self._profiles[student_id] = profile
        return profile


class InMemoryDraftRepository:
    """Drafts keyed by id; `contacts` is consulted so a draft can only name the owner's contact."""

    def __init__(self, contacts: InMemoryContactRepository) -> None:
        self._contacts = contacts
        self._drafts: dict[int, Draft] = {}
        self._ids = itertools.count(1)

    async def add(
        self,
        owner_id: int,
        contact_id: int,
        template_id: str,
        channel: Channel,
        fields: dict[str, str],
        *,
        now: datetime,
    ) -> Draft | None:
        if await self._contacts.get(owner_id, contact_id) is None:
            return None
        draft = Draft(
            id=next(self._ids),
            owner_id=owner_id,
            contact_id=contact_id,
            template_id=template_id,
            channel=channel,
            version=1,
            fields=json.loads(json.dumps(fields)),
            created_at=_utc(now),
        )
        self._drafts[draft.id] = draft
        return draft

    async def get(self, owner_id: int, draft_id: int) -> Draft | None:
        draft = self._drafts.get(draft_id)
        if draft is None or draft.owner_id != owner_id:
            return None
        if await self._contacts.get(owner_id, draft.contact_id) is None:
            return None  # cascaded with its contact
        return draft

    async def update(
        self,
        owner_id: int,
        draft_id: int,
        *,
        channel: Channel,
        version: int,
        fields: dict[str, str],
    ) -> Draft | None:
        draft = await self.get(owner_id, draft_id)
        if draft is None:
            return None
        updated = replace(draft, channel=channel, version=version, fields=dict(fields))
        self._drafts[draft_id] = updated
        return updated

    async def mark_sent(
        self, owner_id: int, draft_id: int, *, sent_at: datetime, nudge_due_at: datetime
    ) -> Draft | None:
        draft = await self.get(owner_id, draft_id)
        if draft is None or draft.sent_at is not None:
            return None
        updated = replace(draft, sent_at=_utc(sent_at), nudge_due_at=_utc(nudge_due_at))
        self._drafts[draft_id] = updated
        self._contacts.sent_at.setdefault(draft.contact_id, []).append(updated.sent_at)
        return updated


def build_services(
    clock: FakeClock | None = None,
    *,
    students: InMemoryStudentRepository | None = None,
    contacts: InMemoryContactRepository | None = None,
    pending: InMemoryPendingRepository | None = None,
    profiles: InMemoryProfileRepository | None = None,
    drafts: InMemoryDraftRepository | None = None,
    catalogue: TemplateCatalogue | None = None,
) -> Services:
    """Services wired with fakes; pass repositories in to inspect them afterwards."""
    clock = clock or FakeClock()
    students = InMemoryStudentRepository() if students is None else students
    contacts = InMemoryContactRepository() if contacts is None else contacts
    pending = InMemoryPendingRepository() if pending is None else pending
    profiles = InMemoryProfileRepository() if profiles is None else profiles
    drafts = InMemoryDraftRepository(contacts) if drafts is None else drafts
    catalogue = catalogue or TemplateCatalogue.load(PROJECT_ROOT / "templates")
    student_service = StudentService(students, clock)
    contact_service = ContactService(contacts, pending, student_service, clock)
    draft_service = DraftService(contact_service, profiles, drafts, pending, catalogue, clock)
    return Services(contacts=contact_service, students=student_service, drafts=draft_service)


__all__ = [
    "DEFAULT_NOW",
    "FakeClock",
    "InMemoryContactRepository",
    "InMemoryDraftRepository",
    "InMemoryPendingRepository",
    "InMemoryProfileRepository",
    "InMemoryStudentRepository",
    "build_services",
]
