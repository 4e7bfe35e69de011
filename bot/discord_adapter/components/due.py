"""Due items, in a digest DM or in `/due`: Draft / Done / Snooze, the menu for the rest, Stop."""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from bot.core.drafts import DraftService
from bot.core.models import DueItem, ItemKind
from bot.core.reminders import ReminderService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, ref
from bot.discord_adapter.components.drafts import deliver
from bot.discord_adapter.components.letters import letter_item_buttons
from bot.discord_adapter.components.routing import Interaction, Route, raw_data
from bot.discord_adapter.components.views import (
    Button,
    button,
    detached_view,
    item_action_button,
)
from bot.discord_adapter.errors import send_ephemeral

_KINDS = "|".join(kind.value for kind in ItemKind)
# The id is a contact (or a reminder, for reminders); it is re-read for whoever clicks.
ITEM = re.compile(rf"due:(?P<action>draft|done|snooze):(?P<kind>{_KINDS}):(?P<id>{ID})")
# Items beyond the first few: pick one to get its Draft / Done / Snooze buttons.
MENU = re.compile(r"due:pick:0")
# Turns reminder DMs off for whoever clicks (only the student sees their own DMs).
STOP = re.compile(r"reminders:stop:0")

# Discord allows five rows: three items get their buttons directly, the rest are reached
# through a menu on the fourth row, and the fifth holds "Stop these DMs".
ITEM_ROWS = 3
MENU_ITEMS = 10


def item_button(
    action: str, kind: ItemKind, ref: int, label: str | None = None, *, row: int | None = None
) -> Button:
    return item_action_button(f"due:{action}:{kind.value}:{ref}", action, label, row=row)


def item_menu(
    items: Sequence[DueItem], first_number: int, *, row: int | None = None
) -> discord.ui.Select[discord.ui.View]:
    options = [
        discord.SelectOption(
            label=presenters.clip(f"{n}. {presenters.item_label(item)}", 100),
            value=f"{item.kind.value}:{item.ref}",
        )
        for n, item in enumerate(items, first_number)
    ]
    return discord.ui.Select(
        custom_id="due:pick:0",
        placeholder="Act on another item…",
        options=options or [discord.SelectOption(label="—", value="none:0")],
        row=row,
    )


def stop_button(*, row: int | None = None) -> Button:
    return button("reminders:stop:0", "Stop these DMs", style=discord.ButtonStyle.danger, row=row)


def _item_buttons(item: DueItem, row: int) -> list[Button]:
    if item.kind is ItemKind.LETTER:  # a letter reminder's buttons act on the letter
        return letter_item_buttons(item, row)
    buttons = []
    if item.contact is not None:
        who = presenters.display_name(item.contact)
        buttons.append(item_button("draft", item.kind, item.ref, f"Draft: {who}", row=row))
    buttons.append(item_button("done", item.kind, item.ref, row=row))
    buttons.append(item_button("snooze", item.kind, item.ref, row=row))
    return buttons


def due_view(items: Sequence[DueItem], *, with_stop: bool) -> discord.ui.View | None:
    """Draft / Done / Snooze for every listed item (directly, or via the menu), and Stop."""
    children: list[discord.ui.Item[discord.ui.View]] = []
    for row, item in enumerate(items[:ITEM_ROWS]):
        children.extend(_item_buttons(item, row))
    rest = items[ITEM_ROWS:MENU_ITEMS]
    if rest:
        children.append(item_menu(rest, ITEM_ROWS + 1, row=ITEM_ROWS))
    if with_stop:
        children.append(stop_button(row=ITEM_ROWS + 1))
    return detached_view(*children) if children else None


def single_item_view(item: DueItem) -> discord.ui.View:
    return detached_view(*_item_buttons(item, 0))


class DueHandlers:
    """What a due item's buttons do, for whoever clicks (a digest is only ever theirs)."""

    def __init__(self, reminders: ReminderService, drafts: DraftService) -> None:
        self.reminders = reminders
        self.drafts = drafts

    def routes(self) -> tuple[Route, ...]:
        return (Route(ITEM, self.act), Route(MENU, self.pick), Route(STOP, self.stop))

    async def act(self, interaction: Interaction, match: re.Match[str]) -> None:
        owner, kind, item_ref = interaction.user.id, ItemKind(match["kind"]), ref(match["id"])
        action = match["action"]
        if action == "draft":
            request = await self.reminders.draft_request(owner, kind, item_ref)
            await deliver(interaction, lambda: self.drafts.start(owner, request))
            return
        if action == "done":
            if await self.reminders.done(owner, kind, item_ref):
                text = "Logged — nice work. It won't come up again until it's due."
            else:
                text = "Already logged today — nothing more to do."
        else:
            await self.reminders.snooze(owner, kind, item_ref)
            text = "Snoozed for a week."
        await send_ephemeral(interaction, text)

    async def pick(self, interaction: Interaction, match: re.Match[str]) -> None:
        values = raw_data(interaction).get("values") or []
        kind_text, _, ref_text = (str(values[0]) if values else "").partition(":")
        if kind_text not in {k.value for k in ItemKind} or not ref_text.isdigit():
            await send_ephemeral(interaction, "That choice is no longer available.")
            return
        item = await self.reminders.item(interaction.user.id, ItemKind(kind_text), ref(ref_text))
        await interaction.response.send_message(
            presenters.item_text(item, item.due_on, late=False),
            view=single_item_view(item),
            ephemeral=True,
        )

    async def stop(self, interaction: Interaction, match: re.Match[str]) -> None:
        await self.reminders.turn_off(interaction.user.id)
        await send_ephemeral(
            interaction,
            "Done: no more reminder DMs. Your contacts are all still here; "
            "`/reminders setup` turns them back on.",
        )
