"""`/followup`, `/outreach` and `/templates`: drafts written from the template catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.contacts import ContactService
from bot.core.drafts import FIELD_LIMITS, DraftRequest, DraftService
from bot.core.models import Channel, Tone
from bot.core.papers import PaperService, paper_fields, parse_paper_id
from bot.discord_adapter import presenters
from bot.discord_adapter.components.drafts import deliver
from bot.discord_adapter.transformers import ContactPicker, template_choices

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

# Option lengths (module constants: discord.py resolves these annotations at runtime).
EVENT_MAX, DISCUSSED_MAX, ASK_MAX = (FIELD_LIMITS[k] for k in ("event", "discussed", "ask"))
TOPIC_MAX, DEADLINE_MAX, PROGRAM_MAX, UPDATE_MAX = (
    FIELD_LIMITS[k] for k in ("topic", "deadline", "program", "update")
)
CHANNEL_CHOICES = [app_commands.Choice(name=c.label, value=c.value) for c in Channel]
TONE_CHOICES = [
    app_commands.Choice(name="Warm (the default)", value=Tone.WARM.value),
    app_commands.Choice(name="Formal", value=Tone.FORMAL.value),
    app_commands.Choice(name="Brief", value=Tone.BRIEF.value),
]
FINDING_MAX, AVAILABILITY_MAX = FIELD_LIMITS["finding"], FIELD_LIMITS["availability"]
PAPER_ID_MAX = 200  # a DOI link; DOIs are short in practice


def _fields(**values: str | None) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}


def _channel(value: str | None) -> Channel | None:
    return Channel(value) if value else None


def _tone(value: str | None) -> Tone:
    return Tone(value) if value else Tone.WARM


def followup_command(
    drafts: DraftService, contacts: ContactService
) -> app_commands.Command[Any, ..., None]:
    picker = ContactPicker(contacts)

    @app_commands.command(name="followup", description="Draft a follow-up to people you just met")
    @app_commands.describe(
        contact="Who (start typing, or type a new name to add them)",
        event="Where you met, e.g. the cardiology interest group talk",
        discussed="What you talked about, e.g. your heart-failure clinic",
        ask="Your one ask, e.g. Could I shadow one of your clinics?",
        channel="E-mail, LinkedIn note or a short direct message",
        template="Which situation (chosen from the event if left empty)",
        tone="Warm, formal or brief (you can switch on the draft too)",
        contact_2="Someone else you met there",
        contact_3="Someone else you met there",
        contact_4="Someone else you met there",
        contact_5="Someone else you met there",
    )
    @app_commands.choices(channel=CHANNEL_CHOICES, tone=TONE_CHOICES)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def followup(
        interaction: Interaction,
        contact: str,
        event: app_commands.Range[str, 1, EVENT_MAX] | None = None,
        discussed: app_commands.Range[str, 1, DISCUSSED_MAX] | None = None,
        ask: app_commands.Range[str, 1, ASK_MAX] | None = None,
        channel: str | None = None,
        template: app_commands.Range[str, 1, 100] | None = None,
        contact_2: str | None = None,
        contact_3: str | None = None,
        contact_4: str | None = None,
        contact_5: str | None = None,
        tone: str | None = None,
    ) -> None:
        owner = interaction.user.id
        people = tuple(
            [
                await picker.contact_or_name(owner, p)
                for p in (contact, contact_2, contact_3, contact_4, contact_5)
                if p is not None
            ]
        )
        request = DraftRequest(
            kind="followup",
            people=people,
            template_id=template,
            channel=_channel(channel),
            fields=_fields(event=event, discussed=discussed, ask=ask),
            tone=_tone(tone),
        )
        await deliver(interaction, lambda: drafts.start(owner, request))

    @followup.autocomplete("contact")
    @followup.autocomplete("contact_2")
    @followup.autocomplete("contact_3")
    @followup.autocomplete("contact_4")
    @followup.autocomplete("contact_5")
    async def contact_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await picker.suggest(interaction.user.id, current)

    @followup.autocomplete("template")
    async def template_suggestions(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return template_choices(drafts.catalogue, "followup", current)

    return followup


def outreach_command(
    drafts: DraftService, contacts: ContactService, papers: PaperService | None = None
) -> app_commands.Command[Any, ..., None]:
    picker = ContactPicker(contacts)

    @app_commands.command(name="outreach", description="Draft a message to reach out to someone")
    @app_commands.describe(
        kind="What you're writing for: research interest, mentorship, a letter …",
        contact="Who (start typing, or type a new name to add them)",
        topic="Research: the paper or topic that interests you",
        finding="Research: the result or question that caught your eye",
        availability="Research: when and how much you could help, e.g. 8 hours a week",
        paper="Research: a paper's DOI or PubMed id, to fill in its title, journal and year",
        deadline="Letter of recommendation: when it's due, e.g. 1 March",
        program="Program you're applying to or asking about",
        update="Progress update: what you've done since you last spoke",
        ask="Your one ask",
        discussed="Anything you've talked about before",
        channel="E-mail, LinkedIn note or a short direct message",
        tone="Warm, formal or brief (you can switch on the draft too)",
    )
    @app_commands.choices(channel=CHANNEL_CHOICES, tone=TONE_CHOICES)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def outreach(
        interaction: Interaction,
        kind: app_commands.Range[str, 1, 100],
        contact: str,
        topic: app_commands.Range[str, 1, TOPIC_MAX] | None = None,
        deadline: app_commands.Range[str, 1, DEADLINE_MAX] | None = None,
        program: app_commands.Range[str, 1, PROGRAM_MAX] | None = None,
        update: app_commands.Range[str, 1, UPDATE_MAX] | None = None,
        ask: app_commands.Range[str, 1, ASK_MAX] | None = None,
        discussed: app_commands.Range[str, 1, DISCUSSED_MAX] | None = None,
        channel: str | None = None,
        tone: str | None = None,
        finding: app_commands.Range[str, 1, FINDING_MAX] | None = None,
        availability: app_commands.Range[str, 1, AVAILABILITY_MAX] | None = None,
        paper: app_commands.Range[str, 1, PAPER_ID_MAX] | None = None,
    ) -> None:
        owner = interaction.user.id
        fields = _fields(
            topic=topic,
            finding=finding,
            availability=availability,
            deadline=deadline,
            program=program,
            update=update,
            ask=ask,
            discussed=discussed,
        )
        if paper is not None:
            paper_id = parse_paper_id(paper)  # a typo is refused at once, before any wait
            # Crossref or PubMed may take seconds: the answer is deferred (Discord allows 3 s
            # for a first answer, 15 minutes after a deferral).
            await interaction.response.defer(ephemeral=True, thinking=True)
            found = await papers.find(paper_id) if papers is not None else None
            if found is not None and found.paper is not None:
                fields = paper_fields(found.paper, fields)
            await interaction.followup.send(presenters.paper_note(paper_id, found), ephemeral=True)
        request = DraftRequest(
            kind="outreach",
            people=(await picker.contact_or_name(owner, contact),),
            template_id=kind,
            channel=_channel(channel),
            tone=_tone(tone),
            fields=fields,
        )
        await deliver(interaction, lambda: drafts.start(owner, request))

    @outreach.autocomplete("contact")
    async def contact_choices(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await picker.suggest(interaction.user.id, current)

    @outreach.autocomplete("kind")
    async def template_suggestions(
        interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return template_choices(drafts.catalogue, "outreach", current)

    return outreach


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class TemplatesGroup(app_commands.Group, name="templates", description="The message templates"):
    def __init__(self, drafts: DraftService) -> None:
        super().__init__()
        self.drafts = drafts

    @app_commands.command(name="list", description="Every situation the coach can draft for")
    async def list_(self, interaction: Interaction) -> None:
        first, *more = presenters.template_list_embeds(self.drafts.catalogue.templates())
        await interaction.response.send_message(embed=first, ephemeral=True)
        for embed in more:  # 6,000 characters a message: the rest follow
            await interaction.followup.send(embed=embed, ephemeral=True)

    @app_commands.command(name="preview", description="See a template written out")
    @app_commands.describe(template="Start typing a situation", channel="Which channel")
    @app_commands.choices(channel=CHANNEL_CHOICES)
    async def preview(
        self,
        interaction: Interaction,
        template: app_commands.Range[str, 1, 100],
        channel: str | None = None,
    ) -> None:
        info, rendered, own = await self.drafts.preview(
            interaction.user.id, template, _channel(channel) or Channel.EMAIL
        )
        await interaction.response.send_message(
            embed=presenters.preview_embed(info, rendered, own), ephemeral=True
        )

    @preview.autocomplete("template")
    async def template_suggestions(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return template_choices(self.drafts.catalogue, "", current)
