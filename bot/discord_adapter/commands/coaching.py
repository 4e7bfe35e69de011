"""`/tip`, `/prep`, `/pitch`, `/goals` and `/progress`: the coach, beyond the contact book."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.content.coach import MEETING_KINDS, TOPICS
from bot.core.coaching import GOAL_MAX, CoachingService
from bot.core.contacts import ContactService
from bot.core.flight import SingleFlight
from bot.discord_adapter import presenters
from bot.discord_adapter.chart_renderer import ChartRenderer
from bot.discord_adapter.components.pitch import pitch_form
from bot.discord_adapter.flights import single_flight
from bot.discord_adapter.transformers import ContactPicker
from bot.workers import InlineOffload

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

TOPIC_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in TOPICS.items()]
KIND_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in MEETING_KINDS.items()]
CONTEXTS = {"guilds": True, "dms": True, "private_channels": False}


def coaching_commands(
    coaching: CoachingService,
    contacts: ContactService,
    *,
    flights: SingleFlight | None = None,
    charts: ChartRenderer | None = None,
) -> list[app_commands.Command[Any, ..., None]]:
    picker = ContactPicker(contacts)  # /prep's optional contact

    @app_commands.command(name="tip", description="One networking tip, for now or a topic")
    @app_commands.describe(topic="Leave empty for a tip about what you've been doing")
    @app_commands.choices(topic=TOPIC_CHOICES)
    @app_commands.allowed_contexts(**CONTEXTS)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def tip(interaction: Interaction, topic: str | None = None) -> None:
        chosen = await coaching.tip(interaction.user.id, topic)
        await interaction.response.send_message(embed=presenters.tip_embed(chosen), ephemeral=True)

    @app_commands.command(
        name="prep", description="Get ready for a meeting: checklist and questions"
    )
    @app_commands.describe(kind="What kind of meeting", contact="Who you're meeting (optional)")
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.allowed_contexts(**CONTEXTS)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def prep(interaction: Interaction, kind: str, contact: str | None = None) -> None:
        owner = interaction.user.id
        picked = await picker.owned_or_none(owner, contact)
        result = await coaching.prep(owner, kind, picked.id if picked else None)
        await interaction.response.send_message(embed=presenters.prep_embed(result), ephemeral=True)

    @prep.autocomplete("contact")
    async def contact_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await picker.suggest(interaction.user.id, current)

    @app_commands.command(name="pitch", description="Build your 30-second elevator pitch")
    @app_commands.allowed_contexts(**CONTEXTS)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def pitch(interaction: Interaction) -> None:
        await interaction.response.send_modal(pitch_form(coaching.library.pitch))

    @app_commands.command(name="goals", description="Set your weekly networking goal")
    @app_commands.describe(
        new_contacts="New people to meet each week (default 2)",
        follow_ups="Follow-ups to send each week (default 3)",
        check_ins="Check-ins with people you know (default 1)",
    )
    @app_commands.allowed_contexts(**CONTEXTS)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def goals(
        interaction: Interaction,
        new_contacts: app_commands.Range[int, 0, GOAL_MAX] | None = None,
        follow_ups: app_commands.Range[int, 0, GOAL_MAX] | None = None,
        check_ins: app_commands.Range[int, 0, GOAL_MAX] | None = None,
    ) -> None:
        goal = await coaching.set_goal(
            interaction.user.id,
            new_contacts=new_contacts,
            follow_ups=follow_ups,
            check_ins=check_ins,
        )
        await interaction.response.send_message(
            f"Your weekly goal: {goal.new_contacts} new contacts, {goal.follow_ups} follow-ups, "
            f"{goal.check_ins} check-ins. `/progress` shows how you're doing.",
            ephemeral=True,
        )

    renderer = charts or ChartRenderer(InlineOffload())  # tools and tests with no pool

    @app_commands.command(name="progress", description="This week against your goal, and trends")
    @app_commands.allowed_contexts(**CONTEXTS)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def progress(interaction: Interaction) -> None:
        async with single_flight(flights, interaction.user.id, "progress", "progress chart"):
            # Drawing the chart takes a moment; Discord allows 3 s for the first answer.
            await interaction.response.defer(ephemeral=True, thinking=True)
            result = await coaching.progress(interaction.user.id)
            chart = await renderer.weekly_png(
                interaction.user.id, result.weeks, result.this_week.start
            )
            await interaction.followup.send(
                embed=presenters.progress_embed(result),
                file=discord.File(io.BytesIO(chart), filename="progress.png"),
                ephemeral=True,
            )

    return [tip, prep, pitch, goals, progress]
