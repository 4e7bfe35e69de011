"""Interfaces the core needs from the outside world; storage and tests implement them.

Every repository method that touches a student's data takes `owner_id` and scopes to it: asking
for another student's contact behaves exactly like asking for one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.core.export_format import ExportSnapshot
from bot.core.letters import LetterRequest
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
    MessageRef,
    OneOffReminder,
    Page,
    Profile,
    ReminderSettings,
    Student,
    Tone,
    WeekActivity,
)
from bot.core.progress import NetworkCounts, WeekCounts, WeeklyGoal
from bot.core.season import Interview, PlannedStudent, SeasonPlan

if TYPE_CHECKING:
    # Only for annotations: these modules import this one (their services take its ports).
    from bot.core.events import Event, GuildEventSettings, ScheduledEnding, SeenScheduledEvent
    from bot.core.export_reader import Restore
    from bot.core.papers import Paper, PaperId

_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class JobSlot:
    """The job holding a student's slot of one kind: running since `started_at`, or finished
    at `finished_at`."""

    started_at: datetime
    finished_at: datetime | None


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

    async def lease_stale(
        self, *, stale_before: datetime, now: datetime, limit: int
    ) -> Sequence[Delivery]:
        """Open claims neither claimed nor leased since `stale_before`, oldest claim first, each
        leased to the caller at `now` in the same step (compare-and-set): no other caller, in
        this process or another, gets one of them again until its lease is as stale.
        `claimed_at` stays the time of the first claim. `resend_safe` is whether the claim's
        last attempt was counted `unsent` (none has started since), and the same step clears
        that mark: the attempt the caller now makes is not known to be unsent."""
        ...

    async def finish(
        self, delivery_id: int, *, outcome: str, at: datetime, message_id: MessageRef | None = None
    ) -> None:
        """Close a claim (sent, late, skipped, unreachable, failed)."""
        ...

    async def uncertain_since_last_digest(
        self, student_id: int, *, limit: int
    ) -> Sequence[Delivery]:
        """The student's claims recorded as uncertain since their last digest went out (all of
        them, if none has), oldest due first: what their next digest tells them about."""
        ...

    async def count_attempt(self, delivery_id: int, *, unsent: bool = False) -> int:
        """Add one failed attempt; returns the new count. `unsent`: the platform certainly
        never took it (kept until the next lease reads it)."""
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

    async def awaiting_reply(self, owner_id: int, draft_id: int) -> Draft | None:
        """The student's sent draft `draft_id` if it is still waiting for a reply from that
        contact (what a nudge is about), else None: answered, unsent, removed or another's."""
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
    """Sends messages to students over whatever platform the adapter speaks.

    Every send carries an idempotency key: sending again with a key already used for that
    student (a retry after a crash or a lost answer) must not show the student a second
    message; the reference of the first is returned instead. Raises RecipientUnreachable when
    the student cannot receive messages from the bot (no retries), DeliveryFailed when the send
    may succeed later (the claim is retried with the same key). Keeping the sends under the
    platform's rate limits is the adapter's business, not the caller's.
    """

    @property
    def concurrency(self) -> int:
        """How many sends are worth having in flight at once right now (a delivery tick runs
        that many senders)."""
        ...

    @property
    def idempotency_window(self) -> timedelta:
        """How long after a send a resend under its key is still recognised as the same
        message. A claim first made longer ago than this is not resent: it might be a second
        copy."""
        ...

    async def idempotency_window_for(self, student_id: int) -> timedelta:
        """The window for this student's sends: a process serving several platforms routes
        each student to one, and each platform recognises resends for its own time (none at
        all where it has no idempotency key)."""
        ...

    async def send_welcome(self, student_id: int, *, key: str) -> MessageRef: ...

    async def send_digest(self, student_id: int, digest: Digest, *, key: str) -> MessageRef: ...

    async def send_item(
        self, student_id: int, item: DueItem, *, key: str, late: bool
    ) -> MessageRef: ...


@dataclass(frozen=True, slots=True)
class LinkCode:
    """A one-time code as issued: by which student, from which front end and account."""

    student_id: int
    front_end: str
    account_id: int


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    """An account of another front end that acts as `student_id`; `delivers`: digests and
    reminders go to it instead of the record's own."""

    front_end: str
    account_id: int
    student_id: int
    delivers: bool
    linked_at: datetime


class AccountLinkRepository(Protocol):
    """Links between front-end accounts and student records, and the codes that make them.
    `front_end` is the adapter's own name for itself, kept and compared, never interpreted."""

    async def add_code(
        self,
        code_hash: str,
        issued: LinkCode,
        *,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        """Store a new code (its hash); the student's earlier unused codes stop working."""
        ...

    async def take_code(self, code_hash: str, *, now: datetime) -> LinkCode | None:
        """Use the code once: None when it is unknown, used already or expired (in one
        statement, so two entries of one code can't both succeed)."""
        ...

    async def link(self, account: LinkedAccount) -> bool:
        """Record the link; False (nothing changed) when the account is linked already."""
        ...

    async def student_of(self, front_end: str, account_id: int) -> int | None: ...

    async def accounts_of(self, student_id: int) -> Sequence[LinkedAccount]: ...

    async def set_delivers(self, student_id: int, front_end: str | None) -> None:
        """Deliver to the student's linked account of `front_end` (None: to the record's own
        account)."""
        ...

    async def unlink(self, student_id: int) -> int:
        """Remove every link of the student's record; how many there were."""
        ...


class CoachRepository(Protocol):
    async def goal(self, student_id: int) -> WeeklyGoal | None: ...

    async def set_goal(self, student_id: int, goal: WeeklyGoal, *, now: datetime) -> None: ...

    async def last_tip(self, student_id: int) -> str | None: ...

    async def set_last_tip(self, student_id: int, tip_key: str, *, now: datetime) -> None: ...


class SeasonRepository(Protocol):
    """Each student's application plan and letters ledger. Every call names the owner; another
    student's letter is indistinguishable from a missing one."""

    async def plan(self, student_id: int) -> SeasonPlan | None: ...

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None: ...

    async def letters(self, owner_id: int) -> list[LetterRequest]:
        """The student's letters, oldest ask first."""
        ...

    async def letter(self, owner_id: int, letter_id: int) -> LetterRequest | None: ...

    async def put_letter(
        self,
        owner_id: int,
        contact_id: int,
        *,
        asked_on: date,
        deadline: date | None,
        programs: str | None,
        now: datetime,
    ) -> tuple[LetterRequest, bool]:
        """The letter asked of this contact, and whether it is new: asking the same writer
        again updates the deadline and programs and keeps its stage."""
        ...

    async def move_letter(
        self, owner_id: int, letter: LetterRequest, to: LetterRequest, *, now: datetime
    ) -> bool:
        """Store `to` only if the row is still at `letter`'s stage (two clicks at once store
        once); False when it was not."""
        ...

    async def snooze_letter(self, owner_id: int, letter_id: int, until: date) -> bool:
        """Its reminder waits until `until`; False when there is no such letter of the owner's."""
        ...

    async def remove_letter(self, owner_id: int, letter_id: int) -> bool: ...

    async def check_letter(self, owner_id: int, letter_id: int, on: date) -> bool:
        """The student checked in with the writer on `on` (and any snooze ends); False when
        there is no such letter of the owner's."""
        ...

    async def set_ask(
        self, student_id: int, cycle: str, *, done_on: date | None, snoozed_until: date | None
    ) -> bool:
        """The reminder to ask writers, for the plan's cycle: done, or snoozed until a day.
        False when the student has no plan for that cycle (changed since it was read)."""
        ...

    async def planned(self, *, after: int, limit: int) -> Sequence[PlannedStudent]:
        """Students applying through ERAS/NRMP with reminder DMs on and not paused, by id
        after `after` (a page of the delivery tick's scan)."""
        ...

    async def open_letters(self, owner_ids: Sequence[int]) -> Sequence[LetterRequest]:
        """The letters of these students that may still owe a reminder (not told, not
        declined), in one read."""
        ...

    async def put_interview(
        self, owner_id: int, event_id: int, program: str, *, no_contact: bool, now: datetime
    ) -> None:
        """What only an interview has, beside its event: the program and the no-contact rule."""
        ...

    async def interview(self, owner_id: int, event_id: int) -> Interview | None: ...


class JobLedger(Protocol):
    """Who is running which heavy job (`core/flight.py`), shared by every process of the bot:
    one slot per student and kind."""

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
        """Take the slot for the job `token`, in one atomic step: free, or its job finished at
        or before `free_after` (cooled down), or its job started at or before `stale_before`
        without finishing (it died). None when taken; otherwise the job holding it."""
        ...

    async def finish(
        self, student_id: int, kind: str, token: str, *, finished_at: datetime | None
    ) -> None:
        """The job `token` ended: it cools its kind down from `finished_at`, or, with None,
        leaves no trace (it failed, or did not end the work). A job whose slot was taken over
        since (it went stale) changes nothing."""
        ...


class SenderLease(Protocol):
    """Which process of the bot sends proactive messages (digests, reminders, nudges): one at a
    time, so the transport's budget is spent by one sender, chosen through the shared store."""

    async def hold(self, holder: str, *, now: datetime, until: datetime) -> bool:
        """Take the lease for `holder` until `until`, or renew it: granted when it is free,
        already `holder`'s, or expired (its holder stopped renewing: it died or hangs)."""
        ...

    async def release(self, holder: str) -> None:
        """Give the lease up at once (a clean shutdown), if `holder` has it."""
        ...


class PaperLookup(Protocol):
    """A paper's details from its DOI (Crossref) or PubMed id (PubMed E-utilities)."""

    async def lookup(self, paper: PaperId) -> Paper | None:
        """The paper, or None when the service does not know the identifier. Raises
        PaperLookupFailed (bot.core.errors) when it could not be asked or did not answer in
        time; never blocks the event loop."""
        ...


class RateSlots(Protocol):
    """Turns at an outside limit of so many starts per window, shared by every process of the
    bot through the store: a slot, once taken, is no one else's until it runs out."""

    async def take(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        """Take the slot `name` for `holder` until `until`: granted only when it is free or has
        run out (the holder names one attempt, so a second take waits its turn too)."""
        ...


class GuildTimezones(Protocol):
    async def guild_timezone(self, guild_id: int) -> str | None: ...


class PrivacyRepository(Protocol):
    async def snapshot(self, student_id: int) -> ExportSnapshot:
        """Every record of the student's that an export holds, as of one instant, in the
        export format's terms (bot/core/export_format.py): no table or column names."""
        ...

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
        self, student_id: int, ending: ScheduledEnding, *, key: str
    ) -> MessageRef:
        """The same promise as `Notifier`'s sends: one message per key."""
        ...


class ScheduledEventCache(Protocol):
    def cached_scheduled_events(self) -> Sequence[SeenScheduledEvent]:
        """Every scheduled event of every server the bot is in, from memory."""
        ...
