"""`/help`: what the coach does, the commands by task, and who can see a student's data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.content.prompts import PromptLibrary
from bot.discord_adapter.presenters import COLOUR

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction


def help_embed(prompts: PromptLibrary, key: str = "help") -> discord.Embed:
    return discord.Embed(
        title=prompts.render(f"{key}_title"), description=prompts.render(key), colour=COLOUR
    )


def help_command(prompts: PromptLibrary) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="help", description="What the coach does and how to use it")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def help_(interaction: Interaction) -> None:
        await interaction.response.send_message(embed=help_embed(prompts), ephemeral=True)

    return help_
