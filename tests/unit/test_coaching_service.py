"""CoachingService over the in-memory fakes and the shipped prompts/coach content."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.coach import MEETING_KINDS, TOPICS
from bot.core.coaching import GOAL_MAX, PITCH_PART_MAX, PREP_QUESTIONS, topic_for
from bot.core.drafts import DraftRequest
from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.models import Contact, ContactDraft, DueItem, ExchangeKind, ItemKind, Role
from bot.core.progress import WeeklyGoal
from bot.core.services import Services
from tests.fakes import (
    FakeClock,
    InMemoryContactRepository,
    build_services,
    shipped_coach_library,
)

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
PROFILE = {"name": "Maya Chen", "school": "Riverside School of Medicine", "stage": "MS2"}
LIBRARY = shipped_coach_library()
PARTS = [
    "I'm Maya, a second-year medical student at Riverside",
    "A patient with heart failure on my first placement drew me to cardiology!",
    "I'd love to hear how you chose your field?",
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def services(clock: FakeClock) -> Services:
    return build_services(clock)


async def add(services: Services, owner: int = A, name: str = "Amara Okafor", **fields) -> Contact:
    outcome = await services.contacts.add(owner, ContactDraft(name=name, **fields))
    assert outcome.contact is not None
    return outcome.contact


def texts(topic: str) -> set[str]:
    return {tip.text for tip in LIBRARY.tips(topic)}


# -- /tip ---------------------------------------------------------------------------------------


async def test_tip_without_contacts_starts_where_you_are(services: Services) -> None:
    """A student with no contacts gets a tip about the people they already know."""
    tip = await services.coaching.tip(A)
    assert tip.topic == "start_where_you_are"
    assert tip.text in texts("start_where_you_are")


@pytest.mark.parametrize(
    ("fields", "topic"),
    [
        ({"met_event": "surgery clerkship"}, "rotations"),
        ({"role": Role.RESEARCHER}, "research"),
        ({"met_event": "Cardiology office hours"}, "office_hours"),
        ({"met_event": "grand rounds on sepsis"}, "talks"),
        ({"role": Role.TUTOR}, "mentorship"),
        ({"role": Role.OTHER}, "events"),
    ],
)
async def test_tip_follows_the_latest_contact(services: Services, fields: dict, topic: str) -> None:
    """Without a topic, the tip fits where the latest contact was met or who they are."""
    await add(services, **fields)
    tip = await services.coaching.tip(A)
    assert tip.topic == topic
    assert tip.text in texts(topic)


async def test_tip_uses_the_most_recently_changed_contact(
    services: Services, clock: FakeClock
) -> None:
    """Of several contacts, the one added or edited last decides the topic."""
    await add(services, name="Old Researcher", role=Role.RESEARCHER)
    clock.advance(hours=1)
    await add(services, name="New Resident", met_event="surgery clerkship")
    assert (await services.coaching.tip(A)).topic == "rotations"


async def test_tip_awaiting_reply_is_about_persistence(
    services: Services, clock: FakeClock
) -> None:
    """Someone who hasn't answered a sent message makes the tip about persistence."""
    contact = await add(services, met_event="surgery clerkship")
    await services.drafts.save_profile(A, PROFILE)
    [result] = await services.drafts.start(
        A, DraftRequest("followup", (contact.id,), fields={"event": "the surgery clerkship"})
    )
    assert (await services.coaching.tip(A)).topic == "rotations"  # drafted, not yet sent
    await services.drafts.mark_sent(A, result.draft.id)
    clock.advance(days=2)
    tip = await services.coaching.tip(A)
    assert tip.topic == "persistence"
    assert tip.text in texts("persistence")


class NoWholeList(InMemoryContactRepository):
    """A contact store that fails the test when every contact is read, except to answer
    awaiting_any_reply itself."""

    asking = False

    async def awaiting_any_reply(self, owner_id: int) -> bool:
        self.asking = True
        try:
            return await super().awaiting_any_reply(owner_id)
        finally:
            self.asking = False

    async def list_all(self, owner_id, contact_filter):  # type: ignore[no-untyped-def]
        assert self.asking, "every contact read for a tip"
        return await super().list_all(owner_id, contact_filter)


async def test_tip_reads_the_latest_contact_not_every_contact(clock: FakeClock) -> None:
    """The tip's topic comes from the latest contact and whether anyone owes a reply: two
    look-ups, never a read of the student's whole list."""
    services = build_services(clock, contacts=NoWholeList())
    await add(services, name="Old Researcher", role=Role.RESEARCHER)
    clock.advance(hours=1)
    await add(services, name="New Resident", met_event="surgery clerkship")
    assert (await services.coaching.tip(A)).topic == "rotations"


@pytest.mark.parametrize("topic", [None, "persistence", "balance", *sorted(TOPICS)[:3]])
async def test_never_the_same_tip_twice_in_a_row(services: Services, topic: str | None) -> None:
    """Thirty tips in a row never repeat back to back, and the topic's tips all come round."""
    tips = [await services.coaching.tip(A, topic) for _ in range(30)]
    keys = [t.key for t in tips]
    assert all(a != b for a, b in pairwise(keys)), keys
    expected = topic or "start_where_you_are"
    assert {t.topic for t in tips} == {expected}
    assert {t.text for t in tips} == texts(expected)


async def test_switching_topics_never_repeats(services: Services) -> None:
    """Alternating between a topic and no topic still never repeats a tip back to back."""
    keys = [(await services.coaching.tip(A, "balance" if n % 3 else None)).key for n in range(30)]
    assert all(a != b for a, b in pairwise(keys)), keys


async def test_two_students_rotate_independently(clock: FakeClock) -> None:
    """Bob's tips are the same whether or not Alice asked for tips in between."""
    alone = build_services(FakeClock(NOW))
    bob_alone = [(await alone.coaching.tip(B, "events")).key for _ in range(6)]

    together = build_services(clock)
    bob_together = []
    for _ in range(6):
        await together.coaching.tip(A, "events")
        await together.coaching.tip(A, "events")
        bob_together.append((await together.coaching.tip(B, "events")).key)
    assert bob_together == bob_alone


@pytest.mark.parametrize("topic", ["", "networking", "Balance", "tips"])
async def test_tip_unknown_topic_is_invalid(services: Services, topic: str) -> None:
    """A topic outside TOPICS is refused with InvalidInput."""
    with pytest.raises(InvalidInput):
        await services.coaching.tip(A, topic)


# -- the digest's tip of the week ---------------------------------------------------------------

MONDAY = date(2026, 11, 23)


def item(kind: ItemKind, contact: Contact | None = None) -> DueItem:
    return DueItem(kind=kind, due_on=MONDAY, contact=contact)


async def test_tip_for_week_nudge_first_is_about_persistence(services: Services) -> None:
    """When a nudge leads the digest, the tip is about persistence."""
    contact = await add(services, met_event="surgery clerkship")
    items = [item(ItemKind.NUDGE, contact), item(ItemKind.FOLLOW_UP, contact)]
    assert services.coaching.tip_for_week(A, items, MONDAY) in texts("persistence")


async def test_tip_for_week_follow_up_fits_where_they_met(services: Services) -> None:
    """A follow-up first takes its topic from where the contact was met."""
    contact = await add(services, met_event="surgery clerkship")
    tip = services.coaching.tip_for_week(A, [item(ItemKind.FOLLOW_UP, contact)], MONDAY)
    assert tip in texts("rotations")


@pytest.mark.parametrize(
    ("kind", "topic"),
    [(ItemKind.CHECK_IN, "mentorship"), (ItemKind.REMINDER, "balance")],
)
def test_tip_for_week_by_item_kind(services: Services, kind: ItemKind, topic: str) -> None:
    """Check-ins lead to mentorship tips, one-off reminders to balance."""
    assert services.coaching.tip_for_week(A, [item(kind)], MONDAY) in texts(topic)


def test_tip_for_week_empty_is_about_balance(services: Services) -> None:
    """A week with nothing due gets a balance tip."""
    assert services.coaching.tip_for_week(A, [], MONDAY) in texts("balance")


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    student=st.integers(min_value=1, max_value=2**63),
    nudge=st.booleans(),
)
def test_tip_for_week_same_within_a_week_changes_across_weeks(
    day: date, student: int, nudge: bool
) -> None:
    """The same all week (Monday to Sunday), and a different tip the following week."""
    coaching = build_services(FakeClock(NOW)).coaching
    items = [item(ItemKind.NUDGE)] if nudge else []
    monday = day - timedelta(days=day.weekday())
    this_week = {
        coaching.tip_for_week(student, items, monday + timedelta(days=n)) for n in range(7)
    }
    assert len(this_week) == 1
    following = coaching.tip_for_week(student, items, monday + timedelta(days=7))
    assert following not in this_week


# -- /prep --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["", "coffee", "Office_Hours", "office hours"])
async def test_prep_unknown_kind_is_invalid(services: Services, kind: str) -> None:
    """A meeting kind outside MEETING_KINDS is refused."""
    with pytest.raises(InvalidInput):
        await services.coaching.prep(A, kind)


@pytest.mark.parametrize("kind", sorted(MEETING_KINDS))
async def test_prep_five_distinct_questions_and_full_checklist(
    services: Services, kind: str
) -> None:
    """Five different questions from that kind's bank, and the whole checklist in order."""
    prep = await services.coaching.prep(A, kind)
    assert prep.kind == kind and prep.title == MEETING_KINDS[kind]
    assert len(prep.questions) == PREP_QUESTIONS == len(set(prep.questions))
    assert set(prep.questions) <= set(LIBRARY.questions[kind])
    assert list(prep.checklist) == LIBRARY.checklists[kind]
    assert prep.contact is None and prep.last_exchange is None


async def test_prep_is_stable_for_the_day(services: Services) -> None:
    """Asking twice the same day gives the same questions (a preview matches the real thing)."""
    first = await services.coaching.prep(A, "conference")
    assert (await services.coaching.prep(A, "conference")).questions == first.questions


async def test_prep_with_contact_shows_them_and_last_noted_exchange(
    services: Services, clock: FakeClock
) -> None:
    """With a contact: the contact, and the newest exchange that has a note."""
    contact = await add(
        services, role=Role.RESEARCHER, specialty="cardiology", notes="Runs the echo lab"
    )
    await services.contacts.log_exchange(A, contact.id, ExchangeKind.MET, note="First chat")
    clock.advance(days=3)
    await services.contacts.log_exchange(
        A, contact.id, ExchangeKind.EMAILED, note="Asked about the echo study"
    )
    clock.advance(days=3)
    await services.contacts.log_exchange(A, contact.id, ExchangeKind.CALLED)
    prep = await services.coaching.prep(A, "research", contact.id)
    assert prep.contact is not None and prep.contact.id == contact.id
    assert prep.contact.draft.notes == "Runs the echo lab"
    assert prep.last_exchange is not None
    assert prep.last_exchange.note == "Asked about the echo study"
    assert len(set(prep.questions)) == PREP_QUESTIONS
    # What the student recorded comes first: the note, then the specialty.
    assert "how you run the echo lab" in prep.questions[0]
    assert "cardiology" in prep.questions[1]
    assert set(prep.questions[2:]) <= set(LIBRARY.questions["research"])
    assert list(prep.checklist) == LIBRARY.checklists["research"]


async def test_prep_names_the_group_the_student_noted(services: Services) -> None:
    """A contact noted as running the echo research group gets a question about that group;
    one with nothing recorded gets only questions from the bank (no guesses)."""
    noted = await add(
        services,
        role=Role.ATTENDING,
        institution="St Mary's Hospital",
        notes="runs the echo research group",
    )
    prep = await services.coaching.prep(A, "office_hours", noted.id)
    assert any("how you run the echo research group" in q for q in prep.questions)
    assert any("St Mary's Hospital" in q for q in prep.questions)
    assert not any("{" in q for q in prep.questions)
    bare = await add(services, name="Sam Lee")
    plain = await services.coaching.prep(A, "office_hours", bare.id)
    assert set(plain.questions) <= set(LIBRARY.questions["office_hours"])


async def test_prep_with_contact_without_notes_has_no_last_exchange(services: Services) -> None:
    """Exchanges without notes leave last_exchange empty."""
    contact = await add(services)
    await services.contacts.log_exchange(A, contact.id, ExchangeKind.EMAILED)
    prep = await services.coaching.prep(A, "office_hours", contact.id)
    assert prep.contact is not None and prep.last_exchange is None


async def test_prep_with_another_students_contact_is_not_found(services: Services) -> None:
    """Bob can't prepare a meeting with Alice's contact: ContactNotFound, nothing shown."""
    contact = await add(services, owner=A)
    with pytest.raises(ContactNotFound):
        await services.coaching.prep(B, "office_hours", contact.id)
    with pytest.raises(ContactNotFound):
        await services.coaching.prep(A, "office_hours", contact.id + 999)


# -- the elevator pitch -------------------------------------------------------------------------


async def test_compose_pitch_joins_parts_with_sentence_endings(services: Services) -> None:
    """The three answers become sentences; words and seconds (≈ words / 2.5) are counted."""
    pitch = await services.coaching.compose_pitch(A, PARTS)
    assert pitch.text == (
        "I'm Maya, a second-year medical student at Riverside. "
        "A patient with heart failure on my first placement drew me to cardiology! "
        "I'd love to hear how you chose your field?"
    )
    assert pitch.words == len(pitch.text.split()) == 30
    assert pitch.seconds == 12
    assert pitch.pending_id > 0


async def test_compose_pitch_collapses_white_space(services: Services) -> None:
    """Line breaks and runs of spaces inside an answer become single spaces."""
    pitch = await services.coaching.compose_pitch(A, ["  I'm  Maya\n", "Cardiology\n\nrocks", "Hi"])
    assert pitch.text == "I'm Maya. Cardiology rocks. Hi."
    assert (pitch.words, pitch.seconds) == (5, 2)


@given(words=st.lists(st.integers(min_value=1, max_value=40), min_size=3, max_size=3))
async def test_compose_pitch_seconds_follow_words(words: list[int]) -> None:
    """For any answer lengths, seconds is the word count at 2.5 words a second, rounded."""
    services = build_services(FakeClock(NOW))
    pitch = await services.coaching.compose_pitch(A, [" ".join(["word"] * n) for n in words])
    assert pitch.words == sum(words)
    assert pitch.seconds == round(sum(words) / 2.5)


@pytest.mark.parametrize("missing", [None, "", "   ", "\n"])
@pytest.mark.parametrize("position", [0, 1, 2])
async def test_compose_pitch_missing_part_is_invalid(
    services: Services, missing: str | None, position: int
) -> None:
    """An unanswered question is refused with InvalidInput."""
    parts: list[str | None] = list(PARTS)
    parts[position] = missing
    with pytest.raises(InvalidInput):
        await services.coaching.compose_pitch(A, parts)


async def test_compose_pitch_part_length_limit(services: Services) -> None:
    """An answer of exactly the limit is fine; one character more is refused."""
    at_limit = "a" * PITCH_PART_MAX
    await services.coaching.compose_pitch(A, [at_limit, at_limit, at_limit])
    with pytest.raises(InvalidInput):
        await services.coaching.compose_pitch(A, [PARTS[0], at_limit + "b", PARTS[2]])


async def test_save_pitch_saves_to_profile(services: Services) -> None:
    """Saving puts the composed text into the student's profile."""
    await services.drafts.save_profile(A, PROFILE)
    pitch = await services.coaching.compose_pitch(A, PARTS)
    saved = await services.coaching.save_pitch(A, pitch.pending_id)
    assert saved.pitch == pitch.text
    profile = await services.drafts.profile(A)
    assert profile is not None and profile.pitch == pitch.text and profile.name == "Maya Chen"


async def test_save_longest_pitch_fits_the_profile(services: Services) -> None:
    """Three answers at the length limit still fit the profile's pitch field."""
    await services.drafts.save_profile(A, PROFILE)
    at_limit = "a" * PITCH_PART_MAX
    pitch = await services.coaching.compose_pitch(A, [at_limit, at_limit, at_limit])
    assert (await services.coaching.save_pitch(A, pitch.pending_id)).pitch == pitch.text


async def test_save_pitch_without_profile_asks_for_one_and_keeps_the_pitch(
    services: Services,
) -> None:
    """Without a profile saving is refused; after /profile the same button still saves."""
    pitch = await services.coaching.compose_pitch(A, PARTS)
    with pytest.raises(InvalidInput, match="profile"):
        await services.coaching.save_pitch(A, pitch.pending_id)
    assert await services.drafts.profile(A) is None
    await services.drafts.save_profile(A, PROFILE)
    assert (await services.coaching.save_pitch(A, pitch.pending_id)).pitch == pitch.text


async def test_save_pitch_twice_is_expired(services: Services) -> None:
    """The second save of the same pitch is an ExpiredAction."""
    await services.drafts.save_profile(A, PROFILE)
    pitch = await services.coaching.compose_pitch(A, PARTS)
    await services.coaching.save_pitch(A, pitch.pending_id)
    with pytest.raises(ExpiredAction):
        await services.coaching.save_pitch(A, pitch.pending_id)


async def test_save_another_students_pitch_is_expired(services: Services) -> None:
    """Bob can't save Alice's pitch; Alice still can afterwards."""
    await services.drafts.save_profile(A, PROFILE)
    await services.drafts.save_profile(B, {**PROFILE, "name": "Bob", "pitch": "Bob's own"})
    pitch = await services.coaching.compose_pitch(A, PARTS)
    with pytest.raises(ExpiredAction):
        await services.coaching.save_pitch(B, pitch.pending_id)
    bob = await services.drafts.profile(B)
    assert bob is not None and bob.pitch == "Bob's own"
    assert (await services.coaching.save_pitch(A, pitch.pending_id)).pitch == pitch.text


async def test_save_pitch_after_a_day_is_expired(services: Services, clock: FakeClock) -> None:
    """A composed pitch is held for 24 hours, then the save button has expired."""
    await services.drafts.save_profile(A, PROFILE)
    pitch = await services.coaching.compose_pitch(A, PARTS)
    clock.advance(hours=24, seconds=1)
    with pytest.raises(ExpiredAction):
        await services.coaching.save_pitch(A, pitch.pending_id)
    profile = await services.drafts.profile(A)
    assert profile is not None and profile.pitch is None


async def test_save_pitch_unknown_id_is_expired(services: Services) -> None:
    """A pending id that never existed is an ExpiredAction."""
    await services.drafts.save_profile(A, PROFILE)
    with pytest.raises(ExpiredAction):
        await services.coaching.save_pitch(A, 987_654)


# -- goals --------------------------------------------------------------------------------------


async def test_goal_defaults(services: Services) -> None:
    """Before /goals the goal is 2 new contacts, 3 follow-ups and 1 check-in."""
    assert await services.coaching.goal(A) == WeeklyGoal(2, 3, 1)


async def test_set_goal_partial_updates_keep_the_rest(services: Services) -> None:
    """Options left out keep their previous values."""
    coaching = services.coaching
    assert await coaching.set_goal(
        A, new_contacts=5, follow_ups=None, check_ins=None
    ) == WeeklyGoal(5, 3, 1)
    assert await coaching.set_goal(
        A, new_contacts=None, follow_ups=0, check_ins=None
    ) == WeeklyGoal(5, 0, 1)
    assert await coaching.set_goal(
        A, new_contacts=None, follow_ups=None, check_ins=None
    ) == WeeklyGoal(5, 0, 1)
    assert await coaching.goal(A) == WeeklyGoal(5, 0, 1)
    assert await coaching.goal(B) == WeeklyGoal()


@pytest.mark.parametrize("value", [0, 1, GOAL_MAX])
@pytest.mark.parametrize("field", ["new_contacts", "follow_ups", "check_ins"])
async def test_set_goal_accepts_zero_to_fifty(services: Services, field: str, value: int) -> None:
    """Each part of the goal accepts 0 to 50."""
    options = {"new_contacts": None, "follow_ups": None, "check_ins": None, field: value}
    goal = await services.coaching.set_goal(A, **options)
    assert getattr(goal, field) == value
    assert getattr(await services.coaching.goal(A), field) == value


@pytest.mark.parametrize("value", [-1, GOAL_MAX + 1, 1000])
@pytest.mark.parametrize("field", ["new_contacts", "follow_ups", "check_ins"])
async def test_set_goal_out_of_range_is_invalid_and_changes_nothing(
    services: Services, field: str, value: int
) -> None:
    """Below 0 or above 50 is refused and the stored goal is unchanged."""
    await services.coaching.set_goal(A, new_contacts=4, follow_ups=4, check_ins=4)
    options = {"new_contacts": None, "follow_ups": None, "check_ins": None, field: value}
    with pytest.raises(InvalidInput):
        await services.coaching.set_goal(A, **options)
    assert await services.coaching.goal(A) == WeeklyGoal(4, 4, 4)


# -- progress -----------------------------------------------------------------------------------

WEEK_1 = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)  # Wednesday of the week of 2 November


async def test_progress_counts_weeks_streak_and_rates() -> None:
    """Contacts and exchanges spread over three weeks: this week's counts, streak and rates."""
    clock = FakeClock(WEEK_1)
    services = build_services(clock)
    contacts, coaching = services.contacts, services.coaching
    await coaching.set_goal(A, new_contacts=2, follow_ups=1, check_ins=0)

    # Week 1 (2–8 Nov): two people met, one followed up the next day. Goal met.
    p1 = await add(services, name="P One", role=Role.RESEARCHER, met_on=date(2026, 11, 4))
    p2 = await add(services, name="P Two", role=Role.RESIDENT, met_on=date(2026, 11, 4))
    clock.advance(days=1)
    await contacts.log_exchange(A, p1.id, ExchangeKind.EMAILED)

    # Week 2 (9–15 Nov): two more people, P2 followed up six days after meeting. Goal met.
    clock.advance(days=5)  # Tuesday 10 Nov
    await add(services, name="P Three", role=Role.RESIDENT, specialty="Surgery")
    await add(services, name="P Four", role=Role.RESIDENT, specialty="Surgery")
    await contacts.log_exchange(A, p2.id, ExchangeKind.MESSAGED)

    # Week 3 (16–22 Nov, this week): one new person, a check-in with P1 and P1's reply.
    clock.advance(days=7)  # Tuesday 17 Nov
    p5 = await add(services, name="P Five", met_on=date(2026, 11, 17))
    await contacts.log_exchange(A, p1.id, ExchangeKind.CALLED)
    await contacts.log_exchange(A, p1.id, ExchangeKind.REPLIED)
    await contacts.log_exchange(A, p1.id, ExchangeKind.MET)  # not outreach: not counted

    # Bob's activity never counts for Alice.
    bob = await add(services, owner=B, name="Bob's contact")
    await contacts.log_exchange(B, bob.id, ExchangeKind.EMAILED)

    result = await coaching.progress(A)
    assert result.goal == WeeklyGoal(2, 1, 0)
    week = result.this_week
    assert week.start == date(2026, 11, 16)
    assert (week.new_contacts, week.follow_ups, week.check_ins, week.replies) == (1, 0, 1, 1)
    assert len(result.weeks) == 12 and result.weeks[-1] == week
    assert [(w.new_contacts, w.follow_ups) for w in result.weeks[-3:-1]] == [(2, 1), (2, 1)]
    assert result.streak == 2  # this week isn't met yet, so it doesn't break the streak
    assert result.follow_up_rate == pytest.approx(1 / 3)  # P1 within 3 days of P1, P2, P5 met
    assert result.reply_rate == pytest.approx(1 / 2)  # P1 of P1 and P2 written to
    assert dict(result.by_role)["Resident"] == 3
    assert result.by_specialty == (("Surgery", 2),)

    # Meeting this week's goal extends the streak; missing a whole week resets it.
    await add(services, name="P Six")
    assert (await coaching.progress(A)).streak == 2  # two new contacts, no follow-up yet
    await contacts.log_exchange(A, p5.id, ExchangeKind.EMAILED)
    met = await coaching.progress(A)
    assert (met.this_week.new_contacts, met.this_week.follow_ups) == (2, 1)
    assert met.streak == 3
    assert met.follow_up_rate == pytest.approx(2 / 3)  # P5 followed up the day they met
    clock.advance(days=14)
    assert (await coaching.progress(A)).streak == 0


class CountsOnly(InMemoryContactRepository):
    """A contact store whose whole lists (what progress once read) may only be read to make the
    counts themselves: any other reader fails the test."""

    counting = False

    async def week_counts(self, owner_id: int, *, today: date, weeks: int):  # type: ignore[override]
        self.counting = True
        try:
            return await super().week_counts(owner_id, today=today, weeks=weeks)
        finally:
            self.counting = False

    async def network_counts(self, owner_id: int, *, top: int):  # type: ignore[override]
        self.counting = True
        try:
            return await super().network_counts(owner_id, top=top)
        finally:
            self.counting = False

    async def list_plain(self, owner_id: int):  # type: ignore[override]
        assert self.counting, "every contact read for progress"
        return await super().list_plain(owner_id)

    async def all_exchanges(self, owner_id: int):  # type: ignore[override]
        assert self.counting, "every exchange read for progress"
        return await super().all_exchanges(owner_id)


async def test_progress_and_the_goal_line_are_counts_not_whole_lists(clock: FakeClock) -> None:
    """`/progress` and a digest's goal line ask the store for counts (week_counts,
    network_counts); neither reads every contact and exchange of the student."""
    services = build_services(clock, contacts=CountsOnly())
    amara = await add(services, role=Role.RESIDENT, specialty="Surgery", met_on=NOW.date())
    await services.contacts.log_exchange(A, amara.id, ExchangeKind.EMAILED)
    result = await services.coaching.progress(A)
    assert (result.this_week.new_contacts, result.this_week.follow_ups) == (1, 1)
    assert result.by_role == (("Resident", 1),) and result.follow_up_rate == 1.0
    digest = await services.reminders.digest_for(A)
    assert digest.progress.this_week == result.this_week
    assert digest.progress.streak == result.streak


async def test_progress_for_a_new_student_is_empty(services: Services) -> None:
    """No contacts: zero counts, no streak, and no rates rather than 0 %."""
    result = await services.coaching.progress(A)
    assert result.this_week.new_contacts == result.this_week.exchanges == 0
    assert result.streak == 0
    assert result.follow_up_rate is None and result.reply_rate is None
    assert result.by_role == () and result.by_specialty == ()


def test_topic_for_no_contact() -> None:
    """No contact at all means starting where you are."""
    assert topic_for(None) == "start_where_you_are"


class WeeksAsked(InMemoryContactRepository):
    """Remembers how many weeks each week_counts call asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []

    async def week_counts(self, owner_id: int, *, today: date, weeks: int):  # type: ignore[override]
        self.asked.append(weeks)
        return await super().week_counts(owner_id, today=today, weeks=weeks)


@pytest.mark.parametrize("met_weeks", [0, 1, 2, 3, 4, 5, 15, 16, 52, 60])
async def test_the_goal_line_counts_as_far_back_as_the_streak_goes(met_weeks: int) -> None:
    """The digest's goal line gives the same streak as /progress (a year of weeks), reading
    only the last few weeks when the streak is short: every streak length across the widening
    windows, up to past the year /progress counts."""
    clock = FakeClock(WEEK_1 - timedelta(weeks=met_weeks))
    repository = WeeksAsked()
    services = build_services(clock, contacts=repository)
    await services.coaching.set_goal(A, new_contacts=1, follow_ups=0, check_ins=0)
    for week in range(met_weeks):
        await add(services, name=f"Person {week}")
        clock.advance(days=7)
    expected = (await services.coaching.progress(A)).streak
    assert expected == min(met_weeks, 52)
    repository.asked.clear()
    line = await services.coaching.goal_progress(A, today=clock.now().date())
    assert line.streak == expected
    assert repository.asked[0] == 4
    if met_weeks < 3:
        assert repository.asked == [4]
