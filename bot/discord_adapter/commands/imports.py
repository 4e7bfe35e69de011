"""`/contact import file:`: preview an uploaded contacts export (or a `/privacy export` JSON
to restore), then Import or Cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.flight import SingleFlight
from bot.core.imports import ImportService
from bot.core.restore import PartsPreview
from bot.discord_adapter import presenters
from bot.discord_adapter.components.imports import import_view
from bot.discord_adapter.components.views import optional_view
from bot.discord_adapter.flights import single_flight

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction


def import_command(
    imports: ImportService, flights: SingleFlight | None = None
) -> app_commands.Command[Any, ..., None]:
    """The `import` subcommand, added to the `/contact` group by `app.discord_commands`."""

    @app_commands.command(
        name="import",
        description="Add contacts from LinkedIn, Google or vCard, or restore a /privacy export",
    )
    @app_commands.describe(
        file="LinkedIn's Connections.csv, a Google Contacts CSV, a .vcf file or a /privacy export"
    )
    async def import_(interaction: Interaction, file: discord.Attachment) -> None:
        imports.check_size(file.size, file.filename)  # before downloading anything
        async with single_flight(flights, interaction.user.id, "import", "import") as job:
            await interaction.response.defer(ephemeral=True, thinking=True)
            preview = await imports.preview(interaction.user.id, await file.read())
            # The parts of one export come one upload after another: no pause between them.
            job.cools_down = not isinstance(preview, PartsPreview)
            view = import_view(preview.pending_id)
            await interaction.edit_original_response(
                embed=presenters.import_preview_embed(preview), **optional_view(view)
            )

    return import_
