"""How the season and the letters ledger look in Discord: embeds built from core results.

The season's words are content (prompts/season.toml, already filled with dates); everything a
student or another person typed (a writer's name, the programs) is escaped here.
"""

from __future__ import annotations

import discord

from bot.core.interviews import NO_CONTACT, InterviewLogged
from bot.core.letters import LetterStage, LetterTask
from bot.core.meetings import long_date
from bot.core.season import SeasonPlan, SeasonStatus
from bot.core.season_service import LetterAsked, LetterLine
from bot.discord_adapter.presenters import (
    COLOUR,
    DESCRIPTION_MAX,
    FIELD_MAX,
    TITLE_MAX,
    clip,
    display_name,
    esc,
)

_TASKS = {
    LetterTask.CHECK: "check in if it isn't in",
    LetterTask.THANK: "send a thank-you",
    LetterTask.OUTCOME: "tell them how the Match went",
}
LEDGER_SHOWN = 25  # an embed holds 25 fields, Discord's limit


def _status_lines(status: SeasonStatus) -> str:
    if status.missing_cycle:
        return (
            "There's no calendar for your cycle here yet, so there's nothing dated to remind "
            "you of. Your plan is saved: the season's reminders start as soon as your cycle's "
            "dates are added."
        )
    if status.calendar is None:
        return "You're not applying this cycle, so there's no season section for you."
    if not status.items:
        return "Nothing from the application calendar this week."
    return "\n".join(f"• {item.text}" for item in status.items)


def season_embed(status: SeasonStatus, plan: SeasonPlan | None = None) -> discord.Embed:
    title = "This week in your application season"
    if status.calendar is not None:
        title += f" · {status.calendar.title}"
    embed = discord.Embed(
        title=clip(title, TITLE_MAX),
        description=clip(_status_lines(status), DESCRIPTION_MAX),
        colour=COLOUR,
    )
    if plan is not None and plan.specialties:
        embed.add_field(name="Specialties", value=clip(esc(", ".join(plan.specialties)), FIELD_MAX))
    footer = "/letters tracks your letters of recommendation · /season setup changes your plan"
    if status.provisional:
        footer = (
            "These dates are provisional until the ERAS and NRMP calendars are confirmed; "
            "check the official pages before a deadline. " + footer
        )
    embed.set_footer(text=footer)
    return embed


def letter_line(line: LetterLine) -> tuple[str, str]:
    """A ledger line as an embed field: the writer, then stage, deadline and what's next."""
    parts = [line.letter.stage.label]
    if line.letter.deadline is not None:
        parts.append(f"due {long_date(line.letter.deadline)}")
    if line.letter.programs:
        parts.append(esc(line.letter.programs))
    if line.due is not None:
        parts.append(f"next: {_TASKS[line.due.task]} on {long_date(line.due.due_on)}")
    elif line.letter.stage in (LetterStage.ASKED, LetterStage.AGREED):
        parts.append("add a deadline, or set up your cycle with /season setup, for a check-in")
    return clip(esc(display_name(line.writer)), 256), clip(" · ".join(parts), FIELD_MAX)


def letters_embed(lines: list[LetterLine]) -> discord.Embed:
    embed = discord.Embed(title="Your letters of recommendation", colour=COLOUR)
    if not lines:
        embed.description = (
            "No letters tracked yet. `/letters ask` records a writer you've asked, and I'll "
            "remind you to check in, to thank them, and to tell them how the Match went."
        )
        return embed
    for line in lines[:LEDGER_SHOWN]:
        name, value = letter_line(line)
        embed.add_field(name=name, value=value, inline=False)
    if len(lines) > LEDGER_SHOWN:
        embed.set_footer(text=f"and {len(lines) - LEDGER_SHOWN} more")
    return embed


def letter_asked_embed(asked: LetterAsked) -> discord.Embed:
    name = esc(display_name(asked.line.writer))
    lead = "Tracking a letter from" if asked.created else "Updated the letter from"
    embed = discord.Embed(title=clip(f"{lead} {name}", TITLE_MAX), colour=COLOUR)
    field_name, value = letter_line(asked.line)
    embed.add_field(name=field_name, value=value, inline=False)
    if asked.warning:
        embed.add_field(name="Short notice", value=asked.warning, inline=False)
    embed.set_footer(
        text="/outreach kind: Letter of recommendation drafts the ask · /letters mark moves it on"
    )
    return embed


def no_contact_embed(logged: InterviewLogged) -> discord.Embed:
    people = ", ".join(esc(display_name(c)) for c in logged.interviewers)
    embed = discord.Embed(
        title=clip(f"Logged: {esc(logged.event.name)}", TITLE_MAX),
        description=NO_CONTACT,
        colour=COLOUR,
    )
    embed.add_field(name="Interviewers", value=clip(people, FIELD_MAX), inline=False)
    embed.set_footer(text="/event show lists the interview and who you met there")
    return embed
