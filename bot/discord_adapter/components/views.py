"""Buttons and the views that carry them, sent detached from discord.py's view store."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import checked

Button = discord.ui.Button[discord.ui.View]


def button(
    custom_id: str,
    label: str,
    *,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    emoji: str | None = None,
    disabled: bool = False,
    row: int | None = None,
) -> Button:
    return discord.ui.Button(
        label=label,
        emoji=emoji,
        style=style,
        custom_id=checked(custom_id),
        disabled=disabled,
        row=row,
    )


# A due item's three actions, the same on every kind of item (contacts, reminders, letters).
ITEM_LABELS: dict[str, tuple[str, str, discord.ButtonStyle]] = {
    "draft": ("Draft", "✏️", discord.ButtonStyle.primary),
    "done": ("Done", "✅", discord.ButtonStyle.success),
    "snooze": ("Snooze a week", "💤", discord.ButtonStyle.secondary),
}


def item_action_button(
    custom_id: str, action: str, label: str | None = None, *, row: int | None = None
) -> Button:
    """Draft / Done / Snooze on one item; `label` replaces the action's own (clipped to 80)."""
    text, emoji, style = ITEM_LABELS[action]
    return button(
        custom_id,
        presenters.clip(label or text, 80),
        emoji=emoji,
        style=style,
        row=row,
    )


class DetachedView(discord.ui.View):
    """A view discord.py sends but never keeps: it stores only views that are not finished,
    and this one always is. The router answers its clicks by custom_id, so a button works the
    same a second or a month after it was sent, across restarts, and memory does not grow with
    every message. (`stop()` alone would not do: outside a running loop it marks nothing.)"""

    def is_finished(self) -> bool:
        return True


def detached_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = DetachedView(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def optional_view(view: discord.ui.View | None) -> dict[str, Any]:
    """`view=` for a reply, or nothing when it has no buttons (send_message refuses None)."""
    return {"view": view} if view else {}
