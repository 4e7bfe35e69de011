"""SqliteEventRepository on a real SQLite file: owner scoping, the contact–event link table,
the server switch and recorded scheduled-event endings (each once)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.events import EventKind, GuildEventSettings
from bot.core.models import ContactDraft
from bot.core.text import fold
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A, B = 111, 222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
DAY = date(2026, 3, 7)


@pytest.fixture(params=kinds_for("students", "contacts", "events"))
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(request.param, request, tmp_path)
    students = store.make("students")
    for student in (A, B):
        await students.get_or_create(student, now=NOW)
    yield store
    await store.close()


async def test_events_are_scoped_by_owner_and_matched_folded(db: Store) -> None:
    """Find, suggest and list see only the owner's events; names match ignoring accents."""
    repo = db.make("events")
    event = await repo.add(A, "Café Médical", EventKind.TALK, DAY, now=NOW)
    await repo.add(B, "Café Médical", EventKind.TALK, DAY, now=NOW)
    assert await repo.get(A, event.id) == event
    assert await repo.get(B, event.id) is None
    assert [e.id for e in await repo.find(A, fold("CAFE medical"))] == [event.id]
    assert [e.id for e in await repo.suggest(A, "medi", limit=5)] == [event.id]
    assert [e.id for e in await repo.suggest(A, "100%", limit=5)] == []
    assert [e.owner_id for e in await repo.list_for(A, limit=5)] == [A]


async def test_link_table_is_many_to_many_and_owner_checked(db: Store) -> None:
    """A contact links to several events, once each; another student's contact never links."""
    repo = db.make("events")
    contacts = db.make("contacts")
    mine = await contacts.add(A, ContactDraft(name="Noor"), now=NOW)
    theirs = await contacts.add(B, ContactDraft(name="Zed"), now=NOW)
    first = await repo.add(A, "Day one", EventKind.CONFERENCE, DAY, now=NOW)
    second = await repo.add(A, "Day two", EventKind.CONFERENCE, DAY, now=NOW)
    for event in (first, second, first):
        await repo.link(A, mine.id, event.id)
    await repo.link(A, theirs.id, first.id)
    await repo.link(B, mine.id, first.id)
    assert await repo.people(A, first.id) == [mine.id]
    assert await repo.people(A, second.id) == [mine.id]
    assert await repo.people(B, first.id) == []
    await contacts.remove(A, mine.id)
    assert await repo.people(A, first.id) == []  # the link goes with the contact


async def test_linked_events_per_contact_for_the_owner_only(db: Store) -> None:
    """Each contact's events, oldest first; unlinked and other students' contacts are absent;
    a long list of ids (a big digest) is answered in chunks."""
    repo = db.make("events")
    contacts = db.make("contacts")
    noor = await contacts.add(A, ContactDraft(name="Noor"), now=NOW)
    lone = await contacts.add(A, ContactDraft(name="Lone"), now=NOW)
    zed = await contacts.add(B, ContactDraft(name="Zed"), now=NOW)
    later = await repo.add(A, "Rotation", EventKind.ROTATION, DAY, now=NOW)
    earlier = await repo.add(A, "Fair", EventKind.CONFERENCE, DAY - timedelta(days=30), now=NOW)
    zeds = await repo.add(B, "Zed's fair", EventKind.SOCIAL, DAY, now=NOW)
    for event in (later, earlier):
        await repo.link(A, noor.id, event.id)
    await repo.link(B, zed.id, zeds.id)
    many = [noor.id, lone.id, zed.id, *range(10_000, 11_200)]
    linked = await repo.linked_events(A, many)
    assert list(linked) == [noor.id]
    assert [(m.event_id, m.name, m.kind, m.held_on) for m in linked[noor.id]] == [
        (earlier.id, "Fair", EventKind.CONFERENCE, DAY - timedelta(days=30)),
        (later.id, "Rotation", EventKind.ROTATION, DAY),
    ]
    assert await repo.linked_events(A, []) == {}
    assert list(await repo.linked_events(B, many)) == [zed.id]


async def test_guild_settings_and_endings_are_recorded_once(db: Store) -> None:
    """The switch round-trips; an ending is recorded once, due at notify_at, then processed."""
    repo = db.make("events")
    assert await repo.guild_settings(7) is None
    settings = GuildEventSettings(7, enabled=True, delay=timedelta(minutes=90))
    await repo.save_guild_settings(settings, now=NOW)
    assert await repo.guild_settings(7) == settings
    assert await repo.record_ending(7, 99, "Grand rounds", NOW, NOW + timedelta(hours=1))
    assert not await repo.record_ending(7, 99, "Grand rounds", NOW, NOW)
    assert await repo.due_endings(NOW, limit=5) == []
    [ending] = await repo.due_endings(NOW + timedelta(hours=1), limit=5)
    assert (ending.event_id, ending.name, ending.ended_at) == (99, "Grand rounds", NOW)
    assert await repo.ending_for_event(99) == ending == await repo.get_ending(ending.id)
    await repo.mark_processed(ending.id, at=NOW)
    assert await repo.due_endings(NOW + timedelta(days=1), limit=5) == []
