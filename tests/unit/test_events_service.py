"""EventService with the in-memory fakes and a recording notifier: events as records, the
people met there, and the DM after a server's scheduled event ends (consent, once each)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.errors import InvalidInput
from bot.core.events import EventKind, EventNotFound, SeenScheduledEvent, parse_person
from bot.core.models import ContactDraft, ExchangeKind
from bot.core.services import Services
from tests.fakes import FakeClock, InMemoryEventRepository, RecordingNotifier, build_services

ALICE, BOB, CAROL = 1, 2, 3
GUILD, SCHEDULED = 900, 901
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def events() -> InMemoryEventRepository:
    return InMemoryEventRepository()


@pytest.fixture
def services(
    clock: FakeClock, notifier: RecordingNotifier, events: InMemoryEventRepository
) -> Services:
    return build_services(clock, notifier=notifier, events=events)


def test_parse_person_splits_name_and_note() -> None:
    """'Name — note', 'Name - note', 'Name: note' and a bare name all parse."""
    assert parse_person("Dr A Okafor — cardiology") == parse_person("Dr A Okafor: cardiology")
    assert parse_person("Ben Ito - MS4").note == "MS4"  # type: ignore[union-attr]
    assert parse_person("  Dev   Rao ").name == "Dev Rao"  # type: ignore[union-attr]
    assert parse_person("   ") is None


async def test_log_defaults_to_today_and_rejects_blank_names(services: Services) -> None:
    """An event without a date is today's; a blank name is refused."""
    event = await services.events.log(ALICE, "  Journal   club ", EventKind.INTEREST_GROUP)
    assert (event.name, event.held_on) == ("Journal club", NOW.date())
    with pytest.raises(InvalidInput):
        await services.events.log(ALICE, "   ", EventKind.OTHER)


async def test_another_students_event_is_not_found(services: Services) -> None:
    """Bob cannot see, show or add people to Alice's event."""
    event = await services.events.log(ALICE, "Cardiology day", EventKind.CONFERENCE)
    with pytest.raises(EventNotFound):
        await services.events.show(BOB, event.id)
    with pytest.raises(EventNotFound):
        await services.events.add_people(BOB, event.id, ["Eve"])
    assert await services.events.suggest(BOB, "cardio") == []


async def test_add_people_links_spreads_and_reuses_existing_contacts(services: Services) -> None:
    """Five people are linked with met_event/met_on, due over 3 days; a known name is reused."""
    known = await services.contacts.find_or_create(ALICE, ContactDraft(name="Dev Rao"))
    event = await services.events.log(ALICE, "Cardiology day", EventKind.CONFERENCE, "yesterday")
    added = await services.events.add_people(
        ALICE, event.id, ["Amara — elective", "Ben", "Chloe", "dev rao", "Eva", None]
    )
    assert len(added) == 5 and known.id in {c.id for c in added}
    new = [c for c in added if c.id != known.id]
    assert {(c.draft.met_event, c.draft.met_on) for c in new} == {
        ("Cardiology day", NOW.date() - timedelta(days=1))
    }
    detail = await services.events.show(ALICE, event.id)
    assert [c.name for c in detail.people] == [c.name for c in added]
    fresh = [await services.contacts.get(ALICE, c.id) for c in added]
    assert max(Counter(c.follow_up_on for c in fresh).values()) <= 2

    request = await services.events.followup_request(ALICE, event.id)
    assert request.people == tuple(c.id for c in added)
    assert request.fields == {"event": "Cardiology day"}


async def test_a_note_about_someone_already_saved_is_kept_as_meeting_them_again(
    services: Services,
) -> None:
    """The form's note for a known contact is logged as a meeting on the event's day, once
    however often the form is sent; their own notes are left as they were."""
    known = await services.contacts.find_or_create(
        ALICE, ContactDraft(name="Dev Rao", notes="Runs the echo lab")
    )
    event = await services.events.log(ALICE, "Cardiology day", EventKind.CONFERENCE, "yesterday")
    for _ in range(2):
        await services.events.add_people(ALICE, event.id, ["Dev Rao — asked about the elective"])
    history = await services.contacts.history(ALICE, known.id)
    assert [(e.kind, e.happened_on, e.note) for e in history] == [
        (ExchangeKind.MET, NOW.date() - timedelta(days=1), "asked about the elective")
    ]
    assert (await services.contacts.get(ALICE, known.id)).draft.notes == "Runs the echo lab"
    [new] = await services.events.add_people(ALICE, event.id, ["Amara — elective lead"])
    assert new.draft.notes == "elective lead"
    assert await services.contacts.history(ALICE, new.id) == []  # the note is on the contact


async def test_link_where_met_uses_a_folded_name_match(services: Services) -> None:
    """A contact whose where_met folds to an event's name is linked to it; others are not."""
    event = await services.events.log(ALICE, "Café Médical", EventKind.TALK)
    contact = await services.contacts.find_or_create(ALICE, ContactDraft(name="Noor"))
    await services.events.link_where_met(ALICE, contact.id, "CAFE medical")
    await services.events.link_where_met(ALICE, contact.id, "somewhere else")
    assert [c.id for c in (await services.events.show(ALICE, event.id)).people] == [contact.id]


async def _opt_in(services: Services, student: int) -> None:
    await services.reminders.setup(student, timezone="UTC")


async def test_scheduled_event_dms_each_opted_in_member_once(
    services: Services, clock: FakeClock, notifier: RecordingNotifier
) -> None:
    """After the delay: one DM each to opted-in interested members; none to the rest."""
    await services.events.set_guild(GUILD, enabled=True)
    await _opt_in(services, ALICE)
    await _opt_in(services, CAROL)
    await services.reminders.pause(CAROL)
    notifier.interested[SCHEDULED] = [ALICE, BOB, CAROL]
    assert await services.events.scheduled_event_ended(GUILD, SCHEDULED, "Grand rounds")
    assert not await services.events.scheduled_event_ended(GUILD, SCHEDULED, "Grand rounds")

    await services.delivery.deliver_due()
    assert [m for m in notifier.messages if m.kind == "event"] == []  # the delay (1 h)
    clock.advance(HOUR)
    await services.delivery.deliver_due()
    await services.delivery.deliver_due()
    events = [m for m in notifier.messages if m.kind == "event"]
    assert [m.student_id for m in events] == [ALICE]


async def test_switched_off_server_records_nothing(services: Services) -> None:
    """With the server switch off (the default), an ending is not even recorded."""
    assert not await services.events.scheduled_event_ended(GUILD, SCHEDULED, "Talk")
    await services.events.set_guild(GUILD, enabled=True, delay_minutes=0)
    await services.events.set_guild(GUILD, enabled=False)
    assert not await services.events.scheduled_event_ended(GUILD, SCHEDULED, "Talk")
    with pytest.raises(InvalidInput):
        await services.events.set_guild(GUILD, enabled=True, delay_minutes=-1)


async def test_seen_at_start_up_counts_only_ended_events(
    services: Services, clock: FakeClock
) -> None:
    """At start-up an event counts as ended if completed or past its end time, not before."""
    await services.events.set_guild(GUILD, enabled=True)
    seen = services.events.scheduled_event_seen
    assert not await seen(GUILD, 1, "Later", completed=False, end_time=NOW + HOUR)
    assert not await seen(GUILD, 2, "Open-ended", completed=False, end_time=None)
    assert await seen(GUILD, 3, "Past", completed=False, end_time=NOW - HOUR)
    assert await seen(GUILD, 4, "Done", completed=True, end_time=None)


class FakeEventCache:
    """The gateway's cache of scheduled events, as the adapter lists it."""

    def __init__(self, *events: SeenScheduledEvent) -> None:
        self.events = list(events)
        self.reads = 0

    def cached_scheduled_events(self) -> list[SeenScheduledEvent]:
        self.reads += 1
        return list(self.events)


async def test_the_tick_notices_an_end_time_passing_with_no_update(
    clock: FakeClock, notifier: RecordingNotifier, events: InMemoryEventRepository
) -> None:
    """No "completed" update ever comes: once the end time has passed, the tick's scan of the
    cache records the ending, and after the delay each opted-in interested member gets one DM;
    a cancelled event never counts; later scans send nothing more."""
    cache = FakeEventCache(
        SeenScheduledEvent(GUILD, SCHEDULED, "Voice office hours", end_time=NOW + HOUR),
        SeenScheduledEvent(GUILD, 902, "Called off", end_time=NOW - HOUR, cancelled=True),
    )
    services = build_services(clock, notifier=notifier, events=events, scheduled=cache)
    await services.events.set_guild(GUILD, enabled=True)  # asked 1 h after the end
    await _opt_in(services, ALICE)
    await _opt_in(services, CAROL)
    notifier.interested[SCHEDULED] = [ALICE, BOB, CAROL]  # Bob never opted in
    notifier.interested[902] = [ALICE]

    await services.delivery.deliver_due()
    assert events.endings == {}  # not over yet; the cancelled one never counts

    clock.set(NOW + 2 * HOUR + MINUTE)
    await services.delivery.deliver_due()
    [ending] = events.endings.values()
    assert (ending.event_id, ending.ended_at) == (SCHEDULED, NOW + HOUR)
    for _ in range(3):
        clock.advance(2 * MINUTE)
        await services.delivery.deliver_due()
    prompts = [m.student_id for m in notifier.messages if m.kind == "event"]
    assert sorted(prompts) == [ALICE, CAROL]
    assert len(events.endings) == 1


async def test_the_scan_reads_the_cache_at_most_once_a_minute(
    clock: FakeClock, notifier: RecordingNotifier, events: InMemoryEventRepository
) -> None:
    """Ticks every few seconds do not each walk the cache; an announced ending is not redone."""
    cache = FakeEventCache(SeenScheduledEvent(GUILD, SCHEDULED, "Talk", end_time=NOW))
    services = build_services(clock, notifier=notifier, events=events, scheduled=cache)
    await services.events.set_guild(GUILD, enabled=True)
    assert await services.events.scheduled_event_ended(GUILD, SCHEDULED, "Talk")  # announced
    for _ in range(5):
        await services.delivery.deliver_due()
        clock.advance(timedelta(seconds=5))
    assert cache.reads == 1
    clock.advance(MINUTE)
    assert await services.events.scan_cached(clock.now()) == 0
    assert cache.reads == 2 and len(events.endings) == 1


async def test_from_scheduled_creates_one_event_record_per_student(
    services: Services,
    events: InMemoryEventRepository,
    clock: FakeClock,
    notifier: RecordingNotifier,
) -> None:
    """'Log people I met' makes the student's event from the ending's name and day, once; only
    members who were asked can use it (a forged button names any ending)."""
    await services.events.set_guild(GUILD, enabled=True)
    for student in (ALICE, BOB, CAROL):
        await _opt_in(services, student)
    notifier.interested[SCHEDULED] = [ALICE, BOB]  # Carol wasn't interested: never asked
    await services.events.scheduled_event_ended(GUILD, SCHEDULED, "Suturing lab")
    [ending] = events.endings.values()
    with pytest.raises(InvalidInput, match="asked"):
        await services.events.from_scheduled(ALICE, ending.id)  # not asked yet
    clock.set(NOW + HOUR + MINUTE)
    await services.delivery.deliver_due()
    first = await services.events.from_scheduled(ALICE, ending.id)
    again = await services.events.from_scheduled(ALICE, ending.id)
    bobs = await services.events.from_scheduled(BOB, ending.id)
    assert first == again and bobs.owner_id == BOB
    assert (first.name, first.held_on) == ("Suturing lab", NOW.date())
    with pytest.raises(InvalidInput, match="asked"):
        await services.events.from_scheduled(CAROL, ending.id)
    assert await services.events.list_for(CAROL) == []


async def test_add_people_reuses_a_contact_spelled_with_title_or_credentials(
    services: Services,
) -> None:
    """ "Dr Helen Marsh — runs the echo lab" in the form finds the saved "Helen Marsh, MD"."""
    known = await services.contacts.find_or_create(ALICE, ContactDraft(name="Helen Marsh, MD"))
    event = await services.events.log(ALICE, "Echo day", EventKind.CONFERENCE)
    added = await services.events.add_people(
        ALICE, event.id, ["Dr Helen Marsh — runs the echo lab", "Marsh, Helen"]
    )
    assert {c.id for c in added} == {known.id}
    assert len(await services.contacts.all_contacts(ALICE)) == 1
