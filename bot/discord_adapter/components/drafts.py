"""A draft's buttons, its reply message, and `deliver` (a draft request answered privately)."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.core.drafts import DraftResult, DraftService, FieldsRequired, ProfileRequired
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, ref
from bot.discord_adapter.components.draft_forms import (
    DRAFT_EDIT_FORM,
    DRAFT_FIELDS_FORM,
    F_INTERESTS,
    F_NAME,
    F_PITCH,
    F_SCHOOL,
    F_STAGE,
    PROFILE_FORM,
    draft_details_form,
    missing_fields_form,
    profile_form,
)
from bot.discord_adapter.components.forms import form_values, text_fields, text_value
from bot.discord_adapter.components.routing import Interaction, Route
from bot.discord_adapter.components.views import Button, button, detached_view
from bot.discord_adapter.errors import send_ephemeral

# Mark as sent / Another version / Other channel / Tone, on a draft re-read for the clicker.
ACTION = re.compile(rf"draft:(?P<action>sent|again|channel|tone):(?P<id>{ID})")
EDIT = re.compile(rf"draft:edit:(?P<id>{ID})")
# Opens the missing-details form for a held request (when a form can't open another).
ASK = re.compile(rf"draft:ask:(?P<id>{ID})")

ACTION_LABELS: dict[str, tuple[str, str, discord.ButtonStyle]] = {
    "sent": ("Mark as sent", "✅", discord.ButtonStyle.success),
    "again": ("Another version", "🔄", discord.ButtonStyle.secondary),
    "channel": ("Other channel", "📨", discord.ButtonStyle.secondary),
    "tone": ("Tone", "🎚️", discord.ButtonStyle.secondary),  # warm → formal → brief
}


def action_button(action: str, draft_id: int) -> Button:
    label, emoji, style = ACTION_LABELS[action]
    return button(f"draft:{action}:{draft_id}", label, emoji=emoji, style=style)


def edit_details_button(draft_id: int) -> Button:
    return button(f"draft:edit:{draft_id}", "Edit details", emoji="✏️")


def add_details_button(pending_id: int) -> Button:
    return button(
        f"draft:ask:{pending_id}",
        "Add the missing details",
        emoji="📝",
        style=discord.ButtonStyle.primary,
    )


def draft_view(result: DraftResult) -> discord.ui.View:
    draft_id = result.draft.id
    items: list[Button] = []
    if result.draft.sent_at is None:
        items.append(action_button("sent", draft_id))
    if result.rendered.versions > 1:
        items.append(action_button("again", draft_id))
    items.append(action_button("tone", draft_id))
    items.append(edit_details_button(draft_id))
    items.append(action_button("channel", draft_id))
    return detached_view(*items)


def draft_message(result: DraftResult) -> dict[str, Any]:
    """The draft as a reply: its text as plain content (Copy Text on a phone copies exactly the
    message), details in an embed, and its buttons."""
    content, attachments = presenters.draft_content(result)
    message: dict[str, Any] = {
        "content": content,
        "embed": presenters.draft_embed(result),
        "view": draft_view(result),
    }
    if attachments:
        message["files"] = [
            discord.File(io.BytesIO(data), filename=name) for name, data in attachments
        ]
    return message


def as_edit(message: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for editing a message into `message` (files replace attachments)."""
    edit = dict(message)
    edit["attachments"] = edit.pop("files", [])
    return edit


async def deliver(
    interaction: Interaction, make: Callable[[], Awaitable[list[DraftResult]]]
) -> None:
    """Run a draft request and answer with one private message per draft.

    A form cannot answer a form, nor can an answer already deferred (a paper look-up), so then
    a missing detail is asked for through a button that opens the next form.
    """
    no_form = (
        interaction.type is discord.InteractionType.modal_submit or interaction.response.is_done()
    )
    try:
        results = await make()
    except ProfileRequired as held:
        if no_form:
            await send_ephemeral(interaction, "Set up your profile with `/profile` first.")
            return
        await interaction.response.send_modal(profile_form(None, held.pending_id))
        return
    except FieldsRequired as held:
        if not no_form:
            await interaction.response.send_modal(
                missing_fields_form(held.pending_id, held.fields, held.title)
            )
            return
        await _send(
            interaction,
            content=f"Saved. One more thing: “{presenters.esc(held.title)}” needs a few details.",
            view=detached_view(add_details_button(held.pending_id)),
        )
        return
    for result in results:
        await _send(interaction, **draft_message(result))


async def _send(interaction: Interaction, **message: Any) -> None:
    """A private reply: the answer if none was sent yet, else a follow-up."""
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **message)
    else:
        await interaction.response.send_message(ephemeral=True, **message)


class DraftHandlers:
    """A draft's buttons, its forms and the profile form, through the draft service."""

    def __init__(self, drafts: DraftService) -> None:
        self.drafts = drafts

    def routes(self) -> tuple[Route, ...]:
        return (
            Route(ACTION, self.act),
            Route(EDIT, self.edit_details),
            Route(ASK, self.add_details),
            Route(PROFILE_FORM, self.profile_submitted, form=True),
            Route(DRAFT_FIELDS_FORM, self.missing_fields_submitted, form=True),
            Route(DRAFT_EDIT_FORM, self.details_submitted, form=True),
        )

    async def act(self, interaction: Interaction, match: re.Match[str]) -> None:
        change = {
            "sent": self.drafts.mark_sent,
            "again": self.drafts.next_version,
            "channel": self.drafts.other_channel,
            "tone": self.drafts.change_tone,
        }[match["action"]]
        result = await change(interaction.user.id, ref(match["id"]))
        await interaction.response.edit_message(**as_edit(draft_message(result)))

    async def edit_details(self, interaction: Interaction, match: re.Match[str]) -> None:
        result = await self.drafts.show(interaction.user.id, ref(match["id"]))
        await interaction.response.send_modal(draft_details_form(result))

    async def add_details(self, interaction: Interaction, match: re.Match[str]) -> None:
        pending_id = ref(match["id"])
        request = await self.drafts.pending_request(interaction.user.id, pending_id)
        info = self.drafts.catalogue.get(request.template_id or "")
        missing = info.requires if info else ()
        await interaction.response.send_modal(
            missing_fields_form(pending_id, missing, info.title if info else "Draft")
        )

    async def profile_submitted(self, interaction: Interaction, match: re.Match[str]) -> None:
        values = form_values(interaction)
        owner = interaction.user.id
        profile = await self.drafts.save_profile(
            owner,
            {
                "name": text_value(values, F_NAME) or "",
                "school": text_value(values, F_SCHOOL) or "",
                "stage": text_value(values, F_STAGE) or "",
                "interests": text_value(values, F_INTERESTS),
                "pitch": text_value(values, F_PITCH),
            },
        )
        pending_id = ref(match["pending"])
        if pending_id:
            await deliver(interaction, lambda: self.drafts.resume(owner, pending_id))
            return
        await interaction.response.send_message(
            "Saved. Every draft will use these details.",
            embed=presenters.profile_embed(profile),
            ephemeral=True,
        )

    async def missing_fields_submitted(
        self, interaction: Interaction, match: re.Match[str]
    ) -> None:
        fields = text_fields(form_values(interaction))
        pending_id = ref(match["pending"])
        await deliver(
            interaction, lambda: self.drafts.resume(interaction.user.id, pending_id, fields)
        )

    async def details_submitted(self, interaction: Interaction, match: re.Match[str]) -> None:
        fields = text_fields(form_values(interaction))
        result = await self.drafts.edit_fields(interaction.user.id, ref(match["id"]), fields)
        message = draft_message(result)
        if interaction.message is not None:
            await interaction.response.edit_message(**as_edit(message))
        else:
            await interaction.response.send_message(ephemeral=True, **message)
