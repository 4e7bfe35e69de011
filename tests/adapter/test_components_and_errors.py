"""Adapter pieces without Discord: custom_id round trips, limits, and what errors say."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.models import ItemKind
from bot.discord_adapter import components
from bot.discord_adapter.errors import APOLOGY, present_error, user_message_for

BIG = 10**19  # a 20-digit id: the longest a Discord snowflake or a row id gets here


def instances() -> list[Any]:
    """One of every persistent button, built with the largest ids."""
    return [
        components.EditContactButton(BIG),
        components.LogExchangeButton(BIG),
        components.ConfirmRemoveButton(BIG),
        components.KeepContactButton(BIG),
        components.PageButton(BIG, 99999, "next"),
        components.ResolveDuplicateButton(BIG, BIG, "Update someone"),
        components.ResolveDuplicateButton(BIG, None),
        components.DraftActionButton("sent", BIG),
        components.DraftActionButton("again", BIG),
        components.DraftActionButton("channel", BIG),
        components.EditDetailsButton(BIG),
        components.AddDetailsButton(BIG),
        *(
            components.DueItemButton(a, k, BIG)
            for a in ("draft", "done", "snooze")
            for k in ItemKind
        ),
        components.StopDigestsButton(),
        components.SavePitchButton(BIG),
        components.DeleteEverythingButton("delete"),
        components.DeleteEverythingButton("keep"),
    ]


@pytest.mark.parametrize("item", instances(), ids=lambda i: i.custom_id)
def test_custom_ids_fit_and_parse_back(item: Any) -> None:
    """Every custom_id is within Discord's 100 characters and matches its own template."""
    assert len(item.custom_id) <= components.CUSTOM_ID_MAX
    assert type(item).__discord_ui_compiled_template__.fullmatch(item.custom_id)


def test_every_dynamic_item_is_registered() -> None:
    """Each persistent button class is registered, so it works after a restart."""
    assert {type(i) for i in instances()} <= set(components.DYNAMIC_ITEMS)


def test_templates_do_not_overlap() -> None:
    """No custom_id is claimed by two button classes (one click, one handler)."""
    for item in instances():
        owners = [
            cls
            for cls in components.DYNAMIC_ITEMS
            if cls.__discord_ui_compiled_template__.fullmatch(item.custom_id)
        ]
        assert owners == [type(item)], item.custom_id


def test_form_ids_follow_the_grammar() -> None:
    """Form custom_ids are matched by exactly one route pattern."""
    forms = [
        components.EDIT_FORM,
        components.LOG_FORM,
        components.PROFILE_FORM,
        components.DRAFT_FIELDS_FORM,
        components.DRAFT_EDIT_FORM,
        components.PITCH_FORM,
    ]
    samples = [
        "contact:editform:5",
        "contact:logform:5",
        "profile:form:0",
        "draft:fields:5",
        "draft:editform:5",
        "pitch:form:0",
    ]
    for sample in samples:
        assert sum(bool(p.fullmatch(sample)) for p in forms) == 1, sample
    assert all(isinstance(p, re.Pattern) for p in forms)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (InvalidInput("Name is too long."), "Name is too long."),
        (ContactNotFound(), "couldn't find that contact"),
        (ExpiredAction(), "expired"),
        (app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError), None),
        (RuntimeError("secret note text"), None),
    ],
)
def test_user_message_for(error: BaseException, expected: str | None) -> None:
    """CoachErrors speak for themselves; anything else is a bug the student never sees."""
    if isinstance(error, app_commands.CommandInvokeError):
        error.original = InvalidInput("wrapped")  # type: ignore[attr-defined]
        expected = "wrapped"
    message = user_message_for(error)
    if expected is None:
        assert message is None and "secret" not in APOLOGY
    else:
        assert message is not None and expected in message


class _Response:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def is_done(self) -> bool:
        return False

    async def send_message(self, text: str, **kwargs: Any) -> None:
        self.sent.append(text)


class _Interaction:
    def __init__(self) -> None:
        self.response = _Response()
        self.command = None
        self.data = {"custom_id": "contact:edit:1"}
        self.user = type("User", (), {"id": 1})()
        self.id = 2


def _http_error() -> BaseException:
    response = type("R", (), {"status": 400, "reason": "Bad Request"})()
    return discord.HTTPException(response, {"code": 50035, "message": "Invalid Form Body"})


@pytest.mark.parametrize("error", [_http_error(), RuntimeError("presenter bug after a save")])
async def test_a_failure_after_a_change_never_says_nothing_was_changed(
    error: BaseException,
) -> None:
    """A save that succeeded before the answer failed must not be reported as undone: the
    student would add it again."""
    interaction = _Interaction()
    await present_error(interaction, error)  # type: ignore[arg-type]
    [said] = interaction.response.sent
    assert "nothing was changed" not in said.casefold()
    assert "may have been" in said


async def test_an_answer_too_late_is_one_warning_line_and_no_second_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Discord's 10062 (the interaction expired before the answer): nobody can be told, and a
    bot that is behind must not spend a traceback and another request on each late answer."""
    response = type("R", (), {"status": 404, "reason": "Not Found"})()
    expired = discord.NotFound(response, {"code": 10062, "message": "Unknown interaction"})
    interaction = _Interaction()
    with caplog.at_level(logging.WARNING):
        await present_error(interaction, expired)  # type: ignore[arg-type]
    assert interaction.response.sent == []
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "interaction=2" in record.getMessage()


def test_ids_that_do_not_fit_sqlite_are_refused_clearly() -> None:
    """20 digits fit the custom_id grammar but not SQLite's int64: a clear message, not an
    OverflowError from the database."""
    assert components.ref(str(components.INT64_MAX)) == components.INT64_MAX
    with pytest.raises(InvalidInput, match="can't find"):
        components.ref(str(components.INT64_MAX + 1))


@pytest.mark.parametrize(
    "item", [i for i in instances() if BIG in vars(i).values()], ids=lambda i: i.custom_id
)
async def test_a_button_with_an_id_too_large_answers_clearly(item: Any) -> None:
    """Every button carrying an id over int64 answers the clicker instead of failing."""
    interaction = _Interaction()
    interaction.client = type("Client", (), {"track_current_task": lambda self: None})()
    await item.callback(interaction)
    assert interaction.response.sent == [components.UNKNOWN_ID]


@pytest.mark.parametrize("custom_id", ["contact:editform:", "draft:fields:", "profile:form:"])
async def test_a_form_with_an_id_too_large_answers_clearly(custom_id: str) -> None:
    from bot.discord_adapter.modals import dispatch_form

    interaction = _Interaction()
    interaction.data = {"custom_id": custom_id + "9" * 20, "components": []}
    await dispatch_form(interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [components.UNKNOWN_ID]
