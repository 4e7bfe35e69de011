"""`/reminders`, `/remind`, `/due` and `/admin timezone`: the weekly digest and reminders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.attention import group_cadence
from bot.core.contacts import ContactService
from bot.core.reminders import ReminderService
from bot.core.schedule import WEEKDAYS, suggest_timezones
from bot.discord_adapter import presenters
from bot.discord_adapter.components.due import due_view
from bot.discord_adapter.components.views import optional_view
from bot.discord_adapter.transformers import ContactPicker

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

DAY_CHOICES = [app_commands.Choice(name=name, value=n) for n, name in enumerate(WEEKDAYS)]


async def complete_timezone(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]


async def _show(interaction: Interaction, reminders: ReminderService, heading: str) -> None:
    owner = interaction.user.id
    settings = await reminders.settings(owner)
    zone = await reminders.timezone_for(owner)
    if settings is None or not settings.enabled:
        state = "Off. `/reminders setup` turns on a weekly digest by DM."
    elif settings.paused:
        state = "Paused. `/reminders resume` picks up where you left off."
    else:
        nxt = await reminders.describe_next(owner)
        state = f"On. Next digest: {nxt}."
        if settings.next_digest_at:
            state += f" (<t:{int(settings.next_digest_at.timestamp())}:R>)"
    embed = discord.Embed(title=heading, description=state, colour=presenters.COLOUR)
    embed.add_field(name="Timezone", value=zone)
    if settings is not None:
        embed.add_field(
            name="Digest",
            value=f"{WEEKDAYS[settings.digest_weekday]}s at {settings.digest_hour:02d}:00",
        )
        embed.add_field(
            name="Quiet weeks",
            value="nothing is sent" if settings.quiet_when_empty else "a one-line note",
        )
    embed.set_footer(text=presenters.PRIVATE_FOOTER)
    await interaction.response.send_message(embed=embed, ephemeral=True)


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class RemindersGroup(
    app_commands.Group, name="reminders", description="Your weekly digest and reminder DMs"
):
    def __init__(self, reminders: ReminderService) -> None:
        super().__init__()
        self.reminders = reminders

    @app_commands.command(name="setup", description="Turn on the weekly digest DM, or change it")
    @app_commands.describe(
        timezone="Your timezone, e.g. America/New_York (start typing a city)",
        day="Which day the digest comes (default Sunday)",
        hour="Which hour, 0–23, in your timezone (default 18)",
        quiet_weeks="In a week with nothing due: send nothing (True) or a one-line note",
        mentors_every="Check in with tutors and peer mentors every N days (default 42)",
        seniors_every="…with faculty, researchers, residents, attendings (default 91)",
        others_every="…with everyone else (default 182)",
    )
    @app_commands.autocomplete(timezone=complete_timezone)
    @app_commands.choices(day=DAY_CHOICES)
    async def setup(
        self,
        interaction: Interaction,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        day: int | None = None,
        hour: app_commands.Range[int, 0, 23] | None = None,
        quiet_weeks: bool | None = None,
        mentors_every: app_commands.Range[int, 7, 730] | None = None,
        seniors_every: app_commands.Range[int, 7, 730] | None = None,
        others_every: app_commands.Range[int, 7, 730] | None = None,
    ) -> None:
        # Opening the DM channel can take a moment; Discord allows 3 s for the first answer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.reminders.setup(
            interaction.user.id,
            timezone=timezone,
            weekday=day,
            hour=hour,
            quiet_when_empty=quiet_weeks,
            cadence=group_cadence(
                {"mentors": mentors_every, "seniors": seniors_every, "others": others_every}
            ),
        )
        nxt = await self.reminders.describe_next(interaction.user.id)
        await interaction.followup.send(
            f"You're set: your digest arrives by DM every {nxt}. I sent you a short hello "
            "so you know where to look.",
            ephemeral=True,
        )

    @app_commands.command(name="show", description="When your digest comes, and your settings")
    async def show(self, interaction: Interaction) -> None:
        await _show(interaction, self.reminders, "Your reminders")

    @app_commands.command(name="pause", description="Pause reminder DMs (settings are kept)")
    async def pause(self, interaction: Interaction) -> None:
        await self.reminders.pause(interaction.user.id)
        await _show(interaction, self.reminders, "Paused")

    @app_commands.command(name="resume", description="Resume reminder DMs")
    async def resume(self, interaction: Interaction) -> None:
        await self.reminders.resume(interaction.user.id)
        await _show(interaction, self.reminders, "Resumed")

    @app_commands.command(name="off", description="Stop all reminder DMs")
    async def off(self, interaction: Interaction) -> None:
        await self.reminders.turn_off(interaction.user.id)
        await _show(interaction, self.reminders, "Reminders off")


def remind_command(
    reminders: ReminderService, contacts: ContactService
) -> app_commands.Command[Any, ..., None]:
    picker = ContactPicker(contacts)  # the reminder's optional contact

    @app_commands.command(name="remind", description="A one-off reminder, by DM when it's due")
    @app_commands.describe(
        when="next friday, in 2 weeks, March 3 9am … (your timezone)",
        contact="Who it's about (optional)",
        note="What to remember",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def remind(
        interaction: Interaction,
        when: app_commands.Range[str, 1, 60],
        contact: str | None = None,
        note: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        picked = await picker.owned_or_none(interaction.user.id, contact)
        reminder = await reminders.remind(
            interaction.user.id, picked.id if picked else None, when, note
        )
        stamp = int(reminder.due_at.timestamp())
        settings = await reminders.settings(interaction.user.id)
        text = f"I'll remind you <t:{stamp}:F> (<t:{stamp}:R>)."
        if settings is None or not settings.active:
            text += " Reminders come by DM: turn them on with `/reminders setup`."
        await interaction.response.send_message(text, ephemeral=True)

    @remind.autocomplete("contact")
    async def contact_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await picker.suggest(interaction.user.id, current)

    return remind


def due_command(reminders: ReminderService) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="due", description="Who is due a follow-up, nudge or check-in")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def due(interaction: Interaction) -> None:
        digest = await reminders.digest_for(interaction.user.id)
        embed = presenters.digest_embed(
            digest, empty_text="Nothing is due this week.", title="Due this week"
        )
        view = due_view(digest.items, with_stop=False)
        await interaction.response.send_message(embed=embed, ephemeral=True, **optional_view(view))

    return due


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.allowed_installs(guilds=True, users=False)
class AdminGroup(app_commands.Group, name="admin", description="Server settings for the coach"):
    def __init__(self, reminders: ReminderService) -> None:
        super().__init__()
        self.reminders = reminders

    @app_commands.command(name="timezone", description="The server's default timezone")
    @app_commands.describe(timezone="Used for students who haven't picked their own")
    @app_commands.autocomplete(timezone=complete_timezone)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def timezone(
        self, interaction: Interaction, timezone: app_commands.Range[str, 1, 64]
    ) -> None:
        assert interaction.guild_id is not None
        await self.reminders.set_server_timezone(interaction.guild_id, timezone)
        await interaction.response.send_message(
            f"Default timezone for this server: {timezone}. Students who pick their own in "
            "`/reminders setup` keep theirs.",
            ephemeral=True,
        )
