"""The follow-up templates keep the drafts contract's rules (docs/drafts.md) in every tone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.content.samples import SAMPLES
from bot.content.templates import CHANNELS, TONES, RenderedDraft, TemplateCatalogue
from bot.settings import PROJECT_ROOT
from tests.content.template_rules import (
    CONTRACTION,
    all_renders,
    message_text,
    sentences,
)


@pytest.fixture(scope="module")
def catalogue() -> TemplateCatalogue:
    return TemplateCatalogue.load(PROJECT_ROOT / "templates")


def renders(
    catalogue: TemplateCatalogue, channels: tuple[str, ...] = CHANNELS
) -> Iterator[tuple[str, str, dict[str, Any], RenderedDraft]]:
    return all_renders(catalogue, "followup", channels)


def test_every_follow_up_channel_has_three_versions(catalogue: TemplateCatalogue) -> None:
    """Three versions per channel, so five people from one event rarely share one."""
    for info in catalogue.templates("followup"):
        for channel in CHANNELS:
            assert catalogue.versions(info.id, channel) >= 3, (info.id, channel)


def test_formal_tone_has_no_contractions(catalogue: TemplateCatalogue) -> None:
    """Formal drafts write 'I am', 'I would', 'do not'."""
    found = [
        (label, match.group())
        for label, tone, _, draft in renders(catalogue)
        if tone == "formal" and (match := CONTRACTION.search(f"{draft.subject or ''} {draft.body}"))
    ]
    assert found == []


def test_brief_e_mails_are_two_or_three_sentences(catalogue: TemplateCatalogue) -> None:
    """The brief tone is the fewest words that still thank and ask."""
    found = [
        label
        for label, tone, context, draft in renders(catalogue, ("email",))
        if tone == "brief" and not 2 <= sentences(message_text(draft, context["me"])) <= 3
    ]
    assert found == []


def test_nudges_keep_to_three_sentences(catalogue: TemplateCatalogue) -> None:
    """A nudge says where the note went, asks again and gives an easy out: no more."""
    found = [
        label
        for label, _, context, draft in renders(catalogue)
        if label.startswith("followup_nudge") and sentences(message_text(draft, context["me"])) > 3
    ]
    assert found == []


def test_linkedin_notes_never_carry_the_ask(catalogue: TemplateCatalogue) -> None:
    """A connection note asks for nothing but the connection."""
    for label, _, context, draft in renders(catalogue, ("linkedin",)):
        if context.get("ask"):
            assert context["ask"] not in draft.body, label
        assert "letter" not in draft.body.lower(), label


def test_known_contacts_get_no_self_introduction(catalogue: TemplateCatalogue) -> None:
    """Someone the student already knows is not told the student's name and school again."""
    found = []
    for label, _, context, draft in renders(catalogue):
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
                me["school"],
            )
            found.extend((label, intro) for intro in intros if intro in draft.body)
    assert found == []


def test_versions_open_differently(catalogue: TemplateCatalogue) -> None:
    """Versions differ in how they open, not in a synonym further down."""
    full = SAMPLES["full"]
    found = []
    for info in catalogue.templates("followup"):
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


def first_words(draft: RenderedDraft) -> str:
    """The first six words after the greeting."""
    text = draft.body.split("\n", 1)[1] if draft.channel == "email" else draft.body
    words = text.split()
    start = 3 if draft.channel != "email" else 0  # "Hi Dr. Okafor," opens every DM and note
    return " ".join(words[start : start + 6])
