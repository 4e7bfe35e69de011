"""Core models → Discord embeds and text. The only place user text is escaped for Discord."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import discord

from bot.core.attention import due_on, needs_follow_up
from bot.core.models import Contact, ContactFilter, Exchange, Page

COLOUR = discord.Colour(0x2B7A78)
PRIVATE_FOOTER = "Only you can see this."

# Discord's embed limits (title 256, description 4096, field value 1024).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024


def esc(text: str) -> str:
    """Student text shown as it was typed: markdown characters do not format."""
    return discord.utils.escape_markdown(text, as_needed=False)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def display_name(contact: Contact) -> str:
    title = contact.draft.title
    return f"{title} {contact.name}" if title else contact.name


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def due_phrase(contact: Contact, today: date) -> str:
    due = due_on(contact)
    what = "follow up" if needs_follow_up(contact) else "check in"
    days = (due - today).days
    if days < 0:
        return f"{what} — overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return f"{what} today"
    return f"{what} in {days} day{'s' if days != 1 else ''}"


def _summary_line(contact: Contact) -> str:
    parts = [contact.role.label]
    if contact.draft.specialty:
        parts.append(esc(contact.draft.specialty))
    if contact.draft.institution:
        parts.append(esc(contact.draft.institution))
    return " · ".join(parts)


def contact_embed(
    contact: Contact, today: date, history: Sequence[Exchange] = (), *, heading: str | None = None
) -> discord.Embed:
    d = contact.draft
    embed = discord.Embed(
        title=clip(esc(display_name(contact)), TITLE_MAX),
        description=_summary_line(contact),
        colour=COLOUR,
    )
    if heading:
        embed.set_author(name=clip(heading, 256))
    if d.met_event or d.met_on:
        met = " · ".join(
            part
            for part in (
                esc(d.met_event) if d.met_event else None,
                day(d.met_on) if d.met_on else None,
            )
            if part
        )
        embed.add_field(name="Where and when you met", value=clip(met, FIELD_MAX), inline=False)
    if d.email:
        embed.add_field(name="E-mail", value=clip(esc(d.email), FIELD_MAX))
    if d.profile_url:
        # Validated http(s) with no spaces; escaping would put backslashes into the link.
        embed.add_field(name="Profile", value=clip(d.profile_url, FIELD_MAX))
    if d.tags:
        embed.add_field(name="Tags", value=clip(", ".join(esc(t) for t in d.tags), FIELD_MAX))
    if d.notes:
        embed.add_field(name="Notes", value=clip(esc(d.notes), FIELD_MAX), inline=False)
    last = day(contact.last_contacted_on) if contact.last_contacted_on else "not yet"
    embed.add_field(name="Last contacted", value=last)
    embed.add_field(name="Next", value=due_phrase(contact, today))
    if history:
        lines = [
            f"{day(x.happened_on)} — {x.kind.label}" + (f": {esc(x.note)}" if x.note else "")
            for x in history
        ]
        embed.add_field(name="History", value=clip("\n".join(lines), FIELD_MAX), inline=False)
    embed.set_footer(text=PRIVATE_FOOTER)
    return embed


def filter_phrase(contact_filter: ContactFilter) -> str:
    parts = []
    if contact_filter.role:
        parts.append(f"role: {contact_filter.role.label}")
    if contact_filter.tag:
        parts.append(f"tag: {esc(contact_filter.tag)}")
    if contact_filter.specialty:
        parts.append(f"specialty: {esc(contact_filter.specialty)}")
    if contact_filter.event:
        parts.append(f"event: {esc(contact_filter.event)}")
    return " · ".join(parts)


def contact_line(contact: Contact, today: date) -> str:
    return f"**{clip(esc(display_name(contact)), 120)}** — {clip(_summary_line(contact), 200)}"


def list_embed(page: Page, contact_filter: ContactFilter, today: date) -> discord.Embed:
    title = "Your contacts, most due for attention first"
    if page.total == 0:
        description = (
            "No contacts match that filter."
            if not contact_filter.is_empty
            else "No contacts yet. Add the first with `/contact add`."
        )
    else:
        lines = [f"{contact_line(c, today)}\n↳ {due_phrase(c, today)}" for c in page.items]
        description = "\n".join(lines)
    embed = discord.Embed(
        title=title, description=clip(description, DESCRIPTION_MAX), colour=COLOUR
    )
    phrase = filter_phrase(contact_filter)
    if phrase:
        embed.add_field(name="Filter", value=clip(phrase, FIELD_MAX), inline=False)
    embed.set_footer(
        text=f"Page {page.number + 1} of {page.count} · {page.total} contact"
        f"{'s' if page.total != 1 else ''} · {PRIVATE_FOOTER}"
    )
    return embed


def search_embed(query: str, results: Sequence[Contact], today: date) -> discord.Embed:
    if results:
        description = "\n".join(contact_line(c, today) for c in results)
    else:
        description = (
            "Nobody matches that. Search looks in names, places, specialties, notes and tags."
        )
    embed = discord.Embed(
        title=clip(f"Contacts matching “{esc(query)}”", TITLE_MAX),
        description=clip(description, DESCRIPTION_MAX),
        colour=COLOUR,
    )
    embed.set_footer(text=PRIVATE_FOOTER)
    return embed


def duplicate_text(name: str, duplicates: Sequence[Contact]) -> str:
    who = ", ".join(f"**{esc(display_name(c))}**" for c in duplicates[:3])
    return (
        f"You already have {who} — is **{esc(name)}** the same person? "
        "Update the existing contact with what you just typed, or add a new one."
    )
