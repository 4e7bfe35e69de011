"""The Telegram adapter's pure parts: callback data within 64 bytes, one-line forms, identity."""

from __future__ import annotations

import pytest

from bot.core.attention import group_cadence
from bot.core.errors import InvalidInput
from bot.core.models import ItemKind, Role
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.drafts import outreach_fields
from bot.telegram_adapter.identity import chat_for, is_telegram_student, student_for
from bot.telegram_adapter.parsing import parts, role_of
from bot.telegram_adapter.reminders import setup_of

BIGGEST_ID = 2**63 - 1  # SQLite's and PostgreSQL's largest row id


@pytest.mark.parametrize("kind", list(ItemKind))
@pytest.mark.parametrize("action", ["draft", "done", "snooze"])
def test_every_due_button_fits_and_parses_back(kind: ItemKind, action: str) -> None:
    data = callbacks.data("due", action, kind.value, BIGGEST_ID)
    assert len(data.encode()) <= callbacks.CALLBACK_DATA_MAX
    match = callbacks.DUE.match(data)
    assert match is not None
    assert (match["action"], match["kind"], int(match["id"])) == (action, kind.value, BIGGEST_ID)


def test_draft_and_duplicate_buttons_parse_back() -> None:
    assert callbacks.DRAFT.match(callbacks.data("draft", "sent", BIGGEST_ID))
    match = callbacks.DUPE.match(callbacks.data("dupe", 7, "new"))
    assert match is not None and match["target"] == "new"


def test_data_over_64_bytes_is_refused_before_telegram_sees_it() -> None:
    callbacks.data("x" * 64)
    with pytest.raises(ValueError, match="64 bytes"):
        callbacks.data("é" * 33)  # 33 characters, 66 bytes


def test_forged_data_does_not_match() -> None:
    assert callbacks.DUE.match("due:delete:follow_up:1") is None
    assert callbacks.DUE.match("due:done:follow_up:-1") is None
    assert callbacks.DRAFT.match("draft:sent:1:extra") is None


def test_parts_pads_and_empties_to_none() -> None:
    assert parts("Amara Okafor |  | grand rounds", 4) == [
        "Amara Okafor",
        None,
        "grand rounds",
        None,
    ]
    with pytest.raises(InvalidInput, match="At most 2"):
        parts("a | b | c", 2)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        (None, Role.OTHER),
        ("Attending", Role.ATTENDING),
        ("program director", Role.PROGRAM_DIRECTOR),
        ("peer-mentor", Role.PEER_MENTOR),
    ],
)
def test_roles_by_value_or_label(text: str | None, role: Role) -> None:
    assert role_of(text) is role


def test_unknown_role_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="attending"):
        role_of("wizard")


def test_telegram_students_never_meet_discord_ids() -> None:
    telegram_max = 2**52  # Telegram user ids fit in 52 bits
    discord_min = 4_194_304  # the smallest snowflake past Discord's epoch (1 << 22)
    assert student_for(telegram_max) < 0 < discord_min
    assert student_for(1) == -1 and is_telegram_student(-1)
    assert chat_for(student_for(5_000_001)) == 5_000_001
    with pytest.raises(ValueError):
        chat_for(discord_min)
    with pytest.raises(ValueError):
        student_for(0)


def test_reminders_reads_discords_setup_options_in_any_order() -> None:
    setup = setup_of(["sunday", "18", "Europe/London"])
    assert (setup.weekday, setup.hour, setup.zone, setup.quiet) == (6, 18, "Europe/London", None)
    setup = setup_of(["UTC", "9:00", "mon", "quiet", "seniors=60", "Mentors:30"])
    assert (setup.weekday, setup.hour, setup.zone, setup.quiet) == (0, 9, "UTC", True)
    assert setup.cadence == {"seniors": 60, "mentors": 30}
    assert group_cadence(setup.cadence)["attending"] == 60
    assert group_cadence(setup.cadence)["tutor"] == 30 and "classmate" not in group_cadence(
        setup.cadence
    )
    assert setup_of(["note"]).quiet is False
    assert setup_of([]) == setup_of([])
    with pytest.raises(InvalidInput, match="don't understand"):
        setup_of(["someday"])
    with pytest.raises(InvalidInput, match="every N days"):
        setup_of(["others=lots"])


def test_outreach_details_are_known_fields_only() -> None:
    assert outreach_fields(["Ask: a 15-minute call", "topic : heart failure"]) == {
        "ask": "a 15-minute call",
        "topic": "heart failure",
    }
    with pytest.raises(InvalidInput, match="isn't a detail"):
        outreach_fields(["favourite colour: teal"])
    with pytest.raises(InvalidInput, match="field: value"):
        outreach_fields(["just words"])
