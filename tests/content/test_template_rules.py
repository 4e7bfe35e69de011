"""The follow-up and outreach templates keep the drafts contract's rules (docs/drafts.md) in
every tone: the shared rules for both kinds, then the rules of one situation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.content.samples import SAMPLES
from bot.content.templates import CHANNELS, KINDS, TONES, RenderedDraft, TemplateCatalogue
from bot.settings import PROJECT_ROOT

CONTRACTION = re.compile(
    r"\b\w+n't\b|\b(?:I|you|we|they|it|that|there|here|what|let)'(?:m|re|s|ll|ve|d)\b", re.I
)
TITLE_STOP = re.compile(r"\b(Dr|Prof|St|Mr|Ms|Mrs)\.")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def renders(
    catalogue: TemplateCatalogue, kind: str, channels: tuple[str, ...] = CHANNELS
) -> Iterator[tuple[str, str, dict[str, Any], RenderedDraft]]:
    """Every template of `kind` × channel × version × tone × sample."""
    for info in catalogue.templates(kind):
        for channel in channels:
            for version in range(1, catalogue.versions(info.id, channel) + 1):
                for tone in TONES:
                    for name, sample in SAMPLES.items():
                        context = {**sample, "tone": tone}
                        if any(not context.get(f) for f in info.requires):
                            continue
                        label = f"{info.id} {channel} v{version} {tone} ({name})"
                        draft = catalogue.render(info.id, channel, context, version)
                        yield label, tone, context, draft


def message_text(draft: RenderedDraft, me: dict[str, Any]) -> str:
    """The body without an e-mail's greeting line and sign-off block."""
    if draft.channel != "email":
        return draft.body
    lines = draft.body.split("\n")
    end = next(i for i, line in enumerate(lines) if line == f"{me['signoff']},")
    return " ".join(line for line in lines[1:end] if line)


def sentences(text: str) -> int:
    return len(SENTENCE_END.findall(TITLE_STOP.sub(r"\1", text)))


def first_words(draft: RenderedDraft) -> str:
    """The first six words after the greeting."""
    text = draft.body.split("\n", 1)[1] if draft.channel == "email" else draft.body
    words = text.split()
    start = 3 if draft.channel != "email" else 0  # "Hi Dr. Okafor," opens every DM and note
    return " ".join(words[start : start + 6])


@pytest.fixture(scope="module")
def catalogue() -> TemplateCatalogue:
    return TemplateCatalogue.load(PROJECT_ROOT / "templates")


# -- rules every template keeps ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_channel_has_three_versions(catalogue: TemplateCatalogue, kind: str) -> None:
    """Three versions per channel, so five people from one event rarely share one."""
    for info in catalogue.templates(kind):
        for channel in CHANNELS:
            assert catalogue.versions(info.id, channel) >= 3, (info.id, channel)


@pytest.mark.parametrize("kind", KINDS)
def test_formal_tone_has_no_contractions(catalogue: TemplateCatalogue, kind: str) -> None:
    """Formal drafts write 'I am', 'I would', 'do not'."""
    found = [
        (label, match.group())
        for label, tone, _, draft in renders(catalogue, kind)
        if tone == "formal" and (match := CONTRACTION.search(f"{draft.subject or ''} {draft.body}"))
    ]
    assert found == []


@pytest.mark.parametrize("kind", KINDS)
def test_brief_e_mails_are_two_or_three_sentences(catalogue: TemplateCatalogue, kind: str) -> None:
    """The brief tone is the fewest words that still carry the thanks or reason, and the ask."""
    found = [
        label
        for label, tone, context, draft in renders(catalogue, kind, ("email",))
        if tone == "brief" and not 2 <= sentences(message_text(draft, context["me"])) <= 3
    ]
    assert found == []


@pytest.mark.parametrize("kind", KINDS)
def test_linkedin_notes_never_carry_the_ask(catalogue: TemplateCatalogue, kind: str) -> None:
    """A connection note asks for nothing but the connection."""
    for label, _, context, draft in renders(catalogue, kind, ("linkedin",)):
        if context.get("ask"):
            assert context["ask"] not in draft.body, label
        assert "letter" not in draft.body.lower(), label


@pytest.mark.parametrize("kind", KINDS)
def test_known_contacts_get_no_self_introduction(catalogue: TemplateCatalogue, kind: str) -> None:
    """Someone the student already knows is not told the student's name and school again."""
    found = []
    for label, _, context, draft in renders(catalogue, kind):
        me = context["me"]
        if context["them"]["known"]:
            intros = (
                *(
                    f"{verb} {me[key]}"
                    for verb in ("I'm", "I am")
                    for key in ("name", "first_name")
                ),
                f"{me['first_name']} here",
                me["stage"],
                # An alumnus is written to because of the shared school, known or not.
                *(() if label.startswith("outreach_alumnus") else (me["school"],)),
            )
            found.extend((label, intro) for intro in intros if intro in draft.body)
    assert found == []


@pytest.mark.parametrize("kind", KINDS)
def test_versions_open_differently(catalogue: TemplateCatalogue, kind: str) -> None:
    """Versions differ in how they open, not in a synonym further down."""
    full = SAMPLES["full"]
    found = []
    for info in catalogue.templates(kind):
        for channel in CHANNELS:
            for tone in TONES:
                versions = range(1, catalogue.versions(info.id, channel) + 1)
                openings = {
                    first_words(catalogue.render(info.id, channel, {**full, "tone": tone}, v))
                    for v in versions
                }
                if len(openings) < len(versions):
                    found.append((info.id, channel, tone, openings))
    assert found == []


# -- rules of one situation --------------------------------------------------------------------


def test_nudges_keep_to_three_sentences(catalogue: TemplateCatalogue) -> None:
    """A nudge says where the note went, asks again and gives an easy out: no more."""
    found = [
        label
        for label, _, context, draft in renders(catalogue, "followup")
        if label.startswith("followup_nudge") and sentences(message_text(draft, context["me"])) > 3
    ]
    assert found == []


def test_research_names_the_finding_and_the_availability(catalogue: TemplateCatalogue) -> None:
    """Every research e-mail says what caught the student's eye and when they are free."""
    full = SAMPLES["full"]
    for version in range(1, catalogue.versions("outreach_research", "email") + 1):
        for tone in TONES:
            body = catalogue.render(
                "outreach_research", "email", {**full, "tone": tone}, version
            ).body
            assert full["finding"] in body, (version, tone)
            assert full["availability"] in body, (version, tone)


def test_letter_requests_give_the_deadline_and_offer_cv_and_statement(
    catalogue: TemplateCatalogue,
) -> None:
    """A letter request names the deadline, offers the CV and personal statement, and lets the
    writer say no."""
    full = SAMPLES["full"]
    for channel in ("email", "dm"):
        for version in range(1, catalogue.versions("outreach_letter", channel) + 1):
            for tone in TONES:
                context = {**full, "tone": tone}
                body = catalogue.render("outreach_letter", channel, context, version).body
                assert full["deadline"] in body, (channel, version, tone)
                assert "CV" in body, (channel, version, tone)
                if channel == "email":
                    assert "personal statement" in body, (version, tone)


def test_a_greeting_comma_is_followed_by_lower_case(catalogue: TemplateCatalogue) -> None:
    """'Dear Dr. Okafor, would you…', never 'Dear Dr. Okafor, Would you…', whichever optional
    part (an introduction to a new contact) was left out before it."""
    found = []
    for label, _, context, draft in renders(catalogue, "outreach", ("linkedin", "dm")):
        after = re.match(r"(?:Hi|Dear|Hello) [^,!\n]+, (\S+)", draft.body)
        if after is None:
            continue
        word = re.match(r"[^\W\d_]*", after.group(1)).group()  # "I've" -> "I", "Sam," -> "Sam"
        if word[:1].isupper() and word not in ("I", context["me"]["first_name"]):
            found.append((label, word))
    assert found == []


# -- the residency season -----------------------------------------------------------------------

# Words that blame a writer for a letter not yet in, or hurry them.
ACCUSING = re.compile(
    r"\bforg[oe]t|\blate\b|\boverdue\b|\bstill waiting\b|\byou (?:haven't|have not|didn't|did "
    r"not)\b|\bremind(?:er)? you\b|\bASAP\b|\burgent",
    re.I,
)
# Words that assume how the Match went: the outcome is the student's own `update`.
ASSUMING = re.compile(
    r"congratulat|\bthrilled\b|\bexcited\b|\b(?:great|good|bad|sad) news\b|\bunfortunately\b"
    r"|\bsadly\b|\bdisappoint|\bcelebrat",
    re.I,
)


def season_renders(
    catalogue: TemplateCatalogue, template_id: str
) -> Iterator[tuple[str, dict[str, Any], RenderedDraft]]:
    for label, _, context, draft in renders(catalogue, "outreach"):
        if label.startswith(f"{template_id} "):
            yield label, context, draft


def test_letter_checks_are_gracious_and_offer_to_resend(catalogue: TemplateCatalogue) -> None:
    """The check two weeks before the deadline never blames the writer, names the deadline,
    and (in e-mails and messages) offers to send something that helps."""
    found = []
    for label, context, draft in season_renders(catalogue, "outreach_letter_check"):
        text = f"{draft.subject or ''} {draft.body}"
        if match := ACCUSING.search(text):
            found.append((label, match.group()))
        if draft.channel != "linkedin":
            if context["deadline"] not in draft.body:
                found.append((label, "no deadline"))
            if "send" not in draft.body:
                found.append((label, "no offer to resend"))
    assert found == []


def test_match_outcomes_leave_the_news_to_the_student(catalogue: TemplateCatalogue) -> None:
    """A Match-outcome draft reads right whether the student matched or not: it carries their
    news as they typed it (outside LinkedIn notes) and its own words assume nothing."""
    found = []
    for label, context, draft in season_renders(catalogue, "outreach_match_outcome"):
        own = f"{draft.subject or ''} {draft.body}".replace(context["update"], "")
        if match := ASSUMING.search(own):
            found.append((label, match.group()))
        if draft.channel != "linkedin" and context["update"] not in draft.body:
            found.append((label, "no news"))
    assert found == []


def test_letters_of_intent_ask_nothing(catalogue: TemplateCatalogue) -> None:
    """An update letter or letter of intent to a program director asks no question at all:
    nothing a director could read as asking where the student stands."""
    found = [
        label
        for label, _, draft in season_renders(catalogue, "outreach_letter_of_intent")
        if "?" in f"{draft.subject or ''} {draft.body}"
    ]
    assert found == []


def test_away_rotations_name_the_rotation_and_the_dates(catalogue: TemplateCatalogue) -> None:
    """Every away-rotation e-mail and message says which rotation and when the student is free."""
    found = []
    for label, context, draft in season_renders(catalogue, "outreach_away_rotation"):
        if draft.channel == "linkedin":
            continue
        for field in ("program", "availability"):
            if context[field] not in draft.body:
                found.append((label, field))
    assert found == []
