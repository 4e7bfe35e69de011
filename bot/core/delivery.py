"""DeliveryService: the outbox. The tick that delivers weekly digests, one-off reminders, nudges
and other features' DMs exactly once, through the transport-neutral Notifier port.

Delivery guarantee, in the order the code makes it:
1. Claim: insert a row in the delivery ledger, unique per (kind, student, occurrence). Only the
   claimant sends; a second process or a rerun gets nothing back.
2. Advance: move the student's next digest time on (compare-and-set), computed in our code
   from their local day and hour.
3. Send with an idempotency key derived from the claim (`Delivery.key`): the notifier promises
   that a resend under a key it has already delivered (a crash between send and record) shows
   the student nothing new.
4. Record the outcome. Claims left open (a crash, a transient failure) are retried by a later
   tick with the same key, up to MAX_ATTEMPTS, each retry leased (compare-and-set in the
   ledger) so that two processes never resend one claim. A claim first made longer ago than
   the notifier's idempotency window is not resent at all: the transport would no longer
   recognise its key, so a resend might be a second copy. It is recorded as uncertain,
   logged by id, and the student's next digest says that message may not have arrived.
   The exception is a claim whose last attempt the platform certainly never took
   (DeliveryNotSent, kept in the ledger until the retry's lease reads it): that one is sent.
Several processes may run the tick (a rolling deploy, a standby); one of them sends at a time,
the holder of the store's sender lease (renewed every tick and while a fan-out drains): the
others' ticks return at once. When the holder dies its lease runs out and the next tick of
another process takes over, within one tick plus SENDER_LEASE. Exactly once does not rest on
the lease (the claims make it); the lease keeps one sender on the transport's budget.
Occurrences more than LATE_LIMIT late (the bot was down) are not sent on their own: they are
logged as skipped and what they would have said appears in the next digest.

What a digest says comes from ReminderService (the digest builder); this module only decides
when and whether to send it. How fast sends may go is the notifier's business: the tick runs
as many senders as `Notifier.concurrency` says and the adapter paces each request.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.contacts import ContactService
from bot.core.dates import local_today
from bot.core.errors import (
    ContactNotFound,
    DeliveryFailed,
    DeliveryNotSent,
    DeliveryUncertain,
    RecipientUnreachable,
)
from bot.core.models import (
    Contact,
    Delivery,
    DueItem,
    ItemKind,
    MaybeMissed,
    MessageRef,
    ReminderSettings,
)
from bot.core.ports import (
    Clock,
    Notifier,
    ReminderRepository,
    SenderLease,
    StudentRepository,
)
from bot.core.reminders import ReminderService
from bot.core.schedule import next_weekly_occurrence

log = logging.getLogger(__name__)

LATE_LIMIT = timedelta(hours=24)
LATE_NOTICE = timedelta(minutes=10)
RETRY_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
BATCH = 1000
DIGEST_CHUNK = 200  # due digests claimed per query while a tick drains a fan-out
CLAIM_AHEAD = 400  # claimed but not yet sent, at most: ~8 s of sending at 48/s
# How long the sender lease lasts unrenewed. The holder renews it every tick and every chunk of a
# fan-out (a few seconds apart), so only a process that died or hangs lets it run out.
SENDER_LEASE = timedelta(seconds=30)
MISSED_LISTED = 10  # uncertain sends a digest names; more would be a fault to fix, not to list

# Another feature's deliveries: a tick step that claims them, and the send for one claim.
ClaimStep = Callable[[datetime], Awaitable[Sequence[Delivery]]]
KindSender = Callable[[Delivery], Awaitable[MessageRef | None]]


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
    uncertain: int = 0


class DeliveryService:
    def __init__(
        self,
        reminders: ReminderRepository,
        students: StudentRepository,
        digests: ReminderService,
        contacts: ContactService,
        notifier: Notifier,
        clock: Clock,
        *,
        lease: SenderLease | None = None,
        lease_for: timedelta = SENDER_LEASE,
    ) -> None:
        self._lease = lease
        self._lease_for = lease_for
        # This process's name on the lease: random, so a restarted process is a new holder.
        self.holder = secrets.token_hex(8)
        self._sending = False
        self._repo = reminders
        self._students = students
        self._digests = digests
        self._contacts = contacts
        self._notifier = notifier
        self._clock = clock
        self._steps: list[ClaimStep] = []
        self._senders: dict[str, KindSender] = {}

    def add_kind(self, kind: str, claim_step: ClaimStep, send: KindSender) -> None:
        """Deliver another feature's DMs through this tick (ledger, consent, retries)."""
        self._steps.append(claim_step)
        self._senders[kind] = send

    async def deliver_due(self) -> DeliveryReport:
        """One tick: claim and send everything due now. Safe to run in several processes.

        Claiming and sending overlap: the tick keeps claiming due digests in chunks while
        senders send what is claimed, so a whole school due at one instant goes out at the
        notifier's pace without a pause between chunks. At most CLAIM_AHEAD claims wait unsent
        at any moment (seconds of sending, well inside RETRY_AFTER), so nothing this tick holds
        looks abandoned to another process's retry.
        """
        report = DeliveryReport()
        if not await self._hold_lease():
            return report
        queue: asyncio.Queue[Delivery | None] = asyncio.Queue()
        room = asyncio.Semaphore(CLAIM_AHEAD)
        workers = [
            asyncio.create_task(self._work(queue, room, report))
            for _ in range(max(1, self._notifier.concurrency))
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

    async def _hold_lease(self) -> bool:
        """Take or renew the sender lease; False when another process sends."""
        if self._lease is None:
            return True
        now = self._clock.now()
        held = await self._lease.hold(self.holder, now=now, until=now + self._lease_for)
        if held != self._sending:
            self._sending = held
            if held:
                log.info("this process now sends proactive messages (holder=%s)", self.holder)
            else:
                log.warning("another process holds the sender lease (holder=%s)", self.holder)
        return held

    async def release_lease(self) -> None:
        """On a clean shutdown: another process takes over at its next tick, not after the
        lease has run out."""
        if self._lease is not None and self._sending:
            await self._lease.release(self.holder)
            self._sending = False

    async def _claim_due(
        self, queue: asyncio.Queue[Delivery | None], room: asyncio.Semaphore, report: DeliveryReport
    ) -> None:
        async def enqueue(claim: Delivery | None) -> None:
            if claim is not None:
                await room.acquire()
                queue.put_nowait(claim)

        now = self._clock.now()
        for job in await self._repo.lease_stale(
            stale_before=now - RETRY_AFTER, now=now, limit=BATCH
        ):
            window = await self._notifier.idempotency_window_for(job.student_id)
            if not job.resend_safe and now - job.claimed_at > window:
                # It may have been sent (a crash after the send, a lost answer): past the
                # window a resend could be a second message, so it is not resent blindly.
                log.warning(
                    "uncertain delivery student=%s kind=%s delivery=%s: open for %d s, past "
                    "the %d s idempotency window; not resent",
                    job.student_id,
                    job.kind,
                    job.id,
                    (now - job.claimed_at) // timedelta(seconds=1),
                    window // timedelta(seconds=1),
                )
                await self._repo.finish(job.id, outcome="uncertain", at=now)
                report.uncertain += 1
                continue
            report.retried += 1
            await enqueue(job)
        while True:
            now = self._clock.now()
            chunk = await self._repo.due_digests(now, limit=DIGEST_CHUNK)
            advanced = 0
            for settings in chunk:
                # Room first, then the claim: a claim never waits longer than CLAIM_AHEAD sends.
                await room.acquire()
                claim, moved = await self._claim_digest(settings, now)
                advanced += moved
                if claim is None:
                    room.release()
                else:
                    queue.put_nowait(claim)
            # A short chunk was the last; a chunk that moved nothing on would come back as is.
            if len(chunk) < DIGEST_CHUNK or not advanced:
                break
            if not await self._hold_lease():
                # Lost while draining (this process stalled past the lease): the new holder
                # claims the rest; what this one claimed is still sent, once.
                return
        claims: list[Delivery | None] = []
        for reminder in await self._repo.due_reminders(now, limit=BATCH):
            claims.append(
                await self._repo.claim(
                    reminder.owner_id, "reminder", str(reminder.id), due_at=reminder.due_at, now=now
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
        zone = await self._digests.timezone_for(settings.student_id)
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
                outcome = await self._deliver(job, self._clock.now())
            except Exception:
                # Not sent and not recorded: the claim stays open and is retried, same key.
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
            message = await self._send(delivery, settings, late=late, lateness=lateness)
        except RecipientUnreachable:
            log.info("DMs closed student=%s delivery=%s", delivery.student_id, delivery.id)
            await self._students.set_unreachable(delivery.student_id, now)
            await self._repo.finish(delivery.id, outcome="unreachable", at=now)
            return "unreachable"
        except DeliveryUncertain:
            # The platform may have shown it and cannot recognise a resend: told in the next
            # digest ("may not have reached you") instead of risking a second copy.
            log.warning(
                "uncertain delivery student=%s kind=%s delivery=%s: no answer, not resent",
                delivery.student_id,
                delivery.kind,
                delivery.id,
            )
            await self._repo.finish(delivery.id, outcome="uncertain", at=now)
            return "uncertain"
        except (DeliveryFailed, Exception) as error:
            # Only a send the platform certainly never took may be resent past the window.
            unsent = isinstance(error, DeliveryNotSent)
            attempts = await self._repo.count_attempt(delivery.id, unsent=unsent)
            log.exception(
                "delivery failed student=%s delivery=%s attempt=%d",
                delivery.student_id,
                delivery.id,
                attempts,
            )
            if attempts >= MAX_ATTEMPTS:
                await self._repo.finish(delivery.id, outcome="failed", at=now)
            return "failed"
        if message is None:
            await self._repo.finish(delivery.id, outcome="quiet", at=now)
            return "quiet"
        outcome = "late" if late else "sent"
        await self._repo.finish(delivery.id, outcome=outcome, at=now, message_id=message)
        return outcome

    async def _send(
        self, delivery: Delivery, settings: ReminderSettings, *, late: bool, lateness: timedelta
    ) -> MessageRef | None:
        """Build the message, then hand it to the notifier (which paces the request itself)."""
        student_id = delivery.student_id
        sender = self._senders.get(delivery.kind)
        if sender is not None:
            return await sender(delivery)
        if delivery.kind == "digest":
            digest = await self._digests.digest_for(
                student_id,
                late_by_hours=lateness // timedelta(hours=1) if late else 0,
                settings=settings,
            )
            digest = replace(digest, maybe_missed=await self._maybe_missed(student_id))
            has_season = digest.season is not None and bool(digest.season.items)
            if (
                not digest.items
                and not digest.maybe_missed
                and not has_season
                and settings.quiet_when_empty
            ):
                return None  # nothing due, nothing uncertain, nothing from the calendar
            return await self._notifier.send_digest(student_id, digest, key=delivery.key)
        item = await self._item_for(delivery)
        if item is None:
            return None
        return await self._notifier.send_item(student_id, item, key=delivery.key, late=late)

    async def _maybe_missed(self, student_id: int) -> tuple[MaybeMissed, ...]:
        """Uncertain sends since the last digest: this digest is the one that says so (once: a
        digest that went out moves the line on)."""
        found = await self._repo.uncertain_since_last_digest(student_id, limit=MISSED_LISTED)
        if not found:
            return ()
        zone = await self._digests.timezone_for(student_id)
        missed = []
        for delivery in found:
            # A reminder or a nudge is named again when it is still open (not done, not
            # answered); a digest is superseded by this one.
            relisted = delivery.kind in ("reminder", "nudge")
            item = await self._item_for(delivery) if relisted else None
            missed.append(MaybeMissed(delivery.kind, local_today(delivery.due_at, zone), item))
        return tuple(missed)

    async def _item_for(self, delivery: Delivery) -> DueItem | None:
        owner = delivery.student_id
        zone = await self._digests.timezone_for(owner)
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
        draft = await self._repo.awaiting_reply(owner, draft_id)
        if draft is None:
            return None  # answered (or removed) since it was claimed
        try:
            return await self._contacts.get(owner, draft.contact_id)
        except ContactNotFound:
            return None
