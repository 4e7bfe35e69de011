"""The elevator-pitch form (three short answers) and the button that saves the result."""

from __future__ import annotations

import re

import discord

from bot.core.coaching import CoachingService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, ref
from bot.discord_adapter.components.forms import detached, form_values, text_input, text_value
from bot.discord_adapter.components.routing import Interaction, Route
from bot.discord_adapter.components.views import button, detached_view

FORM = re.compile(r"pitch:form:0")
# Saves a composed pitch (held for a day) to the clicker's profile.
SAVE = re.compile(rf"pitch:save:(?P<id>{ID})")

F_INTRO, F_DRAW, F_HOPE = "intro", "draw", "hope"


def pitch_form(prompts: dict[str, str]) -> discord.ui.Modal:
    """Three short answers that become an elevator pitch."""
    modal = discord.ui.Modal(
        title="Build your elevator pitch", custom_id="pitch:form:0", timeout=None
    )
    for field_id, key, label in (
        (F_INTRO, "intro_prompt", "1. Who you are"),
        (F_DRAW, "interest_prompt", "2. What draws you to your interests"),
        (F_HOPE, "hope_prompt", "3. What you hope to learn or do"),
    ):
        modal.add_item(
            discord.ui.Label(
                text=label,
                description=presenters.clip(prompts[key], 100),
                component=text_input(
                    field_id, default=None, max_length=250, required=True, paragraph=True
                ),
            )
        )
    return detached(modal)


def pitch_view(pending_id: int) -> discord.ui.View:
    return detached_view(
        button(
            f"pitch:save:{pending_id}",
            "Save to my profile",
            emoji="💾",
            style=discord.ButtonStyle.success,
        )
    )


class PitchHandlers:
    def __init__(self, coaching: CoachingService) -> None:
        self.coaching = coaching

    def routes(self) -> tuple[Route, ...]:
        return (Route(FORM, self.submitted, form=True), Route(SAVE, self.save))

    async def submitted(self, interaction: Interaction, match: re.Match[str]) -> None:
        values = form_values(interaction)
        pitch = await self.coaching.compose_pitch(
            interaction.user.id, [text_value(values, key) for key in (F_INTRO, F_DRAW, F_HOPE)]
        )
        await interaction.response.send_message(
            embed=presenters.pitch_embed(pitch, self.coaching.library.pitch["tip"]),
            view=pitch_view(pitch.pending_id),
            ephemeral=True,
        )

    async def save(self, interaction: Interaction, match: re.Match[str]) -> None:
        await self.coaching.save_pitch(interaction.user.id, ref(match["id"]))
        await interaction.response.edit_message(
            content="Saved: your drafts will use this pitch.", view=None
        )
