"""`/season` (the student's application plan and this week's season tasks) and `/letters` (the
letters-of-recommendation ledger): parse, call the season service, present."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.core.contacts import ContactService
from bot.core.drafts import FIELD_LIMITS
from bot.core.errors import InvalidInput
from bot.core.interviews import InterviewService
from bot.core.letters import PROGRAMS_MAX, LetterStage
from bot.core.models import Channel, Tone
from bot.core.season import Route
from bot.core.season_service import SeasonService
from bot.core.text import fold
from bot.discord_adapter import season_presenters
from bot.discord_adapter.commands.drafts import CHANNEL_CHOICES, TONE_CHOICES
from bot.discord_adapter.components.custom_ids import ref
from bot.discord_adapter.components.drafts import deliver
from bot.discord_adapter.presenters import clip, display_name
from bot.discord_adapter.transformers import CHOICE_MAX, ContactPicker

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

ROUTE_CHOICES = [
    app_commands.Choice(name="ERAS and the NRMP Match", value=Route.ERAS_NRMP.value),
    app_commands.Choice(name="Another match", value=Route.OTHER_MATCH.value),
    app_commands.Choice(name="Not applying this year", value=Route.NOT_THIS_YEAR.value),
]
# The stages a student marks by hand; "asked" is where /letters ask starts.
STAGE_CHOICES = [
    app_commands.Choice(name=stage.label, value=stage.value)
    for stage in LetterStage
    if stage is not LetterStage.ASKED
]
DEADLINE_MAX = 40
PROGRAM_MAX = FIELD_LIMITS["program"]
SPECIALTIES_TYPED_MAX = 400


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class SeasonGroup(
    app_commands.Group, name="season", description="Your residency application season"
):
    def __init__(self, season: SeasonService) -> None:
        super().__init__()
        self.season = season

    @app_commands.command(name="setup", description="The cycle you apply in, and how")
    @app_commands.describe(
        cycle="The Match you apply to, e.g. us-2027 for the Match of March 2027",
        route="ERAS and the NRMP Match (the default), another match, or not this year",
        graduation_year="The year you graduate",
        specialties="Specialties you apply in, separated by commas",
    )
    @app_commands.choices(route=ROUTE_CHOICES)
    async def setup(
        self,
        interaction: Interaction,
        cycle: app_commands.Range[str, 1, 20],
        route: str | None = None,
        graduation_year: app_commands.Range[int, 1900, 2200] | None = None,
        specialties: app_commands.Range[str, 1, SPECIALTIES_TYPED_MAX] | None = None,
    ) -> None:
        plan, status = await self.season.setup(
            interaction.user.id,
            cycle=cycle,
            route=Route(route) if route else Route.ERAS_NRMP,
            graduation_year=graduation_year,
            specialties=specialties,
        )
        await interaction.response.send_message(
            content="Saved your plan. Each weekly digest will show what your season asks.",
            embed=season_presenters.season_embed(status, plan),
            ephemeral=True,
        )

    @setup.autocomplete("cycle")
    async def cycle_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [
            app_commands.Choice(
                name=clip(c.title + ("" if c.confirmed else " (dates provisional)"), CHOICE_MAX),
                value=c.key,
            )
            for c in self.season.cycles()
            if typed in c.key or typed in c.title.lower()
        ][:25]

    @app_commands.command(name="week", description="What your application season asks this week")
    async def week(self, interaction: Interaction) -> None:
        plan = await self.season.plan(interaction.user.id)
        if plan is None:
            await interaction.response.send_message(
                "Tell me about your application first: `/season setup` with the cycle you "
                "apply in.",
                ephemeral=True,
            )
            return
        status = await self.season.this_week(interaction.user.id)
        await interaction.response.send_message(
            embed=season_presenters.season_embed(status, plan), ephemeral=True
        )


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class LettersGroup(
    app_commands.Group, name="letters", description="Track your letters of recommendation"
):
    def __init__(self, season: SeasonService, contacts: ContactService) -> None:
        super().__init__()
        self.season = season
        self.picker = ContactPicker(contacts)  # the writer is one of the student's contacts

    @app_commands.command(name="ask", description="Record a writer you've asked for a letter")
    @app_commands.describe(
        writer="Who you asked (start typing a contact's name)",
        deadline="When the letter is due, e.g. August 1 (the cycle's submission day if empty)",
        programs="Programs or specialty it's for",
    )
    async def ask(
        self,
        interaction: Interaction,
        writer: str,
        deadline: app_commands.Range[str, 1, DEADLINE_MAX] | None = None,
        programs: app_commands.Range[str, 1, PROGRAMS_MAX] | None = None,
    ) -> None:
        owner = interaction.user.id
        picked = await self.picker.owned(owner, writer)
        asked = await self.season.ask_letter(owner, picked.id, deadline=deadline, programs=programs)
        await interaction.response.send_message(
            embed=season_presenters.letter_asked_embed(asked), ephemeral=True
        )

    @ask.autocomplete("writer")
    async def writer_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.picker.suggest(interaction.user.id, current)

    @app_commands.command(name="list", description="Every letter you're tracking")
    async def list_letters(self, interaction: Interaction) -> None:
        lines = await self.season.letters(interaction.user.id)
        await interaction.response.send_message(
            embed=season_presenters.letters_embed(lines), ephemeral=True
        )

    @app_commands.command(name="mark", description="Move a letter on: agreed, submitted, thanked")
    @app_commands.describe(letter="Whose letter", stage="Where it stands now")
    @app_commands.choices(stage=STAGE_CHOICES)
    async def mark(self, interaction: Interaction, letter: str, stage: str) -> None:
        line = await self.season.mark(interaction.user.id, _letter_id(letter), LetterStage(stage))
        name, value = season_presenters.letter_line(line)
        await interaction.response.send_message(f"**{name}** · {value}", ephemeral=True)

    @app_commands.command(name="remove", description="Stop tracking a letter")
    @app_commands.describe(letter="Whose letter")
    async def remove(self, interaction: Interaction, letter: str) -> None:
        await self.season.remove(interaction.user.id, _letter_id(letter))
        await interaction.response.send_message("Stopped tracking that letter.", ephemeral=True)

    @mark.autocomplete("letter")
    @remove.autocomplete("letter")
    async def letter_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = fold(current.strip())
        choices = []
        for line in await self.season.letters(interaction.user.id):
            name = display_name(line.writer)
            if typed and typed not in fold(name):
                continue
            label = f"{name} — {line.letter.stage.label}"
            choices.append(
                app_commands.Choice(name=clip(label, CHOICE_MAX), value=str(line.letter.id))
            )
        return choices[:25]  # Discord's limit on autocomplete choices


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class InterviewGroup(app_commands.Group, name="interview", description="Residency interviews"):
    def __init__(self, interviews: InterviewService, contacts: ContactService) -> None:
        super().__init__()
        self.interviews = interviews
        self.picker = ContactPicker(contacts)  # interviewers: contacts, or new names

    @app_commands.command(
        name="log", description="Log an interview; get a thank-you per interviewer"
    )
    @app_commands.describe(
        program="The program, e.g. the St Mary's internal medicine residency",
        interviewer="Who interviewed you (a contact, or type a new name)",
        when="When, e.g. today, yesterday or 2026-11-20 (default: today)",
        no_contact="The program asked for no contact after interviews: no thank-yous",
        channel="E-mail, LinkedIn note or a short direct message",
        tone="Warm, formal or brief (you can switch on the draft too)",
        interviewer_2="Another interviewer",
        interviewer_3="Another interviewer",
        interviewer_4="Another interviewer",
        interviewer_5="Another interviewer",
    )
    @app_commands.choices(channel=CHANNEL_CHOICES, tone=TONE_CHOICES)
    async def log(
        self,
        interaction: Interaction,
        program: app_commands.Range[str, 1, PROGRAM_MAX],
        interviewer: str,
        when: app_commands.Range[str, 1, 40] | None = None,
        no_contact: bool = False,
        channel: str | None = None,
        tone: str | None = None,
        interviewer_2: str | None = None,
        interviewer_3: str | None = None,
        interviewer_4: str | None = None,
        interviewer_5: str | None = None,
    ) -> None:
        people = [
            await self.picker.contact_or_name(interaction.user.id, p)
            for p in (interviewer, interviewer_2, interviewer_3, interviewer_4, interviewer_5)
            if p is not None
        ]
        logged = await self.interviews.log(
            interaction.user.id,
            program=program,
            when=when,
            interviewers=people,
            no_contact=no_contact,
        )
        if logged.interview.no_contact:
            await interaction.response.send_message(
                embed=season_presenters.no_contact_embed(logged), ephemeral=True
            )
            return
        await deliver(
            interaction,
            lambda: self.interviews.thank_yous(
                interaction.user.id,
                logged.event.id,
                channel=Channel(channel) if channel else None,
                tone=Tone(tone) if tone else Tone.WARM,
            ),
        )

    @log.autocomplete("interviewer")
    @log.autocomplete("interviewer_2")
    @log.autocomplete("interviewer_3")
    @log.autocomplete("interviewer_4")
    @log.autocomplete("interviewer_5")
    async def interviewer_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.picker.suggest(interaction.user.id, current)


def _letter_id(text: str) -> int:
    value = text.strip()
    if not value.isdigit():
        raise InvalidInput("Pick the letter from the suggestions that appear as you type.")
    return ref(value)  # refuses an id that can't be a row
