"""The buttons of a letter reminder, wherever it shows (the weekly digest, its own DM, `/due`):
Draft / Done / Snooze, and the menu that picks whom to ask when the reminder is to ask writers.

    letter:{draft|done|snooze}:{task}:{letter}    task: a LetterTask value; letter 0 = the ask
    letter:writer:0                               the menu of possible writers (values: contacts)

The task is part of the id, so a button left on an old message cannot act on the reminder the
letter owes now: it answers "no longer due" and changes nothing. Every id is re-read for whoever
clicks (`SeasonReminderService` scopes each call to them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.letters import LetterTask
from bot.core.meetings import long_date
from bot.core.models import Contact, DueItem
from bot.core.season_reminders import ALREADY_DONE, DONE_SAID, SeasonReminderService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, ref
from bot.discord_adapter.components.drafts import deliver
from bot.discord_adapter.components.routing import Interaction, Route, raw_data
from bot.discord_adapter.components.views import Button, detached_view, item_action_button
from bot.discord_adapter.errors import send_ephemeral

_TASKS = "|".join(task.value for task in LetterTask)
ITEM = re.compile(rf"letter:(?P<action>draft|done|snooze):(?P<task>{_TASKS}):(?P<id>{ID})")
WRITER = re.compile(r"letter:writer:0")

NO_WRITERS = (
    "None of your contacts is faculty, an attending, a researcher or another likely writer "
    "yet. Add the people who know your work with `/contact add`, then draft with "
    "`/outreach kind: Letter of recommendation`."
)
UNAVAILABLE = "Season reminders aren't available on this bot."


def letter_button(
    action: str, task: LetterTask, letter_id: int, label: str | None = None, *, row: int | None
) -> Button:
    return item_action_button(f"letter:{action}:{task.value}:{letter_id}", action, label, row=row)


def writer_menu(writers: Sequence[Contact]) -> discord.ui.Select[discord.ui.View]:
    options = [
        discord.SelectOption(
            label=presenters.clip(presenters.display_name(c), 100),
            description=presenters.clip(c.role.label, 100),
            value=str(c.id),
        )
        for c in writers[:25]  # Discord's limit of options in one menu
    ]
    return discord.ui.Select(
        custom_id="letter:writer:0",
        placeholder="Choose a writer…",
        options=options or [discord.SelectOption(label="—", value="0")],
    )


def letter_item_buttons(item: DueItem, row: int) -> list[Button]:
    """A letter item's Draft / Done / Snooze, in one row of a digest, DM or `/due` view."""
    assert item.letter is not None
    task = LetterTask(item.letter.task)
    who = presenters.display_name(item.contact) if item.contact else None
    label = f"Draft: {who}" if who else "Draft an ask"
    return [
        letter_button("draft", task, item.ref, label, row=row),
        letter_button("done", task, item.ref, row=row),
        letter_button("snooze", task, item.ref, row=row),
    ]


class LetterHandlers:
    """What a letter reminder's buttons do, for whoever clicks."""

    def __init__(self, season: SeasonReminderService | None, drafts: DraftService) -> None:
        self.season = season
        self.drafts = drafts

    def routes(self) -> tuple[Route, ...]:
        return (Route(ITEM, self.act), Route(WRITER, self.pick_writer))

    def _service(self) -> SeasonReminderService:
        if self.season is None:
            raise InvalidInput(UNAVAILABLE)
        return self.season

    async def act(self, interaction: Interaction, match: re.Match[str]) -> None:
        action, task, letter_id = match["action"], LetterTask(match["task"]), ref(match["id"])
        service, owner = self._service(), interaction.user.id
        if action == "draft":
            if task is LetterTask.ASK:
                await self._offer_writers(interaction, service)
                return
            request = await service.draft_request(owner, task, letter_id)
            await deliver(interaction, lambda: self.drafts.start(owner, request))
            return
        if action == "done":
            done = await service.done(owner, task, letter_id)
            await send_ephemeral(interaction, DONE_SAID[task] if done else ALREADY_DONE)
            return
        until = await service.snooze(owner, task, letter_id)
        await send_ephemeral(interaction, f"Snoozed until {long_date(until)}.")

    async def _offer_writers(
        self, interaction: Interaction, service: SeasonReminderService
    ) -> None:
        owner = interaction.user.id
        await service.item(owner, LetterTask.ASK, 0)  # still owed, or "no longer due"
        writers = await service.writer_choices(owner)
        if not writers:
            await send_ephemeral(interaction, NO_WRITERS)
            return
        await interaction.response.send_message(
            "Who would you like to ask? I'll draft the request; record it with `/letters ask` "
            "once you've sent it.",
            view=detached_view(writer_menu(writers)),
            ephemeral=True,
        )

    async def pick_writer(self, interaction: Interaction, match: re.Match[str]) -> None:
        """Pick a writer to ask: drafts the letter request (the ask reminder's Draft)."""
        values = raw_data(interaction).get("values") or []
        picked = str(values[0]) if values else ""
        if not picked.isdigit() or picked == "0":
            await send_ephemeral(interaction, "That choice is no longer available.")
            return
        service, owner = self._service(), interaction.user.id
        request = await service.draft_request(owner, LetterTask.ASK, 0, writer_id=ref(picked))
        await deliver(interaction, lambda: self.drafts.start(owner, request))
