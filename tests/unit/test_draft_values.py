"""What DraftService hands the templates (docs/drafts.md): tone, English, the student's note,
interests that fit, no self-introduction to someone they already know."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.content.templates import TemplateCatalogue
from bot.core import draft_values
from bot.core.drafts import DraftRequest
from bot.core.meetings import EventKind
from bot.core.models import Exchange, ExchangeKind, Profile, Role, Tone
from tests.unit.test_drafts_service import (
    PROFILE,
    A,
    World,
    add_contact,
    build_world,
    followup,
    outreach,
)


@pytest.fixture
async def ready() -> World:
    """Student A with a profile, on the in-memory fakes (as in test_drafts_service)."""
    world = build_world()
    await world.drafts.save_profile(A, PROFILE)
    return world


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every context the catalogue renders, in order."""
    contexts: list[dict[str, Any]] = []
    original = TemplateCatalogue.render

    def spy(self, template_id, channel, context, version=1):  # type: ignore[no-untyped-def]
        contexts.append(dict(context))
        return original(self, template_id, channel, context, version)

    monkeypatch.setattr(TemplateCatalogue, "render", spy)
    return contexts


def _exchange(kind: ExchangeKind, note: str | None = None) -> Exchange:
    return Exchange(1, 1, kind, date(2026, 3, 1), note, datetime(2026, 3, 1, tzinfo=UTC))


async def test_typed_values_reach_the_template_in_shape(
    ready: World, seen: list[dict[str, Any]]
) -> None:
    await ready.drafts.save_profile(
        A, {"stage": "MS2", "signoff": "Kind regards,", "interests": "cardiology, equity"}
    )
    contact = await add_contact(ready, role=Role.ATTENDING, specialty="Cardiology")
    await ready.drafts.start(
        A,
        followup(
            contact.id,
            event="AAMC Annual Meeting",
            discussed="her heart-failure clinic.",
            ask="shadowing your clinic",
        ),
    )
    context = seen[-1]
    assert context["me"]["a_stage"] == "a second-year medical student"
    assert context["me"]["signoff"] == "Kind regards"
    assert context["me"]["interests"] == "cardiology and equity"
    assert context["discussed"] == "your heart-failure clinic"
    assert context["ask"] == "Would you be open to me shadowing your clinic?"
    assert context["event"] == "the AAMC Annual Meeting"
    assert context["tone"] == "warm"
    assert context["them"]["known"] is False


async def test_interests_only_when_they_fit_the_contact(
    ready: World, seen: list[dict[str, Any]]
) -> None:
    await ready.drafts.save_profile(A, {"interests": "cardiology and health equity"})
    dermatologist = await add_contact(ready, "Lee Park", specialty="Dermatology")
    await ready.drafts.start(A, followup(dermatologist.id, event="the skin symposium"))
    assert seen[-1]["me"]["interests"] is None


async def test_the_note_typed_for_a_person_reaches_their_draft(
    ready: World, seen: list[dict[str, Any]]
) -> None:
    event = await ready.services.events.log(A, "Cardiology Day", EventKind.CONFERENCE, "2026-03-06")
    people = await ready.services.events.add_people(
        A,
        event.id,
        ["Dr Amara Okafor — runs the echo research group", "Sam Lee: asked about his fellowship"],
    )
    request = await ready.services.events.followup_request(A, event.id)
    results = await ready.drafts.start(A, request)
    assert [r.contact.id for r in results] == [p.id for p in people]
    details = [c["discussed"] for c in seen[-2:]]
    assert details == ["how you run the echo research group", "your fellowship"]
    assert results[0].rendered.body != results[1].rendered.body


async def test_no_self_introduction_flag_for_someone_already_written_to(
    ready: World, seen: list[dict[str, Any]]
) -> None:
    contact = await add_contact(ready)
    await ready.services.contacts.log_exchange(A, contact.id, ExchangeKind.EMAILED)
    await ready.drafts.start(A, outreach("outreach_progress_update", contact.id, update="x"))
    assert seen[-1]["them"]["known"] is True


async def test_tone_is_kept_on_the_draft_and_cycles(
    ready: World, seen: list[dict[str, Any]]
) -> None:
    contact = await add_contact(ready)
    request = DraftRequest(
        kind="followup", people=(contact.id,), fields={"event": "the talk"}, tone=Tone.FORMAL
    )
    [result] = await ready.drafts.start(A, request)
    assert result.draft.tone is Tone.FORMAL
    assert seen[-1]["tone"] == "formal"
    brief = await ready.drafts.change_tone(A, result.draft.id)
    assert brief.draft.tone is Tone.BRIEF
    assert seen[-1]["tone"] == "brief"
    warm = await ready.drafts.change_tone(A, result.draft.id)
    assert warm.draft.tone is Tone.WARM
    again = await ready.drafts.show(A, result.draft.id)
    assert again.draft.tone is Tone.WARM


async def test_uk_english_dates(ready: World, seen: list[dict[str, Any]]) -> None:
    contact = await add_contact(ready, met_event="the talk", met_on=date(2026, 2, 20))
    await ready.drafts.start(A, followup(contact.id, deadline="2026-04-01"))
    assert seen[-1]["met_when"] == "on February 20"
    await ready.drafts.save_profile(A, {"english": "uk"})
    await ready.drafts.start(A, followup(contact.id))
    assert seen[-1]["met_when"] == "on 20 February"


async def test_a_pronoun_that_cannot_be_turned_is_flagged(ready: World) -> None:
    contact = await add_contact(ready)
    [result] = await ready.drafts.start(
        A, followup(contact.id, event="the talk", discussed="She is an amazing teacher")
    )
    assert result.checks and "What you talked about" in result.checks[0]


async def test_an_unknown_english_is_refused(ready: World) -> None:
    from bot.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        await ready.drafts.save_profile(A, {"english": "fr"})
    profile = await ready.drafts.profile(A)
    assert profile is not None and profile.english == "us"


@pytest.mark.parametrize(
    ("pitch", "expected"),
    [
        (
            "Hi, I'm Amara, a first-year here. Seeing patients cope with diabetes drew me to "
            "primary care. I'd love to hear how you chose your field.",
            "Seeing patients cope with diabetes drew me to primary care.",
        ),
        ("I'm Dan, a third-year. I want strong teaching.", None),
        (None, None),
    ],
)
def test_drew_me_is_the_one_sentence_about_why(pitch: str | None, expected: str | None) -> None:
    assert draft_values.drew_me(pitch) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Asked about her clinic; she suggested a paper", "your clinic"),
        ("runs the echo research group", "how you run the echo research group"),
        ("PGY-2, call in March", None),
        ("Follow up in March re: research", None),
        ("Sent the “After a talk” draft (E-mail).", None),
        ("She is lovely", None),
    ],
)
def test_only_notes_that_read_well_are_used(note: str, expected: str | None) -> None:
    assert draft_values.note_detail(note, ()) == expected


def test_a_generated_exchange_note_is_skipped_but_a_real_one_is_used() -> None:
    history = [
        _exchange(ExchangeKind.EMAILED, "Sent the “After a talk” draft (E-mail)."),
        _exchange(ExchangeKind.MET, "talked about the GUIDE-HF trial"),
    ]
    assert draft_values.note_detail(None, history) == "the GUIDE-HF trial"
    assert draft_values.acquainted(history)
    assert not draft_values.acquainted([_exchange(ExchangeKind.MET)])


def test_student_values_fall_back_to_what_was_typed() -> None:
    me = draft_values.student_values(
        Profile(name="Maya", school='"', stage="?"), first_name="Maya", specialty=None
    )
    assert me["school"] == '"'
    assert me["stage"] == "?"
    assert me["signoff"] == "Best wishes"


async def test_uk_english_turns_the_template_words_but_not_the_students(
    ready: World,
) -> None:
    contact = await add_contact(ready)
    request = outreach(
        "outreach_letter",
        contact.id,
        program="the Riverside Center program",
        deadline="2026-03-01",
    )
    us = (await ready.drafts.start(A, request))[0].rendered.body
    await ready.drafts.save_profile(A, {"english": "uk"})
    uk = (await ready.drafts.start(A, request))[0].rendered.body
    assert "the Riverside Center program" in uk  # typed by the student: left as typed
    assert "1 March" in uk and "March 1" in us


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Cardiology.", "cardiology"),
        ("pediatric oncology, global health", "pediatric oncology and global health"),
        ("HIV care, Global Health", "HIV care and global health"),
        ("Emergency Medicine & Trauma", "emergency medicine and trauma"),
        ("cardiology and health equity", "cardiology and health equity"),
    ],
)
def test_interests_read_mid_sentence(typed: str, expected: str) -> None:
    assert draft_values.interest_phrase(typed) == expected
