"""ContactService: recording people, logging exchanges, finding them again.

Ownership lives here: every call names the student, and a contact id that is not theirs is
reported exactly as one that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.core.attention import (
    FOLLOW_UP_AFTER_DAYS,
    IMPORT_SPREAD_DAYS,
    first_follow_up_on,
    spread_days,
)
from bot.core.dates import local_today, parse_past_date
from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.models import (
    EDITABLE_FIELDS,
    AddOutcome,
    Contact,
    ContactDraft,
    ContactFilter,
    Exchange,
    ExchangeKind,
    Page,
    Role,
)
from bot.core.ports import Clock, ContactRepository, PendingRepository
from bot.core.progress import NetworkCounts, WeekCounts
from bot.core.students import StudentService
from bot.core.text import clean_line, fold
from bot.core.validation import email_key, name_key, validate_draft, validate_note

log = logging.getLogger(__name__)

PAGE_SIZE = 8
SUGGEST_LIMIT = 25  # Discord allows at most 25 autocomplete choices
SEARCH_LIMIT = 25
HISTORY_LIMIT = 10
PENDING_ADD = "contact-add"
PENDING_LIST = "contact-list"
PENDING_TTL = timedelta(hours=24)
MAX_CONTACTS = 5000
FOLLOW_UPS_PER_DAY = 2
SPREAD_DAYS = 14
SNOOZE_DAYS = 7


class ContactService:
    def __init__(
        self,
        contacts: ContactRepository,
        pending: PendingRepository,
        students: StudentService,
        clock: Clock,
    ) -> None:
        self._contacts = contacts
        self._pending = pending
        self._students = students
        self._clock = clock

    # -- recording ---------------------------------------------------------------------------

    async def parse_day(self, owner_id: int, text: str | None) -> date | None:
        """A date the student typed, read in their timezone; None when they typed nothing."""
        if text is None or not text.strip():
            return None
        timezone = await self._students.timezone_for(owner_id)
        return parse_past_date(text, now=self._clock.now(), timezone=timezone)

    async def add(
        self, owner_id: int, draft: ContactDraft, *, allow_duplicate: bool = False
    ) -> AddOutcome:
        """Save a new contact, unless it looks like one the student already has."""
        clean = validate_draft(draft)
        await self._students.get(owner_id)
        if await self._contacts.count(owner_id) >= MAX_CONTACTS:
            raise InvalidInput(
                f"You have {MAX_CONTACTS:,} contacts, the most one student can keep. "
                "Remove some you no longer need, then try again."
            )
        if not allow_duplicate:
            duplicates = await self._contacts.find_duplicates(
                owner_id, name_key(clean.name), email_key(clean.email)
            )
            if duplicates:
                pending_id = await self._pending.put(
                    owner_id,
                    PENDING_ADD,
                    draft_to_json(clean),
                    expires_at=self._clock.now() + PENDING_TTL,
                )
                return AddOutcome(duplicates=tuple(duplicates), pending_id=pending_id)
        contact = await self._contacts.add(owner_id, clean, now=self._clock.now())
        contact = await self._spread_follow_up(owner_id, contact)
        log.info("contact added owner=%s contact=%s", owner_id, contact.id)
        return AddOutcome(contact=contact)

    async def _spread_follow_up(self, owner_id: int, contact: Contact) -> Contact:
        """Give a new contact its first follow-up day, at most FOLLOW_UPS_PER_DAY on one day.

        Five people met at one conference then fall due over three days, not all at once.
        """
        day = first_follow_up_on(contact)
        if day < await self.today(owner_id):
            return contact  # already overdue (met a while ago): it sorts by how overdue
        for _ in range(SPREAD_DAYS):
            if await self._contacts.count_follow_ups_on(owner_id, day) < FOLLOW_UPS_PER_DAY:
                break
            day += timedelta(days=1)
        await self._contacts.set_schedule(owner_id, contact.id, follow_up_on=day)
        return replace(contact, follow_up_on=day)

    async def spread_first_check_ins(self, owner_id: int, contact_ids: Sequence[int]) -> None:
        """People who arrived together (one import) get their first follow-up or check-in
        spread over the following weeks, at most FOLLOW_UPS_PER_DAY a day as after an event,
        not all due the same week."""
        start = await self.today(owner_id) + timedelta(days=FOLLOW_UP_AFTER_DAYS)
        days = spread_days(
            len(contact_ids),
            start,
            per_day=FOLLOW_UPS_PER_DAY,
            window_days=IMPORT_SPREAD_DAYS,
        )
        for contact_id, day in zip(contact_ids, days, strict=True):
            await self._contacts.set_schedule(owner_id, contact_id, follow_up_on=day)

    async def ensure_student(self, owner_id: int) -> None:
        await self._students.get(owner_id)

    async def find_or_create(self, owner_id: int, draft: ContactDraft) -> Contact:
        """The contact with this name (ignoring case and accents), or a new one."""
        clean = validate_draft(draft)
        existing = await self._contacts.find_duplicates(owner_id, name_key(clean.name), None)
        if existing:
            return existing[0]
        outcome = await self.add(owner_id, clean, allow_duplicate=True)
        assert outcome.contact is not None
        return outcome.contact

    async def resolve_duplicate(
        self, owner_id: int, pending_id: int, *, update_contact_id: int | None
    ) -> Contact:
        """Finish a held add: merge it into an existing contact, or add it anyway.

        The held add is used up only once the result passes the rules: a merge that breaks
        one (notes or tags over their limits together) leaves it there for "add as new".
        """
        now = self._clock.now()
        payload = await self._pending.peek(owner_id, pending_id, PENDING_ADD, now=now)
        if payload is None:
            raise ExpiredAction()
        draft = draft_from_json(payload)
        if update_contact_id is None:
            validate_draft(draft)
            if await self._contacts.count(owner_id) >= MAX_CONTACTS:
                raise InvalidInput(
                    f"You have {MAX_CONTACTS:,} contacts, the most one student can keep. "
                    "Remove some you no longer need, then try again."
                )
            await self._take_held(owner_id, pending_id, now)
            outcome = await self.add(owner_id, draft, allow_duplicate=True)
            assert outcome.contact is not None
            return outcome.contact
        existing = await self.get(owner_id, update_contact_id)
        merged = validate_draft(_merge(existing.draft, draft))
        await self._take_held(owner_id, pending_id, now)
        return await self._save(owner_id, existing.id, merged)

    async def _take_held(self, owner_id: int, pending_id: int, now: datetime) -> None:
        """Use a held add up (once: of two clicks at the same moment, one finds it gone)."""
        if await self._pending.take(owner_id, pending_id, PENDING_ADD, now=now) is None:
            raise ExpiredAction()

    async def update(self, owner_id: int, contact_id: int, changes: Mapping[str, Any]) -> Contact:
        """Apply the given field changes; a value of None clears an optional field."""
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        existing = await self.get(owner_id, contact_id)
        return await self._save(owner_id, contact_id, replace(existing.draft, **changes))

    async def _save(self, owner_id: int, contact_id: int, draft: ContactDraft) -> Contact:
        clean = validate_draft(draft)
        saved = await self._contacts.update(owner_id, contact_id, clean, now=self._clock.now())
        if saved is None:
            raise ContactNotFound()
        log.info("contact updated owner=%s contact=%s", owner_id, contact_id)
        return saved

    async def remove(self, owner_id: int, contact_id: int) -> None:
        if not await self._contacts.remove(owner_id, contact_id):
            raise ContactNotFound()
        log.info("contact removed owner=%s contact=%s", owner_id, contact_id)

    async def log_exchange(
        self,
        owner_id: int,
        contact_id: int,
        kind: ExchangeKind,
        *,
        when: str | None = None,
        note: str | None = None,
    ) -> tuple[Contact, Exchange]:
        """Record an exchange (default: today); the contact's "last contacted" follows it."""
        clean_note = validate_note(note)
        await self.get(owner_id, contact_id)
        day = await self.parse_day(owner_id, when)
        if day is None:
            timezone = await self._students.timezone_for(owner_id)
            day = local_today(self._clock.now(), timezone)
        exchange = await self._contacts.add_exchange(
            owner_id, contact_id, kind, day, clean_note, now=self._clock.now()
        )
        if exchange is None:
            raise ContactNotFound()
        log.info(
            "exchange logged owner=%s contact=%s exchange=%s", owner_id, contact_id, exchange.id
        )
        return await self.get(owner_id, contact_id), exchange

    async def snooze(self, owner_id: int, contact_id: int, days: int = SNOOZE_DAYS) -> Contact:
        """Not due again for `days` days."""
        until = await self.today(owner_id) + timedelta(days=days)
        if not await self._contacts.set_schedule(owner_id, contact_id, snoozed_until=until):
            raise ContactNotFound()
        return await self.get(owner_id, contact_id)

    # -- finding -----------------------------------------------------------------------------

    async def timezone_for(self, owner_id: int) -> str:
        return await self._students.timezone_for(owner_id)

    async def today(self, owner_id: int) -> date:
        """The student's calendar day right now, in their timezone."""
        return local_today(self._clock.now(), await self._students.timezone_for(owner_id))

    async def get(self, owner_id: int, contact_id: int) -> Contact:
        contact = await self._contacts.get(owner_id, contact_id)
        if contact is None:
            raise ContactNotFound()
        return contact

    async def all_exchanges(self, owner_id: int) -> Sequence[Exchange]:
        return await self._contacts.all_exchanges(owner_id)

    async def all_contacts(self, owner_id: int) -> Sequence[Contact]:
        return await self._contacts.list_all(owner_id, ContactFilter())

    async def awaiting_any_reply(self, owner_id: int) -> bool:
        """Whether someone the student wrote to has not answered yet."""
        return await self._contacts.awaiting_any_reply(owner_id)

    async def latest(self, owner_id: int) -> Contact | None:
        """The contact the student added or changed last."""
        # The autocomplete with nothing typed: most recently touched first, through an index.
        recent = await self._contacts.suggest(owner_id, "", limit=1)
        return recent[0] if recent else None

    async def week_counts(self, owner_id: int, *, today: date, weeks: int) -> Sequence[WeekCounts]:
        """The progress counts of the `weeks` weeks ending with today's (see the port)."""
        return await self._contacts.week_counts(owner_id, today=today, weeks=weeks)

    async def network_counts(self, owner_id: int, *, top: int) -> NetworkCounts:
        """The progress figures of the student's whole network, counted (see the port)."""
        return await self._contacts.network_counts(owner_id, top=top)

    async def plain_contacts(self, owner_id: int) -> Sequence[Contact]:
        """Every contact's own fields, without the exchange-derived ones (see the port)."""
        return await self._contacts.list_plain(owner_id)

    async def due_contacts(self, owner_id: int, *, until: date, limit: int) -> Sequence[Contact]:
        """The most due contacts up to `until` (see the port): what `/due` and digests read."""
        return await self._contacts.due_contacts(owner_id, until=until, limit=limit)

    async def count_due(self, owner_id: int, *, until: date) -> int:
        return await self._contacts.count_due(owner_id, until=until)

    async def get_many(self, owner_id: int, ids: Sequence[int]) -> Sequence[Contact]:
        return await self._contacts.get_many(owner_id, ids) if ids else []

    async def history(self, owner_id: int, contact_id: int) -> Sequence[Exchange]:
        await self.get(owner_id, contact_id)
        return await self._contacts.exchanges(owner_id, contact_id, limit=HISTORY_LIMIT)

    async def list_page(self, owner_id: int, contact_filter: ContactFilter, page: int = 0) -> Page:
        """One page of the student's contacts, most due for attention first."""
        # The repository orders and pages: a student at the contact cap would otherwise load
        # and sort thousands of contacts to show eight.
        return await self._contacts.most_due_page(
            owner_id, contact_filter, page=page, size=PAGE_SIZE
        )

    async def remember_filter(self, owner_id: int, contact_filter: ContactFilter) -> int:
        """Keep a listing's filter so its page buttons can find it again (custom_ids are short)."""
        await self._students.get(owner_id)
        payload = {
            "role": contact_filter.role.value if contact_filter.role else None,
            "tag": contact_filter.tag,
            "specialty": contact_filter.specialty,
            "event": contact_filter.event,
        }
        return await self._pending.put(
            owner_id, PENDING_LIST, payload, expires_at=self._clock.now() + PENDING_TTL
        )

    async def recall_filter(self, owner_id: int, filter_id: int) -> ContactFilter:
        payload = await self._pending.peek(owner_id, filter_id, PENDING_LIST, now=self._clock.now())
        if payload is None:
            raise ExpiredAction()
        return ContactFilter(
            role=Role(payload["role"]) if payload["role"] else None,
            tag=payload["tag"],
            specialty=payload["specialty"],
            event=payload["event"],
        )

    async def search(self, owner_id: int, query: str) -> Sequence[Contact]:
        cleaned = clean_line(query)
        if cleaned is None or len(cleaned) < 2:
            raise InvalidInput("Search for at least two characters.")
        if len(cleaned) > 100:
            raise InvalidInput("Search for at most 100 characters.")
        return await self._contacts.search(owner_id, fold(cleaned), limit=SEARCH_LIMIT)

    async def suggest(self, owner_id: int, typed: str) -> Sequence[Contact]:
        """Autocomplete choices: the student's own contacts, best matches first."""
        return await self._contacts.suggest(owner_id, fold(typed[:100]), limit=SUGGEST_LIMIT)

    async def suggest_values(self, owner_id: int, column: str, typed: str) -> Sequence[str]:
        return await self._contacts.distinct_values(
            owner_id, column, fold(typed[:100]), limit=SUGGEST_LIMIT
        )


def _merge(existing: ContactDraft, incoming: ContactDraft) -> ContactDraft:
    """Fill and overwrite with what the student just typed; keep what they left blank.

    The existing name stays: it matched (or the student chose this contact), and the new
    spelling is often a quick lower-case one.
    """
    changes: dict[str, Any] = {}
    for key, value in asdict(incoming).items():
        if key == "name":
            continue
        if key == "tags":
            merged = list(existing.tags) + [t for t in incoming.tags if t not in existing.tags]
            changes[key] = tuple(merged)
        elif key == "role":
            if incoming.role is not Role.OTHER:
                changes[key] = incoming.role
        elif key == "notes" and existing.notes and incoming.notes:
            if incoming.notes not in existing.notes:
                changes[key] = f"{existing.notes}\n\n{incoming.notes}"
        elif value is not None:
            changes[key] = value
    return replace(existing, **changes)


def draft_to_json(draft: ContactDraft) -> dict[str, Any]:
    data = asdict(draft)
    data["role"] = draft.role.value
    data["met_on"] = draft.met_on.isoformat() if draft.met_on else None
    data["tags"] = list(draft.tags)
    return data


def draft_from_json(data: Mapping[str, Any]) -> ContactDraft:
    values: dict[str, Any] = {key: data.get(key) for key in EDITABLE_FIELDS}  # JSON
    values["role"] = Role(values["role"] or Role.OTHER)
    values["met_on"] = date.fromisoformat(values["met_on"]) if values["met_on"] else None
    values["tags"] = tuple(values["tags"] or ())
    return ContactDraft(**values)
