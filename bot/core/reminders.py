"""ReminderService: consent and settings for reminder DMs, one-off reminders, and the tick that
delivers weekly digests, reminders and nudges exactly once.

Delivery guarantee, in the order the code makes it:
1. Claim: insert a row in the delivery ledger, unique per (kind, student, occurrence). Only the
   claimant sends; a second process or a rerun gets nothing back.
2. Advance: move the student's next digest time on (compare-and-set), computed in our code
   from their local day and hour.
3. Send with a nonce derived from the claim (`coach-<id>`), which discord.py sends with
   enforce_nonce: a resend after a crash between send and record returns the message Discord
   already has instead of posting a second one.
4. Record the outcome. Claims left open (a crash, a transient failure) are retried by the next
   tick with the same nonce, up to MAX_ATTEMPTS.
Occurrences more than LATE_LIMIT late (the bot was down) are not sent on their own: they are
logged as skipped and what they would have said appears in the next digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
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
    with_meetings,
)
from bot.core.drafts import DraftRequest
from bot.core.errors import (
    CoachError,
    ContactNotFound,
    DeliveryFailed,
    InvalidInput,
    RecipientUnreachable,
)
from bot.core.models import (
    Contact,
    Delivery,
    Digest,
    DueItem,
    ExchangeKind,
    ItemKind,
    OneOffReminder,
    ReminderSettings,
    Role,
)
from bot.core.pacing import Pacer
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

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(hours=24)
LATE_NOTICE = timedelta(minutes=10)
RETRY_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
BATCH = 1000
DIGEST_CHUNK = 200  # due digests claimed per query while a tick drains a fan-out
CLAIM_AHEAD = 400  # claimed but not yet sent, at most: ~8 s of sending at 48/s
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

# Another feature's deliveries: a tick step that claims them, and the send for one claim.
ClaimStep = Callable[[datetime], Awaitable[Sequence[Delivery]]]
KindSender = Callable[[Delivery, int], Awaitable[int | None]]


@dataclass
class DeliveryReport:
    """What one tick did (for logs and tests)."""

    sent: int = 0
    late: int = 0
    skipped: int = 0
    quiet: int = 0
    unreachable: int = 0
    failed: int = 0
    retried: int = 0


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
        pacer: Pacer | None = None,
        meetings: MeetingLookup | None = None,
    ) -> None:
        self._repo = reminders
        self._students = students
        self._student_service = student_service
        self._contacts = contacts
        self._notifier = notifier
        self._clock = clock
        self._coaching = coaching
        self._pacer = pacer or Pacer()
        self._meetings = meetings
        self._steps: list[ClaimStep] = []
        self._senders: dict[str, KindSender] = {}
        # The tick's database work (claims, builds, records) takes turns on the one connection:
        # a write issued while another coroutine's read is half-fetched would run on that
        # read's stale snapshot, which SQLite refuses ("database is locked") once a second
        # process has committed in between.
        self._db_turn = asyncio.Lock()
        self._done_locks: dict[int, asyncio.Lock] = {}

    def add_kind(self, kind: str, claim_step: ClaimStep, send: KindSender) -> None:
        """Deliver another feature's DMs through this tick (ledger, pacing, consent, retries)."""
        self._steps.append(claim_step)
        self._senders[kind] = send

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
        """Opt in (or change settings): the DM channel is opened and a welcome sent once."""
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
        if newly_on or student.dm_channel_id is None or student.unreachable_since is not None:
            # Consent is given here; the DM channel is opened now, once, so that a digest
            # later costs a single request.
            try:
                channel_id = await self._notifier.open_dm(student_id)
                if newly_on:
                    await self._notifier.send_welcome(channel_id, nonce=f"hello-{student_id}"[:25])
            except RecipientUnreachable:
                raise CoachError(DMS_CLOSED) from None
            await self._students.set_dm_channel(student_id, channel_id)
            await self._students.set_unreachable(student_id, None)
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
        activity = await self._repo.activity(
            student_id, since=now - timedelta(days=DIGEST_ACTIVITY_DAYS)
        )
        coaching = self._coaching
        return build_digest(
            student_id,
            items,
            activity,
            today=today,
            tip=coaching.tip_for_week(student_id, items, today) if coaching else None,
            progress=(await coaching.goal_progress(student_id, today=today) if coaching else None),
            late_by_hours=late_by_hours,
            more=max(0, more),
        )

    async def snooze(self, owner_id: int, kind: ItemKind, ref: int) -> None:
        """Not again for a week."""
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

    # -- delivery ----------------------------------------------------------------------------

    async def deliver_due(self) -> DeliveryReport:
        """One tick: claim and send everything due now. Safe to run in several processes.

        Claiming and sending overlap: the tick keeps claiming due digests in chunks while
        workers send what is claimed, so a whole school due at one instant goes out at the
        pacer's rate without a pause between chunks. At most CLAIM_AHEAD claims wait unsent at
        any moment (seconds of sending, well inside RETRY_AFTER), so nothing this tick holds
        looks abandoned to another process's retry.
        """
        report = DeliveryReport()
        queue: asyncio.Queue[Delivery | None] = asyncio.Queue()
        room = asyncio.Semaphore(CLAIM_AHEAD)
        workers = [
            asyncio.create_task(self._work(queue, room, report))
            for _ in range(self._pacer.concurrency)
        ]
        try:
            await self._claim_due(queue, room, report)
        finally:
            for _ in workers:
                queue.put_nowait(None)
            await asyncio.gather(*workers)
        if report != DeliveryReport():
            log.info("delivery tick %s", report)
        return report

    async def _claim_due(
        self, queue: asyncio.Queue[Delivery | None], room: asyncio.Semaphore, report: DeliveryReport
    ) -> None:
        async def enqueue(claim: Delivery | None) -> None:
            if claim is not None:
                await room.acquire()
                queue.put_nowait(claim)

        now = self._clock.now()
        async with self._db_turn:
            retries = await self._repo.unsent(claimed_before=now - RETRY_AFTER, limit=BATCH)
        for job in retries:
            report.retried += 1
            await enqueue(job)
        while True:
            now = self._clock.now()
            async with self._db_turn:
                chunk = await self._repo.due_digests(now, limit=DIGEST_CHUNK)
            advanced = 0
            for settings in chunk:
                # Room first, then the claim: a claim never waits longer than CLAIM_AHEAD sends.
                await room.acquire()
                async with self._db_turn:
                    claim, moved = await self._claim_digest(settings, now)
                advanced += moved
                if claim is None:
                    room.release()
                else:
                    queue.put_nowait(claim)
            # A short chunk was the last; a chunk that moved nothing on would come back as is.
            if len(chunk) < DIGEST_CHUNK or not advanced:
                break
        claims: list[Delivery | None] = []
        async with self._db_turn:
            for reminder in await self._repo.due_reminders(now, limit=BATCH):
                claims.append(
                    await self._repo.claim(
                        reminder.owner_id,
                        "reminder",
                        str(reminder.id),
                        due_at=reminder.due_at,
                        now=now,
                    )
                )
            for draft in await self._repo.due_nudges(now, limit=BATCH):
                assert draft.nudge_due_at is not None
                claims.append(
                    await self._repo.claim(
                        draft.owner_id, "nudge", str(draft.id), due_at=draft.nudge_due_at, now=now
                    )
                )
            for step in self._steps:
                claims.extend(await step(now))
        for claim in claims:
            await enqueue(claim)

    async def _claim_digest(
        self, settings: ReminderSettings, now: datetime
    ) -> tuple[Delivery | None, bool]:
        """Claim this occurrence and move the student's next digest on (compare-and-set)."""
        assert settings.next_digest_at is not None
        due = settings.next_digest_at
        zone = await self.timezone_for(settings.student_id)
        following = next_weekly_occurrence(now, settings.digest_weekday, settings.digest_hour, zone)
        claim = await self._repo.claim(
            settings.student_id, "digest", due.isoformat(), due_at=due, now=now
        )
        moved = await self._repo.advance_digest(
            settings.student_id, expected=due, following=following
        )
        return claim, moved

    async def _work(
        self, queue: asyncio.Queue[Delivery | None], room: asyncio.Semaphore, report: DeliveryReport
    ) -> None:
        while (job := await queue.get()) is not None:
            try:
                async with self._db_turn:
                    outcome = await self._deliver(job, self._clock.now())
            except Exception:
                # Not sent and not recorded: the claim stays open and is retried, same nonce.
                log.exception("delivery crashed student=%s delivery=%s", job.student_id, job.id)
                outcome = "failed"
            finally:
                room.release()
            setattr(report, outcome, getattr(report, outcome) + 1)

    async def _deliver(self, delivery: Delivery, now: datetime) -> str:
        lateness = now - delivery.due_at
        if lateness > LATE_LIMIT:
            # The bot was down: what this would have said is in the next digest instead.
            log.warning(
                "skipped late delivery student=%s kind=%s delivery=%s late_hours=%d",
                delivery.student_id,
                delivery.kind,
                delivery.id,
                lateness // timedelta(hours=1),
            )
            await self._repo.finish(delivery.id, outcome="skipped", at=now)
            return "skipped"
        settings = await self._repo.get_settings(delivery.student_id)
        if settings is None or not settings.active:
            # Turned off or paused since the claim (a retry): consent wins over delivery.
            log.info(
                "dropped delivery student=%s kind=%s delivery=%s: reminders off or paused",
                delivery.student_id,
                delivery.kind,
                delivery.id,
            )
            await self._repo.finish(delivery.id, outcome="skipped", at=now)
            return "skipped"
        late = lateness > LATE_NOTICE
        try:
            message_id = await self._send(delivery, settings, late=late, lateness=lateness)
        except RecipientUnreachable:
            log.info("DMs closed student=%s delivery=%s", delivery.student_id, delivery.id)
            await self._students.set_unreachable(delivery.student_id, now)
            await self._repo.finish(delivery.id, outcome="unreachable", at=now)
            return "unreachable"
        except (DeliveryFailed, Exception):
            attempts = await self._repo.count_attempt(delivery.id)
            log.exception(
                "delivery failed student=%s delivery=%s attempt=%d",
                delivery.student_id,
                delivery.id,
                attempts,
            )
            if attempts >= MAX_ATTEMPTS:
                await self._repo.finish(delivery.id, outcome="failed", at=now)
            return "failed"
        if message_id is None:
            await self._repo.finish(delivery.id, outcome="quiet", at=now)
            return "quiet"
        outcome = "late" if late else "sent"
        await self._repo.finish(delivery.id, outcome=outcome, at=now, message_id=message_id)
        return outcome

    @contextlib.asynccontextmanager
    async def _paced(self) -> AsyncIterator[None]:
        """A paced slot for one request. The tick's database turn is let go meanwhile, so other
        deliveries build while this one waits for its slot and Discord's answer."""
        self._db_turn.release()
        try:
            async with self._pacer:
                yield
        finally:
            await self._db_turn.acquire()

    async def _send(
        self, delivery: Delivery, settings: ReminderSettings, *, late: bool, lateness: timedelta
    ) -> int | None:
        student_id = delivery.student_id
        student = await self._student_service.get(student_id)
        channel_id = student.dm_channel_id
        if channel_id is None:
            async with self._paced():
                channel_id = await self._notifier.open_dm(student_id)
            await self._students.set_dm_channel(student_id, channel_id)
        sender = self._senders.get(delivery.kind)
        if sender is not None:
            async with self._paced():
                return await sender(delivery, channel_id)
        # The message is built before taking a paced slot: the pacer spaces the requests
        # themselves, not the database work in front of them.
        if delivery.kind == "digest":
            digest = await self.digest_for(
                student_id,
                late_by_hours=lateness // timedelta(hours=1) if late else 0,
                settings=settings,
            )
            if not digest.items and settings.quiet_when_empty:
                return None
            async with self._paced():
                return await self._notifier.send_digest(channel_id, digest, nonce=delivery.nonce)
        item = await self._item_for(delivery)
        if item is None:
            return None
        async with self._paced():
            return await self._notifier.send_item(
                channel_id, student_id, item, nonce=delivery.nonce, late=late
            )

    async def _item_for(self, delivery: Delivery) -> DueItem | None:
        owner = delivery.student_id
        zone = await self.timezone_for(owner)
        if delivery.kind == "reminder":
            reminder = await self._repo.get_reminder(owner, int(delivery.ref))
            if reminder is None or reminder.done_at is not None:
                return None
            contact = None
            if reminder.contact_id is not None:
                contact = await self._contacts.get(owner, reminder.contact_id)
            return DueItem(
                ItemKind.REMINDER, local_today(reminder.due_at, zone), contact, reminder=reminder
            )
        draft_contact = await self._nudge_contact(owner, int(delivery.ref))
        if draft_contact is None:
            return None
        return DueItem(
            ItemKind.NUDGE,
            local_today(delivery.due_at, zone),
            draft_contact,
            sent_at=draft_contact.awaiting_reply_since,
        )

    async def _nudge_contact(self, owner: int, draft_id: int) -> Contact | None:
        for draft in await self._repo.awaiting_replies(owner):
            if draft.id == draft_id:
                try:
                    return await self._contacts.get(owner, draft.contact_id)
                except ContactNotFound:
                    return None
        return None  # answered (or removed) since it was claimed
