"""`/profile`: the student's own details that every draft is written with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.drafts import DELAY_RANGE, PROFILE_LIMITS, DraftService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.draft_forms import profile_form

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

CLEAR = "-"
SIGNOFF_MAX, CONTACT_LINE_MAX = PROFILE_LIMITS["signoff"], PROFILE_LIMITS["contact_line"]
DELAY_MIN, DELAY_MAX = DELAY_RANGE


def profile_command(drafts: DraftService) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="profile", description="Your details, used to write every draft")
    @app_commands.describe(
        signoff="How you close messages, e.g. 'Kind regards' ('-' for the default)",
        contact_line="A line under your name, e.g. your school e-mail ('-' clears it)",
        follow_up_delay="Days without a reply before I suggest a polite nudge (default 7)",
        english="US English (the default) or UK spelling and dates in your drafts",
    )
    @app_commands.choices(
        english=[
            app_commands.Choice(name="US English", value="us"),
            app_commands.Choice(name="UK English", value="uk"),
        ]
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def profile(
        interaction: Interaction,
        signoff: app_commands.Range[str, 1, SIGNOFF_MAX] | None = None,
        contact_line: app_commands.Range[str, 1, CONTACT_LINE_MAX] | None = None,
        follow_up_delay: app_commands.Range[int, DELAY_MIN, DELAY_MAX] | None = None,
        english: str | None = None,
    ) -> None:
        owner = interaction.user.id
        current = await drafts.profile(owner)
        changes: dict[str, Any] = {}
        for key, value in (("signoff", signoff), ("contact_line", contact_line)):
            if value is not None:
                changes[key] = None if value.strip() == CLEAR else value
        if follow_up_delay is not None:
            changes["follow_up_delay_days"] = follow_up_delay
        if english is not None:
            changes["english"] = english
        if current is None or not changes:
            # No profile yet, or nothing to change here: the form, prefilled.
            await interaction.response.send_modal(profile_form(current))
            return
        saved = await drafts.save_profile(owner, changes)
        await interaction.response.send_message(
            embed=presenters.profile_embed(saved), ephemeral=True
        )

    return profile
