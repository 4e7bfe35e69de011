"""Hand-written in-memory fakes of the core's ports (bot/core/ports.py).

They follow the SQLite repositories' semantics closely enough that one contract test module
(tests/storage/test_repository_contract.py) runs against both: owner scoping, folded matching,
derived "last contacted" and follow-up counts, cascades, UTC normalisation and JSON payloads.
The one deliberate difference: no foreign keys, so a contact may be added for a student row
that was never created.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from bot.content.coach import CoachLibrary
from bot.content.season import SeasonLibrary
from bot.content.templates import TemplateCatalogue
from bot.core.attention import due_on, most_due_first
from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.delivery import DeliveryService
from bot.core.drafts import DraftService
from bot.core.errors import (
    DeliveryFailed,
    DeliveryNotSent,
    DeliveryUncertain,
    RecipientUnreachable,
)
from bot.core.events import (
    DELIVERY_KIND as EVENT_DELIVERY,
)
from bot.core.events import (
    Event,
    EventKind,
    EventService,
    GuildEventSettings,
    ScheduledEnding,
)
from bot.core.export_format import ExportSnapshot
from bot.core.export_reader import Restore
from bot.core.imports import ImportService
from bot.core.interviews import InterviewService
from bot.core.letters import LetterRequest
from bot.core.meetings import MetAt
from bot.core.models import (
    Channel,
    Contact,
    ContactDraft,
    ContactFilter,
    Delivery,
    Digest,
    Draft,
    DueItem,
    Exchange,
    ExchangeKind,
    MessageRef,
    OneOffReminder,
    Page,
    Profile,
    ReminderSettings,
    Student,
    Tone,
    WeekActivity,
)
from bot.core.names import parse_name
from bot.core.ports import JobSlot
from bot.core.privacy import PrivacyService
from bot.core.progress import (
    NetworkCounts,
    WeekCounts,
    WeeklyGoal,
    network_counts,
    weekly_counts,
)
from bot.core.reminders import ReminderService
from bot.core.restore import AccountNotEmpty, RestoreService
from bot.core.season import Interview, SeasonPlan
from bot.core.season_service import SeasonService
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
    unreachable_since: datetime | None = None
    guild_id: int | None = None

    def to_model(self) -> Student:
        return Student(
            id=self.id,
            timezone=self.timezone,
            welcomed=self.welcomed,
            created_at=self.created_at,
            unreachable_since=self.unreachable_since,
            guild_id=self.guild_id,
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

    async def set_unreachable(self, student_id: int, since: datetime | None) -> None:
        row = self.rows.get(student_id)
        if row is not None:
            row.unreachable_since = _utc(since) if since is not None else None

    async def set_guild(self, student_id: int, guild_id: int) -> None:
        row = self.rows.get(student_id)
        if row is not None:
            row.guild_id = guild_id


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
    def person_key(self) -> str:
        return parse_name(self.draft.name).key

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
        # Each student's cadence settings, as the SQL reads them from reminder_settings (the
        # reminder fake writes them here when it saves settings).
        self.cadence: dict[int, Mapping[str, int]] = {}

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
            if row.person_key == name_key or (email_key is not None and row.email_key == email_key)
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

    async def list_plain(self, owner_id: int) -> Sequence[Contact]:
        return [
            replace(c, last_contacted_on=None, exchange_count=0, awaiting_reply_since=None)
            for c in await self.list_all(owner_id, ContactFilter())
        ]

    async def most_due_page(
        self, owner_id: int, contact_filter: ContactFilter, *, page: int, size: int
    ) -> Page:
        ordered = most_due_first(
            await self.list_all(owner_id, contact_filter), self.cadence.get(owner_id)
        )
        number = min(max(page, 0), max(0, (len(ordered) - 1) // size))
        start = number * size
        return Page(tuple(ordered[start : start + size]), number, size, len(ordered))

    async def due_contacts(self, owner_id: int, *, until: date, limit: int) -> Sequence[Contact]:
        cadence = self.cadence.get(owner_id)
        everyone = await self.list_all(owner_id, ContactFilter())
        due = [
            c for c in everyone if due_on(c, cadence) <= until and c.awaiting_reply_since is None
        ]
        return most_due_first(due, cadence)[:limit]

    async def count_due(self, owner_id: int, *, until: date) -> int:
        return len(await self.due_contacts(owner_id, until=until, limit=len(self.rows)))

    async def get_many(self, owner_id: int, ids: Sequence[int]) -> Sequence[Contact]:
        return [self._to_model(r) for i in sorted(set(ids)) if (r := self._owned(owner_id, i))]

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

    async def all_exchanges(self, owner_id: int) -> Sequence[Exchange]:
        mine = [e for owner, e in self.exchange_rows.values() if owner == owner_id]
        return sorted(mine, key=lambda e: (e.happened_on, e.id))

    async def awaiting_any_reply(self, owner_id: int) -> bool:
        return any(
            c.awaiting_reply_since is not None
            for c in await self.list_all(owner_id, ContactFilter())
        )

    async def week_counts(self, owner_id: int, *, today: date, weeks: int) -> Sequence[WeekCounts]:
        return weekly_counts(
            await self.list_plain(owner_id),
            await self.all_exchanges(owner_id),
            today=today,
            weeks=weeks,
        )

    async def network_counts(self, owner_id: int, *, top: int) -> NetworkCounts:
        return network_counts(
            await self.list_plain(owner_id), await self.all_exchanges(owner_id), top=top
        )


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

    async def held(
        self, owner_id: int, kind: str, *, now: datetime
    ) -> list[tuple[int, dict[str, Any]]]:
        return [
            (pending_id, json.loads(row.payload))
            for pending_id, row in sorted(self.rows.items())
            if self._live(owner_id, pending_id, kind, now) is not None
        ]

    async def purge_expired(self, *, now: datetime) -> int:
        expired = [i for i, row in self.rows.items() if row.expires_at <= _utc(now)]
        for pending_id in expired:
            del self.rows[pending_id]
        return len(expired)


# -- wiring -----------------------------------------------------------------------------------


# -- profiles and drafts ------------------------------------------------------------------------


class InMemoryJobLedger:
    """JobLedger: the slots in a dict, with the store's rule (claim when free, cooled down or
    stale; a finish or release by a job that lost its slot changes nothing)."""

    def __init__(self) -> None:
        self.slots: dict[tuple[int, str], tuple[str, datetime, datetime | None]] = {}

    async def claim(
        self,
        student_id: int,
        kind: str,
        token: str,
        *,
        now: datetime,
        stale_before: datetime,
        free_after: datetime,
    ) -> JobSlot | None:
        held = self.slots.get((student_id, kind))
        if held is not None:
            _, started, finished = held
            free = finished <= free_after if finished is not None else started <= stale_before
            if not free:
                return JobSlot(started, finished)
        self.slots[(student_id, kind)] = (token, now, None)
        return None

    async def finish(
        self, student_id: int, kind: str, token: str, *, finished_at: datetime | None
    ) -> None:
        held = self.slots.get((student_id, kind))
        if held is None or held[0] != token or held[2] is not None:
            return
        if finished_at is None:
            del self.slots[(student_id, kind)]
        else:
            self.slots[(student_id, kind)] = (token, held[1], finished_at)


class InMemorySenderLease:
    """SenderLease: one holder and its expiry, with the store's rule."""

    def __init__(self) -> None:
        self.holder: str | None = None
        self.expires_at: datetime | None = None

    async def hold(self, holder: str, *, now: datetime, until: datetime) -> bool:
        if self.holder not in (None, holder) and self.expires_at and self.expires_at > now:
            return False
        self.holder, self.expires_at = holder, until
        return True

    async def release(self, holder: str) -> None:
        if self.holder == holder:
            self.holder = self.expires_at = None


class InMemoryRateSlots:
    """RateSlots: each slot's holder and expiry, with the store's rule; `taken` lists the
    grants (name, holder, now) for tests of who went when."""

    def __init__(self) -> None:
        self.slots: dict[str, tuple[str, datetime]] = {}
        self.taken: list[tuple[str, str, datetime]] = []

    async def take(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        held = self.slots.get(name)
        if held is not None and held[0] != holder and held[1] > now:
            return False
        self.slots[name] = (holder, until)
        self.taken.append((name, holder, now))
        return True


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
        tone: Tone = Tone.WARM,
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
            tone=tone,
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
        tone: Tone = Tone.WARM,
    ) -> Draft | None:
        draft = await self.get(owner_id, draft_id)
        if draft is None:
            return None
        updated = replace(
            draft, channel=channel, version=version, fields=dict(fields), tone=Tone(tone)
        )
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


# -- reminders ---------------------------------------------------------------------------------


@dataclass
class _DeliveryRow:
    delivery: Delivery
    outcome: str | None = None
    message_id: int | None = None
    leased_at: datetime | None = None
    unsent: bool = False  # the last attempt certainly never left (migration 0019)


class InMemoryReminderRepository:
    """Settings, one-off reminders and the delivery ledger, like SqliteReminderRepository.

    It reads the student, contact and draft fakes it is given, as the SQL joins those tables:
    digests, reminders and nudges go only to students who exist, are opted in, not paused and
    reachable; a reminder or draft whose contact was removed is gone (the cascade).
    """

    def __init__(
        self,
        students: InMemoryStudentRepository,
        contacts: InMemoryContactRepository,
        drafts: InMemoryDraftRepository,
    ) -> None:
        self._students = students
        self._contacts = contacts
        self._drafts = drafts
        self.settings: dict[int, ReminderSettings] = {}
        self.reminders: dict[int, OneOffReminder] = {}
        self.awaiting_reply_calls = 0  # by-id look-ups (a nudge being sent)
        self.awaiting_replies_calls = 0  # whole-list reads (the digest, /due)
        self.deliveries: dict[int, _DeliveryRow] = {}
        self.guilds: dict[int, str] = {}
        self._reminder_ids = itertools.count(1)
        self._delivery_ids = itertools.count(1)

    # -- helpers -----------------------------------------------------------------------------

    def _reachable(self, student_id: int) -> bool:
        row = self._students.rows.get(student_id)
        return row is not None and row.unreachable_since is None

    def _active(self, student_id: int) -> bool:
        settings = self.settings.get(student_id)
        return settings is not None and settings.active and self._reachable(student_id)

    def _claimed(self, kind: str, student_id: int, ref: str) -> bool:
        return any(
            (r.delivery.kind, r.delivery.student_id, r.delivery.ref) == (kind, student_id, ref)
            for r in self.deliveries.values()
        )

    def _exists(self, reminder: OneOffReminder) -> bool:
        return reminder.contact_id is None or reminder.contact_id in self._contacts.rows

    def _awaiting(self, draft: Draft) -> bool:
        if draft.sent_at is None or draft.contact_id not in self._contacts.rows:
            return False
        sent_day = draft.sent_at.astimezone(UTC).date()
        return not any(
            e.kind is ExchangeKind.REPLIED and e.happened_on >= sent_day
            for e in self._contacts._exchanges_of(draft.contact_id)
        )

    def outcome(self, delivery_id: int) -> str | None:
        """The recorded outcome of a claim (for tests)."""
        return self.deliveries[delivery_id].outcome

    # -- settings ----------------------------------------------------------------------------

    async def get_settings(self, student_id: int) -> ReminderSettings | None:
        return self.settings.get(student_id)

    async def save_settings(self, settings: ReminderSettings) -> None:
        self._contacts.cadence[settings.student_id] = dict(settings.cadence)
        self.settings[settings.student_id] = replace(
            settings,
            consented_at=_utc(settings.consented_at),
            next_digest_at=_utc(settings.next_digest_at) if settings.next_digest_at else None,
            cadence=json.loads(json.dumps(settings.cadence)),
        )

    async def due_digests(self, now: datetime, *, limit: int) -> Sequence[ReminderSettings]:
        at = _utc(now)
        due = [
            s
            for s in self.settings.values()
            if s.next_digest_at is not None
            and s.next_digest_at <= at
            and s.active
            and self._reachable(s.student_id)
        ]
        due.sort(key=lambda s: s.next_digest_at or at)
        return due[:limit]

    async def advance_digest(
        self, student_id: int, *, expected: datetime, following: datetime
    ) -> bool:
        settings = self.settings.get(student_id)
        if settings is None or settings.next_digest_at != _utc(expected):
            return False
        self.settings[student_id] = replace(settings, next_digest_at=_utc(following))
        return True

    # -- the delivery ledger -----------------------------------------------------------------

    async def claim(
        self, student_id: int, kind: str, ref: str, *, due_at: datetime, now: datetime
    ) -> Delivery | None:
        if self._claimed(kind, student_id, ref):
            return None
        delivery = Delivery(
            id=next(self._delivery_ids),
            student_id=student_id,
            kind=kind,
            ref=ref,
            due_at=_utc(due_at),
            claimed_at=_utc(now),
        )
        self.deliveries[delivery.id] = _DeliveryRow(delivery)
        return delivery

    async def was_claimed(self, student_id: int, kind: str, ref: str) -> bool:
        return self._claimed(kind, student_id, ref)

    async def lease_stale(
        self, *, stale_before: datetime, now: datetime, limit: int
    ) -> Sequence[Delivery]:
        before = _utc(stale_before)
        rows = [
            r
            for _, r in sorted(self.deliveries.items())
            if r.delivery.sent_at is None and (r.leased_at or r.delivery.claimed_at) < before
        ][:limit]
        for row in rows:
            row.leased_at = _utc(now)
            row.delivery = replace(row.delivery, resend_safe=row.unsent)
            row.unsent = False
        return [r.delivery for r in rows]

    async def finish(
        self, delivery_id: int, *, outcome: str, at: datetime, message_id: int | None = None
    ) -> None:
        row = self.deliveries.get(delivery_id)
        if row is None:
            return
        row.delivery = replace(row.delivery, sent_at=_utc(at))
        row.outcome = outcome
        row.message_id = message_id

    async def uncertain_since_last_digest(
        self, student_id: int, *, limit: int
    ) -> Sequence[Delivery]:
        mine = [r for r in self.deliveries.values() if r.delivery.student_id == student_id]
        digests = [
            r.delivery.sent_at
            for r in mine
            if r.delivery.kind == "digest" and r.outcome in ("sent", "late")
        ]
        last = max((at for at in digests if at is not None), default=None)
        found = [
            r.delivery
            for r in mine
            if r.outcome == "uncertain"
            and r.delivery.sent_at is not None
            and (last is None or r.delivery.sent_at > last)
        ]
        return sorted(found, key=lambda d: (d.due_at, d.id))[:limit]

    async def count_attempt(self, delivery_id: int, *, unsent: bool = False) -> int:
        row = self.deliveries.get(delivery_id)
        if row is None:
            return 0
        row.unsent = unsent
        row.delivery = replace(row.delivery, attempts=row.delivery.attempts + 1)
        return row.delivery.attempts

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
        if contact_id is not None and self._contacts._owned(owner_id, contact_id) is None:
            return None
        reminder = OneOffReminder(
            id=next(self._reminder_ids),
            owner_id=owner_id,
            contact_id=contact_id,
            note=note,
            due_at=_utc(due_at),
            created_at=_utc(now),
        )
        self.reminders[reminder.id] = reminder
        return reminder

    async def get_reminder(self, owner_id: int, reminder_id: int) -> OneOffReminder | None:
        reminder = self.reminders.get(reminder_id)
        if reminder is None or reminder.owner_id != owner_id or not self._exists(reminder):
            return None
        return reminder

    async def open_reminders(self, owner_id: int, *, until: datetime) -> Sequence[OneOffReminder]:
        end = _utc(until)
        found = [
            r
            for r in self.reminders.values()
            if r.owner_id == owner_id and r.done_at is None and r.due_at <= end and self._exists(r)
        ]
        return sorted(found, key=lambda r: (r.due_at, r.id))

    async def due_reminders(self, now: datetime, *, limit: int) -> Sequence[OneOffReminder]:
        at = _utc(now)
        found = [
            r
            for r in self.reminders.values()
            if r.done_at is None
            and r.due_at <= at
            and self._exists(r)
            and not self._claimed("reminder", r.owner_id, str(r.id))
            and self._active(r.owner_id)
        ]
        return sorted(found, key=lambda r: (r.due_at, r.id))[:limit]

    async def set_reminder(
        self,
        owner_id: int,
        reminder_id: int,
        *,
        due_at: datetime | None = None,
        done_at: datetime | None = None,
    ) -> bool:
        reminder = await self.get_reminder(owner_id, reminder_id)
        if reminder is None:
            return False
        self.reminders[reminder_id] = replace(
            reminder,
            due_at=_utc(due_at) if due_at else reminder.due_at,
            done_at=_utc(done_at) if done_at else reminder.done_at,
        )
        if due_at is not None:
            # A snoozed reminder is a new occurrence: let it be delivered again when due.
            for delivery_id, row in list(self.deliveries.items()):
                d = row.delivery
                if (d.kind, d.student_id, d.ref) == ("reminder", owner_id, str(reminder_id)):
                    del self.deliveries[delivery_id]
        return True

    # -- nudges and activity -----------------------------------------------------------------

    async def due_nudges(self, now: datetime, *, limit: int) -> Sequence[Draft]:
        at = _utc(now)
        found = [
            d
            for d in self._drafts._drafts.values()
            if d.nudge_due_at is not None
            and d.nudge_due_at <= at
            and self._awaiting(d)
            and not self._claimed("nudge", d.owner_id, str(d.id))
            and self._active(d.owner_id)
        ]
        return sorted(found, key=lambda d: (d.nudge_due_at or at, d.id))[:limit]

    async def awaiting_reply(self, owner_id: int, draft_id: int) -> Draft | None:
        self.awaiting_reply_calls += 1
        draft = self._drafts._drafts.get(draft_id)
        if draft is None or draft.owner_id != owner_id or not self._awaiting(draft):
            return None
        return draft

    async def awaiting_replies(
        self, owner_id: int, *, nudge_before: datetime | None = None
    ) -> Sequence[Draft]:
        self.awaiting_replies_calls += 1
        found = [
            d
            for d in self._drafts._drafts.values()
            if d.owner_id == owner_id
            and self._awaiting(d)
            and (
                nudge_before is None
                or (d.nudge_due_at is not None and d.nudge_due_at < _utc(nudge_before))
            )
        ]
        return sorted(found, key=lambda d: (d.sent_at or DEFAULT_NOW, d.id))

    async def activity(self, owner_id: int, *, since: datetime) -> WeekActivity:
        start = _utc(since)
        day = start.date()
        exchanges = [e for owner, e in self._contacts.exchange_rows.values() if owner == owner_id]
        return WeekActivity(
            contacts_added=sum(1 for r in self._contacts._of(owner_id) if r.created_at >= start),
            messages_sent=sum(
                1
                for e in exchanges
                if e.happened_on >= day and e.kind in (ExchangeKind.EMAILED, ExchangeKind.MESSAGED)
            ),
            replies=sum(
                1 for e in exchanges if e.happened_on >= day and e.kind is ExchangeKind.REPLIED
            ),
        )

    # -- server defaults ---------------------------------------------------------------------

    async def guild_timezone(self, guild_id: int) -> str | None:
        return self.guilds.get(guild_id)

    async def set_guild_timezone(self, guild_id: int, timezone: str, *, now: datetime) -> None:
        _utc(now)
        self.guilds[guild_id] = timezone


# -- the notifier -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SentMessage:
    """One message the fake transport delivered to a student."""

    id: int
    student_id: int
    kind: str  # welcome | digest | item | event
    key: str
    digest: Digest | None = None
    item: DueItem | None = None
    late: bool = False


class RecordingNotifier:
    """A transport-neutral Notifier that records every message a student would see.

    - `close_dms(student)`: sends to them raise RecipientUnreachable.
    - `fail_next(n)`: the next n sends raise DeliveryFailed and deliver nothing.
    - `refuse_next(n)`: the next n sends raise DeliveryNotSent (the platform certainly never
      took them) and deliver nothing.
    - `lose_next_response(n)`: the next n sends are delivered (recorded) but raise
      DeliveryFailed, as when the bot dies or the answer is lost after the message went out.
    - A send under a key already delivered to that student returns the first message's
      reference and delivers nothing new: the port's idempotency promise.
    - `in_flight` / `most_in_flight`: sends underway at once (`hold()` keeps them underway).
    """

    def __init__(
        self, concurrency: int = 8, idempotency_window: timedelta = timedelta(minutes=10)
    ) -> None:
        self.idempotency_window = idempotency_window  # the fake recognises a key for ever
        self.messages: list[SentMessage] = []
        self.attempts: list[tuple[str, int, str]] = []  # (kind, student, key) of every call
        self.closed: set[int] = set()
        self.concurrency = concurrency
        self.in_flight = 0
        self.most_in_flight = 0
        self._failures = 0
        self._refusals = 0
        self._lost_responses = 0
        self._uncertain = 0
        self._by_key: dict[tuple[int, str], int] = {}
        self.interested: dict[int, list[int]] = {}  # scheduled event id -> interested members
        self._message_ids = itertools.count(700_000_000_000_000_001)

    # -- controls ----------------------------------------------------------------------------

    def close_dms(self, student_id: int) -> None:
        self.closed.add(student_id)

    def open_dms(self, student_id: int) -> None:
        self.closed.discard(student_id)

    def fail_next(self, times: int = 1) -> None:
        self._failures += times

    def refuse_next(self, times: int = 1) -> None:
        self._refusals += times

    def lose_next_response(self, times: int = 1) -> None:
        self._lost_responses += times

    def lose_next_response_uncertainly(self, times: int = 1) -> None:
        """Deliver, then answer as a platform without idempotency keys does when the answer
        is lost: DeliveryUncertain."""
        self._uncertain += times

    def to(self, student_id: int) -> list[SentMessage]:
        return [m for m in self.messages if m.student_id == student_id]

    def digests(self, student_id: int | None = None) -> list[SentMessage]:
        return [
            m
            for m in self.messages
            if m.kind == "digest" and (student_id is None or m.student_id == student_id)
        ]

    def items(self, student_id: int | None = None) -> list[SentMessage]:
        return [
            m
            for m in self.messages
            if m.kind == "item" and (student_id is None or m.student_id == student_id)
        ]

    # -- the Notifier protocol ---------------------------------------------------------------

    async def idempotency_window_for(self, student_id: int) -> timedelta:
        return self.idempotency_window

    async def send_welcome(self, student_id: int, *, key: str) -> MessageRef:
        return await self._post("welcome", student_id, key)

    async def send_digest(self, student_id: int, digest: Digest, *, key: str) -> MessageRef:
        assert digest.student_id == student_id, "digest sent to another student"
        return await self._post("digest", student_id, key, digest=digest)

    async def send_item(
        self, student_id: int, item: DueItem, *, key: str, late: bool
    ) -> MessageRef:
        return await self._post("item", student_id, key, item=item, late=late)

    async def interested_members(self, guild_id: int, event_id: int) -> Sequence[int]:
        return list(self.interested.get(event_id, []))

    async def send_event_prompt(
        self, student_id: int, ending: ScheduledEnding, *, key: str
    ) -> MessageRef:
        return await self._post("event", student_id, key)

    async def _post(self, kind: str, student_id: int, key: str, **payload: Any) -> MessageRef:
        if not key:
            raise AssertionError("every send carries an idempotency key")
        self.attempts.append((kind, student_id, key))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # a send is an await: others run meanwhile
        finally:
            self.in_flight -= 1
        if student_id in self.closed:
            raise RecipientUnreachable(student_id)
        if self._failures:
            self._failures -= 1
            raise DeliveryFailed("503 from the fake transport")
        if self._refusals:
            self._refusals -= 1
            raise DeliveryNotSent("connection refused by the fake transport")
        message_id = self._by_key.get((student_id, key))
        if message_id is None:
            message_id = next(self._message_ids)
            self._by_key[(student_id, key)] = message_id
            self.messages.append(SentMessage(message_id, student_id, kind, key, **payload))
        if self._lost_responses:
            self._lost_responses -= 1
            raise DeliveryFailed("the response was lost")
        if self._uncertain:
            self._uncertain -= 1
            raise DeliveryUncertain("no answer; this platform can't recognise a resend")
        return message_id


class FakeSleep:
    """An injectable sleep for Pacer that advances a fake monotonic clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.now += seconds


@cache
def shipped_coach_library() -> CoachLibrary:
    """The shipped coaching content (prompts/coach), loaded once per test run."""
    return CoachLibrary.load(PROJECT_ROOT / "prompts" / "coach")


class InMemoryCoachRepository:
    def __init__(self) -> None:
        self.goals: dict[int, WeeklyGoal] = {}
        self.tips: dict[int, str] = {}

    async def goal(self, student_id: int) -> WeeklyGoal | None:
        return self.goals.get(student_id)

    async def set_goal(self, student_id: int, goal: WeeklyGoal, *, now: datetime) -> None:
        _utc(now)
        self.goals[student_id] = goal

    async def last_tip(self, student_id: int) -> str | None:
        return self.tips.get(student_id)

    async def set_last_tip(self, student_id: int, tip_key: str, *, now: datetime) -> None:
        _utc(now)
        self.tips[student_id] = tip_key


@cache
def shipped_catalogue() -> TemplateCatalogue:
    """The shipped templates, loaded once per test run (loading takes a tenth of a second)."""
    return TemplateCatalogue.load(PROJECT_ROOT / "templates")


class SqliteOnlyPrivacyRepository:
    """Export and erase work table by table in SQL: they are tested on real SQLite files."""

    async def snapshot(self, student_id: int) -> ExportSnapshot:
        raise AssertionError("privacy is tested against SQLite (tests/storage, tests/e2e)")

    async def counts(self, student_id: int) -> dict[str, int]:
        raise AssertionError("privacy is tested against SQLite (tests/storage, tests/e2e)")

    async def delete_student(self, student_id: int) -> dict[str, int]:
        raise AssertionError("privacy is tested against SQLite (tests/storage, tests/e2e)")


class InMemoryEventRepository:
    """core.events.EventRepository in memory (the SQL is tested in tests/storage)."""

    def __init__(self, contacts: InMemoryContactRepository | None = None) -> None:
        self.events: dict[int, Event] = {}
        self.links: list[tuple[int, int, int]] = []  # (owner, contact, event)
        self.settings: dict[int, GuildEventSettings] = {}
        self.endings: dict[int, ScheduledEnding] = {}
        self.processed: set[int] = set()
        self._ids = itertools.count(1)

    async def add(
        self, owner_id: int, name: str, kind: EventKind, held_on: date, *, now: datetime
    ) -> Event:
        event = Event(next(self._ids), owner_id, name, kind, held_on, _utc(now))
        self.events[event.id] = event
        return event

    async def get(self, owner_id: int, event_id: int) -> Event | None:
        event = self.events.get(event_id)
        return event if event is not None and event.owner_id == owner_id else None

    def _mine(self, owner_id: int) -> list[Event]:
        mine = [e for e in self.events.values() if e.owner_id == owner_id]
        return sorted(mine, key=lambda e: (e.held_on, e.id), reverse=True)

    async def find(self, owner_id: int, name_key: str) -> Sequence[Event]:
        return [e for e in self._mine(owner_id) if fold(e.name) == name_key]

    async def list_for(self, owner_id: int, *, limit: int) -> Sequence[Event]:
        return self._mine(owner_id)[:limit]

    async def suggest(self, owner_id: int, text_key: str, *, limit: int) -> Sequence[Event]:
        return [e for e in self._mine(owner_id) if text_key in fold(e.name)][:limit]

    async def link(self, owner_id: int, contact_id: int, event_id: int) -> None:
        if (owner_id, contact_id, event_id) not in self.links:
            self.links.append((owner_id, contact_id, event_id))

    async def people(self, owner_id: int, event_id: int) -> Sequence[int]:
        return [c for o, c, e in self.links if o == owner_id and e == event_id]

    async def linked_events(
        self, owner_id: int, contact_ids: Sequence[int]
    ) -> Mapping[int, Sequence[MetAt]]:
        found: dict[int, list[MetAt]] = {}
        for owner, contact, event_id in self.links:
            if owner == owner_id and contact in contact_ids:
                e = self.events[event_id]
                found.setdefault(contact, []).append(MetAt(e.id, e.name, e.kind, e.held_on))
        return found

    async def guild_settings(self, guild_id: int) -> GuildEventSettings | None:
        return self.settings.get(guild_id)

    async def save_guild_settings(self, settings: GuildEventSettings, *, now: datetime) -> None:
        self.settings[settings.guild_id] = settings

    async def record_ending(
        self, guild_id: int, event_id: int, name: str, ended_at: datetime, notify_at: datetime
    ) -> bool:
        if any(e.event_id == event_id for e in self.endings.values()):
            return False
        ending = ScheduledEnding(
            next(self._ids), guild_id, event_id, name, _utc(ended_at), _utc(notify_at)
        )
        self.endings[ending.id] = ending
        return True

    async def get_ending(self, ending_id: int) -> ScheduledEnding | None:
        return self.endings.get(ending_id)

    async def ending_for_event(self, event_id: int) -> ScheduledEnding | None:
        return next((e for e in self.endings.values() if e.event_id == event_id), None)

    async def due_endings(self, now: datetime, *, limit: int) -> Sequence[ScheduledEnding]:
        due = [
            e for e in self.endings.values() if e.id not in self.processed and e.notify_at <= now
        ]
        return sorted(due, key=lambda e: e.notify_at)[:limit]

    async def mark_processed(self, ending_id: int, *, at: datetime) -> None:
        self.processed.add(ending_id)


class InMemoryRestoreRepository:
    """core.restore.RestoreRepository over the other fakes: a restore lands in the same rows
    their own methods read (the contract tests read it back through them)."""

    def __init__(
        self,
        students: InMemoryStudentRepository,
        contacts: InMemoryContactRepository,
        drafts: InMemoryDraftRepository,
        reminders: InMemoryReminderRepository,
        profiles: InMemoryProfileRepository,
        coach: InMemoryCoachRepository,
        events: InMemoryEventRepository,
        season: Any = None,  # a tests.fake_season.InMemorySeasonRepository
    ) -> None:
        self._students, self._contacts, self._drafts = students, contacts, drafts
        self._reminders, self._profiles = reminders, profiles
        self._coach, self._events = coach, events
        self._season = season

    async def holdings(self, student_id: int) -> dict[str, int]:
        def count(rows: Any) -> int:
            return sum(1 for row in rows if row)

        owner = student_id
        return {
            "profiles": int(student_id in self._profiles._profiles),
            "contacts": len(self._contacts._of(owner)),
            "exchanges": count(o == owner for o, _ in self._contacts.exchange_rows.values()),
            "drafts": count(d.owner_id == owner for d in self._drafts._drafts.values()),
            "reminder_settings": int(student_id in self._reminders.settings),
            "reminders": count(r.owner_id == owner for r in self._reminders.reminders.values()),
            "coach_state": int(student_id in self._coach.goals or student_id in self._coach.tips),
            "events": count(e.owner_id == owner for e in self._events.events.values()),
            "contact_events": count(o == owner for o, _, _ in self._events.links),
        } | ({} if self._season is None else self._season_holdings(owner))

    def _season_holdings(self, owner: int) -> dict[str, int]:
        season = self._season
        return {
            "season_plans": int(owner in season.plans),
            "letter_requests": sum(1 for r in season.rows.values() if r.owner_id == owner),
            "interviews": sum(1 for i in season.interviews.values() if i.owner_id == owner),
        }

    async def restore(self, student_id: int, restore: Restore) -> None:
        held = await self.holdings(student_id)
        if any(held.values()):
            raise AccountNotEmpty(held)
        owner = student_id
        if restore.student is not None:
            s = restore.student
            row = self._students.rows.get(owner) or _StudentRow(owner, None, False, s.created_at)
            row.timezone, row.welcomed = s.timezone, s.welcomed_at is not None
            row.created_at = _utc(s.created_at)
            self._students.rows[owner] = row
        if restore.profile is not None:
            self._profiles._profiles[owner] = restore.profile.profile
        contact_ids = []
        for c in restore.contacts:
            row = _ContactRow(
                next(self._contacts._contact_ids),
                owner,
                c.draft,
                _utc(c.created_at),
                _utc(c.updated_at),
                c.follow_up_on,
                c.snoozed_until,
            )
            self._contacts.rows[row.id] = row
            contact_ids.append(row.id)
        for e in restore.exchanges:
            exchange = Exchange(
                next(self._contacts._exchange_ids),
                contact_ids[e.contact],
                e.kind,
                e.happened_on,
                e.note,
                _utc(e.created_at),
            )
            self._contacts.exchange_rows[exchange.id] = (owner, exchange)
        for d in restore.drafts:
            draft = Draft(
                next(self._drafts._ids),
                owner,
                contact_ids[d.contact],
                d.template_id,
                d.channel,
                d.version,
                dict(d.fields),
                _utc(d.created_at),
                _utc(d.sent_at) if d.sent_at else None,
                _utc(d.nudge_due_at) if d.nudge_due_at else None,
            )
            self._drafts._drafts[draft.id] = draft
            if draft.sent_at is not None:
                self._contacts.sent_at.setdefault(draft.contact_id, []).append(draft.sent_at)
        if restore.reminder_settings is not None:
            settings = replace(restore.reminder_settings, student_id=owner)
            await self._reminders.save_settings(settings)
        for r in restore.reminders:
            reminder = OneOffReminder(
                next(self._reminders._reminder_ids),
                owner,
                None if r.contact is None else contact_ids[r.contact],
                r.note,
                _utc(r.due_at),
                _utc(r.created_at),
                _utc(r.done_at) if r.done_at else None,
            )
            self._reminders.reminders[reminder.id] = reminder
        if restore.coach is not None:
            if restore.coach.goal is not None:
                self._coach.goals[owner] = restore.coach.goal
            if restore.coach.last_tip is not None:
                self._coach.tips[owner] = restore.coach.last_tip
        event_ids = []
        for e in restore.events:
            event = Event(
                next(self._events._ids), owner, e.name, e.kind, e.held_on, _utc(e.created_at)
            )
            self._events.events[event.id] = event
            event_ids.append(event.id)
        for c, e in restore.links:
            self._events.links.append((owner, contact_ids[c], event_ids[e]))
        if self._season is not None:
            self._restore_season(owner, restore, contact_ids, event_ids)

    def _restore_season(
        self, owner: int, restore: Restore, contact_ids: list[int], event_ids: list[int]
    ) -> None:
        season, plan = self._season, restore.season_plan
        if plan is not None:
            season.plans[owner] = SeasonPlan(
                owner, plan.cycle, plan.route, plan.graduation_year, plan.specialties
            )
        for letter in restore.letters:
            row = LetterRequest(
                next(season._ids),
                owner,
                contact_ids[letter.contact],
                letter.stage,
                letter.asked_on,
                letter.deadline,
                letter.programs,
                letter.submitted_on,
                letter.snoozed_until,
            )
            season.rows[row.id] = row
        for interview in restore.interviews:
            event = event_ids[interview.event]
            season.interviews[event] = Interview(
                event, owner, interview.program, interview.no_contact
            )


class PicklingOffload:
    """The Offload port as a worker process sees it: the function, its arguments and its result
    cross by pickling (a lambda, an open connection or a live object fails here as it would in
    the bot's pool); the names of the functions run are recorded."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    async def run(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        fn, args = pickle.loads(pickle.dumps((fn, args)))
        self.ran.append(fn.__name__)
        return pickle.loads(pickle.dumps(fn(*args)))


def build_services(
    clock: FakeClock | None = None,
    *,
    students: InMemoryStudentRepository | None = None,
    contacts: InMemoryContactRepository | None = None,
    pending: InMemoryPendingRepository | None = None,
    profiles: InMemoryProfileRepository | None = None,
    drafts: InMemoryDraftRepository | None = None,
    catalogue: TemplateCatalogue | None = None,
    reminders: Any = None,
    notifier: Any = None,
    coach: InMemoryCoachRepository | None = None,
    events: InMemoryEventRepository | None = None,
    privacy: Any = None,
    restore: Any = None,
    scheduled: Any = None,
    offload: PicklingOffload | None = None,
    lease: Any = None,
    season: Any = None,
) -> Services:
    """Services wired with fakes; pass repositories in to inspect them afterwards. With a
    `season` repository, the season's services too (over the shipped calendars)."""
    clock = clock or FakeClock()
    offload = PicklingOffload() if offload is None else offload
    students = InMemoryStudentRepository() if students is None else students
    contacts = InMemoryContactRepository() if contacts is None else contacts
    pending = InMemoryPendingRepository() if pending is None else pending
    profiles = InMemoryProfileRepository() if profiles is None else profiles
    drafts = InMemoryDraftRepository(contacts) if drafts is None else drafts
    reminders = (
        InMemoryReminderRepository(students, contacts, drafts) if reminders is None else reminders
    )
    notifier = RecordingNotifier() if notifier is None else notifier
    catalogue = catalogue or shipped_catalogue()
    coach = InMemoryCoachRepository() if coach is None else coach
    events = InMemoryEventRepository() if events is None else events
    if restore is None:
        restore = InMemoryRestoreRepository(
            students, contacts, drafts, reminders, profiles, coach, events
        )
    student_service = StudentService(students, clock, guilds=reminders)
    contact_service = ContactService(contacts, pending, student_service, clock)
    draft_service = DraftService(
        contact_service, profiles, drafts, pending, catalogue, clock, meetings=events
    )
    coaching = CoachingService(
        shipped_coach_library(),
        coach,
        contact_service,
        draft_service,
        pending,
        clock,
    )
    reminder_service = ReminderService(
        reminders,
        students,
        student_service,
        contact_service,
        notifier,
        clock,
        coaching=coaching,
        meetings=events,
    )
    event_service = EventService(
        events,
        contact_service,
        reminders,
        notifier,
        clock,
        cache=scheduled,  # a core.events.ScheduledEventCache, for the periodic scan
    )
    delivery = DeliveryService(
        reminders, students, reminder_service, contact_service, notifier, clock, lease=lease
    )
    delivery.add_kind(EVENT_DELIVERY, event_service.tick, event_service.send_claimed)
    season_service = interviews = None
    library = shipped_season_library()
    if season is not None:
        season_service = SeasonService(season, library, contact_service, student_service, clock)
        interviews = InterviewService(
            season, event_service, events, contact_service, draft_service, season_service, clock
        )
    return Services(
        contacts=contact_service,
        students=student_service,
        drafts=draft_service,
        reminders=reminder_service,
        coaching=coaching,
        privacy=PrivacyService(
            privacy or SqliteOnlyPrivacyRepository(),
            contact_service,
            clock,
            offload,
            calendars=library.calendar,
        ),
        imports=ImportService(
            contact_service,
            pending,
            clock,
            offload,
            restore=RestoreService(restore, student_service, clock, offload),
        ),
        events=event_service,
        delivery=delivery,
        season=season_service,
        interviews=interviews,
    )


@cache
def shipped_season_library() -> SeasonLibrary:
    """The shipped calendars and season tasks, loaded once per test run."""
    return SeasonLibrary.load(PROJECT_ROOT / "calendars", PROJECT_ROOT / "prompts" / "season.toml")


__all__ = [
    "DEFAULT_NOW",
    "FakeClock",
    "FakeSleep",
    "InMemoryCoachRepository",
    "InMemoryContactRepository",
    "InMemoryDraftRepository",
    "InMemoryEventRepository",
    "InMemoryPendingRepository",
    "InMemoryProfileRepository",
    "InMemoryReminderRepository",
    "InMemoryRestoreRepository",
    "InMemoryStudentRepository",
    "RecordingNotifier",
    "SentMessage",
    "build_services",
    "shipped_coach_library",
]
