"""An event's buttons and its "who you met" form; also the DM after a server's scheduled event.

`event:<action>:<id>` names an event of the clicking student's, or, for the scheduled-event DM
(`met`, `skip`), a recorded ending: each student then gets their own event record.
"""

from __future__ import annotations

import re

import discord

from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.events import Event, EventService
from bot.core.validation import NAME_MAX
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, checked, ref
from bot.discord_adapter.components.drafts import deliver
from bot.discord_adapter.components.forms import detached, form_values, text_input, text_value
from bot.discord_adapter.components.routing import Interaction, Route
from bot.discord_adapter.components.views import Button, button, detached_view

PEOPLE = re.compile(rf"event:people:(?P<id>{ID})")
DRAFTS = re.compile(rf"event:drafts:(?P<id>{ID})")
MET = re.compile(rf"event:met:(?P<id>{ID})")
SKIP = re.compile(rf"event:skip:(?P<id>{ID})")
PEOPLE_FORM = re.compile(rf"event:peopleform:(?P<id>{ID})")

F_PEOPLE = tuple(f"person{n}" for n in range(1, 6))
PERSON_LINE_MAX = NAME_MAX + 3 + 200  # "Name — one-line note"


def add_people_button(event_id: int) -> Button:
    return button(
        f"event:people:{event_id}",
        "Add people I met",
        emoji="👥",
        style=discord.ButtonStyle.primary,
    )


def event_view(event_id: int) -> discord.ui.View:
    return detached_view(add_people_button(event_id))


def people_added_view(event_id: int) -> discord.ui.View:
    return detached_view(
        button(
            f"event:drafts:{event_id}",
            "Draft follow-ups",
            emoji="✉️",
            style=discord.ButtonStyle.primary,
        ),
        add_people_button(event_id),
    )


def scheduled_event_view(ending_id: int) -> discord.ui.View:
    return detached_view(
        button(
            f"event:met:{ending_id}",
            "Log people I met",
            emoji="👥",
            style=discord.ButtonStyle.primary,
        ),
        button(f"event:skip:{ending_id}", "Not this time"),
    )


def add_people_form(event: Event) -> discord.ui.Modal:
    """Up to five people met at the event, one per line: "Name — one-line note"."""
    modal = discord.ui.Modal(
        title=presenters.clip(f"Who you met: {event.name}", 45),
        custom_id=checked(f"event:peopleform:{event.id}"),
        timeout=None,
    )
    for n, field_id in enumerate(F_PEOPLE, start=1):
        modal.add_item(
            discord.ui.Label(
                text=f"Person {n}",
                description="Name — one-line note (the note is optional)" if n == 1 else None,
                component=text_input(
                    field_id,
                    default=None,
                    max_length=PERSON_LINE_MAX,
                    required=n == 1,
                    placeholder="Dr Amara Okafor — runs the cardiology elective"
                    if n == 1
                    else None,
                ),
            )
        )
    return detached(modal)


class EventHandlers:
    """Adding people met at an event, drafting their follow-ups, and the scheduled-event DM."""

    def __init__(
        self, events: EventService, contacts: ContactService, drafts: DraftService
    ) -> None:
        self.events = events
        self.contacts = contacts
        self.drafts = drafts

    def routes(self) -> tuple[Route, ...]:
        return (
            Route(PEOPLE, self.add_people),
            Route(DRAFTS, self.draft_follow_ups),
            Route(MET, self.log_scheduled),
            Route(SKIP, self.not_this_time),
            Route(PEOPLE_FORM, self.people_submitted, form=True),
        )

    async def add_people(self, interaction: Interaction, match: re.Match[str]) -> None:
        event = await self.events.get(interaction.user.id, ref(match["id"]))
        await interaction.response.send_modal(add_people_form(event))

    async def draft_follow_ups(self, interaction: Interaction, match: re.Match[str]) -> None:
        owner = interaction.user.id
        request = await self.events.followup_request(owner, ref(match["id"]))
        await deliver(interaction, lambda: self.drafts.start(owner, request))

    async def log_scheduled(self, interaction: Interaction, match: re.Match[str]) -> None:
        event = await self.events.from_scheduled(interaction.user.id, ref(match["id"]))
        await interaction.response.send_modal(add_people_form(event))

    async def not_this_time(self, interaction: Interaction, match: re.Match[str]) -> None:
        await interaction.response.edit_message(content="No problem. Nothing was saved.", view=None)

    async def people_submitted(self, interaction: Interaction, match: re.Match[str]) -> None:
        values = form_values(interaction)
        owner, event_id = interaction.user.id, ref(match["id"])
        await self.events.add_people(owner, event_id, [text_value(values, k) for k in F_PEOPLE])
        detail = await self.events.show(owner, event_id)
        await interaction.response.send_message(
            embed=presenters.event_embed(detail, await self.contacts.today(owner), heading="Saved"),
            view=people_added_view(event_id),
            ephemeral=True,
        )
