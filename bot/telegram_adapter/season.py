"""`/season`: the student's application plan and this week's season tasks, on one line.

`/season setup cycle | route | graduation year | specialties` (only the cycle is needed, e.g.
`/season setup us-2027 | eras | 2027 | internal medicine, pediatrics`) stores the plan through
the same `SeasonService.setup` as Discord's `/season setup`; `/season week` is what the cycle
asks this week; `/season` alone shows the plan, or how to set one up with the cycles there are.

`season_handlers` gathers every handler of the season's commands (`/season`, `/letters`,
`/interview`, the letter reminders' buttons) and `/templates`, so the front end registers them
in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from telegram import Chat
from telegram.ext import BaseHandler, CommandHandler

from bot.core.errors import InvalidInput
from bot.core.season import Route, SeasonPlan, SeasonStatus
from bot.core.season_service import SeasonService
from bot.core.services import Services
from bot.core.text import fold
from bot.telegram_adapter import callbacks, interviews, letters, templates
from bot.telegram_adapter.drafts import Deliver
from bot.telegram_adapter.guards import Click, Command, Handler
from bot.telegram_adapter.letters import verb_of
from bot.telegram_adapter.parsing import parts
from bot.telegram_adapter.presenters import clip

ROUTE_LABELS = {
    Route.ERAS_NRMP: "ERAS and the NRMP Match",
    Route.OTHER_MATCH: "Another match",
    Route.NOT_THIS_YEAR: "Not applying this year",
}
# What a student may type for each route, besides its label (folded, spaces for _ and -).
ROUTE_WORDS = {
    "eras": Route.ERAS_NRMP,
    "nrmp": Route.ERAS_NRMP,
    "eras nrmp": Route.ERAS_NRMP,
    "other": Route.OTHER_MATCH,
    "other match": Route.OTHER_MATCH,
    "none": Route.NOT_THIS_YEAR,
    "not this year": Route.NOT_THIS_YEAR,
}
SETUP_USAGE = (
    "Send /season setup cycle | route | graduation year | specialties, e.g.\n"
    "/season setup us-2027 | eras | 2027 | internal medicine, pediatrics\n"
    "Only the cycle is needed: the Match you apply to (us-2027 is the Match of March 2027). "
    "Routes: eras (ERAS and the NRMP Match, the default), other (another match), "
    "none (not applying this year)."
)
USAGE = (
    "/season setup cycle | route | graduation year | specialties — your plan\n"
    "/season week — what your application season asks this week"
)
FOOTER = "/letters tracks your letters of recommendation · /season setup changes your plan"
PROVISIONAL = (
    "These dates are provisional until the ERAS and NRMP calendars are confirmed; check the "
    "official pages before a deadline."
)
SET_UP_FIRST = (
    "Tell me about your application first: send /season setup with the cycle you apply in."
)


def cycles_text(season: SeasonService) -> str:
    found = [
        f"• {c.key} — {c.title}" + ("" if c.confirmed else " (dates provisional)")
        for c in season.cycles()
    ]
    return "Cycles with dates here:\n" + "\n".join(found) if found else "No cycles have dates yet."


def route_of(text: str | None) -> Route:
    if not text:
        return Route.ERAS_NRMP
    key = " ".join(fold(text).replace("_", " ").replace("-", " ").split())
    for route, label in ROUTE_LABELS.items():
        if key in (route.value.replace("_", " "), fold(label)):
            return route
    if key in ROUTE_WORDS:
        return ROUTE_WORDS[key]
    raise InvalidInput(
        f"I don't know the route “{text[:40]}”. Routes: eras, other, none. Nothing was saved."
    )


def year_of(text: str | None) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise InvalidInput(
            f"“{text[:20]}” isn't a year: write the year you graduate, like 2027. "
            "Nothing was saved."
        )
    return int(text)


def _status_lines(status: SeasonStatus) -> list[str]:
    if status.missing_cycle:
        return [
            "There's no calendar for your cycle here yet, so there's nothing dated to remind "
            "you of. Your plan is saved: the season's reminders start as soon as your cycle's "
            "dates are added."
        ]
    if status.calendar is None:
        return ["You're not applying this cycle, so there's no season section for you."]
    if not status.items:
        return ["Nothing from the application calendar this week."]
    return [f"• {item.text}" for item in status.items]


def plan_line(plan: SeasonPlan) -> str:
    found = [plan.cycle, ROUTE_LABELS[plan.route]]
    if plan.graduation_year is not None:
        found.append(f"graduating {plan.graduation_year}")
    return "Your plan: " + " · ".join(found)


def season_text(status: SeasonStatus, plan: SeasonPlan | None, *, heading: str = "") -> str:
    """The week's season tasks as plain text (what Discord's season embed shows)."""
    title = "This week in your application season"
    if status.calendar is not None:
        title += f" · {status.calendar.title}"
    lines = [heading] if heading else []
    if plan is not None:
        lines.append(plan_line(plan))
    lines += [title, *_status_lines(status)]
    if plan is not None and plan.specialties:
        lines.append("Specialties: " + ", ".join(plan.specialties))
    if status.provisional:
        lines.append(PROVISIONAL)
    lines.append(FOOTER)
    return clip("\n".join(lines))


def season_command(season: SeasonService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        action, rest = verb_of(text)
        if action == "setup":
            cycle, route, year, specialties = parts(rest, 4)
            if not cycle:
                await chat.send_message(f"{SETUP_USAGE}\n\n{cycles_text(season)}")
                return
            try:
                saved, status = await season.setup(
                    student,
                    cycle=cycle,
                    route=route_of(route),
                    graduation_year=year_of(year),
                    specialties=specialties,
                )
            except InvalidInput as refused:
                raise InvalidInput(f"{refused.user_message}\n\n{cycles_text(season)}") from None
            heading = "Saved your plan. Each weekly digest will show what your season asks."
            await chat.send_message(season_text(status, saved, heading=heading))
            return
        if action not in ("", "week"):
            raise InvalidInput(USAGE)
        plan = await season.plan(student)
        if plan is None:
            await chat.send_message(
                f"{SET_UP_FIRST}\n{SETUP_USAGE}\n\n{cycles_text(season)}"
                if not action
                else SET_UP_FIRST
            )
            return
        status = await season.this_week(student)
        await chat.send_message(season_text(status, plan))

    return run


def season_handlers(
    services: Services,
    command: Callable[[Command], Handler],
    click: Callable[[re.Pattern[str], Click], BaseHandler[Any, Any, Any]],
    deliver: Deliver,
) -> list[BaseHandler[Any, Any, Any]]:
    """The season's commands and buttons, and /templates (each only where its service runs);
    `deliver` sends a draft, or asks what a held one needs."""
    found: list[BaseHandler[Any, Any, Any]] = [
        CommandHandler("templates", command(templates.templates_command(services.drafts))),
        click(
            callbacks.LETTER_ITEM,
            letters.letter_item_click(services.season_reminders, services.drafts, deliver),
        ),
        click(
            callbacks.LETTER_WRITER,
            letters.writer_click(services.season_reminders, services.drafts, deliver),
        ),
    ]
    season = services.season
    if season is not None:
        found += [
            CommandHandler("season", command(season_command(season))),
            CommandHandler("letters", command(letters.letters_command(season, services.contacts))),
            click(callbacks.LETTERS, letters.ledger_click(season)),
        ]
    if services.interviews is not None:
        found += [
            CommandHandler("interview", command(interviews.interview_command(services.interviews))),
            click(callbacks.INTERVIEW, interviews.thanks_click(services.interviews)),
        ]
    return found
