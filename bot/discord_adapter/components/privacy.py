"""Confirms or cancels `/privacy delete`, for whoever clicks (their own data only)."""

from __future__ import annotations

import re

import discord

from bot.core.privacy import PrivacyService
from bot.discord_adapter.components.routing import Interaction, Route
from bot.discord_adapter.components.views import button, detached_view

DELETE = re.compile(r"privacy:(?P<action>delete|keep):0")


def delete_view() -> discord.ui.View:
    return detached_view(
        button("privacy:delete:0", "Delete everything", style=discord.ButtonStyle.danger),
        button("privacy:keep:0", "Keep my data"),
    )


class PrivacyHandlers:
    def __init__(self, privacy: PrivacyService) -> None:
        self.privacy = privacy

    def routes(self) -> tuple[Route, ...]:
        return (Route(DELETE, self.answer),)

    async def answer(self, interaction: Interaction, match: re.Match[str]) -> None:
        if match["action"] == "keep":
            await interaction.response.edit_message(
                content="Nothing was deleted.", embed=None, view=None
            )
            return
        removed = await self.privacy.delete_everything(interaction.user.id)
        await interaction.response.edit_message(
            content=f"Done: {sum(removed.values()):,} records erased, reminders stopped. "
            "If you use the bot again, it starts from a blank page.",
            embed=None,
            view=None,
        )
