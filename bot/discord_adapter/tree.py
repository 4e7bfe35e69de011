"""CoachTree: the command tree, owning the error hook for every slash command and menu."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.core.students import StudentService
from bot.discord_adapter.errors import present_error

log = logging.getLogger(__name__)


class CoachTree(app_commands.CommandTree[Any]):
    def __init__(self, client: discord.Client, students: StudentService) -> None:
        super().__init__(client)
        self.students = students  # records the server a student is seen in

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        # Runs inside the task that executes the command: mark it in flight for shutdown.
        track = getattr(interaction.client, "track_current_task", None)
        if track is not None:
            track()
        # Autocomplete runs on every keystroke: no writes there; the command itself records it.
        is_autocomplete = interaction.type is discord.InteractionType.autocomplete
        if interaction.guild_id is not None and not is_autocomplete:
            # The server's default timezone applies to students who haven't chosen one. An
            # error raised here would bypass on_error and leave the student unanswered: log it
            # and let the command run (and report its own failure, if any).
            try:
                await self.students.seen_in_guild(interaction.user.id, interaction.guild_id)
            except Exception:
                log.exception(
                    "could not record the server of user=%s interaction=%s",
                    interaction.user.id,
                    interaction.id,
                )
        return True

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        await present_error(interaction, error)
