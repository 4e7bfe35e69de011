"""Buttons and forms: the custom_id grammar lives here, and only here.

Every custom_id is `<feature>:<action>:<id>[:<arg>]` and stays within Discord's 100-character
limit. Buttons are `DynamicItem`s, so they keep working after a restart; `from_custom_id` only
parses, and every lookup (and the ownership check) happens in the callback, where errors reach
the student through the error presenter. Forms are built here too; their submissions are
routed by `modals.py`, which matches the same grammar.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from bot.core.drafts import (
    FIELD_LABELS,
    FIELD_LIMITS,
    PROFILE_LIMITS,
    DraftResult,
    FieldsRequired,
    ProfileRequired,
)
from bot.core.errors import InvalidInput
from bot.core.events import Event
from bot.core.models import (
    Contact,
    ContactDraft,
    ContactFilter,
    DueItem,
    ExchangeKind,
    ItemKind,
    Profile,
)
from bot.core.validation import (
    ADDRESS_AS_MAX,
    EXCHANGE_NOTE_MAX,
    INSTITUTION_MAX,
    NAME_MAX,
    NOTES_MAX,
    SPECIALTY_MAX,
)
from bot.discord_adapter import presenters
from bot.discord_adapter.errors import present_error, send_ephemeral

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction
# discord.py types an item's callback and from_custom_id for any client (Interaction[ClientT]),
# so their overrides must accept any too; act() then gets this bot's clicks typed for CoachBot.
AnyInteraction = discord.Interaction[Any]

CUSTOM_ID_MAX = 100  # Discord's limit for buttons and modals
FIELD_PLACEHOLDERS = {
    "event": "the cardiology interest group talk",
    "discussed": "how your clinic follows up patients after discharge",
    "ask": "Could I shadow one of your clinics?",
    "topic": "the paper or research topic that caught your eye",
    "deadline": "March 1",
    "program": "the St Mary's internal medicine residency",
    "update": "what you've done since you last spoke",
    "finding": "the drop in readmissions when nurses called in week one",
    "availability": "about 8 hours a week from January",
}
_ID = r"\d{1,20}"
# Row ids and snowflakes are SQLite integers (signed 64-bit); a crafted or damaged custom_id
# can carry 20 digits that don't fit, which the database would refuse with an OverflowError.
INT64_MAX = 2**63 - 1
UNKNOWN_ID = (
    "That button or form points at something I can't find, and nothing was changed. "
    "Run the command again to continue."
)


def ref(text: str) -> int:
    """A custom_id's number; InvalidInput when it can't be an id (over SQLite's int64)."""
    value = int(text)
    if not 0 <= value <= INT64_MAX:
        raise InvalidInput(UNKNOWN_ID)
    return value


EDIT_FORM = re.compile(rf"contact:editform:(?P<id>{_ID})")
LOG_FORM = re.compile(rf"contact:logform:(?P<id>{_ID})")
PROFILE_FORM = re.compile(rf"profile:form:(?P<pending>{_ID})")  # 0: no draft waiting
DRAFT_FIELDS_FORM = re.compile(rf"draft:fields:(?P<pending>{_ID})")
DRAFT_EDIT_FORM = re.compile(rf"draft:editform:(?P<id>{_ID})")
PITCH_FORM = re.compile(r"pitch:form:0")

# Form field ids (inside a modal they only need to be unique to that modal).
F_NAME, F_TITLE, F_SPECIALTY, F_INSTITUTION, F_NOTES = "name", "title", "specialty", "inst", "notes"
F_ADDRESS = "address"
F_KIND, F_WHEN, F_NOTE = "kind", "when", "note"
F_SCHOOL, F_STAGE, F_INTERESTS, F_PITCH = "school", "stage", "interests", "pitch"
F_INTRO, F_DRAW, F_HOPE = "intro", "draw", "hope"


def _checked(custom_id: str) -> str:
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError("custom_id over Discord's 100-character limit")
    return custom_id


class _Guarded:
    """Sends a button's failures to the error presenter (discord.py would only log them)."""

    async def callback(self, interaction: AnyInteraction) -> None:
        clicked: Interaction = interaction  # always this bot's client: typed from here on
        clicked.client.track_current_task()
        try:
            # from_custom_id can't refuse a click: the ids it parsed are checked here.
            for value in vars(self).values():
                if isinstance(value, int) and not isinstance(value, bool):
                    ref(str(value))
            await self.act(clicked)
        except Exception as error:
            await present_error(clicked, error)

    async def act(self, interaction: Interaction) -> None:
        raise NotImplementedError


class _ContactButton(_Guarded):
    """A button about one record: `<feature>:<action>:<id>` (a contact unless said otherwise)."""

    feature: ClassVar[str] = "contact"
    action: ClassVar[str]
    label: ClassVar[str]
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary
    emoji: ClassVar[str | None] = None

    def __init__(self, contact_id: int) -> None:
        super().__init__(  # type: ignore[call-arg]  # DynamicItem.__init__ via the MRO
            discord.ui.Button(
                label=self.label,
                emoji=self.emoji,
                style=self.style,
                custom_id=_checked(f"{self.feature}:{self.action}:{contact_id}"),
            )
        )
        self.contact_id = contact_id
        self.target_id = contact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["id"]))


class EditContactButton(
    _ContactButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"contact:edit:(?P<id>{_ID})",
):
    action, label, emoji = "edit", "Edit", "✏️"

    async def act(self, interaction: Interaction) -> None:
        contact = await interaction.client.services.contacts.get(
            interaction.user.id, self.contact_id
        )
        await interaction.response.send_modal(edit_contact_form(contact))


class LogExchangeButton(
    _ContactButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"contact:log:(?P<id>{_ID})",
):
    action, label, emoji = "log", "Log an exchange", "📝"
    style = discord.ButtonStyle.primary

    async def act(self, interaction: Interaction) -> None:
        contact = await interaction.client.services.contacts.get(
            interaction.user.id, self.contact_id
        )
        await interaction.response.send_modal(log_exchange_form(contact))


class ConfirmRemoveButton(
    _ContactButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"contact:remove:(?P<id>{_ID})",
):
    action, label = "remove", "Remove for good"
    style = discord.ButtonStyle.danger

    async def act(self, interaction: Interaction) -> None:
        contacts = interaction.client.services.contacts
        contact = await contacts.get(interaction.user.id, self.contact_id)
        await contacts.remove(interaction.user.id, self.contact_id)
        await interaction.response.edit_message(
            content=f"Removed **{presenters.esc(presenters.display_name(contact))}** "
            "and their history.",
            embed=None,
            view=None,
        )


class KeepContactButton(
    _ContactButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"contact:keep:(?P<id>{_ID})",
):
    action, label = "keep", "Keep"

    async def act(self, interaction: Interaction) -> None:
        await interaction.response.edit_message(
            content="Kept — nothing was removed.", embed=None, view=None
        )


class PageButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"contact:page:(?P<filter>{_ID}):(?P<page>\d{{1,5}}):(?P<dir>prev|next)",
):
    """Turns a page of `/contact list`; filter 0 means unfiltered, others are stored filters."""

    def __init__(
        self, filter_id: int, page: int, direction: str, *, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if direction == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=_checked(f"contact:page:{filter_id}:{page}:{direction}"),
                disabled=disabled,
            )
        )
        self.filter_id = filter_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(int(match["filter"]), int(match["page"]), match["dir"])

    async def act(self, interaction: Interaction) -> None:
        contacts = interaction.client.services.contacts
        owner = interaction.user.id
        contact_filter = (
            await contacts.recall_filter(owner, self.filter_id)
            if self.filter_id
            else ContactFilter()
        )
        page = await contacts.list_page(owner, contact_filter, self.page)
        today = await contacts.today(owner)
        await interaction.response.edit_message(
            embed=presenters.list_embed(page, contact_filter, today),
            view=page_view(self.filter_id, page.number, page.has_previous, page.has_next),
        )


class ResolveDuplicateButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"contact:dupe:(?P<pending>{_ID}):(?P<target>{_ID}|new)",
):
    """Answers "is this the same person?": update contact `target`, or add as new."""

    def __init__(self, pending_id: int, target: int | None, label: str = "Add as new") -> None:
        super().__init__(
            discord.ui.Button(
                label=presenters.clip(label, 80),
                style=discord.ButtonStyle.primary if target else discord.ButtonStyle.secondary,
                custom_id=_checked(f"contact:dupe:{pending_id}:{target or 'new'}"),
            )
        )
        self.pending_id = pending_id
        self.target = target

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResolveDuplicateButton:
        target = None if match["target"] == "new" else int(match["target"])
        return cls(int(match["pending"]), target)

    async def act(self, interaction: Interaction) -> None:
        contacts = interaction.client.services.contacts
        contact = await contacts.resolve_duplicate(
            interaction.user.id, self.pending_id, update_contact_id=self.target
        )
        heading = "Updated" if self.target else "Saved as a new contact"
        await interaction.response.edit_message(
            content=None, **await card(interaction, contact, heading=heading)
        )


class _DraftButton(_ContactButton):
    """A button on a draft: `draft:<action>:<draft id>`; the draft is re-read for the clicker."""

    feature = "draft"


class DraftActionButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"draft:(?P<action>sent|again|channel|tone):(?P<id>{_ID})",
):
    """Mark as sent / Another version / Other channel / Tone, on a draft re-read for the
    clicker."""

    LABELS: ClassVar[dict[str, tuple[str, str, discord.ButtonStyle]]] = {
        "sent": ("Mark as sent", "✅", discord.ButtonStyle.success),
        "again": ("Another version", "🔄", discord.ButtonStyle.secondary),
        "channel": ("Other channel", "📨", discord.ButtonStyle.secondary),
        "tone": ("Tone", "🎚️", discord.ButtonStyle.secondary),  # warm → formal → brief
    }

    def __init__(self, action: str, draft_id: int) -> None:
        label, emoji, style = self.LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=style,
                custom_id=_checked(f"draft:{action}:{draft_id}"),
            )
        )
        self.action, self.draft_id = action, draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["action"], int(match["id"]))

    async def act(self, interaction: Interaction) -> None:
        drafts = interaction.client.services.drafts
        change = {
            "sent": drafts.mark_sent,
            "again": drafts.next_version,
            "channel": drafts.other_channel,
            "tone": drafts.change_tone,
        }[self.action]
        result = await change(interaction.user.id, self.draft_id)
        await interaction.response.edit_message(**as_edit(draft_message(result)))


class EditDetailsButton(
    _DraftButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"draft:edit:(?P<id>{_ID})",
):
    action, label, emoji = "edit", "Edit details", "✏️"

    async def act(self, interaction: Interaction) -> None:
        result = await interaction.client.services.drafts.show(interaction.user.id, self.target_id)
        await interaction.response.send_modal(draft_details_form(result))


class AddDetailsButton(
    _DraftButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"draft:ask:(?P<id>{_ID})",
):
    """Opens the missing-details form for a held request (when a form can't open another)."""

    action, label, emoji = "ask", "Add the missing details", "📝"
    style = discord.ButtonStyle.primary

    async def act(self, interaction: Interaction) -> None:
        drafts = interaction.client.services.drafts
        request = await drafts.pending_request(interaction.user.id, self.target_id)
        info = drafts.catalogue.get(request.template_id or "")
        missing = info.requires if info else ()
        await interaction.response.send_modal(
            missing_fields_form(self.target_id, missing, info.title if info else "Draft")
        )


_KINDS = "|".join(kind.value for kind in ItemKind)


class DueItemButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"due:(?P<action>draft|done|snooze):(?P<kind>{_KINDS}):(?P<id>{_ID})",
):
    """Acts on one item of a digest or of `/due`: Draft, Done, Snooze a week.

    The id is a contact (or a reminder, for reminders); it is re-read for whoever clicks.
    """

    LABELS: ClassVar[dict[str, tuple[str, str | None, discord.ButtonStyle]]] = {
        "draft": ("Draft", "✏️", discord.ButtonStyle.primary),
        "done": ("Done", "✅", discord.ButtonStyle.success),
        "snooze": ("Snooze a week", "💤", discord.ButtonStyle.secondary),
    }

    def __init__(self, action: str, kind: ItemKind, ref: int, label: str | None = None) -> None:
        text, emoji, style = self.LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=presenters.clip(label or text, 80),
                emoji=emoji,
                style=style,
                custom_id=_checked(f"due:{action}:{kind.value}:{ref}"),
            )
        )
        self.action, self.kind, self.ref = action, kind, ref

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["action"], ItemKind(match["kind"]), int(match["id"]))

    async def act(self, interaction: Interaction) -> None:
        services = interaction.client.services
        owner = interaction.user.id
        if self.action == "draft":
            request = await services.reminders.draft_request(owner, self.kind, self.ref)
            await deliver(interaction, lambda: services.drafts.start(owner, request))
            return
        if self.action == "done":
            if await services.reminders.done(owner, self.kind, self.ref):
                text = "Logged — nice work. It won't come up again until it's due."
            else:
                text = "Already logged today — nothing more to do."
        else:
            await services.reminders.snooze(owner, self.kind, self.ref)
            text = "Snoozed for a week."
        await send_ephemeral(interaction, text)


class DueItemMenu(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"due:pick:0",
):
    """Items beyond the first few: pick one to get its Draft / Done / Snooze buttons."""

    def __init__(self, items: Sequence[DueItem] = (), first_number: int = 1) -> None:
        options = [
            discord.SelectOption(
                label=presenters.clip(f"{n}. {presenters.item_label(item)}", 100),
                value=f"{item.kind.value}:{item.ref}",
            )
            for n, item in enumerate(items, first_number)
        ]
        super().__init__(
            discord.ui.Select(
                custom_id="due:pick:0",
                placeholder="Act on another item…",
                options=options or [discord.SelectOption(label="—", value="none:0")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls()

    async def act(self, interaction: Interaction) -> None:
        values = self.item.values  # discord.py refreshed them from this click
        kind_text, _, ref_text = (values[0] if values else "").partition(":")
        if kind_text not in {k.value for k in ItemKind} or not ref_text.isdigit():
            await send_ephemeral(interaction, "That choice is no longer available.")
            return
        reminders = interaction.client.services.reminders
        item = await reminders.item(interaction.user.id, ItemKind(kind_text), ref(ref_text))
        await interaction.response.send_message(
            presenters.item_text(item, item.due_on, late=False),
            view=single_item_view(item),
            ephemeral=True,
        )


class StopDigestsButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reminders:stop:0",
):
    """Turns reminder DMs off for whoever clicks (only the student sees their own DMs)."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Stop these DMs",
                style=discord.ButtonStyle.danger,
                custom_id="reminders:stop:0",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls()

    async def act(self, interaction: Interaction) -> None:
        await interaction.client.services.reminders.turn_off(interaction.user.id)
        await send_ephemeral(
            interaction,
            "Done: no more reminder DMs. Your contacts are all still here; "
            "`/reminders setup` turns them back on.",
        )


class SavePitchButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"pitch:save:(?P<id>{_ID})",
):
    """Saves a composed pitch (held for a day) to the clicker's profile."""

    def __init__(self, pending_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Save to my profile",
                emoji="💾",
                style=discord.ButtonStyle.success,
                custom_id=_checked(f"pitch:save:{pending_id}"),
            )
        )
        self.pending_id = pending_id

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["id"]))

    async def act(self, interaction: Interaction) -> None:
        await interaction.client.services.coaching.save_pitch(interaction.user.id, self.pending_id)
        await interaction.response.edit_message(
            content="Saved: your drafts will use this pitch.", view=None
        )


class DeleteEverythingButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"privacy:(?P<action>delete|keep):0",
):
    """Confirms or cancels `/privacy delete`, for whoever clicks (their own data only)."""

    def __init__(self, action: str) -> None:
        delete = action == "delete"
        super().__init__(
            discord.ui.Button(
                label="Delete everything" if delete else "Keep my data",
                style=discord.ButtonStyle.danger if delete else discord.ButtonStyle.secondary,
                custom_id=f"privacy:{action}:0",
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["action"])

    async def act(self, interaction: Interaction) -> None:
        if self.action == "keep":
            await interaction.response.edit_message(
                content="Nothing was deleted.", embed=None, view=None
            )
            return
        removed = await interaction.client.services.privacy.delete_everything(interaction.user.id)
        await interaction.response.edit_message(
            content=f"Done: {sum(removed.values()):,} records erased, reminders stopped. "
            "If you use the bot again, it starts from a blank page.",
            embed=None,
            view=None,
        )


def delete_view() -> discord.ui.View:
    return persistent_view(DeleteEverythingButton("delete"), DeleteEverythingButton("keep"))


class ImportButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"import:(?P<action>confirm|cancel):(?P<id>{_ID})",
):
    """Import / Cancel under an import preview; the held rows are looked up for the clicker."""

    LABELS: ClassVar[dict[str, tuple[str, discord.ButtonStyle]]] = {
        "confirm": ("Import", discord.ButtonStyle.success),
        "cancel": ("Cancel", discord.ButtonStyle.secondary),
    }

    def __init__(self, action: str, pending_id: int) -> None:
        label, style = self.LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=_checked(f"import:{action}:{pending_id}")
            )
        )
        self.action, self.pending_id = action, pending_id

    @classmethod
    async def from_custom_id(
        cls, interaction: AnyInteraction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(match["action"], int(match["id"]))

    async def act(self, interaction: Interaction) -> None:
        imports = interaction.client.services.imports
        owner = interaction.user.id
        if self.action == "cancel":
            await imports.cancel(owner, self.pending_id)
            await interaction.response.edit_message(
                content="Cancelled: nothing was imported.", embed=None, view=None
            )
            return
        # Thousands of rows take longer than Discord's 3 seconds: acknowledge, then edit.
        await interaction.response.defer()

        async def progress(done: int, total: int) -> None:
            await interaction.edit_original_response(
                content=presenters.import_progress_text(done, total), view=None
            )

        result = await imports.confirm(owner, self.pending_id, progress)
        await interaction.edit_original_response(
            content=presenters.import_result_text(result), embed=None, view=None
        )


class _EventButton(_ContactButton):
    """`event:<action>:<id>`: an event of the clicking student's (or, for the scheduled-event
    DM, a recorded ending; each student then gets their own event record)."""

    feature = "event"


class AddPeopleButton(
    _EventButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:people:(?P<id>{_ID})",
):
    action, label, emoji, style = "people", "Add people I met", "👥", discord.ButtonStyle.primary

    async def act(self, interaction: Interaction) -> None:
        event = await interaction.client.services.events.get(interaction.user.id, self.target_id)
        await interaction.response.send_modal(add_people_form(event))


class DraftEventFollowUpsButton(
    _EventButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:drafts:(?P<id>{_ID})",
):
    action, label, emoji, style = "drafts", "Draft follow-ups", "✉️", discord.ButtonStyle.primary

    async def act(self, interaction: Interaction) -> None:
        services = interaction.client.services
        owner = interaction.user.id
        request = await services.events.followup_request(owner, self.target_id)
        await deliver(interaction, lambda: services.drafts.start(owner, request))


class LogScheduledEventButton(
    _EventButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:met:(?P<id>{_ID})",
):
    action, label, emoji, style = "met", "Log people I met", "👥", discord.ButtonStyle.primary

    async def act(self, interaction: Interaction) -> None:
        event = await interaction.client.services.events.from_scheduled(
            interaction.user.id, self.target_id
        )
        await interaction.response.send_modal(add_people_form(event))


class NotThisTimeButton(
    _EventButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:skip:(?P<id>{_ID})",
):
    action, label = "skip", "Not this time"

    async def act(self, interaction: Interaction) -> None:
        await interaction.response.edit_message(content="No problem. Nothing was saved.", view=None)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    ImportButton,
    DeleteEverythingButton,
    SavePitchButton,
    DueItemMenu,
    DueItemButton,
    StopDigestsButton,
    EditContactButton,
    LogExchangeButton,
    ConfirmRemoveButton,
    KeepContactButton,
    PageButton,
    ResolveDuplicateButton,
    DraftActionButton,
    EditDetailsButton,
    AddDetailsButton,
    AddPeopleButton,
    DraftEventFollowUpsButton,
    LogScheduledEventButton,
    NotThisTimeButton,
)


# -- views -------------------------------------------------------------------------------------


def optional_view(view: discord.ui.View | None) -> dict[str, Any]:
    """`view=` for a reply, or nothing when it has no buttons (send_message refuses None)."""
    return {"view": view} if view else {}


def persistent_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view of restart-proof (DynamicItem) buttons; it never times out."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def import_view(pending_id: int | None) -> discord.ui.View | None:
    if pending_id is None:
        return None
    return persistent_view(ImportButton("confirm", pending_id), ImportButton("cancel", pending_id))


def card_view(contact_id: int) -> discord.ui.View:
    return persistent_view(LogExchangeButton(contact_id), EditContactButton(contact_id))


def confirm_remove_view(contact_id: int) -> discord.ui.View:
    return persistent_view(ConfirmRemoveButton(contact_id), KeepContactButton(contact_id))


def page_view(
    filter_id: int, page: int, has_previous: bool, has_next: bool
) -> discord.ui.View | None:
    if not (has_previous or has_next):
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(
        PageButton(filter_id, page - 1 if has_previous else 0, "prev", disabled=not has_previous)
    )
    view.add_item(
        PageButton(filter_id, page + 1 if has_next else page, "next", disabled=not has_next)
    )
    return view


def duplicate_view(pending_id: int, duplicates: tuple[Contact, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for existing in duplicates[:3]:
        view.add_item(
            ResolveDuplicateButton(
                pending_id, existing.id, f"Update {presenters.display_name(existing)}"
            )
        )
    view.add_item(ResolveDuplicateButton(pending_id, None))
    return view


# Discord allows five rows: three items get their buttons directly, the rest are reached
# through a menu on the fourth row, and the fifth holds "Stop these DMs".
ITEM_ROWS = 3
MENU_ITEMS = 10


def _add_item_buttons(view: discord.ui.View, item: DueItem, row: int) -> None:
    if item.kind is ItemKind.LETTER:  # letter reminders have buttons of their own
        from bot.discord_adapter.season_items import add_item_buttons  # it imports this module

        return add_item_buttons(view, item, row)
    if item.contact is not None:
        who = presenters.display_name(item.contact)
        view.add_item(_in_row(DueItemButton("draft", item.kind, item.ref, f"Draft: {who}"), row))
    view.add_item(_in_row(DueItemButton("done", item.kind, item.ref), row))
    view.add_item(_in_row(DueItemButton("snooze", item.kind, item.ref), row))


def due_view(items: Sequence[DueItem], *, with_stop: bool) -> discord.ui.View | None:
    """Draft / Done / Snooze for every listed item (directly, or via the menu), and Stop."""
    view = discord.ui.View(timeout=None)
    for row, item in enumerate(items[:ITEM_ROWS]):
        _add_item_buttons(view, item, row)
    rest = items[ITEM_ROWS:MENU_ITEMS]
    if rest:
        view.add_item(_in_row(DueItemMenu(rest, first_number=ITEM_ROWS + 1), ITEM_ROWS))
    if with_stop:
        view.add_item(_in_row(StopDigestsButton(), ITEM_ROWS + 1))
    return view if view.children else None


def single_item_view(item: DueItem) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    _add_item_buttons(view, item, 0)
    return view


def _in_row(item: discord.ui.DynamicItem[Any], row: int) -> discord.ui.DynamicItem[Any]:
    item.row = row
    return item


def draft_view(result: DraftResult) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    draft_id = result.draft.id
    if result.draft.sent_at is None:
        view.add_item(DraftActionButton("sent", draft_id))
    if result.rendered.versions > 1:
        view.add_item(DraftActionButton("again", draft_id))
    view.add_item(DraftActionButton("tone", draft_id))
    view.add_item(EditDetailsButton(draft_id))
    view.add_item(DraftActionButton("channel", draft_id))
    return view


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
        view = discord.ui.View(timeout=None)
        view.add_item(AddDetailsButton(held.pending_id))
        await _send(
            interaction,
            content=f"Saved. One more thing: “{presenters.esc(held.title)}” needs a few details.",
            view=view,
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


async def card(
    interaction: Interaction,
    contact: Contact,
    *,
    heading: str | None = None,
    with_history: bool = False,
) -> dict[str, Any]:
    """The contact's embed with its Log and Edit buttons, as keyword arguments for a reply."""
    contacts = interaction.client.services.contacts
    owner = interaction.user.id
    history = await contacts.history(owner, contact.id) if with_history else ()
    today = await contacts.today(owner)
    return {
        "embed": presenters.contact_embed(contact, today, history, heading=heading),
        "view": card_view(contact.id),
    }


# -- forms (modals) ----------------------------------------------------------------------------


def _text(
    field_id: str,
    *,
    default: str | None,
    max_length: int,
    required: bool = False,
    paragraph: bool = False,
    placeholder: str | None = None,
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        custom_id=field_id,
        default=default,
        required=required,
        max_length=max_length,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        placeholder=placeholder,
    )


def edit_contact_form(contact: Contact) -> discord.ui.Modal:
    """A form prefilled with the contact's current text fields (Discord allows five)."""
    d: ContactDraft = contact.draft
    modal = discord.ui.Modal(
        title="Edit contact", custom_id=_checked(f"contact:editform:{contact.id}"), timeout=None
    )
    modal.add_item(
        discord.ui.Label(
            text="Name", component=_text(F_NAME, default=d.name, max_length=NAME_MAX, required=True)
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
            component=_text(F_ADDRESS, default=d.address_as, max_length=ADDRESS_AS_MAX),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Specialty",
            component=_text(F_SPECIALTY, default=d.specialty, max_length=SPECIALTY_MAX),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Institution",
            component=_text(F_INSTITUTION, default=d.institution, max_length=INSTITUTION_MAX),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Notes",
            component=_text(F_NOTES, default=d.notes, max_length=NOTES_MAX, paragraph=True),
        )
    )
    return _detached(modal)


def log_exchange_form(contact: Contact) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title="Log an exchange", custom_id=_checked(f"contact:logform:{contact.id}"), timeout=None
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
            component=_text(F_WHEN, default=None, max_length=40, placeholder="today"),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text="Note",
            component=_text(
                F_NOTE,
                default=None,
                max_length=EXCHANGE_NOTE_MAX,
                paragraph=True,
                placeholder="What did you talk about?",
            ),
        )
    )
    return _detached(modal)


# (field id, profile attribute, label, placeholder, required)
_PROFILE_FIELDS = (
    (F_NAME, "name", "Your name, as you sign messages", "Maya Chen", True),
    (F_SCHOOL, "school", "School", "Riverside School of Medicine", True),
    (F_STAGE, "stage", "Year or stage", "second-year medical student", True),
    (
        F_INTERESTS,
        "interests",
        "Interests and target specialties",
        "cardiology and health equity",
        False,
    ),
    (
        F_PITCH,
        "pitch",
        "Your elevator pitch",
        "Who you are, what draws you to it, what you hope to learn (/pitch helps)",
        False,
    ),
)


def profile_form(profile: Profile | None, pending_id: int = 0) -> discord.ui.Modal:
    """The student's profile; `pending_id` names a draft waiting for it (0: none)."""
    title = "Your profile" if pending_id == 0 else "First, a little about you"
    modal = discord.ui.Modal(
        title=title, custom_id=_checked(f"profile:form:{pending_id}"), timeout=None
    )
    for field_id, attribute, label, placeholder, required in _PROFILE_FIELDS:
        modal.add_item(
            discord.ui.Label(
                text=label,
                component=_text(
                    field_id,
                    default=getattr(profile, attribute) if profile else None,
                    max_length=PROFILE_LIMITS[attribute],
                    required=required,
                    paragraph=attribute == "pitch",
                    placeholder=placeholder,
                ),
            )
        )
    return _detached(modal)


def pitch_form(prompts: dict[str, str]) -> discord.ui.Modal:
    """Three short answers that become an elevator pitch."""
    modal = discord.ui.Modal(
        title="Build your elevator pitch", custom_id="pitch:form:0", timeout=None
    )
    for field_id, key, label in (
        (F_INTRO, "intro_prompt", "1. Who you are"),
        (F_DRAW, "interest_prompt", "2. What draws you to your interests"),
        (F_HOPE, "hope_prompt", "3. What you hope to learn or do"),
    ):
        modal.add_item(
            discord.ui.Label(
                text=label,
                description=presenters.clip(prompts[key], 100),
                component=_text(
                    field_id, default=None, max_length=250, required=True, paragraph=True
                ),
            )
        )
    return _detached(modal)


def pitch_view(pending_id: int) -> discord.ui.View:
    return persistent_view(SavePitchButton(pending_id))


def _field_input(name: str, default: str | None, *, required: bool) -> discord.ui.Label[Any]:
    return discord.ui.Label(
        text=FIELD_LABELS[name],
        component=_text(
            name,
            default=default,
            max_length=FIELD_LIMITS[name],
            required=required,
            paragraph=FIELD_LIMITS[name] > 150,
            placeholder=FIELD_PLACEHOLDERS.get(name),
        ),
    )


def missing_fields_form(pending_id: int, fields: Sequence[str], title: str) -> discord.ui.Modal:
    """Asks for what a template needs before it can be written."""
    modal = discord.ui.Modal(
        title=presenters.clip(title, 45),
        custom_id=_checked(f"draft:fields:{pending_id}"),
        timeout=None,
    )
    for name in list(fields)[:5]:
        modal.add_item(_field_input(name, None, required=True))
    return _detached(modal)


def draft_details_form(result: DraftResult) -> discord.ui.Modal:
    """Edit a draft's situation: the common fields plus what its template asks for."""
    names = ["event", "discussed", "ask"]
    for name in (*result.template.requires, *result.template.uses):
        if name in FIELD_LIMITS and name not in names:
            names.append(name)
    modal = discord.ui.Modal(
        title="Edit details",
        custom_id=_checked(f"draft:editform:{result.draft.id}"),
        timeout=None,
    )
    fields = result.draft.fields
    for name in names[:5]:
        default = fields.get(name)
        if name == "event" and not default:
            default = result.contact.draft.met_event
        modal.add_item(_field_input(name, default, required=name in result.template.requires))
    return _detached(modal)


def _detached(modal: discord.ui.Modal) -> discord.ui.Modal:
    # A stopped modal is sent but not kept in discord.py's in-memory store: its submission is
    # routed by custom_id in modals.py instead, so a form opened before a restart still works.
    modal.stop()
    return modal


def raw_data(interaction: Interaction) -> Mapping[str, Any]:
    """The interaction's data, read as the JSON it is (discord.py types it as a union of
    TypedDicts with different keys)."""
    return interaction.data or {}


def form_values(interaction: Interaction) -> dict[str, str | list[str]]:
    """Field id → submitted value (text inputs) or values (selects), for either layout."""
    values: dict[str, str | list[str]] = {}

    def walk(component: dict[str, Any]) -> None:
        if "component" in component:  # Label (type 18)
            walk(component["component"])
        for child in component.get("components", ()):  # action row (legacy layout)
            walk(child)
        if "custom_id" in component:
            if "values" in component:
                values[component["custom_id"]] = list(component["values"])
            elif "value" in component:
                values[component["custom_id"]] = component["value"]

    for top in raw_data(interaction).get("components", []):
        walk(top)
    return values


# -- events ------------------------------------------------------------------------------------

EVENT_PEOPLE_FORM = re.compile(rf"event:peopleform:(?P<id>{_ID})")
F_PEOPLE = tuple(f"person{n}" for n in range(1, 6))
PERSON_LINE_MAX = NAME_MAX + 3 + 200  # "Name — one-line note"


def add_people_form(event: Event) -> discord.ui.Modal:
    """Up to five people met at the event, one per line: "Name — one-line note"."""
    modal = discord.ui.Modal(
        title=presenters.clip(f"Who you met: {event.name}", 45),
        custom_id=_checked(f"event:peopleform:{event.id}"),
        timeout=None,
    )
    for n, field_id in enumerate(F_PEOPLE, start=1):
        modal.add_item(
            discord.ui.Label(
                text=f"Person {n}",
                description="Name — one-line note (the note is optional)" if n == 1 else None,
                component=_text(
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
    return _detached(modal)


def event_view(event_id: int) -> discord.ui.View:
    return persistent_view(AddPeopleButton(event_id))


def people_added_view(event_id: int) -> discord.ui.View:
    return persistent_view(DraftEventFollowUpsButton(event_id), AddPeopleButton(event_id))


def scheduled_event_view(ending_id: int) -> discord.ui.View:
    return persistent_view(LogScheduledEventButton(ending_id), NotThisTimeButton(ending_id))
