"""PrivacyService: a student's data, all of it, to take away (export) or to erase (delete)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import icalendar
import vobject

from bot.core.attention import due_on, needs_follow_up
from bot.core.contact_csv import write_contacts_csv
from bot.core.contacts import ContactService
from bot.core.models import Contact
from bot.core.ports import Clock

log = logging.getLogger(__name__)

EXPORT_FORMAT = "networking-coach-export"
EXPORT_VERSION = 2  # 2: contacts carry `address_as`
CALENDAR_DAYS = 200  # follow-ups due this far ahead (every default cadence) go in the calendar
FOLLOW_UP_HOUR = 9  # calendar entries sit at 09:00 local


class PrivacyRepository(Protocol):
    async def snapshot(self, student_id: int) -> dict[str, list[dict[str, Any]]]: ...

    async def counts(self, student_id: int) -> dict[str, int]: ...

    async def delete_student(self, student_id: int) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class ExportFiles:
    """The student's data in four standard formats: (file name, bytes) each."""

    files: tuple[tuple[str, bytes], ...]
    contact_count: int


def vcard_text(contacts: Sequence[Contact]) -> str:
    """vCard 4.0, one card per contact (vobject escapes and folds)."""
    cards = []
    for contact in contacts:
        d = contact.draft
        card = vobject.vCard()
        card.add("version").value = "4.0"
        card.add("fn").value = d.name
        parts = d.name.split()
        card.add("n").value = vobject.vcard.Name(
            family=parts[-1] if len(parts) > 1 else "",
            given=" ".join(parts[:-1]) or d.name,
            prefix=d.title or "",
        )
        if d.email:
            card.add("email").value = d.email
        if d.institution:
            card.add("org").value = [d.institution]
        if d.specialty:
            card.add("title").value = d.specialty
        if d.profile_url:
            card.add("url").value = d.profile_url
        if d.notes:
            card.add("note").value = d.notes
        if d.tags:
            card.add("categories").value = list(d.tags)
        cards.append(card.serialize())
    return "".join(cards)


def calendar_bytes(
    contacts: Sequence[Contact],
    reminders: Sequence[dict[str, Any]],
    *,
    now: datetime,
    timezone: str,
) -> bytes:
    """Upcoming follow-ups and one-off reminders as an iCalendar file."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Networking Coach//EN")
    calendar.add("version", "2.0")
    for contact in contacts:
        due = due_on(contact)
        if due > today + timedelta(days=CALENDAR_DAYS):
            continue
        day = max(due, today)
        start = datetime.combine(day, time(FOLLOW_UP_HOUR), tzinfo=zone)
        event = icalendar.Event()
        what = "Follow up with" if needs_follow_up(contact) else "Check in with"
        event.add("uid", f"contact-{contact.id}@networking-coach")
        event.add("dtstamp", now)
        event.add("summary", f"{what} {contact.name}")
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        calendar.add_component(event)
    for reminder in reminders:
        if reminder.get("done_at"):
            continue
        start = datetime.fromisoformat(reminder["due_at"]).astimezone(UTC)
        if start < now:
            continue
        event = icalendar.Event()
        event.add("uid", f"reminder-{reminder['id']}@networking-coach")
        event.add("dtstamp", now)
        event.add("summary", reminder.get("note") or "Networking reminder")
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        calendar.add_component(event)
    return bytes(calendar.to_ical())  # icalendar leaves to_ical unannotated: Any


class PrivacyService:
    def __init__(self, data: PrivacyRepository, contacts: ContactService, clock: Clock) -> None:
        self._data = data
        self._contacts = contacts
        self._clock = clock

    async def export(self, owner_id: int) -> ExportFiles:
        """Everything: JSON (lossless), contacts as CSV and vCard, and a calendar."""
        now = self._clock.now()
        snapshot = await self._data.snapshot(owner_id)
        document = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": now.isoformat(),
            "student_id": str(owner_id),
            **snapshot,
        }
        contacts = list(await self._contacts.all_contacts(owner_id))
        contacts.sort(key=lambda c: c.id)
        zone = await self._contacts.timezone_for(owner_id)
        files = (
            (
                "networking-coach.json",
                json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"),
            ),
            ("contacts.csv", write_contacts_csv(contacts).encode("utf-8")),
            ("contacts.vcf", vcard_text(contacts).encode("utf-8")),
            (
                "follow-ups.ics",
                calendar_bytes(contacts, snapshot.get("reminders", []), now=now, timezone=zone),
            ),
        )
        log.info("export owner=%s contacts=%d", owner_id, len(contacts))
        return ExportFiles(files=files, contact_count=len(contacts))

    async def delete_everything(self, owner_id: int) -> dict[str, int]:
        """Erase every row of the student's (reminders stop with them)."""
        removed = await self._data.delete_student(owner_id)
        log.info("deleted all data owner=%s rows=%d", owner_id, sum(removed.values()))
        return removed
