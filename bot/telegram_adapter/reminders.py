"""`/reminders`: the weekly digest and reminder messages, on one line.

`/reminders` says how things stand and what is set; `/reminders on [day] [hour] [timezone]
[quiet|note] [mentors=N] [seniors=N] [others=N]` turns them on or changes them, Discord's
setup options as words in any order (`/reminders on monday 8 Europe/London quiet
seniors=60`); `/reminders pause`, `resume` and `off` do what they say.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Chat

from bot.core.attention import CADENCE_GROUPS, DEFAULT_CADENCE_DAYS, group_cadence
from bot.core.errors import InvalidInput
from bot.core.reminders import ReminderService
from bot.core.schedule import WEEKDAYS
from bot.telegram_adapter.guards import Command

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
USAGE = (
    "/reminders on [day] [hour] [timezone] — e.g. /reminders on sunday 18 America/New_York\n"
    "Also: quiet (nothing in a week with nothing due) or note (a one-line note then), and how "
    "often to check in, in days: mentors=42 (tutors, peer mentors), seniors=91 (faculty, "
    "researchers, residents, attendings), others=182.\n"
    "/reminders pause · /reminders resume · /reminders off"
)
QUIET_WORDS = {"quiet": True, "note": False}


def weekday_of(word: str) -> int | None:
    word = word.casefold()
    for number, day in enumerate(DAYS):
        if len(word) >= 3 and day.startswith(word):
            return number
    return None


def hour_of(word: str) -> int | None:
    text = word.removesuffix(":00").removesuffix("h")
    return int(text) if text.isdigit() else None


@dataclass
class Setup:
    """What `/reminders on …` asks for (None: unchanged)."""

    weekday: int | None = None
    hour: int | None = None
    zone: str | None = None
    quiet: bool | None = None
    cadence: dict[str, int | None] = field(default_factory=dict)


def setup_of(words: list[str]) -> Setup:
    """The words after `on`, in any order."""
    setup = Setup()
    for word in words:
        group, equals, days = word.casefold().replace(":", "=").partition("=")
        if equals and group in CADENCE_GROUPS:
            if not days.isascii() or not days.isdigit() or len(days) > 4:
                raise InvalidInput(f"“{word[:30]}”: check-ins every N days, e.g. {group}=60.")
            setup.cadence[group] = int(days)
        elif (day := weekday_of(word)) is not None:
            setup.weekday = day
        elif (number := hour_of(word)) is not None:
            setup.hour = number
        elif word.casefold() in QUIET_WORDS:
            setup.quiet = QUIET_WORDS[word.casefold()]
        elif "/" in word or word.upper() == "UTC":
            setup.zone = word
        else:
            raise InvalidInput(f"I don't understand “{word[:30]}”.\n{USAGE}")
    return setup


async def settings_text(reminders: ReminderService, student: int) -> str:
    """How things stand: on, paused or off; when; quiet weeks; the check-in cadence."""
    settings = await reminders.settings(student)
    if settings is None or not settings.enabled:
        return f"Reminders are off.\n{USAGE}"
    following = await reminders.describe_next(student)
    state = "Paused: /reminders resume picks up." if settings.paused else f"Next: {following}."
    zone = await reminders.timezone_for(student)
    quiet = "nothing" if settings.quiet_when_empty else "a one-line note"
    every = ", ".join(
        f"{group} every {settings.cadence.get(roles[0].value, DEFAULT_CADENCE_DAYS[roles[0]])} days"
        for group, roles in CADENCE_GROUPS.items()
    )
    return (
        f"Your weekly digest: {WEEKDAYS[settings.digest_weekday]}s at "
        f"{settings.digest_hour:02d}:00 ({zone}). {state}\n"
        f"In a week with nothing due: {quiet}. Check-ins: {every}.\n{USAGE}"
    )


def reminders_command(reminders: ReminderService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        words = text.split()
        action = words[0].casefold() if words else ""
        if action == "on":
            setup = setup_of(words[1:])
            await reminders.setup(
                student,
                timezone=setup.zone,
                weekday=setup.weekday,
                hour=setup.hour,
                quiet_when_empty=setup.quiet,
                cadence=group_cadence(setup.cadence),
            )
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
        await chat.send_message(await settings_text(reminders, student))

    return run
