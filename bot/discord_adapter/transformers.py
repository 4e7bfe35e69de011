"""Contact and template options: what autocomplete suggests, and a picked contact resolved.

A contact option is a plain string: Discord sends the id of a picked suggestion, or the text
typed. The command resolves it with a `ContactPicker` built with its own contact service (a
discord.py Transformer is instantiated by the library from an annotation, so it could only reach
a service through the client).
"""

from __future__ import annotations

from discord import app_commands

from bot.content.templates import TemplateCatalogue
from bot.core.contacts import ContactService
from bot.core.errors import InvalidInput
from bot.core.models import Contact
from bot.core.text import fold
from bot.discord_adapter import presenters

CHOICE_MAX = 100  # Discord's limit on an autocomplete choice's name and value
CHOICES_MAX = 25  # Discord's limit on the number of autocomplete choices


def contact_choice_name(contact: Contact) -> str:
    detail = contact.role.label
    if contact.draft.institution:
        detail += f", {contact.draft.institution}"
    return presenters.clip(f"{presenters.display_name(contact)} — {detail}", CHOICE_MAX)


def _as_id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 19 else None


class ContactPicker:
    """Contact options for one student: suggestions from their own contacts (a choice's value
    is the contact's id), and the picked value resolved for them only."""

    def __init__(self, contacts: ContactService) -> None:
        self.contacts = contacts

    async def suggest(self, owner: int, current: str) -> list[app_commands.Choice[str]]:
        found = await self.contacts.suggest(owner, current)
        return [app_commands.Choice(name=contact_choice_name(c), value=str(c.id)) for c in found]

    async def owned(self, owner: int, value: str) -> Contact:
        """The student's contact picked (or typed by its exact name); InvalidInput otherwise."""
        text = value.strip()
        contact_id = _as_id(text)
        if contact_id is not None:
            return await self.contacts.get(owner, contact_id)
        # Typed a name without picking a suggestion: accept it if exactly one contact has it.
        matches = [
            c for c in await self.contacts.suggest(owner, text) if fold(c.name) == fold(text)
        ]
        if len(matches) == 1:
            return matches[0]
        raise InvalidInput(
            "Pick the contact from the suggestions that appear as you type their name."
        )

    async def owned_or_none(self, owner: int, value: str | None) -> Contact | None:
        return None if value is None else await self.owned(owner, value)

    async def contact_or_name(self, owner: int, value: str) -> int | str:
        """A picked contact's id (the student's own), or the text typed as a new name."""
        text = value.strip()
        contact_id = _as_id(text)
        if contact_id is not None:
            return (await self.contacts.get(owner, contact_id)).id
        if not text:
            raise InvalidInput("Name the person you're writing to.")
        return text

    async def values(self, owner: int, column: str, current: str) -> list[app_commands.Choice[str]]:
        """A filter option's suggestions: the values this student has already used."""
        found = await self.contacts.suggest_values(owner, column, current)
        return [
            app_commands.Choice(name=presenters.clip(v, CHOICE_MAX), value=v[:CHOICE_MAX])
            for v in found
        ]


def template_choices(
    catalogue: TemplateCatalogue, kind: str, current: str
) -> list[app_commands.Choice[str]]:
    """The catalogue's templates of one kind ("" for all) matching what was typed."""
    typed = fold(current)
    return [
        app_commands.Choice(name=presenters.clip(t.title, CHOICE_MAX), value=t.id)
        for t in catalogue.templates(kind or None)
        if typed in fold(t.title) or typed in t.id
    ][:CHOICES_MAX]
