"""`/remind when | name | note`: a one-off reminder, as Discord's `/remind`.

`when` is read by the core exactly as on Discord (in 2 weeks, next friday, 2027-01-10 9am, in
the student's timezone). The name is optional, as on Discord: `/remind friday | | renew BLS`
leaves it out, and with only two parts (`/remind friday | renew BLS`) a second part that names
none of the student's contacts is the note. The reminder comes like Discord's, through the
delivery tick, and /due lists it once it is within the week.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Chat

from bot.core.contacts import ContactService
from bot.core.errors import InvalidInput
from bot.core.models import Contact
from bot.core.reminders import ReminderService
from bot.telegram_adapter import record_text
from bot.telegram_adapter.guards import Command
from bot.telegram_adapter.lookup import contact_named, find_named
from bot.telegram_adapter.presenters import clip

WHEN_MAX = 60  # as Discord's option
REMIND_USAGE = (
    "Send /remind when | name | note, e.g.\n"
    "/remind in 2 weeks | Amara Okafor | ask about the elective\n"
    "/remind 2027-01-10 | | renew BLS (no name: a reminder about anything)\n"
    "When: tomorrow, next friday, in 2 weeks, March 3 9am, 2027-01-10 (your timezone)."
)
OFF_NOTE = "\nReminders come in this chat once they're on: /reminders on."


def remind_command(reminders: ReminderService, contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        items = [item.strip() for item in text.split("|")] if text else []
        if len(items) > 3:
            raise InvalidInput(f"At most 3 parts separated by |, please.\n{REMIND_USAGE}")
        when, name, note = [*items, "", "", ""][:3]
        if not when:
            await chat.send_message(REMIND_USAGE)
            return
        if len(when) > WHEN_MAX:
            raise InvalidInput(f"Say when in at most {WHEN_MAX} characters.\n{REMIND_USAGE}")
        contact: Contact | None = None
        if name and len(items) == 2:
            contact, found = await find_named(contacts, student, name)
            if contact is None and not found:
                name, note = "", name  # names nobody: it is what to remember
        if name and contact is None:
            contact = await contact_named(contacts, student, name, command="/remind")
        reminder = await reminders.remind(
            student, contact.id if contact else None, when, note or None
        )
        zone = await reminders.timezone_for(student)
        local = reminder.due_at.astimezone(ZoneInfo(zone))
        about = " — ".join(
            part
            for part in (
                record_text.display_name(contact) if contact else None,
                clip(reminder.note, 300) if reminder.note else None,
            )
            if part
        )
        reply = f"I'll remind you on {local:%a %d %b %Y at %H:%M} ({zone}): {about}"
        settings = await reminders.settings(student)
        if settings is None or not settings.active:
            reply += OFF_NOTE
        await chat.send_message(clip(reply))

    return run
