"""`/privacy show|export|delete`: what is stored, take it all away, or erase it all."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.content.prompts import PromptLibrary
from bot.core.export_files import ExportFiles, Packing
from bot.core.flight import SingleFlight
from bot.core.links import LinkService
from bot.core.privacy import PrivacyService
from bot.discord_adapter import presenters
from bot.discord_adapter.components.privacy import delete_view
from bot.discord_adapter.flights import single_flight

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

# Discord: at most 10 attachments per message (the size limit comes with each interaction).
MAX_FILES_PER_MESSAGE = 10
MB = 1024 * 1024


def _size(limit: int) -> str:
    return f"{limit / MB:,.0f} MB" if limit >= MB else f"{limit / 1024:,.0f} KB"


def export_messages(export: ExportFiles, limit: int) -> list[str]:
    """The text of each message that carries the export's files."""
    count = len(export.messages)
    if export.packing is Packing.FILES:
        return [
            f"Everything you've stored: {export.contact_count:,} contacts. The JSON file is "
            "complete (`/contact import` restores it into an empty account); the CSV and vCard "
            "open in spreadsheets and address books; the calendar files hold your upcoming "
            "follow-ups and reminders, and your residency season's deadlines if you have any."
        ]
    if export.packing is Packing.ARCHIVE:
        return [
            f"Everything you've stored: {export.contact_count:,} contacts. The files are larger "
            f"than I can attach here ({_size(limit)}), so they come in one zip file: open "
            "it to find the JSON (complete), the CSV and vCard (for spreadsheets and address "
            "books) and the calendars (follow-ups, season deadlines). To restore, upload the "
            "zip as it is with `/contact import` (into an empty account)."
        ]
    if export.packing is Packing.ARCHIVES:
        first = (
            f"Everything you've stored: {export.contact_count:,} contacts, in {count} messages: "
            f"the files are larger than I can attach in one message here ({_size(limit)}). "
            "This zip holds the JSON (complete: to restore, upload the zip as it is with "
            "`/contact import`, into an empty account); your contacts as CSV and vCard and the "
            "calendars (follow-ups, season deadlines) come zipped next (a file too large even "
            "zipped is left out: the JSON holds everything)."
        )
        return [first] + [f"Your export, message {n} of {count}." for n in range(2, count + 1)]
    first = (
        f"Everything you've stored: {export.contact_count:,} contacts, in {count} messages: "
        f"the export is larger than I can attach in one file here ({_size(limit)}). "
        f"The JSON comes in {export.parts} numbered parts, `networking-coach-part-1-of-"
        f"{export.parts}.zip` and on, each a zip holding one piece of it: keep all "
        f"{export.parts} together. To restore, upload every part as it is, one after another, "
        "with `/contact import` (into an empty account): once all are in, you see what would "
        "be restored. Your contacts as CSV and vCard and the calendars (follow-ups, season "
        "deadlines) come zipped after the parts (a file too large even zipped is left out: "
        "the JSON holds everything)."
    )
    return [first] + [f"Your export, message {n} of {count}." for n in range(2, count + 1)]


@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
@app_commands.allowed_installs(guilds=True, users=False)
class PrivacyGroup(app_commands.Group, name="privacy", description="Your data: see, take, erase"):
    def __init__(
        self,
        privacy: PrivacyService,
        prompts: PromptLibrary,
        flights: SingleFlight | None = None,
        *,
        links: LinkService | None = None,
    ) -> None:
        super().__init__()
        self.privacy = privacy
        self.prompts = prompts
        self.flights = flights
        self.links = links

    async def _linked_note(self, owner: int, what: str) -> str:
        """A sentence naming the accounts linked to this record ("" when none)."""
        if self.links is None:
            return ""
        accounts = await self.links.accounts(owner)
        if not accounts:
            return ""
        names = ", ".join(f"{a.front_end.capitalize()} account" for a in accounts)
        return f"\n\nThis record is shared with your linked {names}: {what}"

    @app_commands.command(name="show", description="What the coach stores and who can see it")
    async def show(self, interaction: Interaction) -> None:
        note = await self._linked_note(
            interaction.user.id,
            "it sees and changes the same data. `/privacy delete` erases the record and the "
            "link; `/link then:Unlink` only unlinks.",
        )
        embed = discord.Embed(
            title="Your data",
            description=self.prompts.render("privacy") + note,
            colour=presenters.COLOUR,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="export", description="Download everything you've stored")
    async def export(self, interaction: Interaction) -> None:
        async with single_flight(self.flights, interaction.user.id, "export", "export"):
            # Building the files for thousands of contacts can take longer than Discord's 3 s.
            await interaction.response.defer(ephemeral=True, thinking=True)
            # Every file, and every message's files together, within what Discord accepts in
            # this interaction (its attachment_size_limit: 10 MiB, more in boosted servers).
            limit = interaction.filesize_limit
            export = await self.privacy.export(
                interaction.user.id, max_file_bytes=limit, max_files=MAX_FILES_PER_MESSAGE
            )
            texts = export_messages(export, limit)
            texts[0] += await self._linked_note(
                interaction.user.id, "this export is everything either account sees."
            )
            for text, files in zip(texts, export.messages, strict=True):
                await interaction.followup.send(
                    text,
                    files=[discord.File(io.BytesIO(data), filename=name) for name, data in files],
                    ephemeral=True,
                )

    @app_commands.command(name="delete", description="Erase everything the coach stores about you")
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.send_message(
            "This erases your contacts, their history, your drafts, profile, reminders and "
            "goals — everything. It can't be undone (export first if you want a copy).",
            view=delete_view(),
            ephemeral=True,
        )
