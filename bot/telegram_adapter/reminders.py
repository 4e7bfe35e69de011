"""`/reminders`: the weekly digest and reminder messages, on one line.

`/reminders` says how things stand; `/reminders on [day] [hour] [timezone]` turns them on or
changes when the digest comes (`/reminders on monday 8 Europe/London`); `/reminders pause`,
`resume` and `off` do what they say. Telegram has no forms, and three words are enough.
"""

from __future__ import annotations

from telegram import Chat

from bot.core.errors import InvalidInput
from bot.core.reminders import ReminderService
from bot.telegram_adapter.guards import Command

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
USAGE = (
    "/reminders on [day] [hour] [timezone] — e.g. /reminders on sunday 18 America/New_York\n"
    "/reminders pause · /reminders resume · /reminders off"
)


def weekday_of(word: str) -> int | None:
    word = word.casefold()
    for number, day in enumerate(DAYS):
        if len(word) >= 3 and day.startswith(word):
            return number
    return None


def hour_of(word: str) -> int | None:
    text = word.removesuffix(":00").removesuffix("h")
    return int(text) if text.isdigit() else None


def schedule_of(words: list[str]) -> tuple[int | None, int | None, str | None]:
    """(weekday, hour, timezone) from the words after `on`, in any order."""
    weekday = hour = zone = None
    for word in words:
        if (day := weekday_of(word)) is not None:
            weekday = day
        elif (number := hour_of(word)) is not None:
            hour = number
        elif "/" in word or word.upper() == "UTC":
            zone = word
        else:
            raise InvalidInput(f"I don't understand “{word[:30]}”.\n{USAGE}")
    return weekday, hour, zone


def reminders_command(reminders: ReminderService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        words = text.split()
        action = words[0].casefold() if words else ""
        if action == "on":
            weekday, hour, zone = schedule_of(words[1:])
            await reminders.setup(student, timezone=zone, weekday=weekday, hour=hour)
        elif action == "off":
            await reminders.turn_off(student)
            await chat.send_message("Reminders are off. /reminders on starts them again.")
            return
        elif action == "pause":
            await reminders.pause(student)
            await chat.send_message("Paused: no digest until /reminders resume.")
            return
        elif action == "resume":
            await reminders.resume(student)
        elif action:
            raise InvalidInput(USAGE)
        following = await reminders.describe_next(student)
        if following is None:
            await chat.send_message(f"Reminders are off.\n{USAGE}")
            return
        await chat.send_message(f"Your next digest: {following}.\n{USAGE}")

    return run
