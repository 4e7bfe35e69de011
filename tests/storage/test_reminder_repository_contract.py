"""The reminder repository contract (settings, one-off reminders, the delivery ledger, nudges,
activity, server timezones) and the students' reminder fields, run against SQLite (a real
file) and the in-memory fakes alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import Channel, ContactDraft, ExchangeKind, ReminderSettings, WeekActivity
from tests.fakes import (
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryReminderRepository,
    InMemoryStudentRepository,
)
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
C = 333_333_333_333_333_333
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
LIMIT = 100


@dataclass
class Repos:
    kind: str
    students: Any
    contacts: Any
    drafts: Any
    reminders: Any
    store: Store | None = None


def _stored(store: Store) -> Repos:
    made = [store.make(name) for name in ("students", "contacts", "drafts", "reminders")]
    return Repos(store.kind, *made, store=store)


def _memory() -> Repos:
    students = InMemoryStudentRepository()
    contacts = InMemoryContactRepository()
    drafts = InMemoryDraftRepository(contacts)
    return Repos(
        "memory", students, contacts, drafts, InMemoryReminderRepository(students, contacts, drafts)
    )


@pytest.fixture(params=[*kinds_for("students", "contacts", "drafts", "reminders"), "memory"])
async def repos(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repos]:
    if request.param == "memory":
        made = _memory()
    else:
        made = _stored(await open_store(request.param, request, tmp_path))
    for student in (A, B, C):
        await made.students.get_or_create(student, now=NOW)
    yield made
    if made.store is not None:
        await made.store.close()


def settings(student: int = A, **fields: Any) -> ReminderSettings:
    fields.setdefault("next_digest_at", NOW)
    return ReminderSettings(student_id=student, consented_at=NOW - timedelta(days=1), **fields)


async def contact(repos: Repos, owner: int = A, name: str = "Ada Lovelace") -> int:
    return (await repos.contacts.add(owner, ContactDraft(name=name), now=NOW)).id


async def sent_draft(
    repos: Repos, owner: int = A, contact_id: int | None = None, *, sent_at: datetime = NOW
) -> Any:
    if contact_id is None:
        contact_id = await contact(repos, owner)
    draft = await repos.drafts.add(
        owner, contact_id, "followup_thanks", Channel.EMAIL, {}, now=sent_at
    )
    return await repos.drafts.mark_sent(
        owner, draft.id, sent_at=sent_at, nudge_due_at=sent_at + timedelta(days=7)
    )


# -- students' reminder fields ----------------------------------------------------------------


async def test_student_reminder_fields_round_trip(repos: Repos) -> None:
    """Unreachable-since and guild are stored and cleared per student."""
    await repos.students.set_unreachable(
        A, datetime(2026, 3, 8, 14, tzinfo=timezone(timedelta(hours=2)))
    )
    await repos.students.set_guild(A, 777)
    student, _ = await repos.students.get_or_create(A, now=NOW)
    assert student.unreachable_since == datetime(2026, 3, 8, 12, tzinfo=UTC)
    assert student.unreachable_since.utcoffset() == timedelta(0)
    assert student.guild_id == 777
    other, _ = await repos.students.get_or_create(B, now=NOW)
    assert (other.unreachable_since, other.guild_id) == (None, None)
    await repos.students.set_unreachable(A, None)
    await repos.students.set_guild(A, 778)
    student, _ = await repos.students.get_or_create(A, now=NOW)
    assert (student.unreachable_since, student.guild_id) == (None, 778)


async def test_new_student_has_no_reminder_fields(repos: Repos) -> None:
    """A freshly created student is reachable and has no guild."""
    student, created = await repos.students.get_or_create(44, now=NOW)
    assert created
    assert (student.unreachable_since, student.guild_id) == (None, None)


# -- settings ---------------------------------------------------------------------------------


async def test_settings_absent_then_saved(repos: Repos) -> None:
    """No settings until saved; saved settings round-trip with UTC times and the cadence."""
    assert await repos.reminders.get_settings(A) is None
    local = datetime(2026, 3, 15, 18, tzinfo=timezone(timedelta(hours=-4)))
    saved = settings(
        digest_weekday=2,
        digest_hour=7,
        quiet_when_empty=True,
        cadence={"tutor": 30, "faculty": 60},
        next_digest_at=local,
    )
    await repos.reminders.save_settings(saved)
    got = await repos.reminders.get_settings(A)
    assert got == replace(saved, next_digest_at=datetime(2026, 3, 15, 22, tzinfo=UTC))
    assert got.next_digest_at.utcoffset() == timedelta(0)
    assert await repos.reminders.get_settings(B) is None


async def test_save_settings_upserts(repos: Repos) -> None:
    """Saving again replaces every field, including clearing the next digest time."""
    await repos.reminders.save_settings(settings(cadence={"tutor": 30}))
    changed = settings(enabled=False, paused=True, cadence={}, next_digest_at=None)
    await repos.reminders.save_settings(changed)
    assert await repos.reminders.get_settings(A) == changed


async def test_due_digests_filters_and_orders(repos: Repos) -> None:
    """Only enabled, unpaused, reachable students whose time has come, earliest first."""
    await repos.reminders.save_settings(settings(A, next_digest_at=NOW - timedelta(minutes=1)))
    await repos.reminders.save_settings(settings(B, next_digest_at=NOW - timedelta(hours=2)))
    await repos.reminders.save_settings(settings(C, next_digest_at=NOW + timedelta(seconds=1)))
    due = await repos.reminders.due_digests(NOW, limit=LIMIT)
    assert [s.student_id for s in due] == [B, A]
    assert [s.student_id for s in await repos.reminders.due_digests(NOW, limit=1)] == [B]
    # Exactly at the time counts as due.
    due = await repos.reminders.due_digests(NOW + timedelta(seconds=1), limit=LIMIT)
    assert [s.student_id for s in due] == [B, A, C]

    await repos.reminders.save_settings(settings(B, paused=True, next_digest_at=NOW))
    await repos.reminders.save_settings(settings(C, enabled=False, next_digest_at=NOW))
    assert [s.student_id for s in await repos.reminders.due_digests(NOW, limit=LIMIT)] == [A]
    await repos.students.set_unreachable(A, NOW)
    assert await repos.reminders.due_digests(NOW, limit=LIMIT) == []
    await repos.students.set_unreachable(A, None)
    assert [s.student_id for s in await repos.reminders.due_digests(NOW, limit=LIMIT)] == [A]


async def test_due_digests_skips_unscheduled(repos: Repos) -> None:
    """Settings with no next digest time are never due."""
    await repos.reminders.save_settings(settings(A, next_digest_at=None))
    assert await repos.reminders.due_digests(NOW + timedelta(days=365), limit=LIMIT) == []


async def test_advance_digest_compare_and_set(repos: Repos) -> None:
    """Only the caller who still sees the expected time moves it on."""
    await repos.reminders.save_settings(settings(A, next_digest_at=NOW))
    week = NOW + timedelta(days=7)
    assert await repos.reminders.advance_digest(A, expected=NOW, following=week)
    assert not await repos.reminders.advance_digest(A, expected=NOW, following=week)
    assert (await repos.reminders.get_settings(A)).next_digest_at == week
    # The same instant in another offset is the same expectation.
    other = week.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert await repos.reminders.advance_digest(
        A, expected=other, following=week + timedelta(days=7)
    )
    assert not await repos.reminders.advance_digest(B, expected=NOW, following=week)


# -- the delivery ledger ----------------------------------------------------------------------


async def test_claim_is_unique_per_occurrence(repos: Repos) -> None:
    """One claim per (kind, student, ref); other kinds, refs and students are separate."""
    first = await repos.reminders.claim(A, "digest", "2026-03-08", due_at=NOW, now=NOW)
    assert first is not None
    assert (first.student_id, first.kind, first.ref, first.due_at) == (
        A,
        "digest",
        "2026-03-08",
        NOW,
    )
    assert first.claimed_at == NOW and first.attempts == 0 and first.sent_at is None
    again = await repos.reminders.claim(
        A, "digest", "2026-03-08", due_at=NOW, now=NOW + timedelta(hours=1)
    )
    assert again is None
    others = [
        await repos.reminders.claim(A, "digest", "2026-03-15", due_at=NOW, now=NOW),
        await repos.reminders.claim(B, "digest", "2026-03-08", due_at=NOW, now=NOW),
        await repos.reminders.claim(A, "reminder", "2026-03-08", due_at=NOW, now=NOW),
    ]
    assert all(o is not None for o in others)
    ids = [first.id, *(o.id for o in others)]
    assert len(set(ids)) == 4
    assert len({first.key, *(o.key for o in others)}) == 4


async def test_lease_stale_finish_and_attempts(repos: Repos) -> None:
    """Open claims older than the cutoff are leased in claim order until finished; a leased
    claim is not handed out again until its lease is as stale, and keeps its first claim
    time (compare-and-set: one taker per lease)."""
    one = await repos.reminders.claim(A, "digest", "1", due_at=NOW, now=NOW)
    two = await repos.reminders.claim(B, "nudge", "2", due_at=NOW, now=NOW + timedelta(seconds=30))
    assert await repos.reminders.lease_stale(stale_before=NOW, now=NOW, limit=LIMIT) == []
    later = NOW + timedelta(minutes=5)
    leased = await repos.reminders.lease_stale(stale_before=later, now=later, limit=1)
    assert [d.id for d in leased] == [one.id] and leased[0].claimed_at == NOW
    # Taken: another caller at the same moment gets only the other one, then nothing.
    assert [
        d.id for d in await repos.reminders.lease_stale(stale_before=later, now=later, limit=LIMIT)
    ] == [two.id]
    assert await repos.reminders.lease_stale(stale_before=later, now=later, limit=LIMIT) == []
    # When the lease is as stale as the cutoff, the claim can be taken again.
    again = later + timedelta(minutes=5)
    assert [
        d.id for d in await repos.reminders.lease_stale(stale_before=again, now=again, limit=LIMIT)
    ] == [one.id, two.id]

    assert await repos.reminders.count_attempt(one.id) == 1
    assert await repos.reminders.count_attempt(one.id) == 2
    final = again + timedelta(minutes=5)
    retry = (await repos.reminders.lease_stale(stale_before=final, now=final, limit=LIMIT))[0]
    assert retry.attempts == 2 and retry.key == one.key and retry.due_at == NOW

    await repos.reminders.finish(one.id, outcome="sent", at=later, message_id=99)
    await repos.reminders.finish(two.id, outcome="skipped", at=later)
    end = final + timedelta(minutes=5)
    assert await repos.reminders.lease_stale(stale_before=end, now=end, limit=LIMIT) == []
    assert await repos.reminders.count_attempt(987_654) == 0


async def test_a_claim_counted_unsent_is_leased_once_as_safe_to_resend(repos: Repos) -> None:
    """`count_attempt(unsent=True)` marks the claim; the next lease reads the mark as
    `resend_safe` and clears it, so the lease after that (no answer recorded in between: the
    retry may have left) is not safe. A plain failed attempt is never safe."""
    ledger = repos.reminders
    refused = await ledger.claim(A, "digest", "r", due_at=NOW, now=NOW)
    failed = await ledger.claim(B, "digest", "f", due_at=NOW, now=NOW)
    assert refused is not None and failed is not None and not refused.resend_safe
    await ledger.count_attempt(refused.id, unsent=True)
    await ledger.count_attempt(failed.id)
    first = NOW + timedelta(minutes=5)
    leased = await ledger.lease_stale(stale_before=first, now=first, limit=LIMIT)
    assert [(d.id, d.resend_safe) for d in leased] == [(refused.id, True), (failed.id, False)]
    second = first + timedelta(minutes=5)
    leased = await ledger.lease_stale(stale_before=second, now=second, limit=LIMIT)
    assert [(d.id, d.resend_safe) for d in leased] == [(refused.id, False), (failed.id, False)]


async def test_uncertain_claims_since_the_last_digest_that_went_out(repos: Repos) -> None:
    """What a digest says may not have arrived: the student's claims recorded uncertain after
    their last digest sent (or late), oldest due first; not other outcomes, not another
    student's, and not those a digest already went out after."""
    ledger = repos.reminders

    async def closed(student: int, kind: str, ref: str, outcome: str, minutes: int) -> int:
        at = NOW + timedelta(minutes=minutes)
        claim = await ledger.claim(student, kind, ref, due_at=at - timedelta(hours=1), now=at)
        await ledger.finish(claim.id, outcome=outcome, at=at)
        return int(claim.id)

    before = await closed(A, "reminder", "1", "uncertain", 1)
    assert [d.id for d in await ledger.uncertain_since_last_digest(A, limit=10)] == [before]
    await closed(A, "digest", "w1", "sent", 2)
    assert await ledger.uncertain_since_last_digest(A, limit=10) == []
    late = await closed(A, "nudge", "2", "uncertain", 4)
    early = await closed(A, "reminder", "3", "uncertain", 3)
    await closed(A, "reminder", "4", "sent", 5)
    await closed(B, "reminder", "5", "uncertain", 6)
    await closed(A, "digest", "w2", "quiet", 7)  # said nothing: not a digest that went out
    found = await ledger.uncertain_since_last_digest(A, limit=10)
    assert [d.id for d in found] == [early, late]
    assert (found[0].kind, found[0].ref) == ("reminder", "3")
    assert [d.id for d in await ledger.uncertain_since_last_digest(A, limit=1)] == [early]
    await closed(A, "digest", "w3", "late", 8)
    assert await ledger.uncertain_since_last_digest(A, limit=10) == []


async def test_add_reminder_scopes_contact_ownership(repos: Repos) -> None:
    """A reminder may name the owner's contact or none, never someone else's."""
    mine = await contact(repos, A)
    theirs = await contact(repos, B, "Grace Hopper")
    due = NOW + timedelta(days=2)
    assert await repos.reminders.add_reminder(A, theirs, "x", due, now=NOW) is None
    assert await repos.reminders.add_reminder(A, 987_654, "x", due, now=NOW) is None
    with_contact = await repos.reminders.add_reminder(A, mine, None, due, now=NOW)
    note_only = await repos.reminders.add_reminder(A, None, "Call the lab", due, now=NOW)
    assert with_contact.contact_id == mine and with_contact.note is None
    assert note_only.contact_id is None and note_only.note == "Call the lab"
    assert with_contact.owner_id == A and with_contact.due_at == due
    assert with_contact.created_at == NOW and with_contact.done_at is None
    assert await repos.reminders.get_reminder(A, note_only.id) == note_only
    assert await repos.reminders.get_reminder(B, note_only.id) is None
    assert await repos.reminders.get_reminder(A, 987_654) is None


async def test_open_reminders(repos: Repos) -> None:
    """The owner's undone reminders due by `until`, soonest first."""
    late = await repos.reminders.add_reminder(A, None, "b", NOW + timedelta(days=3), now=NOW)
    soon = await repos.reminders.add_reminder(A, None, "a", NOW + timedelta(days=1), now=NOW)
    far = await repos.reminders.add_reminder(A, None, "c", NOW + timedelta(days=30), now=NOW)
    await repos.reminders.add_reminder(B, None, "theirs", NOW + timedelta(days=1), now=NOW)
    until = NOW + timedelta(days=7)
    assert [r.id for r in await repos.reminders.open_reminders(A, until=until)] == [
        soon.id,
        late.id,
    ]
    assert await repos.reminders.set_reminder(A, soon.id, done_at=NOW)
    assert [r.id for r in await repos.reminders.open_reminders(A, until=until)] == [late.id]
    everything = await repos.reminders.open_reminders(A, until=NOW + timedelta(days=60))
    assert [r.id for r in everything] == [late.id, far.id]


async def test_due_reminders_only_for_active_reachable_students(repos: Repos) -> None:
    """Due, undone, unclaimed reminders of opted-in, unpaused, reachable students."""
    await repos.reminders.save_settings(settings(A))
    await repos.reminders.save_settings(settings(B, paused=True))
    await repos.reminders.save_settings(settings(C, enabled=False))
    first = await repos.reminders.add_reminder(A, None, "1", NOW - timedelta(hours=2), now=NOW)
    second = await repos.reminders.add_reminder(A, None, "2", NOW - timedelta(hours=3), now=NOW)
    await repos.reminders.add_reminder(A, None, "future", NOW + timedelta(minutes=1), now=NOW)
    done = await repos.reminders.add_reminder(A, None, "done", NOW - timedelta(hours=1), now=NOW)
    await repos.reminders.set_reminder(A, done.id, done_at=NOW)
    await repos.reminders.add_reminder(B, None, "paused", NOW - timedelta(hours=1), now=NOW)
    await repos.reminders.add_reminder(C, None, "off", NOW - timedelta(hours=1), now=NOW)
    await repos.students.get_or_create(44, now=NOW)
    await repos.reminders.add_reminder(44, None, "no settings", NOW - timedelta(hours=1), now=NOW)

    due = await repos.reminders.due_reminders(NOW, limit=LIMIT)
    assert [r.id for r in due] == [second.id, first.id]
    assert [r.id for r in await repos.reminders.due_reminders(NOW, limit=1)] == [second.id]

    await repos.reminders.claim(A, "reminder", str(second.id), due_at=second.due_at, now=NOW)
    assert [r.id for r in await repos.reminders.due_reminders(NOW, limit=LIMIT)] == [first.id]
    # A claim for another kind with the same ref does not hide it.
    await repos.reminders.claim(A, "nudge", str(first.id), due_at=NOW, now=NOW)
    assert [r.id for r in await repos.reminders.due_reminders(NOW, limit=LIMIT)] == [first.id]

    await repos.students.set_unreachable(A, NOW)
    assert await repos.reminders.due_reminders(NOW, limit=LIMIT) == []


async def test_set_reminder_due_clears_its_claim(repos: Repos) -> None:
    """Snoozing (a new due time) makes the reminder deliverable again; marking done does not."""
    await repos.reminders.save_settings(settings(A))
    reminder = await repos.reminders.add_reminder(A, None, "x", NOW - timedelta(hours=1), now=NOW)
    other = await repos.reminders.add_reminder(A, None, "y", NOW - timedelta(hours=1), now=NOW)
    await repos.reminders.claim(A, "reminder", str(reminder.id), due_at=reminder.due_at, now=NOW)
    await repos.reminders.claim(A, "reminder", str(other.id), due_at=other.due_at, now=NOW)
    assert await repos.reminders.due_reminders(NOW, limit=LIMIT) == []

    later = NOW + timedelta(days=7)
    assert await repos.reminders.set_reminder(A, reminder.id, due_at=later)
    assert (await repos.reminders.get_reminder(A, reminder.id)).due_at == later
    assert await repos.reminders.due_reminders(NOW, limit=LIMIT) == []
    assert [r.id for r in await repos.reminders.due_reminders(later, limit=LIMIT)] == [reminder.id]
    # Its claim is gone, so it can be claimed again; the other one's stays.
    assert await repos.reminders.claim(A, "reminder", str(reminder.id), due_at=later, now=later)
    assert await repos.reminders.claim(A, "reminder", str(other.id), due_at=NOW, now=later) is None


async def test_set_reminder_done_keeps_due_and_is_owner_scoped(repos: Repos) -> None:
    """done_at alone leaves due_at; another student's reminder cannot be changed."""
    reminder = await repos.reminders.add_reminder(A, None, "x", NOW + timedelta(days=1), now=NOW)
    assert not await repos.reminders.set_reminder(B, reminder.id, done_at=NOW)
    assert not await repos.reminders.set_reminder(B, reminder.id, due_at=NOW)
    assert not await repos.reminders.set_reminder(A, 987_654, done_at=NOW)
    assert (await repos.reminders.get_reminder(A, reminder.id)).done_at is None
    assert await repos.reminders.set_reminder(A, reminder.id, done_at=NOW)
    got = await repos.reminders.get_reminder(A, reminder.id)
    assert got.done_at == NOW and got.due_at == reminder.due_at


async def test_removing_a_contact_removes_its_reminders(repos: Repos) -> None:
    """A reminder about a removed contact goes with it (the cascade)."""
    await repos.reminders.save_settings(settings(A))
    contact_id = await contact(repos, A)
    reminder = await repos.reminders.add_reminder(A, contact_id, None, NOW, now=NOW)
    assert await repos.contacts.remove(A, contact_id)
    assert await repos.reminders.get_reminder(A, reminder.id) is None
    assert await repos.reminders.open_reminders(A, until=NOW + timedelta(days=7)) == []
    assert await repos.reminders.due_reminders(NOW, limit=LIMIT) == []


# -- nudges and activity ----------------------------------------------------------------------


async def test_awaiting_replies_with_their_nudge_due_before_an_instant(repos: Repos) -> None:
    """The digest reads only the waiting messages whose nudge falls within its week."""
    soon = await sent_draft(repos, A)  # its nudge: NOW + 7 days
    await sent_draft(repos, A, sent_at=NOW + timedelta(days=10))  # NOW + 17 days
    before = NOW + timedelta(days=8)
    assert [d.id for d in await repos.reminders.awaiting_replies(A, nudge_before=before)] == [
        soon.id
    ]
    assert len(await repos.reminders.awaiting_replies(A)) == 2


async def test_due_contacts_leave_out_those_waiting_for_a_reply(repos: Repos) -> None:
    """A contact waiting for a reply is listed as its nudge, not counted among the due."""
    waiting = await contact(repos, A)
    free = await contact(repos, A)
    await sent_draft(repos, A, waiting)
    far = date(2100, 1, 1)
    assert [c.id for c in await repos.contacts.due_contacts(A, until=far, limit=10)] == [free]
    assert await repos.contacts.count_due(A, until=far) == 1


async def test_awaiting_replies_until_a_reply(repos: Repos) -> None:
    """Sent drafts wait for a reply; a reply on or after the send day answers them."""
    contact_id = await contact(repos, A)
    unsent = await repos.drafts.add(A, contact_id, "followup_thanks", Channel.EMAIL, {}, now=NOW)
    draft = await sent_draft(repos, A, contact_id)
    assert [d.id for d in await repos.reminders.awaiting_replies(A)] == [draft.id]
    assert unsent.id not in [d.id for d in await repos.reminders.awaiting_replies(A)]
    assert await repos.reminders.awaiting_replies(B) == []
    # A reply logged before the send does not answer it.
    await repos.contacts.add_exchange(
        A, contact_id, ExchangeKind.REPLIED, date(2026, 3, 7), None, now=NOW
    )
    assert [d.id for d in await repos.reminders.awaiting_replies(A)] == [draft.id]
    await repos.contacts.add_exchange(
        A, contact_id, ExchangeKind.REPLIED, date(2026, 3, 8), None, now=NOW
    )
    assert await repos.reminders.awaiting_replies(A) == []


async def test_awaiting_reply_by_id_until_a_reply(repos: Repos) -> None:
    """One sent draft by id, for its owner only, until the contact replies on or after the
    send day; an unsent draft is not waiting."""
    contact_id = await contact(repos, A)
    unsent = await repos.drafts.add(A, contact_id, "followup_thanks", Channel.EMAIL, {}, now=NOW)
    draft = await sent_draft(repos, A, contact_id)
    other = await sent_draft(repos, A)
    found = await repos.reminders.awaiting_reply(A, draft.id)
    assert found is not None and (found.id, found.contact_id) == (draft.id, contact_id)
    assert found.nudge_due_at == draft.nudge_due_at
    assert await repos.reminders.awaiting_reply(A, unsent.id) is None
    assert await repos.reminders.awaiting_reply(B, draft.id) is None  # another's
    assert await repos.reminders.awaiting_reply(A, 987_654) is None
    await repos.contacts.add_exchange(
        A, contact_id, ExchangeKind.REPLIED, date(2026, 3, 7), None, now=NOW
    )
    assert await repos.reminders.awaiting_reply(A, draft.id) is not None  # before the send
    await repos.contacts.add_exchange(
        A, contact_id, ExchangeKind.REPLIED, date(2026, 3, 8), None, now=NOW
    )
    assert await repos.reminders.awaiting_reply(A, draft.id) is None
    assert await repos.reminders.awaiting_reply(A, other.id) is not None  # its own contact


async def test_awaiting_replies_ordered_by_send(repos: Repos) -> None:
    """Unanswered drafts come back oldest send first, one per draft."""
    later = await sent_draft(repos, A, sent_at=NOW)
    earlier = await sent_draft(repos, A, sent_at=NOW - timedelta(days=2))
    assert [d.id for d in await repos.reminders.awaiting_replies(A)] == [earlier.id, later.id]


async def test_due_nudges(repos: Repos) -> None:
    """Past their nudge time, unanswered, unclaimed, for active reachable students only."""
    await repos.reminders.save_settings(settings(A))
    await repos.reminders.save_settings(settings(B, paused=True))
    old = await sent_draft(repos, A, sent_at=NOW - timedelta(days=9))
    older = await sent_draft(repos, A, sent_at=NOW - timedelta(days=10))
    await sent_draft(repos, A, sent_at=NOW - timedelta(days=6))  # not yet due
    await sent_draft(repos, B, sent_at=NOW - timedelta(days=9))  # paused
    due = await repos.reminders.due_nudges(NOW, limit=LIMIT)
    assert [d.id for d in due] == [older.id, old.id]
    assert all(d.nudge_due_at <= NOW and d.sent_at is not None for d in due)
    assert [d.id for d in await repos.reminders.due_nudges(NOW, limit=1)] == [older.id]

    await repos.reminders.claim(A, "nudge", str(older.id), due_at=older.nudge_due_at, now=NOW)
    assert [d.id for d in await repos.reminders.due_nudges(NOW, limit=LIMIT)] == [old.id]
    await repos.contacts.add_exchange(
        A, old.contact_id, ExchangeKind.REPLIED, date(2026, 3, 8), None, now=NOW
    )
    assert await repos.reminders.due_nudges(NOW, limit=LIMIT) == []
    # Another due one, then A becomes unreachable.
    await sent_draft(repos, A, sent_at=NOW - timedelta(days=8))
    assert len(await repos.reminders.due_nudges(NOW, limit=LIMIT)) == 1
    await repos.students.set_unreachable(A, NOW)
    assert await repos.reminders.due_nudges(NOW, limit=LIMIT) == []


async def test_nudges_go_with_a_removed_contact(repos: Repos) -> None:
    """A removed contact's sent drafts no longer await a reply or deserve a nudge."""
    await repos.reminders.save_settings(settings(A))
    draft = await sent_draft(repos, A, sent_at=NOW - timedelta(days=9))
    assert await repos.contacts.remove(A, draft.contact_id)
    assert await repos.reminders.awaiting_replies(A) == []
    assert await repos.reminders.due_nudges(NOW, limit=LIMIT) == []


async def test_activity_counts_the_week(repos: Repos) -> None:
    """Contacts added, messages sent and replies since the given time, owner-scoped."""
    since = NOW - timedelta(days=7)
    assert await repos.reminders.activity(A, since=since) == WeekActivity()
    fresh = await contact(repos, A)
    old = (await repos.contacts.add(A, ContactDraft(name="Old"), now=NOW - timedelta(days=30))).id
    await contact(repos, B, "Theirs")
    for kind, day in [
        (ExchangeKind.EMAILED, date(2026, 3, 7)),
        (ExchangeKind.MESSAGED, date(2026, 3, 1)),
        (ExchangeKind.MESSAGED, date(2026, 2, 28)),  # before the week
        (ExchangeKind.MET, date(2026, 3, 7)),  # not a message
        (ExchangeKind.CALLED, date(2026, 3, 7)),
        (ExchangeKind.REPLIED, date(2026, 3, 8)),
        (ExchangeKind.REPLIED, date(2026, 2, 1)),
    ]:
        await repos.contacts.add_exchange(A, old, kind, day, None, now=NOW)
    await repos.contacts.add_exchange(
        A, fresh, ExchangeKind.EMAILED, date(2026, 3, 8), None, now=NOW
    )
    assert await repos.reminders.activity(A, since=since) == WeekActivity(
        contacts_added=1, messages_sent=3, replies=1
    )
    assert await repos.reminders.activity(B, since=since) == WeekActivity(contacts_added=1)


# -- server defaults --------------------------------------------------------------------------


async def test_guild_timezone(repos: Repos) -> None:
    """A server's default timezone is unset, then set, then replaced."""
    assert await repos.reminders.guild_timezone(9) is None
    await repos.reminders.set_guild_timezone(9, "Europe/London", now=NOW)
    await repos.reminders.set_guild_timezone(10, "Asia/Kolkata", now=NOW)
    assert await repos.reminders.guild_timezone(9) == "Europe/London"
    await repos.reminders.set_guild_timezone(9, "America/New_York", now=NOW + timedelta(days=1))
    assert await repos.reminders.guild_timezone(9) == "America/New_York"
    assert await repos.reminders.guild_timezone(10) == "Asia/Kolkata"
