"""The draft linter: each rule fires on the mistake it names and stays quiet on good prose."""

from __future__ import annotations

from typing import Any

import pytest

from bot.content.lint import CODES, article_for, lint_draft

VALUES: dict[str, Any] = {
    "me": {"name": "Maya Chen", "first_name": "Maya", "signoff": "Kind regards"},
    "them": {
        "name": "Helen Marsh",
        "first_name": "Helen",
        "family_name": "Marsh",
        "role": "attending",
        "known": False,
    },
}
PARTICLE = {**VALUES, "them": {**VALUES["them"], "first_name": "Ludwig"}}
PARTICLE["them"]["family_name"] = "van Beethoven"
PEER = {**VALUES, "them": {**VALUES["them"], "role": "classmate"}}
OTHER = {**VALUES, "them": {**VALUES["them"], "role": "other"}}
KNOWN = {**VALUES, "them": {**VALUES["them"], "known": True}}
SURNAME_HE = {
    **VALUES,
    "them": {"name": "Jun He", "first_name": "Jun", "family_name": "He", "role": "faculty"},
}

GOOD_EMAIL = (
    "Dear Dr. Marsh,\n\n"
    "Thank you for the cardiology talk on Thursday. I'm Maya Chen, an MS2 at Riverside, and "
    "your point about how your clinic follows up heart-failure patients after discharge stayed "
    "with me. I'd like to learn more about it, e.g., how the nurses decide whom to call first, "
    "and what the team tracks in the first week at home. It was an honor to hear you speak, and "
    "a useful hour for a second-year student.\n\n"
    "Could I shadow one of your clinic sessions this spring?\n\n"
    "Kind regards,\n"
    "Maya Chen\n"
    "maya.chen@riverside.edu"
)


def codes(body: str, values: dict[str, Any] = VALUES, **kw: Any) -> list[str]:
    kw.setdefault("channel", "dm")
    return [d.code for d in lint_draft(body=body, values=values, **kw)]


def test_a_good_email_has_no_defects() -> None:
    """A draft a student would send as it is passes every rule."""
    found = lint_draft(
        body=GOOD_EMAIL, subject="Thank you for the talk", channel="email", values=VALUES
    )
    assert found == []


# (rule, bad text, good text, values): each rule with a positive and a negative example.
CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("placeholder", "Hi Dr. Marsh, I met you at None.", "Hi Dr. Marsh, I met you at noon.", {}),
    (
        "match.ranking",
        "Thank you for the interview. I will rank your program first.",
        "Thank you for the interview. I hope to train with your program.",
        {},
    ),
    (
        "match.ranking",
        "I plan to rank Riverside Medical Center highly.",
        "Riverside Medical Center is where I hope to train.",
        {},
    ),
    (
        "match.ranking",
        "Could you tell me where I stand with the program?",
        "Could you tell me more about the research track?",
        {},
    ),
    (
        "match.ranking",
        "How highly will you rank me?",
        "How do residents choose their electives?",
        {},
    ),
    (
        "match.ranking",
        "Your program will be first on my rank list.",
        "Your program is a place where I would thrive.",
        {},
    ),
    ("placeholder", "Hi [Name], thanks!", "Hi Dr. Marsh, thanks (again)!", {}),
    ("placeholder", "Hi Dr. Marsh, {{ event }} was great.", "Hi Dr. Marsh, it was great.", {}),
    ("placeholder", "Hi Dr. Marsh, about undefined.", "Hi Dr. Marsh, about the talk.", {}),
    ("greeting.empty", "Dear ,\n\nThanks for the talk.", "Dear Dr. Marsh,\n\nThanks.", {}),
    ("greeting.empty", "Hi Dr., thanks for the talk.", "Hi Dr. Marsh, thanks for the talk.", {}),
    ("greeting.title_postnominal", "Hi Dr MD, thanks.", "Hi Dr. Marsh, thanks.", {}),
    ("greeting.title_postnominal", "Dear Dr. Jr.,\n\nThanks.", "Dear Dr. Marsh,\n\nThanks.", {}),
    (
        "greeting.title_postnominal",
        "Hi Jo, I met Dr. Helen Marsh, MD at the talk.",
        "Hi Jo, I met Helen Marsh, MD at the talk.",
        {},
    ),
    ("greeting.title_given", "Hello Dr Helen, thanks.", "Hello Dr Marsh, thanks.", {}),
    ("greeting.title_given", "Hi Jo, Dr. Helen said so.", "Hi Jo, Dr. Helen Marsh said so.", {}),
    (
        "greeting.wrong_surname",
        "Dear Dr. Beethoven,\n\nThanks.",
        "Dear Dr. van Beethoven,\n\nThanks.",
        PARTICLE,
    ),
    (
        "greeting.surname_only",
        "Dear Marsh, Helen,\n\nThanks.",
        "Dear Dr. Marsh,\n\nThanks.",
        {},
    ),
    (
        "ask.wrapped",
        "I'd value your thoughts on advice on applying to cardiology.",
        "I'd value your advice on applying to cardiology.",
        {},
    ),
    (
        "ask.wrapped",
        "Would you be open to a short conversation about a 15-minute call?",
        "Would you be open to a 15-minute call about your research?",
        {},
    ),
    (
        "ask.wrapped",
        "Would you be open to a short conversation about advice on applying?",
        "Would you be open to a short conversation about applying?",
        {},
    ),
    ("greeting.full_name", "Dear Helen Marsh,\n\nThanks.", "Dear Dr. Marsh,\n\nThanks.", {}),
    ("greeting.full_name", "Dear Dr. Helen Marsh,\n\nThanks.", "Dear Dr. Marsh,\n\nThanks.", {}),
    ("greeting.full_name", "Hi Helen Marsh, thanks!", "Hi Helen, thanks!", PEER),
    ("greeting.lowercase", "Hi helen, thanks!", "Hi Helen, thanks!", PEER),
    ("greeting.lowercase", "Dear Dr. marsh,\n\nThanks.", "Dear Dr. Marsh,\n\nThanks.", {}),
    ("signoff.punct", "Thanks.\n\nWarmly,,\nMaya", "Thanks.\n\nWarmly,\nMaya", {}),
    ("signoff.punct", "Thanks.\n\nThanks!,\nMaya", "Thanks.\n\nThanks!\nMaya", {}),
    (
        "ask.wrapped",
        "I'd value your thoughts about Could I shadow one of your clinics?",
        "Could I shadow one of your clinics?",
        {},
    ),
    (
        "ask.wrapped",
        "I'd value your thoughts on whether I could join your group.",
        "Could I join your group? I'd value your thoughts on how to prepare.",
        {},
    ),
    (
        "ask.wrapped",
        "I wanted to ask about whether I could join.",
        "I wanted to ask whether I could join.",
        {},
    ),
    (
        "date.join",
        "Thank you for on Sunday, Dr. Marsh.",
        "Thank you for Sunday, and for sitting in on one of the sessions.",
        {},
    ),
    ("date.join", "Thanks for in March.", "Thanks for your time in March.", {}),
    ("date.join", "We met on yesterday.", "We met yesterday.", {}),
    ("date.uk_form", "We met on 4 November.", "We met on November 4, at 4 pm.", {}),
    (
        "pronoun.addressee",
        "Hi Dr. Marsh, I enjoyed hearing about her heart-failure clinic.",
        "Hi Dr. Marsh, I enjoyed hearing about your heart-failure clinic.",
        {},
    ),
    ("pronoun.addressee", "We talked about his path.", "We talked about your path.", {}),
    (
        "pronoun.addressee",
        "Hi Dr. Marsh, how she runs her clinic.",
        "Hi Dr. Marsh, my grandmother and her doctor got me into medicine.",
        {},
    ),
    ("pronoun.addressee", "Hi, she said yes.", "Hi Dr. He, thank you.", SURNAME_HE),
    ("article", "I'm a MS2 at Riverside.", "I'm an MS2 at Riverside.", {}),
    ("article", "I'm an third-year student.", "I'm a third-year student.", {}),
    ("article", "It took a hour.", "It took an hour.", {}),
    ("article", "As a OMS-II, I learned.", "As an OMS-II, I learned.", {}),
    ("article", "I'm a MD/PhD student.", "I'm an MD/PhD student at a university.", {}),
    ("article", "It was a 18-month project.", "It was an 18-month project.", {}),
    ("article", "A MS2 like me.", "Plan A is fine; a one-off visit.", {}),
    ("punct.doubled", "I passed Step 1..", "I passed Step 1...", {}),
    ("punct.doubled", "Could I shadow you??", "Could I shadow you?", {}),
    ("punct.doubled", "Could I shadow you?.", "James Whitaker Jr., MD, spoke.", {}),
    ("punct.doubled", "Thanks,, Dr. Marsh.", "Thanks, Dr. Marsh.", {}),
    ("punct.doubled", "It was the mixer., I think.", "It was e.g., the mixer.", {}),
    ("punct.space_before", "Thanks , Dr. Marsh.", "Thanks, Dr. Marsh - Maya", {}),
    ("word.doubled", "Thanks for the the talk.", "I knew that that talk was good.", {}),
    ("sentence.capital", "Thanks. it was great.", "Thanks. It was great, i.e. useful.", {}),
    ("sentence.capital", "In Cardiology. feel much.", "Dr. Marsh at 9 a.m. today.", {}),
    (
        "intro.known",
        "Hi Dr. Marsh, I'm Maya Chen, a student.",
        "Hi Dr. Marsh, I'm writing with news.",
        KNOWN,
    ),
    ("intro.known", "Hi Dr. Marsh, Maya here.", "Hi Dr. Marsh, it's been a while.", KNOWN),
]


@pytest.mark.parametrize(("rule", "bad", "good", "values"), CASES)
def test_each_rule_fires_on_the_mistake_and_not_on_good_prose(
    rule: str, bad: str, good: str, values: dict[str, Any]
) -> None:
    values = values or VALUES
    assert rule in CODES
    assert rule in codes(bad, values), bad
    assert rule not in codes(good, values), good


def test_uk_dates_are_fine_for_a_student_who_chose_uk_english() -> None:
    uk = {**VALUES, "me": {**VALUES["me"], "english": "uk"}}
    assert "date.uk_form" not in codes("We met on 4 November.", uk)


def test_introduction_is_fine_to_someone_new() -> None:
    """A new contact gets the student's introduction; only a known one must not."""
    assert "intro.known" not in codes("Hi Dr. Marsh, I'm Maya Chen, a student.")


def test_full_name_greeting_is_left_alone_for_other_roles() -> None:
    """'Dear Helen Marsh' is only wrong for physicians, faculty and peers (docs/drafts.md)."""
    assert "greeting.full_name" not in codes("Dear Helen Marsh,\n\nThanks.", OTHER)


def test_letter_requests_are_flagged_in_linkedin_notes_only() -> None:
    bad = "Hi Dr. Marsh, would you write me a letter of recommendation?"
    assert "linkedin.letter" in codes(bad, channel="linkedin")
    assert "linkedin.letter" not in codes(bad, channel="email")
    assert "linkedin.letter" not in codes("Hi Dr. Marsh, I'd like to connect.", channel="linkedin")


def test_nudges_keep_to_three_sentences() -> None:
    four = "Dear Dr. Marsh,\n\nOne. Two. Three? Four.\n\nKind regards,\nMaya Chen"
    three = "Dear Dr. Marsh,\n\nOne, e.g. this. Two. Three?\n\nKind regards,\nMaya Chen"
    assert "nudge.sentences" in codes(four, template_id="followup_nudge")
    assert "nudge.sentences" not in codes(three, template_id="followup_nudge")
    assert "nudge.sentences" not in codes(four, template_id="followup_talk")
    dm = "Hi Dr. Marsh, one. Two. Three! - Maya"
    assert "nudge.sentences" not in codes(dm, template_id="followup_nudge")


def test_channel_limits() -> None:
    """Over the hard limit, over LinkedIn's soft 200, and e-mails out of 50–150 words."""
    assert "length.hard" in codes("x" * 301, channel="linkedin")
    assert "length.soft" in codes("x" * 201, channel="linkedin")
    assert not {"length.soft", "length.hard"} & set(codes("x" * 199, channel="linkedin"))
    assert "length.hard" in codes("x" * 601, channel="dm")
    assert "length.words" in codes("word " * 30, channel="email")
    assert "length.words" not in codes("word " * 30, channel="email", tone="brief")
    assert "length.words" in codes("word " * 151, channel="email")
    long_subject = lint_draft(body=GOOD_EMAIL, subject="s" * 71, channel="email", values=VALUES)
    assert [d.code for d in long_subject] == ["length.subject"]


def test_one_defect_per_stretch_of_text() -> None:
    """'Warmly,,' is one sign-off defect, not also a doubled comma."""
    assert codes("Thanks.\n\nWarmly,,\nMaya") == ["signoff.punct"]


@pytest.mark.parametrize(
    ("word", "article"),
    [
        ("MS2", "an"),
        ("M3", "an"),
        ("OMS-II", "an"),
        ("MD/PhD", "an"),
        ("RN", "an"),
        ("NIH", "an"),
        ("FBI", "an"),
        ("UCSF", "a"),
        ("USMLE", "a"),
        ("NICU", "a"),
        ("HIPAA", "a"),
        ("hour", "an"),
        ("honor", "an"),
        ("historic", "a"),
        ("third-year", "a"),
        ("eighth-year", "an"),
        ("one-off", "a"),
        ("university", "a"),
        ("European", "a"),
        ("umbrella", "an"),
        ("8-week", "an"),
        ("18-month", "an"),
        ("11", "an"),
        ("15-minute", "a"),
        ("100", "a"),
        ("year", "a"),
        ("X-ray", "an"),
    ],
)
def test_article_by_sound(word: str, article: str) -> None:
    assert article_for(word) == article


def test_email_layout_keeps_paragraphs_and_the_signoff_apart() -> None:
    """'…your time.\nKind regards,' and two paragraphs on adjacent lines are flagged; the good
    e-mail's own layout is not."""

    def email_codes(body: str) -> list[str]:
        return codes(body, channel="email", subject="Thanks")

    assert "layout.signoff" not in email_codes(GOOD_EMAIL)
    assert "layout.paragraph" not in email_codes(GOOD_EMAIL)
    run_in = GOOD_EMAIL.replace("this spring?\n\nKind regards,", "this spring?\nKind regards,")
    assert "layout.signoff" in email_codes(run_in)
    joined = GOOD_EMAIL.replace("student.\n\nCould I", "student.\nCould I")
    assert "layout.paragraph" in email_codes(joined)
    greeting = GOOD_EMAIL.replace("Dear Dr. Marsh,\n\n", "Dear Dr. Marsh, ")
    assert "layout.greeting" in email_codes(greeting)
