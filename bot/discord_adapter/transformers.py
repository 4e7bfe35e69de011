"""Option parsing: a contact picked by autocomplete arrives in the handler as a `Contact`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.errors import InvalidInput
from bot.core.models import Contact
from bot.core.text import fold
from bot.discord_adapter import presenters

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

CHOICE_MAX = 100  # Discord's limit on an autocomplete choice's name and value


def contact_choice_name(contact: Contact) -> str:
    detail = contact.role.label
    if contact.draft.institution:
        detail += f", {contact.draft.institution}"
    return presenters.clip(f"{presenters.display_name(contact)} — {detail}", CHOICE_MAX)


class _ContactAutocomplete(app_commands.Transformer["CoachBot"]):
    """Autocompletes from the caller's own contacts (a choice's value is the contact's id)."""

    async def autocomplete(
        self, interaction: Interaction, value: int | float | str
    ) -> list[app_commands.Choice[int | float | str]]:
        found = await interaction.client.services.contacts.suggest(interaction.user.id, str(value))
        return [app_commands.Choice(name=contact_choice_name(c), value=str(c.id)) for c in found]


class OwnedContactTransformer(_ContactAutocomplete):
    """Autocompletes from the caller's own contacts; resolves the picked id for the caller only."""

    async def transform(self, interaction: Interaction, value: Any) -> Contact:
        contacts = interaction.client.services.contacts
        text = str(value).strip()
        if text.isdigit() and len(text) <= 19:
            return await contacts.get(interaction.user.id, int(text))
        # Typed a name without picking a suggestion: accept it if exactly one contact has it.
        matches = [
            c
            for c in await contacts.suggest(interaction.user.id, text)
            if fold(c.name) == fold(text)
        ]
        if len(matches) == 1:
            return matches[0]
        raise InvalidInput(
            "Pick the contact from the suggestions that appear as you type their name."
        )


OwnedContact = app_commands.Transform[Contact, OwnedContactTransformer]


def value_autocomplete(column: str) -> Any:
    """Autocomplete for a filter option from the values this student has already used."""

    async def complete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        values = await interaction.client.services.contacts.suggest_values(
            interaction.user.id, column, current
        )
        return [
            app_commands.Choice(name=presenters.clip(v, CHOICE_MAX), value=v[:CHOICE_MAX])
            for v in values
        ]

    return complete


class ContactOrNameTransformer(_ContactAutocomplete):
    """Like OwnedContact, but text that is not one of the student's contacts is a new name."""

    async def transform(self, interaction: Interaction, value: Any) -> int | str:
        text = str(value).strip()
        if text.isdigit() and len(text) <= 19:
            contact = await interaction.client.services.contacts.get(interaction.user.id, int(text))
            return contact.id
        if not text:
            raise InvalidInput("Name the person you're writing to.")
        return text


ContactOrName = app_commands.Transform[int | str, ContactOrNameTransformer]


def template_autocomplete(kind: str) -> Any:
    """Autocomplete over the catalogue's templates of one kind (new files appear at once)."""

    async def complete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        typed = fold(current)
        catalogue = interaction.client.services.drafts.catalogue
        return [
            app_commands.Choice(name=presenters.clip(t.title, CHOICE_MAX), value=t.id)
            for t in catalogue.templates(kind or None)
            if typed in fold(t.title) or typed in t.id
        ][:25]

    return complete
