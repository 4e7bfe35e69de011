"""/prep's questions about the person: filled from the contact's specialty, institution and notes
(prompts/coach/questions/personal.md), never from anything the student did not record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.coach import PersonalQuestion, parse_personal
from bot.core.models import Contact, ContactDraft, Role
from bot.core.prep_questions import (
    PERSONAL_MAX,
    personal_questions,
    specialty_words,
    things_noted,
)
from tests.fakes import shipped_coach_library

LIBRARY = shipped_coach_library()
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def contact(**fields: object) -> Contact:
    draft = ContactDraft(name="Helen Marsh, MD", role=Role.ATTENDING, **fields)  # type: ignore[arg-type]
    return Contact(id=7, owner_id=1, draft=draft, created_at=NOW, updated_at=NOW)


def asked(**fields: object) -> list[str]:
    return personal_questions(contact(**fields), LIBRARY.personal, seed="1:7:research")


def test_noted_group_gets_a_question_about_that_group() -> None:
    """The issue's example: a contact noted as running the echo research group."""
    questions = asked(notes="Runs the echo research group")
    assert len(questions) == 1
    assert "the echo research group" in questions[0]
    assert questions[0].endswith("?") and "{" not in questions[0]


def test_specialty_and_institution_are_named() -> None:
    questions = asked(specialty="Cardiology", institution="Riverside Medical Center")
    assert len(questions) == 2
    assert "cardiology" in questions[0]  # a specialty is not a proper noun mid-sentence
    assert "Riverside Medical Center" in questions[1]


def test_nothing_recorded_gives_no_personal_question() -> None:
    assert asked() == []
    assert asked(notes="Very kind, great teacher") == []


def test_note_first_then_specialty_then_institution_capped() -> None:
    questions = asked(
        notes="Leads the HF transitions team. Studies readmissions in older adults",
        specialty="Cardiology",
        institution="Riverside",
    )
    assert len(questions) == PERSONAL_MAX
    assert "the HF transitions team" in questions[0]
    assert "cardiology" in questions[1] and "Riverside" in questions[2]


def test_last_exchange_note_is_used_after_the_contacts_notes() -> None:
    c = contact(notes=None)
    questions = personal_questions(
        c, LIBRARY.personal, "s", last_note="She mentioned her new SGLT2 trial"
    )
    assert questions == [
        next(q.text for q in LIBRARY.personal if "mentioned" in q.cues).replace(
            "{thing}", "your new SGLT2 trial"
        )
    ]


@pytest.mark.parametrize(
    ("note", "thing"),
    [
        ("runs the echo research group", "the echo research group"),
        ("Runs the echo lab; likes students who code", "the echo lab"),
        ("Cardiologist who runs the HF clinic at Riverside", "the HF clinic at Riverside"),
        ("leads a QI team", "the QI team"),
        ("She studies sleep loss in residents and mentors students", "sleep loss in residents"),
        ("interested in global health, plays tennis", "global health"),
        ("Directs her own outcomes lab.", "your own outcomes lab"),
        ("mentioned his move to Boston", "your move to Boston"),
    ],
)
def test_what_the_note_says_they_do(note: str, thing: str) -> None:
    assert [t for t, _ in things_noted([note], LIBRARY.personal)] == [thing]


@pytest.mark.parametrize(
    "note",
    [
        "runs marathons",  # not a group: "How did marathons come about" would be nonsense
        "mentioned SGLT2 inhibitors",  # "mentioned" wants "the/a/her …"
        "she leads the program that he founded",  # "he founded" cannot become "you"
        "talked about him",
        "Asked about her echo study",  # what the student did, not what the person does
        "runs " + "the " + "very " * 10 + "long group",  # a story, not a name
        "",
    ],
)
def test_notes_that_cannot_make_a_true_question_give_none(note: str) -> None:
    assert things_noted([note], LIBRARY.personal) == []


def test_specialty_words() -> None:
    assert specialty_words("Internal Medicine") == "internal medicine"
    assert specialty_words("ENT") == "ENT"
    assert specialty_words("Ob/Gyn") == "Ob/Gyn"
    assert specialty_words("PM&R") == "PM&R"


def test_a_slot_value_is_never_filled_twice() -> None:
    """A specialty typed as "{institution}" stays text; it is not a template."""
    questions = asked(specialty="{institution}", institution="Riverside")
    assert any("{institution}" in q for q in questions)
    assert questions[1].count("Riverside") == 1


def test_choice_is_stable_and_varies_by_seed() -> None:
    c = contact(specialty="Cardiology")
    picks = {personal_questions(c, LIBRARY.personal, f"1:7:{k}")[0] for k in range(20)}
    assert personal_questions(c, LIBRARY.personal, "x") == personal_questions(
        c, LIBRARY.personal, "x"
    )
    assert len(picks) > 1  # the alternatives in personal.md are all used


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("specialty What drew you?", "not “key: question”"),
        ("specialty: What drew you to {institution}?", "{specialty}"),
        ("runs: How did it start?", "{thing}"),
        ("runs, , leads: How did {thing} start?", "empty phrase"),
    ],
)
def test_malformed_personal_entries_are_reported(entry: str, problem: str) -> None:
    parsed = parse_personal(entry)
    assert isinstance(parsed, str) and problem in parsed


def test_shipped_personal_questions_cover_every_slot() -> None:
    slots = {q.slot for q in LIBRARY.personal}
    assert slots == {"specialty", "institution", "thing"}
    assert all(isinstance(q, PersonalQuestion) for q in LIBRARY.personal)


@given(
    notes=st.text(max_size=200),
    specialty=st.text(max_size=40),
    institution=st.text(max_size=40),
)
def test_never_raises_never_a_leftover_slot(notes: str, specialty: str, institution: str) -> None:
    questions = asked(notes=notes, specialty=specialty, institution=institution)
    assert len(questions) <= PERSONAL_MAX
    typed = notes + specialty + institution
    for q in questions:
        assert q.endswith("?")
        assert not any(slot in q and slot not in typed for slot in ("{thing}", "{specialty}"))
