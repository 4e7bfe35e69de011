"""The buttons of a letter reminder, wherever it shows (the weekly digest, its own DM, `/due`):
Draft / Done / Snooze, and the menu that picks whom to ask when the reminder is to ask writers.

Custom ids follow the grammar of `components.py`:

    letter:{draft|done|snooze}:{task}:{letter}    task: a LetterTask value; letter 0 = the ask
    letter:writer:0                               the menu of possible writers (values: contacts)

The task is part of the id, so a button left on an old message cannot act on the reminder the
letter owes now: it answers "no longer due" and changes nothing. Every id is re-read for whoever
clicks (`SeasonReminderService` scopes each call to them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.core.errors import InvalidInput
from bot.core.letters import LetterTask
from bot.core.meetings import long_date
from bot.core.models import Contact, DueItem
from bot.core.season_reminders import SeasonReminderService
from bot.discord_adapter import presenters
from bot.discord_adapter.components import (
    _ID,
    AnyInteraction,
    _checked,
    _Guarded,
    _in_row,
    deliver,
    persistent_view,
    ref,
)
from bot.discord_adapter.errors import send_ephemeral

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

_TASKS = "|".join(task.value for task in LetterTask)
DONE = {
    LetterTask.ASK: (
        "Done: no more reminders to ask this cycle. Record each writer you ask with "
        "`/letters ask`, and I'll remind you to check, thank and update them."
    ),
    LetterTask.CHECK: (
        "Noted that you checked in. If the letter still isn't marked in after its deadline, "
        "I'll ask you once more."
    ),
    LetterTask.THANK: "Marked as thanked. After Match Day I'll remind you to share your news.",
    LetterTask.OUTCOME: "Marked as told: this letter's story is complete. Well done.",
}
ALREADY_DONE = "That's already done (or no longer due), so nothing changed."
NO_WRITERS = (
    "None of your contacts is faculty, an attending, a researcher or another likely writer "
    "yet. Add the people who know your work with `/contact add`, then draft with "
    "`/outreach kind: Letter of recommendation`."
)


def _service(interaction: Interaction) -> SeasonReminderService:
    service = interaction.client.services.season_reminders
    if service is None:
        raise InvalidInput("Season reminders aren't available on this bot.")
    return service


class LetterItemButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"letter:(?P<action>draft|done|snooze):(?P<task>{_TASKS}):(?P<id>{_ID})",
):
    """Draft / Done / Snooze a week, on one letter reminder."""

    LABELS: ClassVar[dict[str, tuple[str, str, discord.ButtonStyle]]] = {
        "draft": ("Draft", "✏️", discord.ButtonStyle.primary),
        "done": ("Done", "✅", discord.ButtonStyle.success),
        "snooze": ("Snooze a week", "💤", discord.ButtonStyle.secondary),
    }

    def __init__(
        self, action: str, task: LetterTask, letter_id: int, label: str | None = None
    ) -> None:
        text, emoji, style = self.LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=presenters.clip(label or text, 80),
                emoji=emoji,
                style=style,
                custom_id=_checked(f"letter:{action}:{task.value}:{letter_id}"),
            )
        )
        self.action, self.task, self.letter_id = action, task, letter_id

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["action"], LetterTask(match["task"]), int(match["id"]))

    async def act(self, interaction: Interaction) -> None:
        service = _service(interaction)
        owner = interaction.user.id
        if self.action == "draft":
            if self.task is LetterTask.ASK:
                await self._offer_writers(interaction, service)
                return
            request = await service.draft_request(owner, self.task, self.letter_id)
            drafts = interaction.client.services.drafts
            await deliver(interaction, lambda: drafts.start(owner, request))
            return
        if self.action == "done":
            done = await service.done(owner, self.task, self.letter_id)
            await send_ephemeral(interaction, DONE[self.task] if done else ALREADY_DONE)
            return
        until = await service.snooze(owner, self.task, self.letter_id)
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
            view=persistent_view(WriterMenu(writers)),
            ephemeral=True,
        )


class WriterMenu(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"letter:writer:0",
):
    """Pick a writer to ask: drafts the letter request (the ask reminder's Draft)."""

    def __init__(self, writers: list[Contact] | None = None) -> None:
        options = [
            discord.SelectOption(
                label=presenters.clip(presenters.display_name(c), 100),
                description=presenters.clip(c.role.label, 100),
                value=str(c.id),
            )
            for c in (writers or [])
        ]
        super().__init__(
            discord.ui.Select(
                custom_id="letter:writer:0",
                placeholder="Choose a writer…",
                options=options or [discord.SelectOption(label="—", value="0")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls()

    async def act(self, interaction: Interaction) -> None:
        values = self.item.values  # discord.py refreshed them from this click
        picked = values[0] if values else ""
        if not picked.isdigit() or picked == "0":
            await send_ephemeral(interaction, "That choice is no longer available.")
            return
        owner = interaction.user.id
        request = await _service(interaction).draft_request(
            owner, LetterTask.ASK, 0, writer_id=ref(picked)
        )
        drafts = interaction.client.services.drafts
        await deliver(interaction, lambda: drafts.start(owner, request))


def add_item_buttons(view: discord.ui.View, item: DueItem, row: int) -> None:
    """A letter item's Draft / Done / Snooze, in one row of a digest, DM or `/due` view."""
    assert item.letter is not None
    task = LetterTask(item.letter.task)
    who = presenters.display_name(item.contact) if item.contact else None
    label = f"Draft: {who}" if who else "Draft an ask"
    view.add_item(_in_row(LetterItemButton("draft", task, item.ref, label), row))
    view.add_item(_in_row(LetterItemButton("done", task, item.ref), row))
    view.add_item(_in_row(LetterItemButton("snooze", task, item.ref), row))


SEASON_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (LetterItemButton, WriterMenu)
