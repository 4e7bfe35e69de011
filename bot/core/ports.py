"""Interfaces the core needs from the outside world; storage and tests implement them.

Every repository method that touches a student's data takes `owner_id` and scopes to it: asking
for another student's contact behaves exactly like asking for one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.core.meetings import EventKind, MetAt
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
    OneOffReminder,
    Page,
    Profile,
    ReminderSettings,
    Student,
    Tone,
    WeekActivity,
)
from bot.core.progress import NetworkCounts, WeekCounts, WeeklyGoal

if TYPE_CHECKING:
    # Only for annotations: these modules import this one (their services take its ports).
    from bot.core.events import Event, GuildEventSettings, ScheduledEnding, SeenScheduledEvent
    from bot.core.export_reader import Restore

_R = TypeVar("_R")


class Offload(Protocol):
    """Runs CPU-heavy work (parsing an upload, building an export, drawing a chart) where it
    does not hold up the services' other callers.

    `fn` is a module-level function of plain data and returns plain data: an implementation may
    run it in another process, so both cross by value.
    """

    async def run(self, fn: Callable[..., _R], /, *args: Any) -> _R: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware and in UTC."""
        ...


class StudentRepository(Protocol):
    async def get_or_create(self, student_id: int, *, now: datetime) -> tuple[Student, bool]:
        """The student's record and whether it was just created."""
        ...

    async def mark_welcomed(self, student_id: int) -> bool:
        """Record the one-time welcome; False if it had already been recorded."""
        ...

    async def set_timezone(self, student_id: int, timezone: str | None) -> None: ...

    async def set_dm_channel(self, student_id: int, channel_id: int | None) -> None: ...

    async def set_unreachable(self, student_id: int, since: datetime | None) -> None: ...

    async def set_guild(self, student_id: int, guild_id: int) -> None:
        """Remember the server the student last used (its default timezone applies)."""
        ...


class ContactRepository(Protocol):
    async def add(self, owner_id: int, draft: ContactDraft, *, now: datetime) -> Contact: ...

    async def get(self, owner_id: int, contact_id: int) -> Contact | None: ...

    async def update(
        self, owner_id: int, contact_id: int, draft: ContactDraft, *, now: datetime
    ) -> Contact | None: ...

    async def remove(self, owner_id: int, contact_id: int) -> bool: ...

    async def find_duplicates(
        self, owner_id: int, name_key: str, email_key: str | None
    ) -> Sequence[Contact]:
        """Contacts whose folded name or e-mail matches."""
        ...

    async def list_all(self, owner_id: int, contact_filter: ContactFilter) -> Sequence[Contact]:
        """Every matching contact (unordered); the service decides the order."""
        ...

    async def list_plain(self, owner_id: int) -> Sequence[Contact]:
        """Every contact of the student with only their own fields: last_contacted_on,
        exchange_count and awaiting_reply_since are left empty (not read). For figures over
        the student's own fields (progress), at a fraction of list_all's cost."""
        ...

    async def most_due_page(
        self, owner_id: int, contact_filter: ContactFilter, *, page: int, size: int
    ) -> Page:
        """One page of the matching contacts in `attention.most_due_first` order (with the
        student's cadence settings); a page past either end is clamped to the nearest one."""
        ...

    async def due_contacts(self, owner_id: int, *, until: date, limit: int) -> Sequence[Contact]:
        """The first `limit` contacts whose `attention.due_on` (with the student's cadence
        settings) is on or before `until`, in `most_due_first` order, leaving out those waiting
        for a reply (`awaiting_reply_since`: their nudge stands for them). Costs the same
        whatever the student's number of contacts: the due day is kept stored, not recomputed."""
        ...

    async def count_due(self, owner_id: int, *, until: date) -> int:
        """How many contacts `due_contacts` would return without a limit."""
        ...

    async def get_many(self, owner_id: int, ids: Sequence[int]) -> Sequence[Contact]:
        """The student's contacts among `ids` (others' and missing ones are left out)."""
        ...

    async def search(self, owner_id: int, query_key: str, *, limit: int) -> Sequence[Contact]:
        """Contacts whose name, institution, specialty, event, notes or tags contain the query."""
        ...

    async def suggest(self, owner_id: int, prefix_key: str, *, limit: int) -> Sequence[Contact]:
        """Autocomplete: name matches first (prefix, then word start, then anywhere)."""
        ...

    async def count(self, owner_id: int) -> int: ...

    async def distinct_values(
        self, owner_id: int, column: str, prefix_key: str, *, limit: int
    ) -> Sequence[str]:
        """Values already used in `tag`, `specialty` or `event`, for autocomplete."""
        ...

    async def add_exchange(
        self,
        owner_id: int,
        contact_id: int,
        kind: ExchangeKind,
        happened_on: date,
        note: str | None,
        *,
        now: datetime,
    ) -> Exchange | None: ...

    async def exchanges(self, owner_id: int, contact_id: int, *, limit: int) -> Sequence[Exchange]:
        """The contact's history, newest first."""
        ...

    async def all_exchanges(self, owner_id: int) -> Sequence[Exchange]:
        """Every exchange the student logged, oldest first."""
        ...

    async def set_schedule(
        self,
        owner_id: int,
        contact_id: int,
        *,
        follow_up_on: date | None = None,
        snoozed_until: date | None = None,
    ) -> bool:
        """Set the first follow-up day and/or a snooze (None leaves a value as it is)."""
        ...

    async def count_follow_ups_on(self, owner_id: int, day: date) -> int:
        """How many contacts already have their first follow-up falling on `day`."""
        ...

    async def week_counts(self, owner_id: int, *, today: date, weeks: int) -> Sequence[WeekCounts]:
        """`progress.weekly_counts` of the student's contacts and exchanges: the `weeks`
        Monday-to-Sunday weeks ending with today's, oldest first. Reads only what falls in those
        weeks, through indexes: not every contact and exchange of the student."""
        ...

    async def awaiting_any_reply(self, owner_id: int) -> bool:
        """Whether any of the student's contacts has `awaiting_reply_since` set (a sent draft
        with no reply since), without reading the contacts."""
        ...

    async def network_counts(self, owner_id: int, *, top: int) -> NetworkCounts:
        """`progress.network_counts` of the student's contacts and exchanges (the `top` most
        common specialties), counted in the store, not read into memory."""
        ...


class PendingRepository(Protocol):
    """Short-lived state behind buttons whose data will not fit in a custom_id."""

    async def put(
        self, owner_id: int, kind: str, payload: dict[str, Any], *, expires_at: datetime
    ) -> int: ...

    async def take(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        """Remove and return the payload if it exists, is the owner's and has not expired."""
        ...

    async def peek(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None: ...

    async def held(
        self, owner_id: int, kind: str, *, now: datetime
    ) -> list[tuple[int, dict[str, Any]]]:
        """The owner's live rows of `kind`, oldest first, as (id, payload)."""
        ...

    async def purge_expired(self, *, now: datetime) -> int:
        """Forget expired rows; returns how many."""
        ...


class ProfileRepository(Protocol):
    async def get(self, student_id: int) -> Profile | None: ...

    async def save(self, student_id: int, profile: Profile, *, now: datetime) -> Profile: ...


class DraftRepository(Protocol):
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
        """None if the contact is not the owner's."""
        ...

    async def get(self, owner_id: int, draft_id: int) -> Draft | None: ...

    async def update(
        self,
        owner_id: int,
        draft_id: int,
        *,
        channel: Channel,
        version: int,
        fields: dict[str, str],
        tone: Tone = Tone.WARM,
    ) -> Draft | None: ...

    async def mark_sent(
        self, owner_id: int, draft_id: int, *, sent_at: datetime, nudge_due_at: datetime
    ) -> Draft | None:
        """Record the send once; None if unknown, already sent, or someone else's."""
        ...


class ReminderRepository(Protocol):
    """Reminder settings, one-off reminders, and the delivery ledger (exactly-once sends)."""

    async def get_settings(self, student_id: int) -> ReminderSettings | None: ...

    async def save_settings(self, settings: ReminderSettings) -> None: ...

    async def due_digests(self, now: datetime, *, limit: int) -> Sequence[ReminderSettings]:
        """Active settings whose next digest is due, for students who can be reached."""
        ...

    async def advance_digest(
        self, student_id: int, *, expected: datetime, following: datetime
    ) -> bool:
        """Move the next digest time on, only if it is still `expected` (compare-and-set)."""
        ...

    async def claim(
        self, student_id: int, kind: str, ref: str, *, due_at: datetime, now: datetime
    ) -> Delivery | None:
        """Record the intent to send one occurrence; None if it was already claimed."""
        ...

    async def was_claimed(self, student_id: int, kind: str, ref: str) -> bool:
        """Whether this occurrence was ever claimed for the student (sent, or being sent)."""
        ...

    async def unsent(self, *, claimed_before: datetime, limit: int) -> Sequence[Delivery]: ...

    async def finish(
        self, delivery_id: int, *, outcome: str, at: datetime, message_id: int | None = None
    ) -> None:
        """Close a claim (sent, late, skipped, unreachable, failed)."""
        ...

    async def count_attempt(self, delivery_id: int) -> int:
        """Add one failed attempt; returns the new count."""
        ...

    async def add_reminder(
        self,
        owner_id: int,
        contact_id: int | None,
        note: str | None,
        due_at: datetime,
        *,
        now: datetime,
    ) -> OneOffReminder | None:
        """None if `contact_id` is not one of the owner's contacts."""
        ...

    async def get_reminder(self, owner_id: int, reminder_id: int) -> OneOffReminder | None: ...

    async def open_reminders(self, owner_id: int, *, until: datetime) -> Sequence[OneOffReminder]:
        """Not yet done, due before `until`."""
        ...

    async def due_reminders(self, now: datetime, *, limit: int) -> Sequence[OneOffReminder]:
        """Due, not done, never claimed for delivery, for active and reachable students."""
        ...

    async def set_reminder(
        self,
        owner_id: int,
        reminder_id: int,
        *,
        due_at: datetime | None = None,
        done_at: datetime | None = None,
    ) -> bool: ...

    async def due_nudges(self, now: datetime, *, limit: int) -> Sequence[Draft]:
        """Sent drafts past their nudge time with no reply since, never claimed for a nudge."""
        ...

    async def awaiting_replies(
        self, owner_id: int, *, nudge_before: datetime | None = None
    ) -> Sequence[Draft]:
        """The student's sent drafts with no reply from that contact since, oldest first; with
        `nudge_before`, only those whose nudge falls due before that instant."""
        ...

    async def activity(self, owner_id: int, *, since: datetime) -> WeekActivity: ...

    async def guild_timezone(self, guild_id: int) -> str | None: ...

    async def set_guild_timezone(self, guild_id: int, timezone: str, *, now: datetime) -> None: ...


class Notifier(Protocol):
    """Delivers DMs. Raises RecipientUnreachable (DMs closed) or DeliveryFailed (try later)."""

    async def open_dm(self, student_id: int) -> int:
        """The DM channel id with the student (created if needed)."""
        ...

    async def send_welcome(self, channel_id: int, *, nonce: str) -> int: ...

    async def send_digest(self, channel_id: int, digest: Digest, *, nonce: str) -> int:
        """Returns the message id."""
        ...

    async def send_item(
        self, channel_id: int, student_id: int, item: DueItem, *, nonce: str, late: bool
    ) -> int: ...


class CoachRepository(Protocol):
    async def goal(self, student_id: int) -> WeeklyGoal | None: ...

    async def set_goal(self, student_id: int, goal: WeeklyGoal, *, now: datetime) -> None: ...

    async def last_tip(self, student_id: int) -> str | None: ...

    async def set_last_tip(self, student_id: int, tip_key: str, *, now: datetime) -> None: ...


class GuildTimezones(Protocol):
    async def guild_timezone(self, guild_id: int) -> str | None: ...


class PrivacyRepository(Protocol):
    async def snapshot(self, student_id: int) -> dict[str, list[dict[str, Any]]]: ...

    async def counts(self, student_id: int) -> dict[str, int]: ...

    async def delete_student(self, student_id: int) -> dict[str, int]: ...


class RestoreRepository(Protocol):
    async def holdings(self, student_id: int) -> dict[str, int]:
        """Rows the student has, per table, that a restore would need to be absent."""
        ...

    async def restore(self, student_id: int, restore: Restore) -> None:
        """Write everything, with new ids, in one transaction; AccountNotEmpty (and nothing
        written) if the student has data by then."""
        ...


class MeetingLookup(Protocol):
    async def linked_events(
        self, owner_id: int, contact_ids: Sequence[int]
    ) -> Mapping[int, Sequence[MetAt]]:
        """The owner's events each contact is linked to (contacts with none are left out)."""
        ...


class EventRepository(MeetingLookup, Protocol):
    async def add(
        self, owner_id: int, name: str, kind: EventKind, held_on: date, *, now: datetime
    ) -> Event: ...

    async def get(self, owner_id: int, event_id: int) -> Event | None: ...

    async def find(self, owner_id: int, name_key: str) -> Sequence[Event]:
        """The student's events with this folded name, most recent first."""
        ...

    async def list_for(self, owner_id: int, *, limit: int) -> Sequence[Event]:
        """Most recent first."""
        ...

    async def suggest(self, owner_id: int, text_key: str, *, limit: int) -> Sequence[Event]: ...

    async def link(self, owner_id: int, contact_id: int, event_id: int) -> None:
        """Idempotent."""
        ...

    async def people(self, owner_id: int, event_id: int) -> Sequence[int]:
        """Contact ids linked to the event, in the order they were linked."""
        ...

    async def guild_settings(self, guild_id: int) -> GuildEventSettings | None: ...

    async def save_guild_settings(self, settings: GuildEventSettings, *, now: datetime) -> None: ...

    async def record_ending(
        self, guild_id: int, event_id: int, name: str, ended_at: datetime, notify_at: datetime
    ) -> bool:
        """Insert unless this scheduled event is already recorded; True when inserted."""
        ...

    async def get_ending(self, ending_id: int) -> ScheduledEnding | None: ...

    async def ending_for_event(self, event_id: int) -> ScheduledEnding | None: ...

    async def due_endings(self, now: datetime, *, limit: int) -> Sequence[ScheduledEnding]: ...

    async def mark_processed(self, ending_id: int, *, at: datetime) -> None: ...


class EventNotifier(Protocol):
    async def interested_members(self, guild_id: int, event_id: int) -> Sequence[int]:
        """User ids of the members who marked themselves interested (DeliveryFailed if not)."""
        ...

    async def send_event_prompt(
        self, channel_id: int, ending: ScheduledEnding, *, nonce: str
    ) -> int: ...


class ScheduledEventCache(Protocol):
    def cached_scheduled_events(self) -> Sequence[SeenScheduledEvent]:
        """Every scheduled event of every server the bot is in, from memory."""
        ...
