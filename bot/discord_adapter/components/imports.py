"""Import / Cancel under an import preview; the held rows are looked up for the clicker."""

from __future__ import annotations

import re

import discord

from bot.core.imports import ImportService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, ref
from bot.discord_adapter.components.routing import Interaction, Route
from bot.discord_adapter.components.views import button, detached_view

CONFIRM = re.compile(rf"import:(?P<action>confirm|cancel):(?P<id>{ID})")


def import_view(pending_id: int | None) -> discord.ui.View | None:
    if pending_id is None:
        return None
    return detached_view(
        button(f"import:confirm:{pending_id}", "Import", style=discord.ButtonStyle.success),
        button(f"import:cancel:{pending_id}", "Cancel"),
    )


class ImportHandlers:
    def __init__(self, imports: ImportService) -> None:
        self.imports = imports

    def routes(self) -> tuple[Route, ...]:
        return (Route(CONFIRM, self.answer),)

    async def answer(self, interaction: Interaction, match: re.Match[str]) -> None:
        owner, pending_id = interaction.user.id, ref(match["id"])
        if match["action"] == "cancel":
            await self.imports.cancel(owner, pending_id)
            await interaction.response.edit_message(
                content="Cancelled: nothing was imported.", embed=None, view=None
            )
            return
        # Thousands of rows take longer than Discord's 3 seconds: acknowledge, then edit.
        await interaction.response.defer()

        async def progress(done: int, total: int) -> None:
            await interaction.edit_original_response(
                content=presenters.import_progress_text(done, total), view=None
            )

        result = await self.imports.confirm(owner, pending_id, progress)
        await interaction.edit_original_response(
            content=presenters.import_result_text(result), embed=None, view=None
        )
