"""Files in Telegram: an import is a document sent to the chat, an export comes back as
documents, and `/progress` as a photo.

Import: the student sends LinkedIn's Connections.csv, a Google Contacts CSV, a .vcf or a
`/export` file; the bot downloads it (getFile: at most 20 MB for a bot), the core reads it in
a worker process and holds a preview, and Import / Cancel buttons confirm it. Export: every
file as its own document, each within the 50 MB a bot may send. Heavy jobs are one at a time
per student (the core's single flight), as on Discord.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import date

from telegram import Chat, InlineKeyboardMarkup, InputFile, Message

from bot.core.coaching import CoachingService
from bot.core.errors import InvalidInput
from bot.core.export_files import Packing
from bot.core.flight import SingleFlight
from bot.core.imports import ImportPreview, ImportResult, ImportService
from bot.core.privacy import PrivacyService
from bot.core.progress import Progress, WeekCounts
from bot.core.restore import PartsPreview, RestorePreview, RestoreResult
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command, Upload, single_flight
from bot.telegram_adapter.identity import is_telegram_student

DOWNLOAD_MAX = 20 * 1024 * 1024  # Bot API getFile: a bot downloads files up to 20 MB
SEND_MAX = 50 * 1024 * 1024  # Bot API sendDocument: a bot sends files up to 50 MB
CAPTION_MAX = 1024  # characters of a document's or photo's caption
FILES_PER_EXPORT = 10
REJECTED_SHOWN = 5

# Draws the weekly chart (the composition root's renderer: off the loop, cached per week).
ChartDrawer = Callable[[int, Sequence[WeekCounts], date], Awaitable[bytes]]


def preview_text(preview: ImportPreview | RestorePreview | PartsPreview) -> str:
    if isinstance(preview, RestorePreview):
        lines = [f"{n:,} {kind}" for kind, n in preview.counts.items() if n]
        head = "Restore from a Networking Coach export:"
        return presenters.clip(
            "\n".join([head, *(lines or ["This export is empty: nothing to restore."])])
            + "\nNothing is saved until you press Import."
        )
    if isinstance(preview, PartsPreview):
        missing = ", ".join(str(n) for n in preview.missing)
        return (
            f"Part {preview.number} of {preview.of} received. Still to send: {missing} "
            "(any order). Once all are in, I show what would be restored."
        )
    lines = [f"Import from {preview.format.label}:", f"{preview.new:,} new contacts to add"]
    if preview.matching:
        lines.append(
            f"{preview.matching:,} you already have: {preview.updated:,} would gain details or "
            f"tags, {preview.unchanged:,} unchanged"
        )
    if preview.repeated:
        lines.append(f"{preview.repeated:,} rows repeating an earlier row (merged)")
    for line, reason in preview.rejected[:REJECTED_SHOWN]:
        lines.append(f"Skipped line {line}: {reason}")
    if len(preview.rejected) > REJECTED_SHOWN:
        lines.append(f"…and {len(preview.rejected) - REJECTED_SHOWN:,} more rows skipped")
    if preview.pending_id is None:
        lines.append("Nothing to import: everything in this file is already in your contacts.")
    else:
        lines.append("Nothing is saved until you press Import; it never changes what you wrote.")
    return presenters.clip("\n".join(lines))


def result_text(result: ImportResult | RestoreResult) -> str:
    if isinstance(result, RestoreResult):
        restored = ", ".join(f"{n:,} {kind}" for kind, n in result.counts.items() if n)
        return f"Restored: {restored or 'nothing'}."
    return (
        f"Imported: {result.added:,} added, {result.updated:,} updated, "
        f"{result.unchanged:,} already up to date."
    )


def import_upload(imports: ImportService, flights: SingleFlight | None) -> Upload:
    async def run(message: Message, student: int) -> None:
        document = message.document
        if document is None:
            return
        name = document.file_name or ""
        size = document.file_size or 0
        imports.check_size(size, name)  # before downloading anything
        if size > DOWNLOAD_MAX:
            raise InvalidInput("Telegram lets me download files up to 20 MB; this one is larger.")
        async with single_flight(flights, student, "import", "import") as job:
            data = bytes(await (await document.get_file()).download_as_bytearray())
            preview = await imports.preview(student, data)
            job.cools_down = not isinstance(preview, PartsPreview)
            markup = None
            if preview.pending_id is not None:
                markup = InlineKeyboardMarkup(
                    [
                        [
                            callbacks.button("📥 Import", "import", "confirm", preview.pending_id),
                            callbacks.button("Cancel", "import", "cancel", preview.pending_id),
                        ]
                    ]
                )
            await message.chat.send_message(preview_text(preview), reply_markup=markup)

    return run


def import_click(imports: ImportService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        pending_id = int(match["id"])
        if match["action"] == "cancel":
            await imports.cancel(student, pending_id)
            await message.edit_text("Cancelled: nothing was imported.")
            return None

        async def progress(done: int, total: int) -> None:
            await message.edit_text(f"Importing… {done:,} of {total:,} saved.")

        result = await imports.confirm(student, pending_id, progress)
        await message.edit_text(result_text(result))
        return None

    return run


def export_caption(contact_count: int, packing: Packing) -> str:
    if packing is Packing.FILES:
        return (
            f"Everything you've stored: {contact_count:,} contacts. The JSON is complete (send "
            "it back to me to restore it into an empty record); the CSV and vCard open in "
            "spreadsheets and address books; the calendar holds your follow-ups."
        )
    return (
        f"Everything you've stored: {contact_count:,} contacts, zipped or in numbered parts "
        "because it is large. Keep every file; to restore, send them back to me as they are."
    )


def export_command(privacy: PrivacyService, flights: SingleFlight | None) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        async with single_flight(flights, student, "export", "export"):
            export = await privacy.export(
                student, max_file_bytes=SEND_MAX, max_files=FILES_PER_EXPORT
            )
            files = export.files
            caption = export_caption(export.contact_count, export.packing)
            if not is_telegram_student(student):
                caption += (
                    " This record is shared with your linked Discord account: it is all here."
                )
            for number, (name, data) in enumerate(files):
                await chat.send_document(
                    InputFile(data, filename=name),
                    caption=caption if number == 0 else None,
                )

    return run


def progress_caption(progress: Progress) -> str:
    goal, week = progress.goal, progress.this_week

    def mark(done: int, target: int) -> str:
        return f"{done}/{target}{' ✅' if done >= target else ''}"

    lines = [
        f"This week (since {week.start:%d %b}): new contacts "
        f"{mark(week.new_contacts, goal.new_contacts)} · follow-ups "
        f"{mark(week.follow_ups, goal.follow_ups)} · check-ins "
        f"{mark(week.check_ins, goal.check_ins)}",
        f"Streak: {progress.streak} week{'s' if progress.streak != 1 else ''} on goal",
    ]
    if progress.follow_up_rate is not None:
        lines.append(f"Followed up within 3 days: {progress.follow_up_rate:.0%}")
    if progress.reply_rate is not None:
        lines.append(f"Reply rate: {progress.reply_rate:.0%}")
    if progress.by_role:
        lines.append("By role: " + ", ".join(f"{r} {n}" for r, n in progress.by_role))
    return presenters.clip("\n".join(lines), CAPTION_MAX)


def progress_command(
    coaching: CoachingService, charts: ChartDrawer, flights: SingleFlight | None
) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        async with single_flight(flights, student, "progress", "progress chart"):
            result = await coaching.progress(student)
            png = await charts(student, result.weeks, result.this_week.start)
            await chat.send_photo(
                InputFile(png, filename="progress.png"), caption=progress_caption(result)
            )

    return run
