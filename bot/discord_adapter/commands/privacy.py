"""`/privacy show|export|delete`: what is stored, take it all away, or erase it all."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.content.prompts import PromptLibrary
from bot.core.flight import SingleFlight
from bot.core.privacy import PrivacyService
from bot.discord_adapter import components, presenters
from bot.discord_adapter.flights import single_flight

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class PrivacyGroup(app_commands.Group, name="privacy", description="Your data: see, take, erase"):
    def __init__(
        self, privacy: PrivacyService, prompts: PromptLibrary, flights: SingleFlight | None = None
    ) -> None:
        super().__init__()
        self.privacy = privacy
        self.prompts = prompts
        self.flights = flights

    @app_commands.command(name="show", description="What the coach stores and who can see it")
    async def show(self, interaction: Interaction) -> None:
        embed = discord.Embed(
            title="Your data", description=self.prompts.render("privacy"), colour=presenters.COLOUR
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="export", description="Download everything you've stored")
    async def export(self, interaction: Interaction) -> None:
        async with single_flight(self.flights, interaction.user.id, "export", "export"):
            # Building four files for thousands of contacts can take longer than Discord's 3 s.
            await interaction.response.defer(ephemeral=True, thinking=True)
            export = await self.privacy.export(interaction.user.id)
            await interaction.followup.send(
                f"Everything you've stored: {export.contact_count:,} contacts. The JSON file is "
                "complete; the CSV and vCard open in spreadsheets and address books; the "
                "calendar file holds your upcoming follow-ups and reminders.",
                files=[
                    discord.File(io.BytesIO(data), filename=name) for name, data in export.files
                ],
                ephemeral=True,
            )

    @app_commands.command(name="delete", description="Erase everything the coach stores about you")
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.send_message(
            "This erases your contacts, their history, your drafts, profile, reminders and "
            "goals — everything. It can't be undone (export first if you want a copy).",
            view=components.delete_view(),
            ephemeral=True,
        )
