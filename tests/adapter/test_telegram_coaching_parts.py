"""The Telegram coaching commands' one-line parsing and the draft buttons' callback grammar."""

from __future__ import annotations

import pytest

from bot.content.coach import MEETING_KINDS, TOPICS
from bot.core.errors import InvalidInput
from bot.core.models import Channel, Tone
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.coaching import _goal_number, choice_of
from bot.telegram_adapter.drafts import channel_of, split_options, tone_of

BIGGEST_ID = 2**63 - 1


@pytest.mark.parametrize(
    "action",
    ["sent", "again", "channel", "edit", *(t.value for t in Tone), *(c.value for c in Channel)],
)
def test_every_draft_button_fits_and_parses_back(action: str) -> None:
    """Each draft button's data stays within 64 bytes with the largest id and parses back."""
    data = callbacks.data("draft", action, BIGGEST_ID)
    match = callbacks.DRAFT.match(data)
    assert match is not None and match["action"] == action and int(match["id"]) == BIGGEST_ID
    assert callbacks.PITCH.match(callbacks.data("pitch", "save", BIGGEST_ID))


@pytest.mark.parametrize(
    "data",
    [
        "draft:shouty:1",
        "draft:Formal:1",
        "draft:tone:1",
        "draft:formal:1:x",
        "pitch:save:-1",
        "pitch:save:" + "1" * 20,
        "pitch:delete:1",
    ],
)
def test_forged_draft_and_pitch_data_do_not_match(data: str) -> None:
    """Data outside the grammar (unknown tone, extra part, long id) matches nothing."""
    assert callbacks.DRAFT.match(data) is None and callbacks.PITCH.match(data) is None


@pytest.mark.parametrize(
    ("typed", "choices", "expected"),
    [
        ("Office Hours", TOPICS, "office_hours"),
        ("office_hours", TOPICS, "office_hours"),
        ("linkedin", TOPICS, "online_presence"),
        ("Letters of Recommendation", TOPICS, "letters"),
        ("{{ 7*7 }}", TOPICS, None),
        ("a", TOPICS, None),  # too short to guess from
        ("x x", TOPICS, None),
        ("recommend", TOPICS, "letters"),
        ("res", MEETING_KINDS, None),  # research and residency_program: none guessed
        ("mentor", MEETING_KINDS, "mentor_meeting"),
        ("Residency program conversation", MEETING_KINDS, "residency_program"),
        ("", MEETING_KINDS, None),
    ],
)
def test_topics_and_kinds_by_key_label_or_one_fitting_word(
    typed: str, choices: dict[str, str], expected: str | None
) -> None:
    """A key, a label, or words only one choice holds; anything else is None."""
    assert choice_of(typed, choices) == expected


def test_followup_options_come_off_the_end_only() -> None:
    """Trailing tone/channel/template parts are options; a detail with a colon stays a detail."""
    line, options = split_options(
        "Amara | talk: heart failure | her clinic | Template: talk | tone: Formal"
    )
    assert line == "Amara | talk: heart failure | her clinic "
    assert options == {"template": "talk", "tone": "Formal"}
    assert split_options("Amara | ask: a call") == ("Amara | ask: a call", {})
    with pytest.raises(InvalidInput, match="once"):
        split_options("Amara | tone: warm | tone: brief")


@pytest.mark.parametrize(
    ("typed", "channel"),
    [
        ("E-mail", Channel.EMAIL),
        ("email", Channel.EMAIL),
        ("LinkedIn", Channel.LINKEDIN),
        ("linkedin note", Channel.LINKEDIN),
        ("DM", Channel.DM),
        ("direct message", Channel.DM),
    ],
)
def test_channels_by_value_or_label(typed: str, channel: Channel) -> None:
    """A channel by its value, its label or the label's first word."""
    assert channel_of(typed) is channel


def test_tones_and_unknowns() -> None:
    """Tones by name; an unknown tone or channel names the choices."""
    assert tone_of(" FORMAL ") is Tone.FORMAL
    with pytest.raises(InvalidInput, match="warm, formal, brief"):
        tone_of("shouty")
    with pytest.raises(InvalidInput, match="linkedin"):
        channel_of("fax")


@pytest.mark.parametrize(
    ("typed", "expected"), [(None, None), ("0", 0), ("+7", 7), ("-1", -1), ("50", 50)]
)
def test_goal_numbers_are_whole_numbers(typed: str | None, expected: int | None) -> None:
    """Whole numbers pass through (the core checks the range); an empty part is None."""
    assert _goal_number(typed) == expected


@pytest.mark.parametrize("typed", ["lots", "3.5", "1e3", "٣", "9" * 5000])
def test_goal_numbers_refuse_anything_else(typed: str) -> None:
    """Words, decimals, other digits and numbers too long to be a goal are refused."""
    with pytest.raises(InvalidInput):
        _goal_number(typed)
