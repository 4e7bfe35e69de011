"""Form submissions, routed by custom_id (see `components.py` for the grammar).

discord.py only delivers a modal submission to a Modal object it still holds in memory, which
would lose a form opened before a restart. Our forms are sent detached and their submissions
arrive here from `CoachBot.on_interaction`, parsed from the raw payload.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.core.models import ExchangeKind
from bot.discord_adapter import components, presenters
from bot.discord_adapter.errors import present_error, send_ephemeral

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

Handler = Callable[[Interaction, re.Match[str], dict[str, str | list[str]]], Awaitable[None]]


def _text(values: dict[str, str | list[str]], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) and value.strip() else None


async def _edit_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    contacts = interaction.client.services.contacts
    changes = {
        "name": _text(values, components.F_NAME) or "",
        "specialty": _text(values, components.F_SPECIALTY),
        "institution": _text(values, components.F_INSTITUTION),
        "notes": _text(values, components.F_NOTES),
    }
    # A form opened before the "address as" field existed still has a title field instead:
    # only the fields the submitted form had are changed.
    for key, field_id in (("title", components.F_TITLE), ("address_as", components.F_ADDRESS)):
        if field_id in values:
            changes[key] = _text(values, field_id)
    contact = await contacts.update(interaction.user.id, components.ref(match["id"]), changes)
    await interaction.response.send_message(
        ephemeral=True, **await components.card(interaction, contact, heading="Updated")
    )


async def _log_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    picked = values.get(components.F_KIND)
    kind_value = picked[0] if isinstance(picked, list) and picked else ExchangeKind.EMAILED.value
    try:
        kind = ExchangeKind(kind_value)
    except ValueError:
        kind = ExchangeKind.EMAILED
    contact, exchange = await interaction.client.services.contacts.log_exchange(
        interaction.user.id,
        components.ref(match["id"]),
        kind,
        when=_text(values, components.F_WHEN),
        note=_text(values, components.F_NOTE),
    )
    heading = f"Logged: {exchange.kind.label.lower()} on {presenters.day(exchange.happened_on)}"
    await interaction.response.send_message(
        ephemeral=True,
        **await components.card(interaction, contact, heading=heading, with_history=True),
    )


async def _profile_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    drafts = interaction.client.services.drafts
    profile = await drafts.save_profile(
        interaction.user.id,
        {
            "name": _text(values, components.F_NAME) or "",
            "school": _text(values, components.F_SCHOOL) or "",
            "stage": _text(values, components.F_STAGE) or "",
            "interests": _text(values, components.F_INTERESTS),
            "pitch": _text(values, components.F_PITCH),
        },
    )
    pending_id = components.ref(match["pending"])
    if pending_id:
        await components.deliver(
            interaction, lambda: drafts.resume(interaction.user.id, pending_id)
        )
        return
    await interaction.response.send_message(
        "Saved. Every draft will use these details.",
        embed=presenters.profile_embed(profile),
        ephemeral=True,
    )


async def _missing_fields_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    drafts = interaction.client.services.drafts
    fields = {key: value for key, value in values.items() if isinstance(value, str)}
    await components.deliver(
        interaction,
        lambda: drafts.resume(interaction.user.id, components.ref(match["pending"]), fields),
    )


async def _draft_details_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    fields = {key: value for key, value in values.items() if isinstance(value, str)}
    result = await interaction.client.services.drafts.edit_fields(
        interaction.user.id, components.ref(match["id"]), fields
    )
    message = components.draft_message(result)
    if interaction.message is not None:
        await interaction.response.edit_message(**components.as_edit(message))
    else:
        await interaction.response.send_message(ephemeral=True, **message)


async def _pitch_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    coaching = interaction.client.services.coaching
    pitch = await coaching.compose_pitch(
        interaction.user.id,
        [_text(values, key) for key in (components.F_INTRO, components.F_DRAW, components.F_HOPE)],
    )
    await interaction.response.send_message(
        embed=presenters.pitch_embed(pitch, coaching.library.pitch["tip"]),
        view=components.pitch_view(pitch.pending_id),
        ephemeral=True,
    )


async def _people_submitted(
    interaction: Interaction, match: re.Match[str], values: dict[str, str | list[str]]
) -> None:
    services = interaction.client.services
    owner = interaction.user.id
    event_id = components.ref(match["id"])
    await services.events.add_people(
        owner, event_id, [_text(values, key) for key in components.F_PEOPLE]
    )
    detail = await services.events.show(owner, event_id)
    await interaction.response.send_message(
        embed=presenters.event_embed(detail, await services.contacts.today(owner), heading="Saved"),
        view=components.people_added_view(event_id),
        ephemeral=True,
    )


ROUTES: tuple[tuple[re.Pattern[str], Handler], ...] = (
    (components.EVENT_PEOPLE_FORM, _people_submitted),
    (components.PITCH_FORM, _pitch_submitted),
    (components.EDIT_FORM, _edit_submitted),
    (components.LOG_FORM, _log_submitted),
    (components.PROFILE_FORM, _profile_submitted),
    (components.DRAFT_FIELDS_FORM, _missing_fields_submitted),
    (components.DRAFT_EDIT_FORM, _draft_details_submitted),
)


async def dispatch_form(interaction: Interaction) -> None:
    """Handle a submitted form; unknown ones get a clear answer rather than a failure."""
    custom_id = str(components.raw_data(interaction).get("custom_id", ""))
    try:
        for pattern, handler in ROUTES:
            match = pattern.fullmatch(custom_id)
            if match:
                for value in match.groupdict().values():  # before anything is saved
                    if value and value.isdigit():
                        components.ref(value)
                await handler(interaction, match, components.form_values(interaction))
                return
        await send_ephemeral(
            interaction,
            "That form is no longer in use, and nothing was changed. "
            "Run the command again to continue.",
        )
    except Exception as error:
        await present_error(interaction, error)
