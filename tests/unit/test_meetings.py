"""Where and when a contact was met, from their linked events: which event counts, the
follow-up template its kind picks, what the draft says, and the digest line's data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.drafts import DraftRequest, pick_followup
from bot.core.meetings import EventKind, MetAt, choose_meeting
from bot.core.models import ContactDraft, ItemKind
from bot.core.services import Services
from tests.fakes import DEFAULT_NOW, FakeClock, InMemoryEventRepository, build_services

A, B = 111, 222
TODAY = DEFAULT_NOW.date()  # Sunday 8 March 2026


def met(event_id: int, held_on: date, name: str = "Event", kind: EventKind = EventKind.TALK):
    return MetAt(event_id, name, kind, held_on)


@pytest.fixture
def events() -> InMemoryEventRepository:
    return InMemoryEventRepository()


@pytest.fixture
async def services(events: InMemoryEventRepository) -> Services:
    services = build_services(FakeClock(), events=events)
    for owner in (A, B):
        await services.drafts.save_profile(
            owner,
            {"name": "Maya Chen", "school": "Riverside", "stage": "second-year medical student"},
        )
    return services


async def person_at(
    services: Services, name: str, kind: EventKind, day: str, person: str = "Sam Lee"
) -> int:
    event = await services.events.log(A, name, kind, day)
    [contact] = await services.events.add_people(A, event.id, [person])
    return contact.id


# -- which linked event counts ----------------------------------------------------------------


def test_the_most_recent_event_up_to_today_counts() -> None:
    """Latest on or before today; a future-dated one is ignored; same day, the last logged."""
    older, newer = met(1, date(2025, 10, 1)), met(2, date(2026, 2, 1))
    future = met(3, TODAY + timedelta(days=3))
    assert choose_meeting([newer, older, future], TODAY) == newer
    assert choose_meeting([future], TODAY) is None
    assert choose_meeting([met(5, TODAY), met(4, TODAY)], TODAY) == met(5, TODAY)
    assert choose_meeting([], TODAY) is None


def test_a_named_event_picks_that_one_or_none() -> None:
    """When the student names the event, only a linked event of that (folded) name counts."""
    fair = met(1, date(2025, 10, 1), "Résidency Fair")
    talk = met(2, date(2026, 2, 1), "Grand rounds")
    assert choose_meeting([fair, talk], TODAY, named="residency fair") == fair
    assert choose_meeting([fair, talk], TODAY, named="a coffee chat") is None


def test_pick_followup_prefers_the_kind_then_the_name() -> None:
    """The kind picks the template; kinds that say little fall back to the name's words."""
    available = ["followup_conference", "followup_talk", "followup_rotation"]
    assert pick_followup("Spring symposium", available, EventKind.TALK) == "followup_talk"
    assert pick_followup("Cardiology talk", available, EventKind.ROTATION) == "followup_rotation"
    assert pick_followup("Cardiology talk", available, EventKind.OTHER) == "followup_talk"
    assert pick_followup("Wellness mixer", available, EventKind.SOCIAL) == "followup_conference"
    assert pick_followup("x", ["followup_talk"], EventKind.SHADOWING) == "followup_talk"


# -- drafts -----------------------------------------------------------------------------------


async def test_follow_up_template_and_date_come_from_the_linked_event(
    services: Services,
) -> None:
    """A talk with a name that says nothing gets the talk follow-up, dated from the record."""
    contact_id = await person_at(services, "Spring Symposium", EventKind.TALK, "2026-02-20")
    [result] = await services.drafts.start(A, DraftRequest(kind="followup", people=(contact_id,)))
    assert result.template.id == "followup_talk"
    body = result.rendered.body
    assert "the Spring Symposium" in body  # the event's name takes its article
    assert "on February 20" in body  # the day from the record, in US form


async def test_reconnect_months_later_says_where_when_and_what_kind(services: Services) -> None:
    """The reconnect names the event, its month and year, and what kind of event it was."""
    contact_id = await person_at(
        services, "AAMC Annual Meeting", EventKind.CONFERENCE, "2025-03-12"
    )
    request = DraftRequest(kind="outreach", people=(contact_id,), template_id="outreach_reconnect")
    [result] = await services.drafts.start(A, request)
    body = result.rendered.body
    assert "the AAMC Annual Meeting" in body
    assert "March 2025" in body
    assert "conference" in body


async def test_the_latest_linked_event_counts_for_a_contact_met_twice(
    services: Services,
) -> None:
    """Met at a conference, then on a rotation: the rotation is the one drafts talk about."""
    contact_id = await person_at(services, "Cardiology day", EventKind.CONFERENCE, "2025-11-02")
    rotation = await services.events.log(A, "Cardiology block", EventKind.ROTATION, "2026-02-27")
    await services.events.add_people(A, rotation.id, ["Sam Lee"])  # the same person, found
    [result] = await services.drafts.start(A, DraftRequest(kind="followup", people=(contact_id,)))
    assert result.template.id == "followup_rotation"


async def test_a_typed_event_that_is_not_linked_keeps_its_own_words(services: Services) -> None:
    """Writing about another occasion: the linked event's date and kind are not used."""
    contact_id = await person_at(services, "Residency fair", EventKind.CONFERENCE, "2025-03-12")
    request = DraftRequest(
        kind="followup", people=(contact_id,), fields={"event": "the ethics seminar"}
    )
    [result] = await services.drafts.start(A, request)
    assert result.template.id == "followup_talk"  # from the typed words
    assert "March 2025" not in result.rendered.body


async def test_a_linked_event_stands_in_for_a_missing_where_met(services: Services) -> None:
    """A contact without "where met" but linked to an event is not asked for the event."""
    known = await services.contacts.find_or_create(A, ContactDraft(name="Dev Rao"))
    event = await services.events.log(A, "Journal club", EventKind.INTEREST_GROUP, "2026-03-05")
    await services.events.add_people(A, event.id, ["Dev Rao"])
    assert (await services.contacts.get(A, known.id)).draft.met_event is None
    [result] = await services.drafts.start(A, DraftRequest(kind="followup", people=(known.id,)))
    assert "Journal club" in result.rendered.body


async def test_without_linked_events_drafts_are_as_before(services: Services) -> None:
    """No event record: the contact's own "where met" words pick and fill the draft."""
    contact = await services.contacts.find_or_create(
        A, ContactDraft(name="Ana Ruiz", met_event="Shadowing in the ED", met_on=date(2026, 3, 6))
    )
    [result] = await services.drafts.start(A, DraftRequest(kind="followup", people=(contact.id,)))
    assert result.template.id == "followup_shadowing"
    assert "on Friday" in result.rendered.body


# -- digests ----------------------------------------------------------------------------------


async def test_digest_items_carry_where_they_met(services: Services) -> None:
    """Follow-up items get the event they met at, from the record."""
    contact_id = await person_at(services, "Spring Symposium", EventKind.TALK, "2026-03-06")
    digest = await services.reminders.digest_for(A)
    [item] = [i for i in digest.items if i.contact and i.contact.id == contact_id]
    assert item.kind is ItemKind.FOLLOW_UP
    assert item.met_at == MetAt(1, "Spring Symposium", EventKind.TALK, date(2026, 3, 6))
