"""`/event log|show|list` (events as records) and `/admin events` (the scheduled-event DMs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands

from bot.core.contacts import ContactService
from bot.core.events import DELAY_MAX_MINUTES, EVENT_NAME_MAX, EventKind, EventService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.events import event_view, people_added_view

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

KIND_CHOICES = [app_commands.Choice(name=kind.label, value=kind.value) for kind in EventKind]


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class EventGroup(app_commands.Group, name="event", description="Events you went to"):
    def __init__(self, events: EventService, contacts: ContactService) -> None:
        super().__init__()
        self.events = events
        self.contacts = contacts  # the student's today, for how long ago an event was

    @app_commands.command(name="log", description="Record an event you went to")
    @app_commands.describe(
        name="What it was, e.g. Cardiology interest group talk",
        date="When (default today): yesterday, 3 days ago, March 3 …",
        kind="What kind of event",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def log(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, EVENT_NAME_MAX],
        date: app_commands.Range[str, 1, 40] | None = None,
        kind: str = EventKind.OTHER.value,
    ) -> None:
        owner = interaction.user.id
        event = await self.events.log(owner, name, EventKind(kind), date)
        detail = await self.events.show(owner, event.id)
        today = await self.contacts.today(owner)
        await interaction.response.send_message(
            embed=presenters.event_embed(detail, today, heading="Logged"),
            view=event_view(event.id),
            ephemeral=True,
        )

    @app_commands.command(name="show", description="An event and the people you met there")
    @app_commands.describe(event="Start typing its name")
    async def show(self, interaction: Interaction, event: int) -> None:
        owner = interaction.user.id
        detail = await self.events.show(owner, event)
        today = await self.contacts.today(owner)
        await interaction.response.send_message(
            embed=presenters.event_embed(detail, today),
            view=people_added_view(event) if detail.people else event_view(event),
            ephemeral=True,
        )

    @show.autocomplete("event")
    async def complete_event(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """The student's own events whose name contains what they typed."""
        events = await self.events.suggest(interaction.user.id, current)
        return [
            app_commands.Choice(
                name=presenters.clip(f"{e.name} ({presenters.day(e.held_on)})", 100), value=e.id
            )
            for e in events
        ]

    @app_commands.command(name="list", description="Your events, most recent first")
    async def list_(self, interaction: Interaction) -> None:
        events = await self.events.list_for(interaction.user.id)
        await interaction.response.send_message(
            embed=presenters.event_list_embed(events), ephemeral=True
        )


def admin_events_command(events: EventService) -> app_commands.Command[Any, ..., None]:
    """`/admin events on|off [delay_minutes]`: added to the admin group (Manage Server)."""

    @app_commands.command(
        name="events", description="DM interested members after the server's scheduled events"
    )
    @app_commands.describe(
        state="on: after an event ends, ask opted-in interested members who they met",
        delay_minutes="How long after the end to ask (default 60)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def admin_events(
        interaction: Interaction,
        state: Literal["on", "off"],
        delay_minutes: app_commands.Range[int, 0, DELAY_MAX_MINUTES] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        settings = await events.set_guild(
            interaction.guild_id, enabled=state == "on", delay_minutes=delay_minutes
        )
        minutes = settings.delay.total_seconds() // 60
        if settings.enabled:
            text = (
                f"On: {minutes:.0f} minutes after a scheduled event ends, members who marked "
                "themselves interested and turned on the coach's DMs are asked who they met. "
                "Nobody else is messaged, and admins never see anyone's contacts."
            )
        else:
            text = "Off: no DMs after this server's scheduled events."
        await interaction.response.send_message(text, ephemeral=True)

    return admin_events
