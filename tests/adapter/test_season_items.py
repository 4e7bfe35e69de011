"""The season's pieces of the adapter without Discord: the letter buttons' custom ids, a letter
item's line (the writer's name escaped), and the digest's season section within the embed
field limit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.content.season import SeasonLibrary
from bot.core.letters import LetterTask
from bot.core.models import (
    Contact,
    ContactDraft,
    Digest,
    DueItem,
    ItemKind,
    LetterReminder,
    WeekActivity,
)
from bot.core.season import SeasonPlan, season_status
from bot.discord_adapter import presenters
from bot.discord_adapter.components import letters
from bot.discord_adapter.components.custom_ids import CUSTOM_ID_MAX, UNKNOWN_ID
from bot.settings import PROJECT_ROOT
from tests.adapter.test_components_and_errors import BIG, ROUTER, _click

TODAY = date(2026, 9, 6)
NOW = datetime(2026, 9, 6, 15, 0, tzinfo=UTC)
LIBRARY = SeasonLibrary.load(PROJECT_ROOT / "calendars", PROJECT_ROOT / "prompts" / "season.toml")


def letter_buttons() -> list[Any]:
    return [
        *(
            letters.letter_button(action, task, BIG, row=None)
            for action in ("draft", "done", "snooze")
            for task in LetterTask
        ),
        letters.writer_menu([]),
    ]


@pytest.mark.parametrize("item", letter_buttons(), ids=lambda i: i.custom_id)
def test_letter_custom_ids_fit_and_reach_the_letter_handlers_only(item: Any) -> None:
    """Within 100 characters, and claimed by exactly one route: the letter handlers'."""
    assert len(item.custom_id) <= CUSTOM_ID_MAX
    claims = [r for r in ROUTER.routes if not r.form and r.pattern.fullmatch(item.custom_id)]
    assert [r.handle.__qualname__.split(".")[0] for r in claims] == ["LetterHandlers"]


async def test_a_letter_button_with_an_id_too_large_answers_clearly() -> None:
    interaction = _click(f"letter:done:{LetterTask.THANK.value}:{BIG}")
    await ROUTER.dispatch(interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [UNKNOWN_ID]


async def test_letter_buttons_on_a_bot_without_the_season_say_so() -> None:
    interaction = _click(f"letter:snooze:{LetterTask.CHECK.value}:5")
    await ROUTER.dispatch(interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [letters.UNAVAILABLE]


def test_a_letter_line_escapes_the_writer_and_the_ask_names_nobody() -> None:
    writer = Contact(7, 1, ContactDraft(name="Dr. *Ana* @everyone Lee"), NOW, NOW)
    said = LIBRARY.reminders["letter_thanks"]
    item = DueItem(ItemKind.LETTER, TODAY, writer, letter=LetterReminder("letter_thanks", 3, said))
    line = presenters.item_line(item, TODAY)
    assert line.startswith("📨 **Dr. \\*Ana\\*") and "{writer}" not in line
    assert line.endswith("send a thank-you today. · today")
    assert presenters.item_label(item) == "Thank a letter writer: Dr. *Ana* @everyone Lee"
    ask = DueItem(ItemKind.LETTER, TODAY, None, letter=LetterReminder("letter_ask", 0, "Ask."))
    assert presenters.item_label(ask) == "Ask your letter writers"
    assert ask.ref == 0 and item.ref == 3


def test_a_digest_season_section_fits_the_field_limit() -> None:
    """Every task of the week is shown; fields never exceed 1,024 characters; the provisional
    dates are said; a week with no task adds nothing."""
    status = season_status(LIBRARY, SeasonPlan(1, "us-2027"), today=date(2026, 9, 13))
    long = status.__class__(status.items * 4, status.calendar)  # more than one field holds
    digest = Digest(1, TODAY, (), WeekActivity(), season=long)
    embed = presenters.digest_embed(digest, empty_text="Nothing due.", title="Your week")
    fields = [f for f in embed.fields if f.name and f.name.startswith(presenters.SEASON_HEADING)]
    assert len(fields) > 1 and all(len(f.value or "") <= presenters.FIELD_MAX for f in fields)
    assert "(dates provisional)" in (fields[0].name or "")
    shown = "\n".join(f.value or "" for f in fields)
    assert shown.count("• ") == len(long.items)
    quiet = season_status(
        LIBRARY,
        SeasonPlan(
            1,
            "us-2027",
        ),
        today=date(2027, 6, 1),
    )
    empty = presenters.digest_embed(
        Digest(1, TODAY, (), WeekActivity(), season=quiet), empty_text="-", title="t"
    )
    assert not any((f.name or "").startswith(presenters.SEASON_HEADING) for f in empty.fields)


@pytest.mark.parametrize("limit", [40, 100, 1024])
def test_packed_keeps_every_line_within_the_limit(limit: int) -> None:
    lines = [f"line {n} " + "x" * (n * 7 % 90) for n in range(60)]
    values = presenters.packed(lines, limit)
    assert all(len(v) <= limit for v in values)
    if limit >= 100:
        assert "\n".join(values).split("\n") == lines
