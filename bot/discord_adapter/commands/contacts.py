"""`/contact add|list|show|edit|remove|search` and the **Save as contact** user menu."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.contacts import ContactService
from bot.core.errors import InvalidInput
from bot.core.events import EventService
from bot.core.models import AddOutcome, ContactDraft, ContactFilter, Role
from bot.core.validation import (
    ADDRESS_AS_MAX,
    EMAIL_MAX,
    EVENT_MAX,
    INSTITUTION_MAX,
    NAME_MAX,
    NOTES_MAX,
    SPECIALTY_MAX,
    TITLE_MAX,
    URL_MAX,
)
from bot.discord_adapter import presenters
from bot.discord_adapter.components.contacts import (
    card,
    confirm_remove_view,
    duplicate_view,
    edit_contact_form,
    page_view,
)
from bot.discord_adapter.components.views import optional_view
from bot.discord_adapter.transformers import ContactPicker

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

ROLE_CHOICES = [app_commands.Choice(name=role.label, value=role.value) for role in Role]
CLEAR = "-"
TAGS_TEXT_MAX = 400


def _role(value: str | None) -> Role | None:
    return Role(value) if value else None


async def present_outcome(
    contacts: ContactService, interaction: Interaction, outcome: AddOutcome, name: str
) -> None:
    """Reply to an add: the saved card, or the "same person?" question."""
    if outcome.contact is not None:
        await interaction.response.send_message(
            ephemeral=True,
            **await card(contacts, interaction.user.id, outcome.contact, heading="Saved"),
        )
        return
    assert outcome.pending_id is not None
    await interaction.response.send_message(
        presenters.duplicate_text(name, outcome.duplicates),
        view=duplicate_view(outcome.pending_id, outcome.duplicates),
        ephemeral=True,
    )


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class ContactGroup(app_commands.Group, name="contact", description="Record the people you meet"):
    def __init__(self, contacts: ContactService, events: EventService) -> None:
        super().__init__()
        self.contacts = contacts
        self.picker = ContactPicker(contacts)
        self.events = events  # links a new contact to the logged event where they met

    @app_commands.command(name="add", description="Save someone you met")
    @app_commands.describe(
        name="Their name as you'd write it (Dr., MD, Jr. and “Surname, Given” are understood)",
        role="Who they are to you",
        title="Dr., Prof., … — used to greet them properly",
        specialty="e.g. Cardiology, Emergency medicine",
        institution="Hospital, school or lab",
        where_met="The event or place you met (e.g. Cardiology interest group talk)",
        date_met="When you met: 2026-03-14, today, yesterday, last friday, 3 days ago",
        email="Their e-mail address",
        profile_url="LinkedIn, Doximity or lab page (http/https)",
        notes="What you talked about, what to remember",
        tags="Comma-separated, e.g. research, mentor",
        address_as="How drafts greet them, e.g. Dr. García López (default: worked out for you)",
    )
    @app_commands.choices(role=ROLE_CHOICES)
    async def add(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, NAME_MAX],
        role: str | None = None,
        title: app_commands.Range[str, 1, TITLE_MAX] | None = None,
        specialty: app_commands.Range[str, 1, SPECIALTY_MAX] | None = None,
        institution: app_commands.Range[str, 1, INSTITUTION_MAX] | None = None,
        where_met: app_commands.Range[str, 1, EVENT_MAX] | None = None,
        date_met: app_commands.Range[str, 1, 40] | None = None,
        email: app_commands.Range[str, 1, EMAIL_MAX] | None = None,
        profile_url: app_commands.Range[str, 1, URL_MAX] | None = None,
        notes: app_commands.Range[str, 1, NOTES_MAX] | None = None,
        tags: app_commands.Range[str, 1, TAGS_TEXT_MAX] | None = None,
        address_as: app_commands.Range[str, 1, ADDRESS_AS_MAX] | None = None,
    ) -> None:
        owner = interaction.user.id
        draft = ContactDraft(
            name=name,
            role=_role(role) or Role.OTHER,
            title=title,
            specialty=specialty,
            institution=institution,
            met_event=where_met,
            met_on=await self.contacts.parse_day(owner, date_met),
            email=email,
            profile_url=profile_url,
            notes=notes,
            tags=(tags,) if tags else (),
            address_as=address_as,
        )
        outcome = await self.contacts.add(owner, draft)
        if outcome.contact is not None:  # met at one of the student's logged events?
            await self.events.link_where_met(owner, outcome.contact.id, where_met)
        await present_outcome(self.contacts, interaction, outcome, name)

    @app_commands.command(name="list", description="Your contacts, most due for attention first")
    @app_commands.describe(
        role="Only this role",
        tag="Only contacts with this tag",
        specialty="Only this specialty",
        event="Only people met at this event",
    )
    @app_commands.choices(role=ROLE_CHOICES)
    async def list_(
        self,
        interaction: Interaction,
        role: str | None = None,
        tag: app_commands.Range[str, 1, 100] | None = None,
        specialty: app_commands.Range[str, 1, 100] | None = None,
        event: app_commands.Range[str, 1, 150] | None = None,
    ) -> None:
        owner = interaction.user.id
        contact_filter = ContactFilter(role=_role(role), tag=tag, specialty=specialty, event=event)
        page = await self.contacts.list_page(owner, contact_filter)
        filter_id = 0
        if page.has_next and not contact_filter.is_empty:
            filter_id = await self.contacts.remember_filter(owner, contact_filter)
        today = await self.contacts.today(owner)
        view = page_view(filter_id, page.number, page.has_previous, page.has_next)
        await interaction.response.send_message(
            embed=presenters.list_embed(page, contact_filter, today),
            ephemeral=True,
            **optional_view(view),
        )

    # A filter option suggests the values this student has already used.
    @list_.autocomplete("tag")
    async def tag_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.picker.values(interaction.user.id, "tag", current)

    @list_.autocomplete("specialty")
    async def specialty_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.picker.values(interaction.user.id, "specialty", current)

    @list_.autocomplete("event")
    async def event_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.picker.values(interaction.user.id, "event", current)

    @app_commands.command(name="show", description="Everything you know about a contact")
    @app_commands.describe(contact="Start typing their name")
    async def show(self, interaction: Interaction, contact: str) -> None:
        owner = interaction.user.id
        picked = await self.picker.owned(owner, contact)
        await interaction.response.send_message(
            ephemeral=True, **await card(self.contacts, owner, picked, with_history=True)
        )

    @app_commands.command(name="edit", description="Change a contact's details")
    @app_commands.describe(
        contact="Start typing their name",
        role="New role",
        title=f"Dr., Prof., Ms., … ('{CLEAR}' clears it)",
        address_as=f"How drafts greet them, e.g. Dr. García López ('{CLEAR}': the default)",
        where_met=f"Where you met ('{CLEAR}' clears it)",
        date_met=f"When you met ('{CLEAR}' clears it)",
        email=f"E-mail ('{CLEAR}' clears it)",
        profile_url=f"Profile URL ('{CLEAR}' clears it)",
        tags=f"Replaces the tags, comma-separated ('{CLEAR}' clears them)",
        cadence_days=f"Keep in touch every N days ({7}–{730}); 0 goes back to the default",
    )
    @app_commands.choices(role=ROLE_CHOICES)
    async def edit(
        self,
        interaction: Interaction,
        contact: str,
        role: str | None = None,
        title: app_commands.Range[str, 1, TITLE_MAX] | None = None,
        address_as: app_commands.Range[str, 1, ADDRESS_AS_MAX] | None = None,
        where_met: app_commands.Range[str, 1, EVENT_MAX] | None = None,
        date_met: app_commands.Range[str, 1, 40] | None = None,
        email: app_commands.Range[str, 1, EMAIL_MAX] | None = None,
        profile_url: app_commands.Range[str, 1, URL_MAX] | None = None,
        tags: app_commands.Range[str, 1, TAGS_TEXT_MAX] | None = None,
        cadence_days: app_commands.Range[int, 0, 730] | None = None,
    ) -> None:
        owner = interaction.user.id
        picked = await self.picker.owned(owner, contact)
        changes: dict[str, Any] = {}
        if role:
            changes["role"] = Role(role)
        for key, value in (
            ("title", title),
            ("address_as", address_as),
            ("met_event", where_met),
            ("email", email),
            ("profile_url", profile_url),
        ):
            if value is not None:
                changes[key] = None if value.strip() == CLEAR else value
        if date_met is not None:
            changes["met_on"] = (
                None
                if date_met.strip() == CLEAR
                else await self.contacts.parse_day(owner, date_met)
            )
        if tags is not None:
            changes["tags"] = () if tags.strip() == CLEAR else (tags,)
        if cadence_days is not None:
            changes["cadence_days"] = cadence_days or None
        if not changes:
            # No options: open the form with the text fields prefilled.
            await interaction.response.send_modal(edit_contact_form(picked))
            return
        updated = await self.contacts.update(owner, picked.id, changes)
        await interaction.response.send_message(
            ephemeral=True, **await card(self.contacts, owner, updated, heading="Updated")
        )

    @app_commands.command(name="remove", description="Delete a contact and their history")
    @app_commands.describe(contact="Start typing their name")
    async def remove(self, interaction: Interaction, contact: str) -> None:
        picked = await self.picker.owned(interaction.user.id, contact)
        await interaction.response.send_message(
            f"Remove **{presenters.esc(presenters.display_name(picked))}** and everything you "
            "logged with them? This can't be undone.",
            view=confirm_remove_view(picked.id),
            ephemeral=True,
        )

    @show.autocomplete("contact")
    @edit.autocomplete("contact")
    @remove.autocomplete("contact")
    async def contact_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.picker.suggest(interaction.user.id, current)

    @app_commands.command(name="search", description="Find contacts by name, place, notes or tag")
    @app_commands.describe(query="Any word: a name, hospital, specialty, note or tag")
    async def search(
        self, interaction: Interaction, query: app_commands.Range[str, 1, 100]
    ) -> None:
        owner = interaction.user.id
        results = await self.contacts.search(owner, query)
        today = await self.contacts.today(owner)
        await interaction.response.send_message(
            embed=presenters.search_embed(query, results, today), ephemeral=True
        )


def save_member_menu(contacts: ContactService) -> app_commands.ContextMenu:
    """Right-click a member → Apps → Save as contact."""

    @app_commands.context_menu(name="Save as contact")
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def save_as_contact(
        interaction: Interaction, member: discord.Member | discord.User
    ) -> None:
        if member.id == interaction.user.id:
            raise InvalidInput("That's you! Right-click someone else to save them as a contact.")
        draft = ContactDraft(name=member.display_name, discord_user_id=member.id)
        outcome = await contacts.add(interaction.user.id, draft)
        await present_outcome(contacts, interaction, outcome, member.display_name)

    return save_as_contact
