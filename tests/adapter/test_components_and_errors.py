"""Adapter pieces without Discord: custom_id formats and routing, limits, what errors say."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.app import discord_router
from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.models import ItemKind
from bot.discord_adapter.components import (
    contacts,
    drafts,
    due,
    events,
    imports,
    pitch,
    privacy,
    views,
)
from bot.discord_adapter.components.custom_ids import CUSTOM_ID_MAX, INT64_MAX, UNKNOWN_ID, ref
from bot.discord_adapter.components.routing import FORM_GONE, Route, Router
from bot.discord_adapter.errors import APOLOGY, present_error, user_message_for

BIG = 10**19  # a 20-digit id: the longest a Discord snowflake or a row id gets here
# The services are never called here: the router is only asked which handler an id goes to.
SERVICES: Any = SimpleNamespace(
    contacts=None,
    drafts=None,
    reminders=None,
    events=None,
    imports=None,
    coaching=None,
    privacy=None,
    season_reminders=None,
)
ROUTER = discord_router(SERVICES)

# One custom_id of every format ever sent, written out as Discord hands them back: buttons in
# digests and replies already sent must keep working after an upgrade. (custom_id, is a form,
# the handler it must reach).
SENT_FORMATS = [
    ("contact:edit:5", False, "ContactHandlers.edit"),
    ("contact:log:5", False, "ContactHandlers.log"),
    ("contact:remove:5", False, "ContactHandlers.remove"),
    ("contact:keep:5", False, "ContactHandlers.keep"),
    ("contact:page:0:2:next", False, "ContactHandlers.turn_page"),
    ("contact:page:7:0:prev", False, "ContactHandlers.turn_page"),
    ("contact:dupe:5:9", False, "ContactHandlers.resolve_duplicate"),
    ("contact:dupe:5:new", False, "ContactHandlers.resolve_duplicate"),
    ("draft:sent:5", False, "DraftHandlers.act"),
    ("draft:again:5", False, "DraftHandlers.act"),
    ("draft:channel:5", False, "DraftHandlers.act"),
    ("draft:tone:5", False, "DraftHandlers.act"),
    ("draft:edit:5", False, "DraftHandlers.edit_details"),
    ("draft:ask:5", False, "DraftHandlers.add_details"),
    *(
        (f"due:{action}:{kind}:5", False, "DueHandlers.act")
        for action in ("draft", "done", "snooze")
        for kind in ("nudge", "follow_up", "reminder", "check_in")
    ),
    ("due:pick:0", False, "DueHandlers.pick"),
    ("reminders:stop:0", False, "DueHandlers.stop"),
    ("pitch:save:5", False, "PitchHandlers.save"),
    ("privacy:delete:0", False, "PrivacyHandlers.answer"),
    ("privacy:keep:0", False, "PrivacyHandlers.answer"),
    ("import:confirm:5", False, "ImportHandlers.answer"),
    ("import:cancel:5", False, "ImportHandlers.answer"),
    ("event:people:5", False, "EventHandlers.add_people"),
    ("event:drafts:5", False, "EventHandlers.draft_follow_ups"),
    ("event:met:5", False, "EventHandlers.log_scheduled"),
    ("event:skip:5", False, "EventHandlers.not_this_time"),
    ("contact:editform:5", True, "ContactHandlers.edit_submitted"),
    ("contact:logform:5", True, "ContactHandlers.log_submitted"),
    ("profile:form:0", True, "DraftHandlers.profile_submitted"),
    ("profile:form:5", True, "DraftHandlers.profile_submitted"),
    ("draft:fields:5", True, "DraftHandlers.missing_fields_submitted"),
    ("draft:editform:5", True, "DraftHandlers.details_submitted"),
    ("pitch:form:0", True, "PitchHandlers.submitted"),
    ("event:peopleform:5", True, "EventHandlers.people_submitted"),
    *(
        (f"letter:{action}:{task}:5", False, "LetterHandlers.act")
        for action in ("draft", "done", "snooze")
        for task in ("letter_ask", "letter_check", "letter_thanks", "match_outcome")
    ),
    ("letter:writer:0", False, "LetterHandlers.pick_writer"),
]


@pytest.mark.parametrize(("custom_id", "form", "handler"), SENT_FORMATS, ids=lambda v: str(v))
def test_every_custom_id_format_ever_sent_still_reaches_its_handler(
    custom_id: str, form: bool, handler: str
) -> None:
    found = ROUTER.find(custom_id, form=form)
    assert found is not None, custom_id
    route, _ = found
    assert route.handle.__qualname__ == handler
    # Exactly one route claims it: one click, one handler.
    claims = [r for r in ROUTER.routes if r.form is form and r.pattern.fullmatch(custom_id)]
    assert len(claims) == 1
    # A button's id is never taken for a form's, nor the other way round.
    assert ROUTER.find(custom_id, form=not form) is None


def components_built(n: int) -> list[Any]:
    """One of every button and menu the adapter builds, with id `n` wherever an id goes."""
    built = [
        contacts.card_view(n),
        contacts.confirm_remove_view(n),
        views.detached_view(
            *(drafts.action_button(a, n) for a in drafts.ACTION_LABELS),
            drafts.edit_details_button(n),
            drafts.add_details_button(n),
        ),
        pitch.pitch_view(n),
        privacy.delete_view(),
        imports.import_view(n),
        events.event_view(n),
        events.people_added_view(n),
        events.scheduled_event_view(n),
    ]
    items = [item for view in built if view is not None for item in view.children]
    return [
        *items,
        contacts.page_button(n, 99999, "next"),
        contacts.page_button(n, 0, "prev"),
        contacts.duplicate_button(n, n, "Update someone"),
        contacts.duplicate_button(n, None),
        *(due.item_button(a, k, n) for a in views.ITEM_LABELS for k in ItemKind),
        due.item_menu([], 1),
        due.stop_button(),
    ]


@pytest.mark.parametrize("item", components_built(BIG), ids=lambda i: i.custom_id)
def test_every_built_custom_id_fits_and_is_routed(item: Any) -> None:
    """Within Discord's 100 characters, and answered by exactly one handler."""
    assert len(item.custom_id) <= CUSTOM_ID_MAX
    assert ROUTER.find(item.custom_id, form=False) is not None


def test_built_views_are_left_out_of_discord_pys_view_store() -> None:
    """A stopped view is sent but not kept in memory: the router answers its clicks, so a
    digest a week old (or from before a restart) works like a reply a second old."""
    for view in (contacts.card_view(1), due.due_view([], with_stop=True), privacy.delete_view()):
        assert view is not None and view.is_finished()


def test_two_handlers_may_not_claim_one_pattern() -> None:
    class Twice:
        def routes(self) -> tuple[Route, ...]:
            async def handle(interaction: Any, match: re.Match[str]) -> None: ...

            return (Route(re.compile("a:b:0"), handle), Route(re.compile("a:b:0"), handle))

    with pytest.raises(ValueError, match="same custom_id"):
        Router(Twice())


def test_no_handler_reaches_for_services_through_the_client() -> None:
    """Handlers get their services from their constructors (app.py), never from a global."""
    adapter = Path(__file__).parents[2] / "bot" / "discord_adapter"
    offenders = [
        str(path.relative_to(adapter))
        for path in adapter.rglob("*.py")
        if "client.services" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


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
        self.type = discord.InteractionType.component
        self.data: dict[str, Any] = {"custom_id": "contact:edit:1"}
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
    assert ref(str(INT64_MAX)) == INT64_MAX
    with pytest.raises(InvalidInput, match="can't find"):
        ref(str(INT64_MAX + 1))


def _click(custom_id: str, *, form: bool = False) -> _Interaction:
    interaction = _Interaction()
    interaction.type = (
        discord.InteractionType.modal_submit if form else discord.InteractionType.component
    )
    interaction.data = {"custom_id": custom_id, "components": []}
    return interaction


@pytest.mark.parametrize(
    "custom_id",
    [i.custom_id for i in components_built(BIG) if str(BIG) in i.custom_id],
)
async def test_a_button_with_an_id_too_large_answers_clearly(custom_id: str) -> None:
    """Every button carrying an id over int64 answers the clicker instead of failing."""
    interaction = _click(custom_id)
    await ROUTER.dispatch(interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [UNKNOWN_ID]


@pytest.mark.parametrize("custom_id", ["contact:editform:", "draft:fields:", "profile:form:"])
async def test_a_form_with_an_id_too_large_answers_clearly(custom_id: str) -> None:
    interaction = _click(custom_id + "9" * 20, form=True)
    await ROUTER.dispatch(interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [UNKNOWN_ID]


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []

    def routes(self) -> tuple[Route, ...]:
        async def clicked(interaction: Any, match: re.Match[str]) -> None:
            self.calls.append(("click", match.groupdict()))

        async def submitted(interaction: Any, match: re.Match[str]) -> None:
            self.calls.append(("form", match.groupdict()))

        return (
            Route(re.compile(r"thing:poke:(?P<id>\d{1,20})"), clicked),
            Route(re.compile(r"thing:form:(?P<id>\d{1,20})"), submitted, form=True),
        )


async def test_dispatch_runs_the_handler_the_id_names() -> None:
    recorder = _Recorder()
    router = Router(recorder)
    await router.dispatch(_click("thing:poke:42"))  # type: ignore[arg-type]
    await router.dispatch(_click("thing:form:7", form=True))  # type: ignore[arg-type]
    assert recorder.calls == [("click", {"id": "42"}), ("form", {"id": "7"})]


async def test_unknown_forms_get_an_answer_and_unknown_buttons_are_left_alone() -> None:
    router = Router(_Recorder())
    form = _click("thing:gone:1", form=True)
    await router.dispatch(form)  # type: ignore[arg-type]
    assert form.response.sent == [FORM_GONE]
    click = _click("thing:gone:1")
    await router.dispatch(click)  # type: ignore[arg-type]
    assert click.response.sent == []


async def test_a_failing_handler_answers_through_the_error_presenter() -> None:
    async def broken(interaction: Any, match: re.Match[str]) -> None:
        raise ContactNotFound()

    class Broken:
        def routes(self) -> tuple[Route, ...]:
            return (Route(re.compile("thing:poke:0"), broken),)

    interaction = _click("thing:poke:0")
    await Router(Broken()).dispatch(interaction)  # type: ignore[arg-type]
    assert interaction.response.sent == [ContactNotFound().user_message]
