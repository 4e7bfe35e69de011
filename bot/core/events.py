"""EventService: events as records (who the student met where), and what happens when a
server's Discord scheduled event ends.

Events belong to one student like contacts do: every call names the owner, and another
student's event is reported exactly as a missing one. Scheduled events are server-wide; the
only thing the server's admins control is whether (and how long after the end) the bot asks
the members who marked themselves interested. Only students who opted in to reminder DMs
(enabled, not paused) are ever asked, once each per scheduled event: each DM is claimed in
the delivery ledger (kind "event", ref the scheduled event's id) and sent by the delivery
tick (`bot.core.delivery`), with its retries and consent check.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.contacts import ContactService
from bot.core.dates import local_today
from bot.core.drafts import DraftRequest
from bot.core.errors import CoachError, DeliveryFailed, InvalidInput
from bot.core.meetings import EventKind as EventKind  # re-exported: Event.kind's type
from bot.core.models import Contact, ContactDraft, Delivery, ExchangeKind, MessageRef
from bot.core.ports import (
    Clock,
    EventNotifier,
    EventRepository,
    ReminderRepository,
    ScheduledEventCache,
)
from bot.core.text import clean_line, fold

log = logging.getLogger(__name__)

EVENT_NAME_MAX = 100
PEOPLE_PER_FORM = 5  # Discord allows five components in a form
NOTE_MAX = 200
SUGGEST_LIMIT = 25
LIST_LIMIT = 25
DEFAULT_DELAY = timedelta(hours=1)
DELAY_MAX_MINUTES = 7 * 24 * 60
DELIVERY_KIND = "event"
BATCH = 100
# How often the tick looks through the cached scheduled events for ones whose end time passed
# with no "completed" update (a voice event nobody ended, a missed gateway event). Reading the
# cache is free; the minute bounds the database look-ups for events still sitting in it.
SCAN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    owner_id: int
    name: str
    kind: EventKind
    held_on: date
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EventDetail:
    event: Event
    people: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class ScheduledEnding:
    """A server's scheduled event that ended; its interested members are asked at notify_at."""

    id: int
    guild_id: int
    event_id: int
    name: str
    ended_at: datetime
    notify_at: datetime


@dataclass(frozen=True, slots=True)
class SeenScheduledEvent:
    """A server's scheduled event as the gateway cache holds it (no REST call made)."""

    guild_id: int
    event_id: int
    name: str
    end_time: datetime | None
    completed: bool = False
    cancelled: bool = False

    def ended_at(self, now: datetime) -> datetime | None:
        """When it ended, if it has: completed, or past its end time (the gateway does not
        replay updates missed while the bot was down, and nobody may end a voice event). A
        cancelled event never took place."""
        if self.cancelled:
            return None
        passed = self.end_time is not None and self.end_time <= now
        if not (self.completed or passed):
            return None
        return self.end_time if passed else now


@dataclass(frozen=True, slots=True)
class GuildEventSettings:
    guild_id: int
    enabled: bool = False
    delay: timedelta = DEFAULT_DELAY


class EventNotFound(CoachError):
    def __init__(self) -> None:
        super().__init__(
            "I couldn't find that event in your list. `/event list` shows the ones you have."
        )


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One line of the add-people form: a name and an optional one-line note."""

    name: str
    note: str | None = None


def parse_person(text: str | None) -> PersonLine | None:
    """'Dr Amara Okafor — runs the cardiology elective' → name and note (—, –, ' - ' or ':')."""
    line = clean_line(text)
    if line is None:
        return None
    for separator in ("—", "–", " - ", ":"):
        if separator in line:
            name, note = line.split(separator, 1)
            return PersonLine(name.strip(), clean_line(note))
    return PersonLine(line)


class EventService:
    def __init__(
        self,
        events: EventRepository,
        contacts: ContactService,
        reminders: ReminderRepository,
        notifier: EventNotifier,
        clock: Clock,
        *,
        cache: ScheduledEventCache | None = None,
    ) -> None:
        self._events = events
        self._contacts = contacts
        self._reminders = reminders
        self._notifier = notifier
        self._clock = clock
        self._cache = cache
        self._next_scan: datetime | None = None
        # Scheduled events whose ending is on record: skipped by later scans without a query.
        self._settled: set[int] = set()

    # -- events as records -------------------------------------------------------------------

    async def log(
        self, owner_id: int, name: str, kind: EventKind, when: str | None = None
    ) -> Event:
        """Record an event the student went to (default: today, in their timezone)."""
        clean = clean_line(name)
        if clean is None or len(clean) > EVENT_NAME_MAX:
            raise InvalidInput(f"Give the event a name of 1–{EVENT_NAME_MAX} characters.")
        await self._contacts.ensure_student(owner_id)
        day = await self._contacts.parse_day(owner_id, when)
        if day is None:
            day = await self._contacts.today(owner_id)
        event = await self._events.add(owner_id, clean, kind, day, now=self._clock.now())
        log.info("event logged owner=%s event=%s", owner_id, event.id)
        return event

    async def get(self, owner_id: int, event_id: int) -> Event:
        event = await self._events.get(owner_id, event_id)
        if event is None:
            raise EventNotFound()
        return event

    async def show(self, owner_id: int, event_id: int) -> EventDetail:
        event = await self.get(owner_id, event_id)
        people = [
            await self._contacts.get(owner_id, contact_id)
            for contact_id in await self._events.people(owner_id, event_id)
        ]
        return EventDetail(event, tuple(people))

    async def list_for(self, owner_id: int) -> Sequence[Event]:
        return await self._events.list_for(owner_id, limit=LIST_LIMIT)

    async def suggest(self, owner_id: int, text: str) -> Sequence[Event]:
        return await self._events.suggest(owner_id, fold(text.strip()), limit=SUGGEST_LIMIT)

    async def link_where_met(self, owner_id: int, contact_id: int, where_met: str | None) -> None:
        """Link a contact to the student's event of that name (folded match), if there is one."""
        clean = clean_line(where_met)
        if clean is None:
            return
        found = await self._events.find(owner_id, fold(clean))
        if found:
            await self._events.link(owner_id, contact_id, found[0].id)

    async def add_people(
        self, owner_id: int, event_id: int, lines: Sequence[str | None]
    ) -> list[Contact]:
        """Add (or find, by name) each person met at the event and link them to it.

        New contacts go through ContactService.add, so their first follow-ups are spread over
        the next days rather than all falling on one; their line's note becomes their notes.
        Someone already saved is met again: that meeting is logged on the event's day with the
        line's note (once, however often the form is sent), so nothing the student wrote is lost.
        """
        event = await self.get(owner_id, event_id)
        people = [p for p in (parse_person(line) for line in lines) if p is not None]
        if not people:
            raise InvalidInput("Write at least one name.")
        if len(people) > PEOPLE_PER_FORM:
            raise InvalidInput(f"Add up to {PEOPLE_PER_FORM} people at a time.")
        for person in people:
            if person.note is not None and len(person.note) > NOTE_MAX:
                raise InvalidInput(f"Keep each note under {NOTE_MAX} characters.")
        added: list[Contact] = []
        for person in people:
            contact = await self._contacts.find_or_create(
                owner_id,
                ContactDraft(
                    name=person.name,
                    met_event=event.name,
                    met_on=event.held_on,
                    notes=person.note,
                ),
            )
            await self._events.link(owner_id, contact.id, event.id)
            if person.note is not None and contact.draft.notes != person.note:
                await self._met_again(owner_id, contact.id, event, person.note)
            added.append(contact)
        log.info("event people added owner=%s event=%s n=%d", owner_id, event.id, len(added))
        return added

    async def _met_again(self, owner_id: int, contact_id: int, event: Event, note: str) -> None:
        history = await self._contacts.history(owner_id, contact_id)
        if any(
            e.kind is ExchangeKind.MET and e.happened_on == event.held_on and e.note == note
            for e in history
        ):
            return
        await self._contacts.log_exchange(
            owner_id, contact_id, ExchangeKind.MET, when=event.held_on.isoformat(), note=note
        )

    async def followup_request(self, owner_id: int, event_id: int) -> DraftRequest:
        """Follow-ups for the people met at the event (the first five), naming the event."""
        event = await self.get(owner_id, event_id)
        people = tuple((await self._events.people(owner_id, event_id))[:PEOPLE_PER_FORM])
        if not people:
            raise InvalidInput("Add the people you met first.")
        return DraftRequest(kind="followup", people=people, fields={"event": event.name})

    # -- Discord scheduled events ------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildEventSettings:
        return await self._events.guild_settings(guild_id) or GuildEventSettings(guild_id)

    async def set_guild(
        self, guild_id: int, *, enabled: bool, delay_minutes: int | None = None
    ) -> GuildEventSettings:
        """The server admins' switch, and how long after an event ends to ask."""
        current = await self.guild_settings(guild_id)
        delay = current.delay
        if delay_minutes is not None:
            if not 0 <= delay_minutes <= DELAY_MAX_MINUTES:
                raise InvalidInput(f"The delay must be 0–{DELAY_MAX_MINUTES} minutes.")
            delay = timedelta(minutes=delay_minutes)
        settings = GuildEventSettings(guild_id, enabled=enabled, delay=delay)
        await self._events.save_guild_settings(settings, now=self._clock.now())
        log.info("scheduled-event DMs guild=%s enabled=%s", guild_id, enabled)
        return settings

    async def scheduled_event_ended(
        self, guild_id: int, event_id: int, name: str, ended_at: datetime | None = None
    ) -> bool:
        """A server's scheduled event ended (seen live, or at start-up): remember it once."""
        settings = await self.guild_settings(guild_id)
        if not settings.enabled:
            return False
        ended = ended_at or self._clock.now()
        clean = clean_line(name) or "your event"
        recorded = await self._events.record_ending(
            guild_id, event_id, clean[:EVENT_NAME_MAX], ended, ended + settings.delay
        )
        if recorded:
            log.info("scheduled event ended guild=%s event=%s", guild_id, event_id)
        return recorded

    async def scheduled_event_seen(
        self,
        guild_id: int,
        event_id: int,
        name: str,
        *,
        completed: bool,
        end_time: datetime | None,
        cancelled: bool = False,
    ) -> bool:
        """A scheduled event seen in the cache (at start-up, or by the periodic scan): recorded
        if it has ended (SeenScheduledEvent.ended_at)."""
        seen = SeenScheduledEvent(guild_id, event_id, name, end_time, completed, cancelled)
        ended = seen.ended_at(self._clock.now())
        if ended is None:
            return False
        return await self.scheduled_event_ended(guild_id, event_id, name, ended)

    async def tick(self, now: datetime) -> list[Delivery]:
        """The delivery tick's step: notice endings in the cache, then claim the DMs now due."""
        await self.scan_cached(now)
        return await self.claim_due(now)

    async def scan_cached(self, now: datetime) -> int:
        """Record endings the gateway never announced: cached scheduled events past their end
        time (or completed) with no ending on record. At most once per SCAN_EVERY; reads only
        the cache, never Discord's API. Returns how many endings it recorded."""
        if self._cache is None or (self._next_scan is not None and now < self._next_scan):
            return 0
        self._next_scan = now + SCAN_EVERY
        recorded = 0
        cached = self._cache.cached_scheduled_events()
        for seen in cached:
            if seen.event_id in self._settled or seen.ended_at(now) is None:
                continue
            if await self._events.ending_for_event(seen.event_id) is not None:
                self._settled.add(seen.event_id)  # announced, or recorded by an earlier scan
                continue
            if await self.scheduled_event_seen(
                seen.guild_id,
                seen.event_id,
                seen.name,
                completed=seen.completed,
                end_time=seen.end_time,
                cancelled=seen.cancelled,
            ):
                self._settled.add(seen.event_id)
                recorded += 1
            # Not recorded (switch off, or cancelled): looked at again next scan, so that an
            # admin turning the switch on soon after still gets the members asked.
        self._settled &= {seen.event_id for seen in cached}  # forget what left the cache
        return recorded

    async def claim_due(self, now: datetime) -> list[Delivery]:
        """Claim one DM per opted-in interested member for each ending now due (a tick step)."""
        claims: list[Delivery] = []
        for ending in await self._events.due_endings(now, limit=BATCH):
            settings = await self.guild_settings(ending.guild_id)
            if settings.enabled:
                try:
                    members = await self._notifier.interested_members(
                        ending.guild_id, ending.event_id
                    )
                except DeliveryFailed:
                    log.warning("interested members unavailable event=%s", ending.event_id)
                    continue  # try again next tick
                for member in members:
                    reminder_settings = await self._reminders.get_settings(member)
                    if reminder_settings is None or not reminder_settings.active:
                        continue  # never DM anyone who has not opted in
                    claim = await self._reminders.claim(
                        member,
                        DELIVERY_KIND,
                        str(ending.event_id),
                        due_at=ending.notify_at,
                        now=now,
                    )
                    if claim is not None:
                        claims.append(claim)
            await self._events.mark_processed(ending.id, at=now)
        return claims

    async def send_claimed(self, delivery: Delivery) -> MessageRef | None:
        """Send one claimed event DM (the delivery tick calls this for kind "event")."""
        ending = await self._events.ending_for_event(int(delivery.ref))
        if ending is None:
            return None
        return await self._notifier.send_event_prompt(delivery.student_id, ending, key=delivery.key)

    async def from_scheduled(self, owner_id: int, ending_id: int) -> Event:
        """The student's event record for a scheduled event (created on first use)."""
        ending = await self._events.get_ending(ending_id)
        if ending is None:
            raise InvalidInput("That event is no longer on record.")
        if not await self._reminders.was_claimed(owner_id, DELIVERY_KIND, str(ending.event_id)):
            # Only the members the bot asked hold this button; anyone else's click (or a
            # forged custom_id) must not put the server's event into their account.
            raise InvalidInput(
                "This button is for the members I asked about that event. `/event log` "
                "records an event of your own."
            )
        await self._contacts.ensure_student(owner_id)
        zone = await self._contacts.timezone_for(owner_id)
        day = local_today(ending.ended_at, zone)
        for event in await self._events.find(owner_id, fold(ending.name)):
            if event.held_on == day:
                return event
        return await self._events.add(
            owner_id, ending.name, EventKind.OTHER, day, now=self._clock.now()
        )
