"""Student-typed values turned into the shapes docs/drafts.md promises the templates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import phrasing


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kind regards,", "Kind regards"),
        ("Best,", "Best"),
        ("Thanks!", "Thanks"),
        ("Warmly,,", "Warmly"),
        ("— Maya", "Maya"),
        ("  best wishes ", "Best wishes"),
        (",", None),
        ("", None),
    ],
)
def test_signoff_loses_its_own_comma(typed: str, expected: str | None) -> None:
    assert phrasing.signoff(typed) == expected


@pytest.mark.parametrize(
    ("typed", "noun", "with_article"),
    [
        ("MS2", "second-year medical student", "a second-year medical student"),
        ("ms-2", "second-year medical student", "a second-year medical student"),
        ("M3", "third-year medical student", "a third-year medical student"),
        ("MS4", "fourth-year medical student", "a fourth-year medical student"),
        ("an MS1", "first-year medical student", "a first-year medical student"),
        ("OMS-II", "second-year osteopathic medical student", "a second-year osteopathic …"),
        ("OMS2", "second-year osteopathic medical student", "a second-year osteopathic …"),
        ("second year", "second-year medical student", "a second-year medical student"),
        ("2nd year med student", "second-year medical student", "a second-year …"),
        ("Year 3 student", "third-year medical student", "a third-year medical student"),
        ("final year medical student", "final-year medical student", "a final-year …"),
        ("first-year medical student", "first-year medical student", "a first-year …"),
        ("MD/PhD student", "MD/PhD student", "an MD/PhD student"),
        ("M.D. candidate", "M.D. candidate", "an M.D. candidate"),
        ("gap-year pre-med", "gap-year pre-med", "a gap-year pre-med"),
        ("undergraduate research assistant", "undergraduate research assistant", "an …"),
        ("university student", "university student", "a university student"),
        ("PGY-1", "PGY-1", "a PGY-1"),
    ],
)
def test_stage_is_written_out_with_the_right_article(
    typed: str, noun: str, with_article: str
) -> None:
    stage = phrasing.stage(typed)
    assert stage is not None
    assert stage.noun == noun
    expected_article = with_article.split()[0]
    assert stage.with_article == f"{expected_article} {noun}"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("MS2", "an"),
        ("FBI agent", "an"),
        ("RN", "an"),
        ("PGY-2", "a"),
        ("hour", "an"),
        ("honest answer", "an"),
        ("university", "a"),
        ("European conference", "a"),
        ("one-year program", "a"),
        ("apple", "an"),
        ("18-month study", "an"),
        ("8-week elective", "an"),
        ("3rd-year student", "a"),
        ("", "a"),
    ],
)
def test_article_follows_the_sound(phrase: str, expected: str) -> None:
    assert phrasing.article(phrase) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Could I shadow one of your clinics??", "Could I shadow one of your clinics?"),
        ("could i shadow you", "Could i shadow you?"),
        ("shadowing your clinic", "Would you be open to me shadowing your clinic?"),
        ("advice on applying to cardiology", "Could I ask your advice on applying to cardiology?"),
        (
            "whether I could join your research group",
            "I wanted to ask whether I could join your research group.",
        ),
        ("a 15-minute call", "Would you be open to a 15-minute call?"),
        ("to shadow you next month", "Would it be possible for me to shadow you next month?"),
        ("shadow her clinic", "Could I shadow your clinic?"),
        ("meet for coffee", "Could we meet for coffee?"),
        (
            "a letter of recommendation",
            "Would you be willing to write a letter of recommendation for me?",
        ),
        ("your thoughts on my research plan", "Could I ask your thoughts on my research plan?"),
        ("I'd love to hear about your path.", "I'd love to hear about your path."),
        (
            "research opportunities in your lab",
            "Could I ask you about research opportunities in your lab?",
        ),
        ("feedback on my CV", "Would you be willing to give me feedback on my CV?"),
        ("is there room for a student in your lab", "Is there room for a student in your lab?"),
        ("do a research project with you", "Could I do a research project with you?"),
        ('"Could we meet?"', "Could we meet?"),
        (
            "Any advice for a student interested in EM?",
            "Any advice for a student interested in EM?",
        ),
    ],
)
def test_ask_is_one_whole_sentence(typed: str, expected: str) -> None:
    assert phrasing.ask_sentence(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected", "needs_check"),
    [
        (
            "Asked about her heart-failure clinic; she suggested reading the GUIDE-HF trial",
            "your heart-failure clinic",
            False,
        ),
        ("his path into cardio-oncology", "your path into cardio-oncology", False),
        ("How your clinic follows up patients.", "how your clinic follows up patients", False),
        ("we talked about the GUIDE-HF trial", "the GUIDE-HF trial", False),
        ("runs the echo research group", "how you run the echo research group", False),
        ("She runs the echo lab", "how you run the echo lab", False),
        ("studies sepsis in the ED", "how you study sepsis in the ED", False),
        ("focuses on sepsis", "how you focus on sepsis", False),
        ("patients with heart failure", "patients with heart failure", False),
        ("He is a cardiologist", "You are a cardiologist", True),
        ("what she looks for in applicants", "what you look for in applicants", False),
        ("how she balances research and clinic", "how you balance research and clinic", False),
        ("She's building a new clinic", "how you're building a new clinic", False),
        (
            "suggested reading the GUIDE-HF trial",
            "your suggestion of reading the GUIDE-HF trial",
            False,
        ),
        ("told me about rural EM rotations", "rural EM rotations", False),
        ("how he got into surgery", "how you got into surgery", False),
    ],
)
def test_discussed_is_a_second_person_noun_phrase(
    typed: str, expected: str, needs_check: bool
) -> None:
    phrase = phrasing.noun_phrase(typed)
    assert phrase is not None
    assert phrase.text == expected
    assert phrase.needs_check is needs_check


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("I passed Step 1.", "I passed Step 1"),
        ("Passed Step 1!", "I passed Step 1"),
        ("Matched into IM!!", "I matched into IM"),
        ("My abstract was accepted", "my abstract was accepted"),
        ("got into the summer research program", "I got into the summer research program"),
    ],
)
def test_update_is_a_first_person_clause(typed: str, expected: str) -> None:
    assert phrasing.update_clause(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AAMC Annual Meeting", "the AAMC Annual Meeting"),
        ("the talk", "the talk"),
        ("The ACP conference", "the ACP conference"),
        ("Dr. Lee's lecture", "Dr. Lee's lecture"),
        ("our journal club", "our journal club"),
        ("last week's mixer", "last week's mixer"),
    ],
)
def test_occasions_carry_their_article(typed: str, expected: str) -> None:
    assert phrasing.with_the(typed) == expected


def test_other_fields() -> None:
    assert phrasing.topic("your paper on remote monitoring.") == "remote monitoring"
    assert phrasing.finding("Your finding that readmissions fell") == (
        "the finding that readmissions fell"
    )
    assert phrasing.availability("I'm available 10 hours a week from January.") == (
        "10 hours a week from January"
    )
    assert phrasing.date_phrase("2026-03-01") == "March 1"
    assert phrasing.date_phrase("2026-03-01", "uk") == "1 March"
    assert phrasing.date_phrase("2026-02-30") == "2026-02-30"
    assert phrasing.date_phrase("Jan 15th") == "January 15"
    assert phrasing.date_phrase("15th of January", "uk") == "15 January"
    assert phrasing.date_phrase("January 15, 2027") == "January 15, 2027"
    assert phrasing.date_phrase("15 Jan 2027", "uk") == "15 January 2027"
    assert phrasing.date_phrase("end of March") == "end of March"
    assert phrasing.day_month(date(2026, 9, 1)) == "September 1"


def test_trim_keeps_abbreviations_and_inner_quotes() -> None:
    assert phrasing.trim('"Helen Marsh, Jr."') == "Helen Marsh, Jr."
    assert phrasing.trim("“quoted”") == "quoted"
    assert phrasing.trim("Dr. Smith's talk...") == "Dr. Smith's talk"
    assert phrasing.trim("  ") is None


_DOUBLED = re.compile(r"[,.;:!?]{2}|\s[,.;:!?]")
typed_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=80
)


@given(typed_text)
def test_every_function_is_total_and_idempotent(text: str) -> None:
    for function in (
        phrasing.trim,
        phrasing.signoff,
        phrasing.update_clause,
        phrasing.with_the,
        phrasing.topic,
        phrasing.availability,
    ):
        once = function(text)
        assert once is None or once == once.strip()
        assert function(once) == once, function.__name__
    stage = phrasing.stage(text)
    if stage is not None:
        assert phrasing.stage(stage.noun) == stage


@given(st.text(alphabet="abc ,.!?'\"", max_size=40))
def test_asks_end_in_exactly_one_mark(text: str) -> None:
    sentence = phrasing.ask_sentence(text)
    if sentence is not None:
        assert sentence[-1] in "?."
        assert sentence[-2:-1] not in ("?", ".", "!", ",")
