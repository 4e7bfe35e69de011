"""The profile and draft repository contract, run against SQLite (a real file) and the fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.core.models import Channel, ContactDraft, Profile
from tests.fakes import (
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryProfileRepository,
    InMemoryStudentRepository,
)
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
PLUS_530 = timezone(timedelta(hours=5, minutes=30))

FIELDS = {
    "event": "Journée de cardiologie 🫀 «Grand Rounds»",
    "discussed": "مرحبا — heart-failure clinics {{ 7*7 }} {% for x in y %} **bold** @everyone",
    "ask": 'whether I could "shadow" <@123> on a Tuesday',
}

FULL_PROFILE = Profile(
    name="Zoë Ñúñez-O'Brien",
    school="Université de Montréal 🏥",
    stage="second-year medical student",
    interests="cardiología, שלום, health equity",
    pitch="I'm exploring **cardiology** {{ me.name }} @everyone",
    signoff="Kind regards",
    contact_line="zoe@example.org",
    follow_up_delay_days=14,
)


@dataclass
class Repos:
    kind: str
    students: Any
    contacts: Any
    profiles: Any
    drafts: Any
    store: Store | None = None  # a real store (SQLite or PostgreSQL), for raw reads


def _stored(store: Store) -> Repos:
    made = [store.make(name) for name in ("students", "contacts", "profiles", "drafts")]
    return Repos(store.kind, *made, store=store)


def _memory() -> Repos:
    contacts = InMemoryContactRepository()
    return Repos(
        "memory",
        InMemoryStudentRepository(),
        contacts,
        InMemoryProfileRepository(),
        InMemoryDraftRepository(contacts),
    )


@pytest.fixture(params=[*kinds_for("students", "contacts", "profiles", "drafts"), "memory"])
async def repos(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repos]:
    if request.param == "memory":
        made = _memory()
    else:
        made = _stored(await open_store(request.param, request, tmp_path))
    await made.students.get_or_create(A, now=NOW)
    await made.students.get_or_create(B, now=NOW)
    yield made
    if made.store is not None:
        await made.store.close()


async def contact(repos: Repos, owner: int = A, name: str = "Amara Okafor") -> int:
    added = await repos.contacts.add(owner, ContactDraft(name=name), now=NOW)
    return added.id


async def new_draft(repos: Repos, owner: int = A, contact_id: int | None = None, **kw: Any):
    cid = contact_id if contact_id is not None else await contact(repos, owner)
    values: dict[str, Any] = {
        "template_id": "followup_conference",
        "channel": Channel.EMAIL,
        "fields": dict(FIELDS),
        "now": NOW,
    }
    values.update(kw)
    return await repos.drafts.add(
        owner,
        cid,
        values["template_id"],
        values["channel"],
        values["fields"],
        now=values["now"],
    )


# -- profiles ---------------------------------------------------------------------------------


async def test_profile_missing_is_none(repos: Repos) -> None:
    """A student who never saved a profile has none."""
    assert await repos.profiles.get(A) is None


async def test_profile_save_and_get_round_trip_unicode(repos: Repos) -> None:
    """Every profile field, Unicode and template syntax included, comes back as saved."""
    saved = await repos.profiles.save(A, FULL_PROFILE, now=NOW)
    assert saved == FULL_PROFILE
    assert await repos.profiles.get(A) == FULL_PROFILE


async def test_profile_minimal_round_trip(repos: Repos) -> None:
    """Optional profile fields stay None and the delay defaults to seven days."""
    minimal = Profile(name="Sam Ortiz", school="Northfield", stage="first year")
    await repos.profiles.save(A, minimal, now=NOW)
    got = await repos.profiles.get(A)
    assert got == minimal
    assert got.follow_up_delay_days == 7
    assert (got.interests, got.pitch, got.signoff, got.contact_line) == (None,) * 4


async def test_profile_save_is_an_upsert(repos: Repos) -> None:
    """Saving again replaces the profile (cleared fields included); there is still one."""
    await repos.profiles.save(A, FULL_PROFILE, now=NOW)
    changed = replace(FULL_PROFILE, name="Zoë N.", pitch=None, follow_up_delay_days=3)
    await repos.profiles.save(A, changed, now=NOW + timedelta(days=1))
    assert await repos.profiles.get(A) == changed
    if repos.store is not None:
        assert await repos.store.rows("SELECT COUNT(*) FROM profiles") == [(1,)]


async def test_profiles_are_per_student(repos: Repos) -> None:
    """One student's profile is never another's."""
    await repos.profiles.save(A, FULL_PROFILE, now=NOW)
    assert await repos.profiles.get(B) is None
    other = Profile(name="Bob", school="Elsewhere", stage="third year")
    await repos.profiles.save(B, other, now=NOW)
    assert await repos.profiles.get(A) == FULL_PROFILE
    assert await repos.profiles.get(B) == other


async def test_profile_naive_time_refused(repos: Repos) -> None:
    """A naive datetime is never stored with a profile."""
    with pytest.raises(ValueError, match="naive"):
        await repos.profiles.save(A, FULL_PROFILE, now=datetime(2026, 3, 8, 12, 0))


# -- drafts: add / get / update ---------------------------------------------------------------


async def test_draft_add_and_get_round_trip(repos: Repos) -> None:
    """A new draft is version 1, unsent, with its fields, and reads back identically."""
    cid = await contact(repos)
    added = await new_draft(repos, contact_id=cid, channel=Channel.LINKEDIN)
    assert added is not None
    assert (added.owner_id, added.contact_id, added.template_id) == (A, cid, "followup_conference")
    assert (added.channel, added.version) == (Channel.LINKEDIN, 1)
    assert (added.sent_at, added.nudge_due_at) == (None, None)
    assert added.fields == FIELDS
    assert added.created_at == NOW
    assert await repos.drafts.get(A, added.id) == added


async def test_draft_fields_json_round_trip_unicode(repos: Repos) -> None:
    """Fields with emoji, RTL text, quotes, markdown and Jinja syntax round-trip exactly."""
    fields = {
        **FIELDS,
        "topic": "שלום עולם — \"quoted\" 'single' \\backslash\\ \n newline",
        "deadline": "1 März 🗓️",
    }
    added = await new_draft(repos, fields=fields)
    got = await repos.drafts.get(A, added.id)
    assert got.fields == fields
    assert isinstance(got.fields, dict)


async def test_draft_empty_fields_round_trip(repos: Repos) -> None:
    """A draft with no fields reads back an empty dict."""
    added = await new_draft(repos, fields={})
    assert (await repos.drafts.get(A, added.id)).fields == {}


async def test_draft_ids_are_distinct(repos: Repos) -> None:
    """Each added draft gets its own id, even for the same contact."""
    cid = await contact(repos)
    first = await new_draft(repos, contact_id=cid)
    second = await new_draft(repos, contact_id=cid)
    assert first.id != second.id


async def test_draft_get_unknown_is_none(repos: Repos) -> None:
    """A draft id that was never issued reads as None."""
    assert await repos.drafts.get(A, 987_654) is None


async def test_draft_update_changes_channel_version_fields(repos: Repos) -> None:
    """update replaces channel, version and fields, keeping everything else."""
    added = await new_draft(repos)
    updated = await repos.drafts.update(
        A, added.id, channel=Channel.DM, version=3, fields={"event": "Grand rounds ✨"}
    )
    assert updated is not None
    assert (updated.channel, updated.version, updated.fields) == (
        Channel.DM,
        3,
        {"event": "Grand rounds ✨"},
    )
    assert (updated.id, updated.contact_id, updated.created_at) == (
        added.id,
        added.contact_id,
        added.created_at,
    )
    assert await repos.drafts.get(A, added.id) == updated


async def test_draft_update_unknown_is_none(repos: Repos) -> None:
    """update of a draft that does not exist is None."""
    assert await repos.drafts.update(A, 987_654, channel=Channel.DM, version=1, fields={}) is None


# -- drafts: mark_sent ------------------------------------------------------------------------


async def test_mark_sent_sets_times_once(repos: Repos) -> None:
    """mark_sent records both times; a second call is None and changes nothing."""
    added = await new_draft(repos)
    sent_at = NOW + timedelta(hours=1)
    nudge = sent_at + timedelta(days=7)
    sent = await repos.drafts.mark_sent(A, added.id, sent_at=sent_at, nudge_due_at=nudge)
    assert sent is not None
    assert (sent.sent_at, sent.nudge_due_at) == (sent_at, nudge)
    assert await repos.drafts.get(A, added.id) == sent
    again = await repos.drafts.mark_sent(
        A, added.id, sent_at=sent_at + timedelta(days=1), nudge_due_at=nudge + timedelta(days=1)
    )
    assert again is None
    assert await repos.drafts.get(A, added.id) == sent


async def test_mark_sent_unknown_is_none(repos: Repos) -> None:
    """mark_sent of a draft that does not exist is None."""
    assert await repos.drafts.mark_sent(A, 987_654, sent_at=NOW, nudge_due_at=NOW) is None


async def test_update_keeps_sent_times(repos: Repos) -> None:
    """Changing a sent draft's channel keeps its sent and nudge times."""
    added = await new_draft(repos)
    sent = await repos.drafts.mark_sent(
        A, added.id, sent_at=NOW, nudge_due_at=NOW + timedelta(days=7)
    )
    updated = await repos.drafts.update(
        A, added.id, channel=Channel.DM, version=2, fields=added.fields
    )
    assert (updated.sent_at, updated.nudge_due_at) == (sent.sent_at, sent.nudge_due_at)


# -- datetimes --------------------------------------------------------------------------------


async def test_draft_datetimes_come_back_in_utc(repos: Repos) -> None:
    """Aware non-UTC instants are stored and returned as the same instant in UTC."""
    created = datetime(2026, 3, 8, 17, 30, 0, 123456, tzinfo=PLUS_530)
    added = await new_draft(repos, now=created)
    sent_at = datetime(2026, 3, 9, 9, 15, tzinfo=PLUS_530)
    nudge = datetime(2026, 3, 16, 9, 15, tzinfo=timezone(timedelta(hours=-5)))
    sent = await repos.drafts.mark_sent(A, added.id, sent_at=sent_at, nudge_due_at=nudge)
    got = await repos.drafts.get(A, added.id)
    for value, expected in (
        (added.created_at, created),
        (got.created_at, created),
        (sent.sent_at, sent_at),
        (got.sent_at, sent_at),
        (got.nudge_due_at, nudge),
    ):
        assert value == expected
        assert value.utcoffset() == timedelta(0)
    assert got.created_at == datetime(2026, 3, 8, 12, 0, 0, 123456, tzinfo=UTC)
    assert got.nudge_due_at == datetime(2026, 3, 16, 14, 15, tzinfo=UTC)


async def test_draft_naive_time_refused(repos: Repos) -> None:
    """A naive datetime is never stored with a draft."""
    cid = await contact(repos)
    with pytest.raises(ValueError, match="naive"):
        await new_draft(repos, contact_id=cid, now=datetime(2026, 3, 8, 12, 0))


# -- owner scoping ----------------------------------------------------------------------------


async def test_another_owner_gets_none_everywhere(repos: Repos) -> None:
    """B can neither read, update nor mark A's draft as sent; A's draft is unchanged."""
    added = await new_draft(repos, A)
    assert await repos.drafts.get(B, added.id) is None
    assert (
        await repos.drafts.update(B, added.id, channel=Channel.DM, version=9, fields={"x": "y"})
        is None
    )
    assert await repos.drafts.mark_sent(B, added.id, sent_at=NOW, nudge_due_at=NOW) is None
    assert await repos.drafts.get(A, added.id) == added


async def test_add_against_another_students_contact_is_none(repos: Repos) -> None:
    """A draft can never point at another student's contact: add returns None, stores nothing."""
    bobs = await contact(repos, B, "Bob's Tutor")
    assert await new_draft(repos, A, contact_id=bobs) is None
    if repos.store is not None:
        assert await repos.store.rows("SELECT COUNT(*) FROM drafts") == [(0,)]
    # The contact's own student can still draft for them.
    assert await new_draft(repos, B, contact_id=bobs) is not None


async def test_add_against_unknown_contact_is_none(repos: Repos) -> None:
    """add for a contact id that does not exist is None."""
    assert await new_draft(repos, A, contact_id=987_654) is None


# -- cascade ----------------------------------------------------------------------------------


async def test_removing_contact_removes_its_drafts(repos: Repos) -> None:
    """Drafts go with their contact; another contact's drafts stay."""
    gone = await contact(repos, name="Gone Person")
    kept = await contact(repos, name="Kept Person")
    first = await new_draft(repos, contact_id=gone)
    second = await new_draft(repos, contact_id=gone)
    other = await new_draft(repos, contact_id=kept)
    assert await repos.contacts.remove(A, gone) is True
    for draft_id in (first.id, second.id):
        assert await repos.drafts.get(A, draft_id) is None
        assert (
            await repos.drafts.update(A, draft_id, channel=Channel.DM, version=1, fields={}) is None
        )
        assert await repos.drafts.mark_sent(A, draft_id, sent_at=NOW, nudge_due_at=NOW) is None
    assert await repos.drafts.get(A, other.id) == other
    if repos.store is not None:
        assert await repos.store.rows("SELECT COUNT(*) FROM drafts") == [(1,)]
