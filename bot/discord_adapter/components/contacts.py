"""A contact's buttons and forms: its card (Log, Edit), removal, list pages, duplicates."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.core.contacts import ContactService
from bot.core.models import Contact, ContactDraft, ContactFilter, ExchangeKind
from bot.core.validation import (
    ADDRESS_AS_MAX,
    EXCHANGE_NOTE_MAX,
    INSTITUTION_MAX,
    NAME_MAX,
    NOTES_MAX,
    SPECIALTY_MAX,
)
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, checked, ref
from bot.discord_adapter.components.forms import (
    detached,
    form_values,
    text_input,
    text_value,
)
from bot.discord_adapter.components.routing import Interaction, Route
from bot.discord_adapter.components.views import Button, button, detached_view

EDIT = re.compile(rf"contact:edit:(?P<id>{ID})")
LOG = re.compile(rf"contact:log:(?P<id>{ID})")
REMOVE = re.compile(rf"contact:remove:(?P<id>{ID})")
KEEP = re.compile(rf"contact:keep:(?P<id>{ID})")
# Turns a page of `/contact list`; filter 0 means unfiltered, others are stored filters.
PAGE = re.compile(rf"contact:page:(?P<filter>{ID}):(?P<page>\d{{1,5}}):(?P<dir>prev|next)")
# "Is this the same person?": update contact `target`, or add as new.
DUPE = re.compile(rf"contact:dupe:(?P<pending>{ID}):(?P<target>{ID}|new)")
EDIT_FORM = re.compile(rf"contact:editform:(?P<id>{ID})")
LOG_FORM = re.compile(rf"contact:logform:(?P<id>{ID})")

# Form field ids (inside a modal they only need to be unique to that modal).
F_NAME, F_TITLE, F_SPECIALTY, F_INSTITUTION, F_NOTES = "name", "title", "specialty", "inst", "notes"
F_ADDRESS = "address"
F_KIND, F_WHEN, F_NOTE = "kind", "when", "note"


def card_view(contact_id: int) -> discord.ui.View:
    return detached_view(
        button(
            f"contact:log:{contact_id}",
            "Log an exchange",
            emoji="📝",
            style=discord.ButtonStyle.primary,
        ),
        button(f"contact:edit:{contact_id}", "Edit", emoji="✏️"),
    )


def confirm_remove_view(contact_id: int) -> discord.ui.View:
    return detached_view(
        button(f"contact:remove:{contact_id}", "Remove for good", style=discord.ButtonStyle.danger),
        button(f"contact:keep:{contact_id}", "Keep"),
    )


def page_button(filter_id: int, page: int, direction: str, *, disabled: bool = False) -> Button:
    return button(
        f"contact:page:{filter_id}:{page}:{direction}",
        "◀ Previous" if direction == "prev" else "Next ▶",
        disabled=disabled,
    )


def page_view(
    filter_id: int, page: int, has_previous: bool, has_next: bool
) -> discord.ui.View | None:
    if not (has_previous or has_next):
        return None
    return detached_view(
        page_button(filter_id, page - 1 if has_previous else 0, "prev", disabled=not has_previous),
        page_button(filter_id, page + 1 if has_next else page, "next", disabled=not has_next),
    )


def duplicate_button(pending_id: int, target: int | None, label: str = "Add as new") -> Button:
    return button(
        f"contact:dupe:{pending_id}:{target or 'new'}",
        presenters.clip(label, 80),
        style=discord.ButtonStyle.primary if target else discord.ButtonStyle.secondary,
    )


def duplicate_view(pending_id: int, duplicates: tuple[Contact, ...]) -> discord.ui.View:
    return detached_view(
        *(
            duplicate_button(pending_id, existing.id, f"Update {presenters.display_name(existing)}")
            for existing in duplicates[:3]
        ),
        duplicate_button(pending_id, None),
    )


async def card(
    contacts: ContactService,
    owner: int,
    contact: Contact,
    *,
    heading: str | None = None,
    with_history: bool = False,
) -> dict[str, Any]:
    """The contact's embed with its Log and Edit buttons, as keyword arguments for a reply."""
    history = await contacts.history(owner, contact.id) if with_history else ()
    today = await contacts.today(owner)
    return {
        "embed": presenters.contact_embed(contact, today, history, heading=heading),
        "view": card_view(contact.id),
    }


def edit_contact_form(contact: Contact) -> discord.ui.Modal:
    """A form prefilled with the contact's current text fields (Discord allows five)."""
    d: ContactDraft = contact.draft
    modal = discord.ui.Modal(
        title="Edit contact", custom_id=checked(f"contact:editform:{contact.id}"), timeout=None
    )
    modal.add_item(
        discord.ui.Label(
            text="Name",
            component=text_input(F_NAME, default=d.name, max_length=NAME_MAX, required=True),
        )
    )
    # Discord allows five inputs: "Address them as" replaces the title here (a title typed in
    # the name is understood, and /contact edit title: still sets it).
    modal.add_item(
        discord.ui.Label(
            text="Address them as",
            description=presenters.clip(
                f"How drafts greet them; empty: “{contact.suggested_greeting}”", 100
            ),
            component=text_input(F_ADDRESS, default=d.address_as, max_length=ADDRESS_AS_MAX),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Specialty",
            component=text_input(F_SPECIALTY, default=d.specialty, max_length=SPECIALTY_MAX),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Institution",
            component=text_input(F_INSTITUTION, default=d.institution, max_length=INSTITUTION_MAX),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Notes",
            component=text_input(F_NOTES, default=d.notes, max_length=NOTES_MAX, paragraph=True),
        )
    )
    return detached(modal)


def log_exchange_form(contact: Contact) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title="Log an exchange", custom_id=checked(f"contact:logform:{contact.id}"), timeout=None
    )
    kinds: discord.ui.Select[discord.ui.Modal] = discord.ui.Select(
        custom_id=F_KIND,
        options=[
            discord.SelectOption(
                label=kind.label, value=kind.value, default=kind is ExchangeKind.EMAILED
            )
            for kind in ExchangeKind
        ],
        min_values=1,
        max_values=1,
    )
    modal.add_item(
        discord.ui.Label(
            text=presenters.clip(f"With {presenters.display_name(contact)}", 45), component=kinds
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="When",
            description="today, yesterday, last friday, 2026-03-14 …",
            component=text_input(F_WHEN, default=None, max_length=40, placeholder="today"),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Note",
            component=text_input(
                F_NOTE,
                default=None,
                max_length=EXCHANGE_NOTE_MAX,
                paragraph=True,
                placeholder="What did you talk about?",
            ),
        )
    )
    return detached(modal)


class ContactHandlers:
    """Clicks and forms about one contact; every lookup is for the clicking student."""

    def __init__(self, contacts: ContactService) -> None:
        self.contacts = contacts

    def routes(self) -> tuple[Route, ...]:
        return (
            Route(EDIT, self.edit),
            Route(LOG, self.log),
            Route(REMOVE, self.remove),
            Route(KEEP, self.keep),
            Route(PAGE, self.turn_page),
            Route(DUPE, self.resolve_duplicate),
            Route(EDIT_FORM, self.edit_submitted, form=True),
            Route(LOG_FORM, self.log_submitted, form=True),
        )

    async def edit(self, interaction: Interaction, match: re.Match[str]) -> None:
        contact = await self.contacts.get(interaction.user.id, ref(match["id"]))
        await interaction.response.send_modal(edit_contact_form(contact))

    async def log(self, interaction: Interaction, match: re.Match[str]) -> None:
        contact = await self.contacts.get(interaction.user.id, ref(match["id"]))
        await interaction.response.send_modal(log_exchange_form(contact))

    async def remove(self, interaction: Interaction, match: re.Match[str]) -> None:
        owner, contact_id = interaction.user.id, ref(match["id"])
        contact = await self.contacts.get(owner, contact_id)
        await self.contacts.remove(owner, contact_id)
        await interaction.response.edit_message(
            content=f"Removed **{presenters.esc(presenters.display_name(contact))}** "
            "and their history.",
            embed=None,
            view=None,
        )

    async def keep(self, interaction: Interaction, match: re.Match[str]) -> None:
        await interaction.response.edit_message(
            content="Kept — nothing was removed.", embed=None, view=None
        )

    async def turn_page(self, interaction: Interaction, match: re.Match[str]) -> None:
        owner, filter_id = interaction.user.id, ref(match["filter"])
        contact_filter = (
            await self.contacts.recall_filter(owner, filter_id) if filter_id else ContactFilter()
        )
        page = await self.contacts.list_page(owner, contact_filter, ref(match["page"]))
        today = await self.contacts.today(owner)
        await interaction.response.edit_message(
            embed=presenters.list_embed(page, contact_filter, today),
            view=page_view(filter_id, page.number, page.has_previous, page.has_next),
        )

    async def resolve_duplicate(self, interaction: Interaction, match: re.Match[str]) -> None:
        target = None if match["target"] == "new" else ref(match["target"])
        owner = interaction.user.id
        contact = await self.contacts.resolve_duplicate(
            owner, ref(match["pending"]), update_contact_id=target
        )
        heading = "Updated" if target else "Saved as a new contact"
        await interaction.response.edit_message(
            content=None, **await card(self.contacts, owner, contact, heading=heading)
        )

    async def edit_submitted(self, interaction: Interaction, match: re.Match[str]) -> None:
        values = form_values(interaction)
        changes = {
            "name": text_value(values, F_NAME) or "",
            "specialty": text_value(values, F_SPECIALTY),
            "institution": text_value(values, F_INSTITUTION),
            "notes": text_value(values, F_NOTES),
        }
        # A form opened before the "address as" field existed still has a title field instead:
        # only the fields the submitted form had are changed.
        for key, field_id in (("title", F_TITLE), ("address_as", F_ADDRESS)):
            if field_id in values:
                changes[key] = text_value(values, field_id)
        owner = interaction.user.id
        contact = await self.contacts.update(owner, ref(match["id"]), changes)
        await interaction.response.send_message(
            ephemeral=True, **await card(self.contacts, owner, contact, heading="Updated")
        )

    async def log_submitted(self, interaction: Interaction, match: re.Match[str]) -> None:
        values = form_values(interaction)
        picked = values.get(F_KIND)
        kind_value = (
            picked[0] if isinstance(picked, list) and picked else ExchangeKind.EMAILED.value
        )
        try:
            kind = ExchangeKind(kind_value)
        except ValueError:
            kind = ExchangeKind.EMAILED
        owner = interaction.user.id
        contact, exchange = await self.contacts.log_exchange(
            owner,
            ref(match["id"]),
            kind,
            when=text_value(values, F_WHEN),
            note=text_value(values, F_NOTE),
        )
        heading = f"Logged: {exchange.kind.label.lower()} on {presenters.day(exchange.happened_on)}"
        await interaction.response.send_message(
            ephemeral=True,
            **await card(self.contacts, owner, contact, heading=heading, with_history=True),
        )
