"""DraftService over the in-memory fakes and the real templates/ folder.

Template wording belongs to the template authors, so these tests assert structure only: the
greeting is there, the event is named, fields appear or not, and nothing like "None" leaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core.drafts import (
    DEFAULT_FOLLOWUP,
    FIELD_LABELS,
    FIELD_LIMITS,
    MAX_CONTACTS_PER_REQUEST,
    PROFILE_LIMITS,
    DraftRequest,
    DraftResult,
    FieldsRequired,
    ProfileRequired,
    clean_fields,
    greeting,
    pick_followup,
    validate_profile,
    when_phrase,
)
from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.models import Channel, Contact, ContactDraft, ExchangeKind, Profile, Role
from bot.core.services import Services
from tests.fakes import (
    FakeClock,
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryPendingRepository,
    InMemoryProfileRepository,
    InMemoryStudentRepository,
    build_services,
)

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
EVENT = "the cardiology interest group talk"
PROFILE = {
    "name": "Maya Chen",
    "school": "Riverside School of Medicine",
    "stage": "second-year medical student",
    "follow_up_delay_days": 10,
}
LEFTOVER = re.compile(r"\bNone\b|\bundefined\b|\{\{|\}\}|\{%|%\}")
FOLLOWUP_IDS = [
    "followup_conference",
    "followup_interview",
    "followup_mentor_meeting",
    "followup_nudge",
    "followup_office_hours",
    "followup_rotation",
    "followup_shadowing",
    "followup_talk",
]


@dataclass
class World:
    clock: FakeClock
    students: InMemoryStudentRepository
    contacts: InMemoryContactRepository
    profiles: InMemoryProfileRepository
    drafts_repo: InMemoryDraftRepository
    services: Services

    @property
    def drafts(self):  # the DraftService
        return self.services.drafts


@pytest.fixture
def world() -> World:
    return build_world()


def build_world() -> World:
    """Services on the in-memory fakes, at NOW (shared with test_draft_values)."""
    clock = FakeClock(NOW)
    students = InMemoryStudentRepository()
    contacts = InMemoryContactRepository()
    profiles = InMemoryProfileRepository()
    drafts = InMemoryDraftRepository(contacts)
    services = build_services(
        clock,
        students=students,
        contacts=contacts,
        pending=InMemoryPendingRepository(),
        profiles=profiles,
        drafts=drafts,
    )
    return World(clock, students, contacts, profiles, drafts, services)


@pytest.fixture
async def ready(world: World) -> World:
    """A world in which student A already has a profile."""
    await world.drafts.save_profile(A, PROFILE)
    return world


def followup(*people: int | str, **fields: str) -> DraftRequest:
    return DraftRequest(kind="followup", people=people, fields=fields)


def outreach(template_id: str, *people: int | str, **fields: str) -> DraftRequest:
    return DraftRequest(kind="outreach", people=people, template_id=template_id, fields=fields)


async def one(world: World, request: DraftRequest, owner: int = A) -> DraftResult:
    [result] = await world.drafts.start(owner, request)
    return result


async def add_contact(world: World, name: str = "Amara Okafor", **fields: Any) -> Contact:
    outcome = await world.services.contacts.add(A, ContactDraft(name=name, **fields))
    assert outcome.contact is not None
    return outcome.contact


def assert_clean(result: DraftResult) -> None:
    """No leftover placeholders, the greeting is there, a subject exactly for e-mail."""
    body = result.rendered.body
    assert body.strip()
    assert not LEFTOVER.search(body), body
    assert greeting(result.contact) in body
    if result.rendered.channel == "email":
        assert result.rendered.subject
        assert not LEFTOVER.search(result.rendered.subject)
    else:
        assert result.rendered.subject is None


def contact_model(name: str, role: Role = Role.OTHER, title: str | None = None) -> Contact:
    return Contact(
        id=1,
        owner_id=A,
        draft=ContactDraft(name=name, role=role, title=title),
        created_at=NOW,
        updated_at=NOW,
    )


# -- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "role", "title", "expected"),
    [
        ("Amara Okafor", Role.ATTENDING, "Dr.", "Dr. Okafor"),
        ("Amara Ngozi Okafor", Role.FACULTY, "Prof.", "Professor Okafor"),
        ("Jordan Lee", Role.CLASSMATE, None, "Jordan"),
        ("Jordan Lee", Role.PEER_MENTOR, "Dr.", "Dr. Lee"),
        ("Amara Okafor", Role.RESIDENT, None, "Dr. Okafor"),
        ("Madonna", Role.OTHER, None, "Madonna"),
        ("Madonna", Role.SPEAKER, "Dr.", "Dr. Madonna"),
    ],
)
def test_greeting(name: str, role: Role, title: str | None, expected: str) -> None:
    """A known title with the surname; first name for peers; "Dr." for physicians."""
    assert greeting(contact_model(name, role, title)) == expected


SUNDAY = date(2026, 3, 8)


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        (SUNDAY, SUNDAY, "today"),
        (date(2026, 3, 9), SUNDAY, "today"),  # a future day never reads as the past
        (date(2026, 3, 7), SUNDAY, "yesterday"),
        (date(2026, 3, 6), SUNDAY, "on Friday"),
        (date(2026, 3, 2), SUNDAY, "on Monday"),
        (date(2026, 3, 1), SUNDAY, "on March 1"),
        (date(2026, 1, 23), SUNDAY, "on January 23"),  # 44 days
        (date(2026, 1, 22), SUNDAY, "in January"),  # 45 days
        (date(2025, 12, 20), date(2026, 1, 10), "on December 20"),  # across the new year
        (date(2025, 6, 1), SUNDAY, "last June"),  # last year, under 300 days
        (date(2025, 3, 1), SUNDAY, "in March 2025"),
        (date(2024, 11, 5), SUNDAY, "in November 2024"),
    ],
    ids=str,
)
def test_when_phrase(day: date, today: date, expected: str) -> None:
    """How long ago reads as a person says it."""
    assert when_phrase(day, today) == expected


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("Office hours with Dr Smith", "followup_office_hours"),
        ("shadowing day in the ED", "followup_shadowing"),
        ("Surgery clerkship", "followup_rotation"),
        ("Medicine SUB-I", "followup_rotation"),
        ("Cardiology elective", "followup_rotation"),
        ("Residency interview day", "followup_interview"),
        ("Mentor meeting", "followup_mentor_meeting"),
        ("Grand Rounds", "followup_talk"),
        ("Journal club", "followup_talk"),
        ("Cardiology SÉMINAR", "followup_talk"),
        ("Suturing WORKSHOP", "followup_talk"),
        ("Office hours after the lecture", "followup_office_hours"),  # first hint wins
        ("AMSA annual conference", "followup_conference"),
        ("networking mixer", DEFAULT_FOLLOWUP),
        ("", DEFAULT_FOLLOWUP),
        (None, DEFAULT_FOLLOWUP),
    ],
)
def test_pick_followup(event: str | None, expected: str) -> None:
    """Words in the event's name pick the follow-up; anything else gets the default."""
    assert pick_followup(event, FOLLOWUP_IDS) == expected


def test_pick_followup_only_among_available() -> None:
    """A hinted template that is not installed falls back to the default, then the first."""
    assert pick_followup("Grand rounds", ["followup_conference"]) == "followup_conference"
    assert pick_followup("Grand rounds", ["followup_rotation"]) == "followup_rotation"


@pytest.mark.parametrize("key", sorted(FIELD_LIMITS))
def test_clean_fields_limits(key: str) -> None:
    """Each field is accepted at its limit and refused, by label, one character over."""
    limit = FIELD_LIMITS[key]
    assert clean_fields({key: "x" * limit}) == {key: "x" * limit}
    with pytest.raises(InvalidInput) as raised:
        clean_fields({key: "x" * (limit + 1)})
    assert FIELD_LABELS[key] in raised.value.user_message
    assert str(limit) in raised.value.user_message


def test_clean_fields_cleans_and_drops_empty() -> None:
    """White space collapses, and empty, blank or None fields are dropped."""
    cleaned = clean_fields(
        {"event": "  Grand\n\trounds  ", "discussed": "   ", "ask": None, "topic": "\u200b"}
    )
    assert cleaned == {"event": "Grand rounds"}


def test_clean_fields_unknown_key() -> None:
    """A field the drafts don't know is a programming error, not student input."""
    with pytest.raises(ValueError, match="unknown"):
        clean_fields({"evil": "x"})


def test_validate_profile_cleans() -> None:
    """Profile text is cleaned; empty optional parts become None."""
    profile = validate_profile(
        Profile(name="  Maya   Chen ", school="Riverside", stage="MS2", pitch="  ", signoff="")
    )
    assert profile.name == "Maya Chen"
    assert (profile.pitch, profile.signoff) == (None, None)


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"name": " "}, "name"),
        ({"school": ""}, "school"),
        ({"stage": "\u200b"}, "year or stage"),
        ({"follow_up_delay_days": 1}, "between 2 and 30"),
        ({"follow_up_delay_days": 31}, "between 2 and 30"),
        *[({key: "x" * (limit + 1)}, f"over {limit}") for key, limit in PROFILE_LIMITS.items()],
    ],
)
def test_validate_profile_refuses(changes: dict[str, Any], phrase: str) -> None:
    """Missing required parts, overlong text and an odd nudge delay are refused clearly."""
    base = {"name": "Maya Chen", "school": "Riverside", "stage": "MS2", **changes}
    with pytest.raises(InvalidInput) as raised:
        validate_profile(Profile(**base))
    assert phrase in raised.value.user_message


@pytest.mark.parametrize("delay", [2, 30])
def test_validate_profile_delay_bounds(delay: int) -> None:
    """Both ends of the nudge delay range are accepted."""
    profile = Profile(name="M", school="S", stage="T", follow_up_delay_days=delay)
    assert validate_profile(profile).follow_up_delay_days == delay


# -- profile required -------------------------------------------------------------------------


async def test_start_without_profile_holds_request_then_resumes(world: World) -> None:
    """No profile: the request is held and nothing drafted; after the profile, resume drafts."""
    with pytest.raises(ProfileRequired) as held:
        await world.drafts.start(A, followup("Amara Okafor", event=EVENT, discussed="her clinic"))
    assert await world.contacts.count(A) == 0  # nothing created until the profile exists
    await world.drafts.save_profile(A, PROFILE)
    [result] = await world.drafts.resume(A, held.value.pending_id)
    assert_clean(result)
    assert result.contact.name == "Amara Okafor"
    assert EVENT in result.rendered.body
    assert "your clinic" in result.rendered.body  # turned to the second person
    assert "Maya Chen" in result.rendered.body
    with pytest.raises(ExpiredAction):
        await world.drafts.resume(A, held.value.pending_id)  # used up


async def test_save_profile_needs_the_basics(world: World) -> None:
    """A first profile without a school is refused and nothing is saved."""
    with pytest.raises(InvalidInput, match="school"):
        await world.drafts.save_profile(A, {"name": "Maya", "stage": "MS2"})
    assert await world.drafts.profile(A) is None


async def test_save_profile_changes_keep_the_rest(ready: World) -> None:
    """Saving only a sign-off keeps the other profile fields."""
    profile = await ready.drafts.save_profile(A, {"signoff": "Kind regards"})
    assert profile.name == "Maya Chen" and profile.signoff == "Kind regards"
    assert await ready.drafts.profile(A) == profile


# -- contacts from names ----------------------------------------------------------------------


async def test_new_name_creates_contact_met_today_in_students_timezone(world: World) -> None:
    """A new name becomes a contact met at the event, today in the student's own timezone."""
    world.clock.set(datetime(2026, 3, 9, 3, 0, tzinfo=UTC))  # still 8 March in Los Angeles
    await world.students.get_or_create(A, now=world.clock.now())
    await world.students.set_timezone(A, "America/Los_Angeles")
    await world.drafts.save_profile(A, PROFILE)
    result = await one(world, followup("José Núñez", event=EVENT))
    assert result.contact.draft.met_event == EVENT
    assert result.contact.draft.met_on == date(2026, 3, 8)
    assert result.draft.contact_id == result.contact.id
    assert await world.contacts.count(A) == 1


async def test_same_name_any_case_or_accents_reuses_contact(ready: World) -> None:
    """A second request naming 'jose  NUNEZ' drafts for the existing José Núñez."""
    first = await one(ready, followup("José Núñez", event=EVENT))
    second = await one(ready, followup("jose  NUNEZ", event="another event"))
    assert second.contact.id == first.contact.id
    assert second.contact.name == "José Núñez"
    assert second.draft.id != first.draft.id
    assert await ready.contacts.count(A) == 1


async def test_existing_contact_by_id(ready: World) -> None:
    """A contact id drafts for that contact, using where they were met as the event."""
    contact = await add_contact(
        ready,
        "Amara Okafor",
        title="Dr.",
        role=Role.ATTENDING,
        met_event=EVENT,
        email="a@example.org",
    )
    result = await one(ready, followup(contact.id))
    assert_clean(result)
    assert result.contact.id == contact.id
    assert "Dr. Okafor" in result.rendered.body
    assert EVENT in result.rendered.body
    assert result.draft.channel is Channel.EMAIL


async def test_up_to_five_people_get_five_drafts(ready: World) -> None:
    """Five names give five drafts, each naming its own person."""
    names = [f"Person{i} Surname{i}" for i in range(MAX_CONTACTS_PER_REQUEST)]
    results = await ready.drafts.start(A, followup(*names, event=EVENT))
    assert [r.contact.name for r in results] == names
    assert len({r.draft.id for r in results}) == MAX_CONTACTS_PER_REQUEST
    for result, name in zip(results, names, strict=True):
        assert_clean(result)
        assert name in result.rendered.body
        for other in set(names) - {name}:
            assert other not in result.rendered.body


async def test_more_than_five_people_refused(ready: World) -> None:
    """Six people is refused before anything is created."""
    names = [f"Person {i}" for i in range(MAX_CONTACTS_PER_REQUEST + 1)]
    with pytest.raises(InvalidInput, match="up to 5"):
        await ready.drafts.start(A, followup(*names, event=EVENT))
    assert await ready.contacts.count(A) == 0


async def test_no_people_refused(ready: World) -> None:
    """A request for nobody is refused."""
    with pytest.raises(InvalidInput, match="at least one"):
        await ready.drafts.start(A, followup(event=EVENT))


async def test_same_person_twice_gets_one_draft(ready: World) -> None:
    """Naming the same person twice drafts once."""
    results = await ready.drafts.start(A, followup("Ada Lovelace", "ada lovelace", event=EVENT))
    assert len(results) == 1


async def test_unknown_template_refused(ready: World) -> None:
    """A template id that isn't in the catalogue is refused with a pointer to the list."""
    with pytest.raises(InvalidInput, match="/templates list"):
        await ready.drafts.start(A, outreach("outreach_nonexistent", "Ada Lovelace"))


# -- missing fields ---------------------------------------------------------------------------


def required_outreach(world: World) -> tuple[str, str]:
    """An outreach template that requires a field other than the event (outreach_letter)."""
    catalogue = world.drafts.catalogue
    info = catalogue.get("outreach_letter")
    if info is None or not info.requires:
        info = next(t for t in catalogue.templates("outreach") if set(t.requires) - {"event"})
    field = next(f for f in info.requires if f != "event")
    return info.id, field


async def test_fields_required_then_resume_with_them(ready: World) -> None:
    """An outreach that needs a field holds the request; resuming with it drafts."""
    template_id, field = required_outreach(ready)
    with pytest.raises(FieldsRequired) as held:
        await ready.drafts.start(A, outreach(template_id, "Amara Okafor"))
    assert field in held.value.fields
    assert held.value.title == ready.drafts.catalogue.get(template_id).title
    request = await ready.drafts.pending_request(A, held.value.pending_id)
    assert request.template_id == template_id
    value = {
        "deadline": "1 March",
        "topic": "sepsis screening",
        "program": "the IM residency",
        "update": "I passed Step 1",
        "event": EVENT,
    }[field]
    [result] = await ready.drafts.resume(A, held.value.pending_id, {field: value})
    assert_clean(result)
    assert result.template.id == template_id
    assert result.draft.fields[field] == value  # stored as typed
    shown = {"deadline": "March 1"}.get(field, value)  # written in US form in the draft
    assert shown in result.rendered.body
    assert await ready.contacts.count(A) == 1  # the held request kept the new contact


async def test_event_required_unless_contact_has_one(ready: World) -> None:
    """A follow-up needing the event asks for it, unless the contact records where you met."""
    known = await add_contact(ready, "Known Person", met_event="Grand rounds")
    unknown = await add_contact(ready, "Unknown Person")
    result = await one(ready, DraftRequest("followup", (known.id,), "followup_conference"))
    assert "Grand rounds" in result.rendered.body
    with pytest.raises(FieldsRequired) as held:
        await ready.drafts.start(A, DraftRequest("followup", (unknown.id,), "followup_conference"))
    assert held.value.fields == ("event",)


# -- versions and channels --------------------------------------------------------------------


async def test_next_version_cycles(ready: World) -> None:
    """Another version goes 1 → 2 → … → 1, changing the text when there is more than one."""
    first = await one(ready, followup("Amara Okafor", event=EVENT))
    versions = first.rendered.versions
    assert versions == ready.drafts.catalogue.versions(first.template.id, "email")
    seen = [first.rendered.version]
    bodies = {first.rendered.body}
    current = first
    for _ in range(versions):
        current = await ready.drafts.next_version(A, first.draft.id)
        assert_clean(current)
        seen.append(current.rendered.version)
        bodies.add(current.rendered.body)
        assert current.draft.version == current.rendered.version
    assert seen == [*range(1, versions + 1), 1]
    assert len(bodies) == versions
    assert (await ready.drafts.show(A, first.draft.id)).draft.version == 1


async def test_other_channel_cycles_and_resets_version(ready: World) -> None:
    """Other channel goes e-mail → LinkedIn → DM → e-mail, each from version 1."""
    first = await one(ready, followup("Amara Okafor", event=EVENT))
    assert first.draft.channel is Channel.EMAIL
    await ready.drafts.next_version(A, first.draft.id)
    seen = []
    for _ in range(3):
        current = await ready.drafts.other_channel(A, first.draft.id)
        assert_clean(current)
        assert current.draft.version == 1
        assert current.rendered.channel == current.draft.channel.value
        seen.append(current.draft.channel)
    assert seen == [Channel.LINKEDIN, Channel.DM, Channel.EMAIL]


async def test_requested_channel_is_used(ready: World) -> None:
    """A channel asked for in the request is the draft's channel, with no subject."""
    request = DraftRequest(
        "followup", ("Amara Okafor",), channel=Channel.DM, fields={"event": EVENT}
    )
    result = await one(ready, request)
    assert result.draft.channel is Channel.DM
    assert_clean(result)


@pytest.mark.parametrize(
    ("details", "expected"),
    [
        ({"email": "a@example.org", "profile_url": "https://linkedin.com/in/a"}, Channel.EMAIL),
        ({"profile_url": "https://www.linkedin.com/in/a"}, Channel.LINKEDIN),
        ({"discord_user_id": 1_400_000_000_000_000_003}, Channel.DM),
        ({"profile_url": "https://example.org/a"}, Channel.EMAIL),
        ({}, Channel.EMAIL),
    ],
)
async def test_default_channel_from_contact(
    ready: World, details: dict[str, Any], expected: Channel
) -> None:
    """Without a channel, the draft goes where the contact can be reached."""
    contact = await add_contact(ready, "Amara Okafor", met_event=EVENT, **details)
    assert (await one(ready, followup(contact.id))).draft.channel is expected


# -- editing ----------------------------------------------------------------------------------


async def test_edit_fields_replaces_and_clears(ready: World) -> None:
    """Edit details replaces what was discussed; an empty value clears an optional field."""
    first = await one(ready, followup("Amara Okafor", event=EVENT, discussed="old topic here"))
    assert "old topic here" in first.rendered.body
    edited = await ready.drafts.edit_fields(A, first.draft.id, {"discussed": "brand new topic"})
    assert_clean(edited)
    assert edited.draft.fields["discussed"] == "brand new topic"
    assert "brand new topic" in edited.rendered.body
    assert "old topic here" not in edited.rendered.body
    assert edited.draft.fields["event"] == EVENT  # untouched
    cleared = await ready.drafts.edit_fields(A, first.draft.id, {"discussed": "  "})
    assert_clean(cleared)
    assert "discussed" not in cleared.draft.fields
    assert "brand new topic" not in cleared.rendered.body


async def test_edit_fields_refuses_clearing_a_required_field(ready: World) -> None:
    """Clearing a field the template needs is refused and the draft keeps it."""
    template_id, field = required_outreach(ready)
    value = {
        "deadline": "1 March",
        "topic": "sepsis",
        "program": "the IM residency",
        "update": "I passed Step 1",
    }[field]
    result = await one(ready, outreach(template_id, "Amara Okafor", **{field: value}))
    with pytest.raises(InvalidInput, match=FIELD_LABELS[field].lower()):
        await ready.drafts.edit_fields(A, result.draft.id, {field: ""})
    assert (await ready.drafts.show(A, result.draft.id)).draft.fields[field] == value


async def test_edit_fields_refuses_overlong(ready: World) -> None:
    """An edited field over its limit is refused and nothing changes."""
    first = await one(ready, followup("Amara Okafor", event=EVENT, discussed="short"))
    with pytest.raises(InvalidInput, match="What you talked about"):
        await ready.drafts.edit_fields(
            A, first.draft.id, {"discussed": "x" * (FIELD_LIMITS["discussed"] + 1)}
        )
    assert (await ready.drafts.show(A, first.draft.id)).draft.fields["discussed"] == "short"


async def test_clearing_event_falls_back_to_where_met(ready: World) -> None:
    """Clearing the event on a follow-up is allowed when the contact records where you met."""
    first = await one(ready, followup("Amara Okafor", event=EVENT))
    edited = await ready.drafts.edit_fields(A, first.draft.id, {"event": ""})
    assert "event" not in edited.draft.fields
    assert EVENT in edited.rendered.body  # from the contact's met_event


# -- sending ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "kind"),
    [
        (Channel.EMAIL, ExchangeKind.EMAILED),
        (Channel.LINKEDIN, ExchangeKind.MESSAGED),
        (Channel.DM, ExchangeKind.MESSAGED),
    ],
)
async def test_mark_sent_logs_exchange_and_sets_nudge(
    ready: World, channel: Channel, kind: ExchangeKind
) -> None:
    """Mark as sent logs the exchange once and the nudge falls due after the profile's delay."""
    request = DraftRequest("followup", ("Amara Okafor",), channel=channel, fields={"event": EVENT})
    first = await one(ready, request)
    ready.clock.advance(hours=5)
    sent_at = ready.clock.now()
    sent = await ready.drafts.mark_sent(A, first.draft.id)
    assert sent.draft.sent_at == sent_at
    assert sent.draft.nudge_due_at == sent_at + timedelta(days=PROFILE["follow_up_delay_days"])
    history = await ready.services.contacts.history(A, first.contact.id)
    assert [x.kind for x in history] == [kind]
    assert history[0].happened_on == sent_at.date()
    assert first.template.title in (history[0].note or "")
    with pytest.raises(InvalidInput, match="already"):
        await ready.drafts.mark_sent(A, first.draft.id)
    assert len(await ready.services.contacts.history(A, first.contact.id)) == 1


async def test_sent_draft_shows_sent_when_in_nudge(ready: World) -> None:
    """After sending, a nudge draft for the same contact renders cleanly."""
    first = await one(ready, followup("Amara Okafor", event=EVENT))
    await ready.drafts.mark_sent(A, first.draft.id)
    ready.clock.advance(days=10)
    nudge = await one(
        ready, DraftRequest("followup", (first.contact.id,), "followup_nudge", fields={})
    )
    assert_clean(nudge)


async def test_no_self_introduction_to_a_contact_already_known(ready: World) -> None:
    """A new contact hears who the student is; after two exchanges the draft skips it."""
    contact = await add_contact(ready, "Amara Okafor", met_event=EVENT)
    introduction = f"I'm {PROFILE['name']}"
    first = await one(ready, DraftRequest("followup", (contact.id,), "followup_talk"))
    assert introduction in first.rendered.body
    for _ in range(2):
        await ready.services.contacts.log_exchange(A, contact.id, ExchangeKind.MET)
    again = await one(ready, DraftRequest("followup", (contact.id,), "followup_talk"))
    assert_clean(again)
    assert introduction not in again.rendered.body


# -- ownership --------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["show", "next_version", "other_channel", "mark_sent", "edit"])
async def test_another_student_cannot_touch_a_draft(ready: World, action: str) -> None:
    """Bob gets 'couldn't find' for Alice's draft, and her draft is unchanged."""
    await ready.drafts.save_profile(B, {**PROFILE, "name": "Bob Brown"})
    first = await one(ready, followup("Amara Okafor", event=EVENT, discussed="private"))
    service = ready.drafts
    calls = {
        "show": lambda: service.show(B, first.draft.id),
        "next_version": lambda: service.next_version(B, first.draft.id),
        "other_channel": lambda: service.other_channel(B, first.draft.id),
        "mark_sent": lambda: service.mark_sent(B, first.draft.id),
        "edit": lambda: service.edit_fields(B, first.draft.id, {"discussed": "hijacked"}),
    }
    with pytest.raises(InvalidInput) as raised:
        await calls[action]()
    assert "couldn't find" in raised.value.user_message
    assert "private" not in raised.value.user_message
    after = await service.show(A, first.draft.id)
    assert after.draft == first.draft
    assert await ready.services.contacts.history(A, first.contact.id) == []


async def test_another_student_cannot_resume_a_held_request(world: World) -> None:
    """Bob can neither resume nor peek at Alice's held request; Alice still can."""
    with pytest.raises(ProfileRequired) as held:
        await world.drafts.start(A, followup("Amara Okafor", event=EVENT))
    await world.drafts.save_profile(B, PROFILE)
    with pytest.raises(ExpiredAction):
        await world.drafts.resume(B, held.value.pending_id)
    with pytest.raises(ExpiredAction):
        await world.drafts.pending_request(B, held.value.pending_id)
    assert await world.contacts.count(B) == 0
    await world.drafts.save_profile(A, PROFILE)
    assert len(await world.drafts.resume(A, held.value.pending_id)) == 1


async def test_held_request_expires(world: World) -> None:
    """A held request is gone after a day."""
    with pytest.raises(ProfileRequired) as held:
        await world.drafts.start(A, followup("Amara Okafor", event=EVENT))
    await world.drafts.save_profile(A, PROFILE)
    world.clock.advance(hours=25)
    with pytest.raises(ExpiredAction):
        await world.drafts.resume(A, held.value.pending_id)


# -- student text is data ---------------------------------------------------------------------

HOSTILE = "{{ 7*7 }} {% for x in y %} @everyone **md** <@123>"


async def test_student_text_comes_out_verbatim(ready: World) -> None:
    """Jinja syntax, mentions and markdown typed by the student are printed as typed."""
    await ready.drafts.save_profile(A, {"pitch": "I love {{ me.name }} and @here"})
    result = await one(
        ready,
        DraftRequest(
            "followup",
            ("Amara **Okafor**",),
            "followup_conference",
            Channel.EMAIL,
            {"event": f"the {HOSTILE} talk", "discussed": HOSTILE, "ask": "{% raw %}"},
        ),
    )
    body = result.rendered.body
    assert f"the {HOSTILE} talk" in body
    assert HOSTILE in body
    assert "{% raw %}" in body
    assert "49" not in body
    # The greeting is built from the parsed name: markdown around a word is not part of it.
    assert "Amara Okafor" in body and "**" not in body.split(",")[0]


async def test_preview_uses_own_profile_or_sample(world: World) -> None:
    """Preview renders with a sample profile until the student has one, then with theirs."""
    template_id = world.drafts.catalogue.templates()[0].id
    info, rendered, own = await world.drafts.preview(A, template_id, Channel.LINKEDIN)
    assert (info.id, own, rendered.channel) == (template_id, False, "linkedin")
    assert not LEFTOVER.search(rendered.body)
    await world.drafts.save_profile(A, {**PROFILE, "name": "Zed Quinlan"})
    _, rendered, own = await world.drafts.preview(A, template_id, Channel.EMAIL)
    assert own is True and "Zed" in rendered.body
    with pytest.raises(InvalidInput):
        await world.drafts.preview(A, "no_such_template", Channel.EMAIL)


@pytest.mark.parametrize(
    ("met_event", "expected"),
    [("Surgery clerkship", "followup_rotation"), ("Grand rounds", "followup_talk")],
)
async def test_template_chosen_from_where_an_existing_contact_was_met(
    ready: World, met_event: str, expected: str
) -> None:
    """Without an event or template, the follow-up fits where the contact was met."""
    contact = await add_contact(ready, "Amara Okafor", met_event=met_event)
    result = await one(ready, followup(contact.id))
    assert result.template.id == expected
    if "event" in (*result.template.requires, *result.template.uses):
        assert met_event in result.rendered.body


async def test_template_chosen_from_contact_after_profile_form(world: World) -> None:
    """The choice from where the contact was met survives waiting for the profile."""
    contact = await add_contact(world, "Amara Okafor", met_event="Surgery clerkship")
    with pytest.raises(ProfileRequired) as held:
        await world.drafts.start(A, followup(contact.id))
    await world.drafts.save_profile(A, PROFILE)
    [result] = await world.drafts.resume(A, held.value.pending_id)
    assert result.template.id == "followup_rotation"


async def test_a_rejected_fields_form_can_be_sent_again(ready: World) -> None:
    """A field over its limit is refused and the held request stays: the corrected form
    drafts (it used to find the request gone)."""
    template_id, field = required_outreach(ready)
    with pytest.raises(FieldsRequired) as held:
        await ready.drafts.start(A, outreach(template_id, "Amara Okafor"))
    with pytest.raises(InvalidInput):
        await ready.drafts.resume(A, held.value.pending_id, {field: "x" * 5000})
    [result] = await ready.drafts.resume(A, held.value.pending_id, {field: "1 March"})
    assert result.draft.fields[field] == "1 March"
    with pytest.raises(ExpiredAction):
        await ready.drafts.resume(A, held.value.pending_id, {field: "1 March"})  # used up
