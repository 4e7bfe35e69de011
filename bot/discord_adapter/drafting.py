"""Presenting draft requests: the drafts, or the form that must be filled in first.

Shared by `/followup`, `/outreach` and the forms that resume a held request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.core.drafts import DraftResult, FieldsRequired, ProfileRequired
from bot.discord_adapter import components, presenters
from bot.discord_adapter.errors import send_ephemeral

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction


async def deliver(
    interaction: Interaction, make: Callable[[], Awaitable[list[DraftResult]]]
) -> None:
    """Run a draft request and answer with one private message per draft.

    A form cannot answer a form, so when this interaction is itself a form submission a
    missing detail is asked for through a button that opens the next form.
    """
    from_form = interaction.type is discord.InteractionType.modal_submit
    try:
        results = await make()
    except ProfileRequired as held:
        if from_form:
            await send_ephemeral(interaction, "Set up your profile with `/profile` first.")
            return
        await interaction.response.send_modal(components.profile_form(None, held.pending_id))
        return
    except FieldsRequired as held:
        if not from_form:
            await interaction.response.send_modal(
                components.missing_fields_form(held.pending_id, held.fields, held.title)
            )
            return
        view = discord.ui.View(timeout=None)
        view.add_item(components.AddDetailsButton(held.pending_id))
        await interaction.response.send_message(
            f"Saved. One more thing: “{presenters.esc(held.title)}” needs a few details.",
            view=view,
            ephemeral=True,
        )
        return
    first, *rest = results
    await interaction.response.send_message(ephemeral=True, **components.draft_message(first))
    for result in rest:
        await interaction.followup.send(ephemeral=True, **components.draft_message(result))
