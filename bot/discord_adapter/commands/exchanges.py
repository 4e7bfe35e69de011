"""`/log`: record an exchange with a contact (met, e-mailed, a meeting, they replied …)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.contacts import ContactService
from bot.core.models import ExchangeKind
from bot.core.validation import EXCHANGE_NOTE_MAX
from bot.discord_adapter import presenters
from bot.discord_adapter.components.contacts import card
from bot.discord_adapter.transformers import ContactPicker

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

KIND_CHOICES = [app_commands.Choice(name=kind.label, value=kind.value) for kind in ExchangeKind]


def log_command(contacts: ContactService) -> app_commands.Command[Any, ..., None]:
    picker = ContactPicker(contacts)

    @app_commands.command(name="log", description="Record an exchange with a contact")
    @app_commands.describe(
        contact="Start typing their name",
        kind="What happened",
        when="When: today (default), yesterday, last friday, 2026-03-14 …",
        note="What it was about",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def log(
        interaction: Interaction,
        contact: str,
        kind: str,
        when: app_commands.Range[str, 1, 40] | None = None,
        note: app_commands.Range[str, 1, EXCHANGE_NOTE_MAX] | None = None,
    ) -> None:
        owner = interaction.user.id
        picked = await picker.owned(owner, contact)
        updated, exchange = await contacts.log_exchange(
            owner, picked.id, ExchangeKind(kind), when=when, note=note
        )
        heading = f"Logged: {exchange.kind.label.lower()} on {presenters.day(exchange.happened_on)}"
        await interaction.response.send_message(
            ephemeral=True,
            **await card(contacts, owner, updated, heading=heading, with_history=True),
        )

    @log.autocomplete("contact")
    async def contact_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await picker.suggest(interaction.user.id, current)

    return log
