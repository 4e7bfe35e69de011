"""ReminderService: consent and settings for reminder DMs, one-off reminders, what is due this
week (the digest builder behind the weekly DM and `/due`), and acting on a due item (snooze,
done, draft). Sending is `bot.core.delivery`'s job: it calls this module, never the reverse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.dates import local_today, parse_future_time
from bot.core.digest import (
    DUE_LOADED,
    HORIZON_DAYS,
    MEETING_KINDS,
    build_digest,
    due_items,
    meeting_contacts,
    most_urgent_first,
    with_meetings,
)
from bot.core.drafts import DraftRequest
from bot.core.errors import CoachError, ContactNotFound, InvalidInput, RecipientUnreachable
from bot.core.models import (
    Digest,
    DueItem,
    ExchangeKind,
    ItemKind,
    OneOffReminder,
    ReminderSettings,
    Role,
)
from bot.core.ports import (
    Clock,
    MeetingLookup,
    Notifier,
    ReminderRepository,
    StudentRepository,
)
from bot.core.schedule import WEEKDAYS, is_valid_timezone, next_weekly_occurrence
from bot.core.students import StudentService
from bot.core.text import clean_block
from bot.core.validation import CADENCE_MAX_DAYS, CADENCE_MIN_DAYS

if TYPE_CHECKING:
    # Only for annotations: the season's reminders are sent by the delivery tick, which
    # imports this module.
    from bot.core.season_reminders import SeasonReminderService

log = logging.getLogger(__name__)

REMINDER_NOTE_MAX = 300
DIGEST_ACTIVITY_DAYS = 7

DMS_CLOSED = (
    "I couldn't send you a DM: your privacy settings block messages from this server. "
    "Open the server menu → Privacy Settings → turn on Direct Messages, then run "
    "`/reminders setup` again."
)
DMS_WERE_CLOSED = (
    "Your weekly digest couldn't be delivered because your DMs are closed to this server. "
    "Open the server menu → Privacy Settings → turn on Direct Messages; I'll try again "
    "at your next digest."
)
NOT_SET_UP = "Reminders aren't set up yet: `/reminders setup` turns them on."
PROGRESS_ROLES = frozenset({Role.TUTOR, Role.PEER_MENTOR})


class ReminderService:
    def __init__(
        self,
        reminders: ReminderRepository,
        students: StudentRepository,
        student_service: StudentService,
        contacts: ContactService,
        notifier: Notifier,
        clock: Clock,
        *,
        coaching: CoachingService | None = None,
        meetings: MeetingLookup | None = None,
        season: SeasonReminderService | None = None,
    ) -> None:
        self._repo = reminders
        self._students = students
        self._student_service = student_service
        self._contacts = contacts
        self._notifier = notifier
        self._clock = clock
        self._coaching = coaching
        self._meetings = meetings
        self._season = season
        self._done_locks: dict[int, asyncio.Lock] = {}

    # -- settings ----------------------------------------------------------------------------

    async def settings(self, student_id: int) -> ReminderSettings | None:
        return await self._repo.get_settings(student_id)

    async def timezone_for(self, student_id: int) -> str:
        return await self._student_service.timezone_for(student_id)

    async def setup(
        self,
        student_id: int,
        *,
        timezone: str | None = None,
        weekday: int | None = None,
        hour: int | None = None,
        quiet_when_empty: bool | None = None,
        cadence: Mapping[str, int] | None = None,
    ) -> ReminderSettings:
        """Opt in (or change settings): a welcome is sent once, when reminders turn on."""
        if timezone is not None and not is_valid_timezone(timezone):
            raise InvalidInput(
                f"“{timezone[:60]}” isn't a timezone I know. Pick one from the suggestions, "
                "like America/New_York or Europe/London."
            )
        if weekday is not None and not 0 <= weekday <= 6:
            raise InvalidInput("Pick a day of the week.")
        if hour is not None and not 0 <= hour <= 23:
            raise InvalidInput("The hour must be between 0 and 23.")
        for role, days in (cadence or {}).items():
            Role(role)
            if not CADENCE_MIN_DAYS <= days <= CADENCE_MAX_DAYS:
                raise InvalidInput(
                    f"Keep-in-touch cadence must be between {CADENCE_MIN_DAYS} and "
                    f"{CADENCE_MAX_DAYS} days."
                )
        student = await self._student_service.get(student_id)
        now = self._clock.now()
        current = await self._repo.get_settings(student_id)
        newly_on = current is None or not current.enabled
        if newly_on:
            # Consent is given here, and the welcome says so; a student whose DMs are closed
            # learns now how to open them, not from a digest that never arrives.
            try:
                await self._notifier.send_welcome(student_id, key=f"hello-{student_id}")
            except RecipientUnreachable:
                raise CoachError(DMS_CLOSED) from None
        if student.unreachable_since is not None:
            await self._students.set_unreachable(student_id, None)  # try again from now on
        if timezone is not None:
            await self._students.set_timezone(student_id, timezone)
        base = current or ReminderSettings(student_id=student_id, consented_at=now)
        settings = replace(
            base,
            enabled=True,
            consented_at=now if newly_on else base.consented_at,
            digest_weekday=base.digest_weekday if weekday is None else weekday,
            digest_hour=base.digest_hour if hour is None else hour,
            quiet_when_empty=(
                base.quiet_when_empty if quiet_when_empty is None else quiet_when_empty
            ),
            cadence={**base.cadence, **(cadence or {})},
        )
        settings = await self._schedule(settings)
        log.info("reminders set up student=%s", student_id)
        return settings

    async def _schedule(self, settings: ReminderSettings) -> ReminderSettings:
        """Store the settings with the next digest time (none while off or paused)."""
        next_at = None
        if settings.active:
            zone = await self.timezone_for(settings.student_id)
            next_at = next_weekly_occurrence(
                self._clock.now(), settings.digest_weekday, settings.digest_hour, zone
            )
        settings = replace(settings, next_digest_at=next_at)
        await self._repo.save_settings(settings)
        return settings

    async def _require(self, student_id: int) -> ReminderSettings:
        settings = await self._repo.get_settings(student_id)
        if settings is None or not settings.enabled:
            raise InvalidInput(NOT_SET_UP)
        return settings

    async def pause(self, student_id: int) -> ReminderSettings:
        return await self._schedule(replace(await self._require(student_id), paused=True))

    async def resume(self, student_id: int) -> ReminderSettings:
        return await self._schedule(replace(await self._require(student_id), paused=False))

    async def turn_off(self, student_id: int) -> ReminderSettings:
        """Stop every reminder DM; nothing else is deleted."""
        settings = await self._require(student_id)
        log.info("reminders off student=%s", student_id)
        return await self._schedule(replace(settings, enabled=False))

    async def set_server_timezone(self, guild_id: int, timezone: str) -> None:
        if not is_valid_timezone(timezone):
            raise InvalidInput(f"“{timezone[:60]}” isn't a timezone I know.")
        await self._repo.set_guild_timezone(guild_id, timezone, now=self._clock.now())
        log.info("server timezone set guild=%s", guild_id)

    async def describe_next(self, student_id: int) -> str | None:
        """'Sunday 18:00 (America/New_York)' for the next digest, or None."""
        settings = await self._repo.get_settings(student_id)
        if settings is None or settings.next_digest_at is None:
            return None
        zone = await self.timezone_for(student_id)
        local = settings.next_digest_at.astimezone(ZoneInfo(zone))
        return f"{WEEKDAYS[local.weekday()]} {local:%H:%M} ({zone})"

    async def reachability_notice(self, student_id: int) -> str | None:
        """If a DM to this student bounced, say so once and try again from now on."""
        student = await self._student_service.get(student_id)
        if student.unreachable_since is None:
            return None
        await self._students.set_unreachable(student_id, None)
        return DMS_WERE_CLOSED

    # -- one-off reminders and due items -----------------------------------------------------

    async def remind(
        self, owner_id: int, contact_id: int | None, when: str, note: str | None
    ) -> OneOffReminder:
        note = clean_block(note)
        if note is not None and len(note) > REMINDER_NOTE_MAX:
            raise InvalidInput(f"Keep the note under {REMINDER_NOTE_MAX} characters.")
        if contact_id is None and note is None:
            raise InvalidInput("Say who or what to remind you about (a contact or a note).")
        zone = await self.timezone_for(owner_id)
        due_at = parse_future_time(when, now=self._clock.now(), timezone=zone)
        reminder = await self._repo.add_reminder(
            owner_id, contact_id, note, due_at, now=self._clock.now()
        )
        if reminder is None:
            raise ContactNotFound()
        log.info("reminder added owner=%s reminder=%s", owner_id, reminder.id)
        return reminder

    async def digest_for(
        self,
        student_id: int,
        *,
        late_by_hours: int = 0,
        settings: ReminderSettings | None = None,
    ) -> Digest:
        """What is due this week for the student (the weekly DM and `/due`). A delivery that
        has just read the student's settings passes them in: one query fewer per digest."""
        now = self._clock.now()
        zone = await self.timezone_for(student_id)
        today = local_today(now, zone)
        if settings is None:
            settings = await self._repo.get_settings(student_id)
        cadence = settings.cadence if settings else None
        horizon = today + timedelta(days=HORIZON_DAYS - 1)
        # Only the sent messages whose nudge falls within the week are read, not every message
        # still waiting for a reply (hundreds, for a student who writes a lot).
        week_end = datetime.combine(horizon + timedelta(days=1), time(), tzinfo=ZoneInfo(zone))
        awaiting = await self._repo.awaiting_replies(student_id, nudge_before=week_end)
        nudge_due: dict[int, date] = {}
        for draft in awaiting:
            if draft.nudge_due_at is not None:
                nudge_due[draft.contact_id] = local_today(draft.nudge_due_at, zone)
        # Only the most due contacts are read (the stored due day, through an index), leaving
        # out those waiting for a reply, plus those whose nudge is due; the rest are counted.
        contacts = list(
            await self._contacts.due_contacts(student_id, until=horizon, limit=DUE_LOADED)
        )
        loaded = {contact.id for contact in contacts}
        contacts += await self._contacts.get_many(
            student_id, sorted(i for i in nudge_due if i not in loaded)
        )
        reminders = await self._repo.open_reminders(student_id, until=now + timedelta(days=7))
        items = due_items(
            contacts,
            reminders,
            today=today,
            nudge_due=nudge_due,
            cadence=cadence,
            reminder_days={r.id: local_today(r.due_at, zone) for r in reminders},
        )
        listed = sum(1 for i in items if i.kind in MEETING_KINDS)
        more = await self._contacts.count_due(student_id, until=horizon) - listed
        if self._meetings is not None:
            wanted = meeting_contacts(items)
            if wanted:
                linked = await self._meetings.linked_events(student_id, wanted)
                items = with_meetings(items, linked, today=today)
        season = None
        if self._season is not None:
            section = await self._season.section(student_id, today=today)
            season = section.status
            if section.items:
                items = most_urgent_first([*items, *section.items])
        activity = await self._repo.activity(
            student_id, since=now - timedelta(days=DIGEST_ACTIVITY_DAYS)
        )
        coaching = self._coaching
        tip = season.tip if season is not None else None
        if tip is None and coaching is not None:
            tip = coaching.tip_for_week(student_id, items, today)
        return build_digest(
            student_id,
            items,
            activity,
            today=today,
            tip=tip,
            progress=(await coaching.goal_progress(student_id, today=today) if coaching else None),
            late_by_hours=late_by_hours,
            more=max(0, more),
            season=season,
        )

    async def snooze(self, owner_id: int, kind: ItemKind, ref: int) -> None:
        """Not again for a week."""
        _not_a_letter(kind)
        if kind is ItemKind.REMINDER:
            reminder = await self._reminder(owner_id, ref)
            later = max(reminder.due_at, self._clock.now()) + timedelta(days=7)
            await self._repo.set_reminder(owner_id, ref, due_at=later)
        else:
            await self._contacts.snooze(owner_id, ref, 7)
        log.info("snoozed owner=%s kind=%s ref=%s", owner_id, kind.value, ref)

    async def done(self, owner_id: int, kind: ItemKind, ref: int) -> bool:
        """The student did it: log the exchange (or close the reminder). False when it was
        already done: a second click on "Done" (or a double click) logs nothing more."""
        _not_a_letter(kind)
        # Two clicks at once: the second waits, then sees what the first logged. One small
        # lock per student who ever clicked Done in this process.
        async with self._done_locks.setdefault(owner_id, asyncio.Lock()):
            return await self._done(owner_id, kind, ref)

    async def _done(self, owner_id: int, kind: ItemKind, ref: int) -> bool:
        if kind is ItemKind.REMINDER:
            reminder = await self._reminder(owner_id, ref)
            if reminder.done_at is not None:
                return False
            await self._repo.set_reminder(owner_id, ref, done_at=self._clock.now())
            return True
        contact = await self._contacts.get(owner_id, ref)
        if contact.last_contacted_on == await self._contacts.today(owner_id):
            return False  # logged today already (this button, or by hand)
        channel = ExchangeKind.EMAILED if contact.draft.email else ExchangeKind.MESSAGED
        await self._contacts.log_exchange(owner_id, ref, channel, note=f"{kind.label}: done.")
        if kind is ItemKind.NUDGE:
            await self._contacts.snooze(owner_id, ref, 7)
        return True

    async def _reminder(self, owner_id: int, reminder_id: int) -> OneOffReminder:
        reminder = await self._repo.get_reminder(owner_id, reminder_id)
        if reminder is None:
            raise InvalidInput("I couldn't find that reminder. It may have been removed.")
        return reminder

    async def item(self, owner_id: int, kind: ItemKind, ref: int) -> DueItem:
        """One due item, re-read for the student (for a menu pick)."""
        digest = await self.digest_for(owner_id)
        for item in digest.items:
            if item.kind is kind and item.ref == ref:
                return item
        raise InvalidInput("That's no longer due. `/due` shows what is.")

    async def draft_request(self, owner_id: int, kind: ItemKind, ref: int) -> DraftRequest:
        """The draft that fits a due item: follow-up, nudge, check-in or progress update."""
        _not_a_letter(kind)
        if kind is ItemKind.REMINDER:
            reminder = await self._reminder(owner_id, ref)
            if reminder.contact_id is None:
                raise InvalidInput(
                    "This reminder isn't about a contact, so there's nothing to draft."
                )
            return DraftRequest(
                kind="outreach", people=(reminder.contact_id,), template_id="outreach_reconnect"
            )
        contact = await self._contacts.get(owner_id, ref)
        if kind is ItemKind.FOLLOW_UP:
            return DraftRequest(kind="followup", people=(contact.id,))
        if kind is ItemKind.NUDGE:
            return DraftRequest(kind="followup", people=(contact.id,), template_id="followup_nudge")
        template = (
            "outreach_progress_update" if contact.role in PROGRESS_ROLES else "outreach_reconnect"
        )
        return DraftRequest(kind="outreach", people=(contact.id,), template_id=template)


def _not_a_letter(kind: ItemKind) -> None:
    """Letter items have buttons of their own (the season's reminders know what each one
    asks); a custom_id that names one here was not made by the bot."""
    if kind is ItemKind.LETTER:
        raise InvalidInput("That button doesn't fit this reminder. `/due` shows it with its own.")
