"""The Telegram season's pure parts: its callback data within 64 bytes and parsed back strictly,
a letter item's buttons, and the one-line forms of /season, /letters, /interview, /templates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.content.templates import TemplateInfo
from bot.core.errors import InvalidInput
from bot.core.letters import LetterRequest, LetterStage, LetterTask
from bot.core.models import Channel, DueItem, ItemKind, LetterReminder, Tone
from bot.core.season import Route
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.due import item_keyboard
from bot.telegram_adapter.interviews import interviewers_of, options_of
from bot.telegram_adapter.letters import next_stages, stage_of, verb_of
from bot.telegram_adapter.season import route_of, year_of
from bot.telegram_adapter.templates import list_messages

BIGGEST_ID = 2**63 - 1


@pytest.mark.parametrize("task", list(LetterTask))
@pytest.mark.parametrize("action", ["draft", "done", "snooze"])
def test_every_letter_button_fits_and_parses_back(task: LetterTask, action: str) -> None:
    data = callbacks.data("letter", action, task.value, BIGGEST_ID)
    match = callbacks.LETTER_ITEM.match(data)
    assert match is not None
    assert (match["action"], match["task"], int(match["id"])) == (action, task.value, BIGGEST_ID)


@pytest.mark.parametrize("stage", [s for s in LetterStage if s is not LetterStage.ASKED])
def test_ledger_and_interview_buttons_fit_and_parse_back(stage: LetterStage) -> None:
    assert callbacks.LETTERS.match(callbacks.data("letters", stage.value, BIGGEST_ID))
    assert callbacks.LETTERS.match(callbacks.data("letters", "remove", BIGGEST_ID))
    assert callbacks.LETTER_WRITER.match(callbacks.data("letter", "writer", BIGGEST_ID))
    data = callbacks.data("interview", "thanks", BIGGEST_ID, "linkedin", "formal")
    assert callbacks.INTERVIEW.match(data)


@pytest.mark.parametrize(
    "data",
    [
        "letters:asked:1",  # a step no button offers
        "letters:remove:-1",
        "letter:draft:letter_thanks:1:extra",
        "letter:delete:letter_check:1",
        "interview:thanks:1:fax:warm",
    ],
)
def test_forged_season_data_does_not_match(data: str) -> None:
    patterns = (callbacks.LETTERS, callbacks.LETTER_ITEM, callbacks.INTERVIEW)
    assert all(pattern.match(data) is None for pattern in patterns)


def test_a_letter_items_buttons_name_its_task() -> None:
    item = DueItem(
        ItemKind.LETTER, date(2026, 11, 22), letter=LetterReminder("letter_ask", 0, "Ask…")
    )
    rows = item_keyboard(item).inline_keyboard
    assert [b.callback_data for b in rows[0]] == [
        "letter:draft:letter_ask:0",
        "letter:done:letter_ask:0",
        "letter:snooze:letter_ask:0",
    ]


def test_next_stages_follow_the_cores_rule() -> None:
    asked = LetterRequest(1, 1, 1, LetterStage.ASKED, date(2026, 11, 1))
    assert next_stages(asked) == [LetterStage.AGREED, LetterStage.SUBMITTED, LetterStage.DECLINED]
    told = LetterRequest(1, 1, 1, LetterStage.TOLD, date(2026, 11, 1))
    assert next_stages(told) == []


@pytest.mark.parametrize(
    ("text", "route"),
    [
        (None, Route.ERAS_NRMP),
        ("ERAS", Route.ERAS_NRMP),
        ("ERAS and the NRMP Match", Route.ERAS_NRMP),
        ("other-match", Route.OTHER_MATCH),
        ("Not this year", Route.NOT_THIS_YEAR),
    ],
)
def test_route_of(text: str | None, route: Route) -> None:
    assert route_of(text) is route


def test_year_stage_and_options_refuse_what_they_cannot_read() -> None:
    assert year_of("2027") == 2027 and year_of(None) is None
    with pytest.raises(InvalidInput, match="isn't a year"):
        year_of("{{ 7*7 }}")
    assert stage_of("Letter submitted") is LetterStage.SUBMITTED
    with pytest.raises(InvalidInput, match="Which stage"):
        stage_of("asked")  # where /letters ask starts, not a stage to mark
    assert options_of("No contact, LinkedIn brief") == (True, Channel.LINKEDIN, Tone.BRIEF)
    assert options_of(None) == (False, None, Tone.WARM)
    with pytest.raises(InvalidInput, match="option"):
        options_of("{{ 7*7 }}")
    assert interviewers_of("Amara Okafor, MD; Dr. Jun He;") == ["Amara Okafor, MD", "Dr. Jun He"]


def test_a_long_template_list_is_split_between_lines_under_4096() -> None:
    templates = [
        TemplateInfo(f"outreach_t{n}", "outreach", f"T{n}", "s", "d" * 300, (), (), Path("x"))
        for n in range(40)
    ]
    messages = list_messages(templates)
    assert len(messages) > 1 and all(len(m) <= 4096 for m in messages)
    joined = "\n".join(messages)
    assert all(f"• outreach_t{n} — T{n}" in joined for n in range(40))


@pytest.mark.parametrize(
    ("text", "verb", "rest"),
    [
        ("", "", ""),
        ("list", "list", ""),
        ("ASK Amara Okafor | May 1", "ask", "Amara Okafor | May 1"),
        ("setup\nus-2027 | eras", "setup", "us-2027 | eras"),  # a line break after the word
    ],
)
def test_verb_of_splits_the_first_word(text: str, verb: str, rest: str) -> None:
    assert verb_of(text) == (verb, rest)
