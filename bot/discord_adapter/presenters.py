"""Core models → Discord embeds and text. The only place user text is escaped for Discord."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import discord

from bot.content.coach import TOPICS, Tip
from bot.content.templates import CHANNEL_RULES, RenderedDraft, TemplateInfo
from bot.core import names
from bot.core.attention import due_phrase
from bot.core.coaching import Pitch, Prep
from bot.core.drafts import DraftResult, greeting
from bot.core.events import Event, EventDetail, ScheduledEnding
from bot.core.imports import ImportPreview, ImportResult
from bot.core.meetings import MetAt
from bot.core.models import (
    Channel,
    Contact,
    ContactFilter,
    Digest,
    DueItem,
    Exchange,
    ItemKind,
    MaybeMissed,
    Page,
    Profile,
    Role,
)
from bot.core.papers import PaperFound, PaperId
from bot.core.progress import GoalProgress, Progress
from bot.core.restore import PartsPreview, RestorePreview, RestoreResult
from bot.core.season import SeasonStatus

COLOUR = discord.Colour(0x2B7A78)
PRIVATE_FOOTER = "Only you can see this."

# Discord's embed limits (title 256, description 4096, field value 1024).
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024


def esc(text: str) -> str:
    """Student text shown as it was typed: markdown characters do not format."""
    return discord.utils.escape_markdown(text, as_needed=False)


# Discord's masked link, [text](url): in text that came from other people (an imported name, a
# member's display name, a server event's name) it would show a harmless label over any URL.
_MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(")


def defuse_links(text: str) -> str:
    """`text` with masked links shown as typed (brackets escaped) and nothing else changed, for
    text the student copies out (a draft): escaping all markdown would put backslashes in it."""
    return _MASKED_LINK.sub(lambda m: f"\\[{m[1]}\\](", text)


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def display_name(contact: Contact) -> str:
    """The name as typed, with the title option in front unless the name already has one."""
    return names.display_name(contact.parsed_name, contact.draft.title)


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


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
    address = esc(contact.greeting)
    if not d.address_as:
        address += " (suggested: change it with /contact edit address_as:)"
    embed.add_field(name="Drafts address them as", value=clip(address, FIELD_MAX), inline=False)
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
        embed.add_field(name="Profile", value=clip(defuse_links(d.profile_url), FIELD_MAX))
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


# -- drafts -------------------------------------------------------------------------------------

CONTENT_MAX = 2000  # Discord's message content limit


def draft_content(result: DraftResult) -> tuple[str, list[tuple[str, bytes]]]:
    """The draft's text as message content, unescaped so that copying it copies it exactly.

    Mentions never ping (allowed mentions are off on the client). A draft too long for one
    message comes as a text file instead.
    """
    body = defuse_links(result.rendered.body)
    if len(body) <= CONTENT_MAX:
        return body, []
    text = body if result.rendered.subject is None else f"{result.rendered.subject}\n\n{body}"
    return (
        "This draft is longer than one Discord message, so it's attached as a file.",
        [("draft.txt", text.encode("utf-8"))],
    )


def _length_line(result: DraftResult) -> str:
    rendered = result.rendered
    rules = CHANNEL_RULES[rendered.channel]
    if rules.max_words is not None:
        low = f"{rules.min_words}–" if rules.min_words else "up to "
        return f"{rendered.words} words (aim for {low}{rules.max_words})"
    limit = f"{rendered.chars} of {rules.max_chars} characters"
    if rules.warn_chars:
        limit += f" ({rules.warn_chars} on free accounts)"
    return limit


def draft_embed(result: DraftResult) -> discord.Embed:
    rendered = result.rendered
    channel = Channel(rendered.channel)
    embed = discord.Embed(
        title=clip(f"{channel.label} to {esc(greeting(result.contact))}", TITLE_MAX),
        description=clip(esc(result.template.title), DESCRIPTION_MAX),
        colour=COLOUR,
    )
    if rendered.subject is not None:
        embed.add_field(name="Subject", value=clip(esc(rendered.subject), FIELD_MAX), inline=False)
    embed.add_field(name="Length", value=_length_line(result), inline=False)
    warnings = [*result.checks, *rendered.problems()]
    if warnings:
        embed.add_field(
            name="⚠️ Check before sending",
            value=clip("\n".join(f"• {w}" for w in warnings), FIELD_MAX),
            inline=False,
        )
    if result.draft.sent_at is not None:
        sent = f"<t:{int(result.draft.sent_at.timestamp())}:f>"
        status = f"Marked as sent {sent}."
        if result.draft.nudge_due_at is not None:
            due = f"<t:{int(result.draft.nudge_due_at.timestamp())}:D>"
            status += f" If there's no reply, I'll suggest a polite nudge on {due}."
        embed.add_field(name="Sent", value=status, inline=False)
    version = (
        f"Version {rendered.version} of {rendered.versions} · " if rendered.versions > 1 else ""
    )
    version += f"{result.draft.tone.label} tone · "
    embed.set_footer(text=f"{version}The message above is ready to copy · {PRIVATE_FOOTER}")
    return embed


def paper_note(paper_id: PaperId, found: PaperFound | None) -> str:
    """What a paper look-up filled in, or why it filled nothing (the draft follows)."""
    if found is None:
        return (
            f"Paper look-ups are turned off on this bot, so {paper_id.shown} wasn't looked up: "
            "the draft uses what you typed."
        )
    source = paper_id.source.value
    if found.failed:
        return (
            f"I couldn't reach {source} just now, so the draft uses what you typed. You can "
            "add the paper with ✏️ Edit details, or try again in a minute."
        )
    paper = found.paper
    if paper is None:
        return f"{source} doesn't know {esc(paper_id.shown)}, so the draft uses what you typed."
    people = []
    if paper.first_author:
        people.append(f"{esc(paper.first_author)} (first author)")
    if paper.senior_author and paper.senior_author != paper.first_author:
        people.append(f"{esc(paper.senior_author)} (senior author)")
    details = [esc(p) for p in (paper.journal, str(paper.year) if paper.year else None) if p]
    text = f"From {source}: “{esc(clip(paper.title, 300))}”"
    if people:
        text += " — " + " and ".join(people)
    if details:
        text += ", " + ", ".join(details)
    return text + ". The draft names it; ✏️ Edit details changes anything."


EMBED_MAX = 6000  # Discord: the characters of all of a message's embeds together
EMBED_FIELDS_MAX = 25


def template_list_embeds(templates: Sequence[TemplateInfo]) -> list[discord.Embed]:
    """Every template, by kind, in as many fields as their lines need (a field holds 1,024
    characters) and as many embeds as the fields need (6,000 characters and 25 fields each):
    one message per embed, so every template shows however many there are."""
    fields: list[tuple[str, str]] = []
    for kind, heading in (
        ("followup", "Follow-ups (/followup)"),
        ("outreach", "Outreach (/outreach)"),
    ):
        lines = [f"**{esc(t.title)}** — {esc(t.description)}" for t in templates if t.kind == kind]
        for n, value in enumerate(packed(lines)):
            fields.append((heading if n == 0 else f"{heading}, continued", value))
    footer = "/templates preview shows one written out with your profile."
    embeds = [discord.Embed(title="Message templates", colour=COLOUR)]
    for name, value in fields:
        embed = embeds[-1]
        room = EMBED_MAX - len(embed) - len(footer)
        if embed.fields and (
            len(name) + len(value) > room or len(embed.fields) >= EMBED_FIELDS_MAX
        ):
            embed = discord.Embed(title="Message templates, continued", colour=COLOUR)
            embeds.append(embed)
        embed.add_field(name=name, value=value, inline=False)
    embeds[-1].set_footer(text=footer)
    return embeds


def preview_embed(info: TemplateInfo, rendered: RenderedDraft, own_profile: bool) -> discord.Embed:
    channel = Channel(rendered.channel)
    text = (
        rendered.body
        if rendered.subject is None
        else f"Subject: {rendered.subject}\n\n{rendered.body}"
    )
    embed = discord.Embed(
        title=clip(f"{esc(info.title)} · {channel.label}", TITLE_MAX),
        description=clip(esc(text), DESCRIPTION_MAX),
        colour=COLOUR,
    )
    who = "your profile" if own_profile else "a sample profile (set yours with /profile)"
    embed.set_footer(text=f"Written with {who} and a sample contact.")
    return embed


def profile_embed(profile: Profile) -> discord.Embed:
    embed = discord.Embed(title="Your profile", colour=COLOUR)
    embed.add_field(name="Name", value=clip(esc(profile.name), FIELD_MAX))
    embed.add_field(name="School", value=clip(esc(profile.school), FIELD_MAX))
    embed.add_field(name="Year or stage", value=clip(esc(profile.stage), FIELD_MAX))
    for label, value in (
        ("Interests", profile.interests),
        ("Pitch", profile.pitch),
        ("Sign-off", profile.signoff),
        ("Contact line", profile.contact_line),
    ):
        if value:
            embed.add_field(name=label, value=clip(esc(value), FIELD_MAX), inline=False)
    embed.add_field(
        name="Nudge after", value=f"{profile.follow_up_delay_days} days without a reply"
    )
    embed.add_field(name="English", value="UK" if profile.english == "uk" else "US")
    embed.set_footer(text="Drafts use these details. " + PRIVATE_FOOTER)
    return embed


# -- reminders and digests ----------------------------------------------------------------------

DIGEST_LIST_MAX = 10  # a digest names at most this many items; `/due` has the rest


LETTER_LABELS = {
    "letter_ask": "Ask your letter writers",
    "letter_check": "Check a letter is in",
    "letter_thanks": "Thank a letter writer",
    "match_outcome": "Share your Match news",
}


def item_label(item: DueItem) -> str:
    """A plain one-line label (menus show no markdown)."""
    who = display_name(item.contact) if item.contact else None
    if item.kind is ItemKind.LETTER and item.letter is not None:
        label = LETTER_LABELS.get(item.letter.task, item.kind.label)
        return f"{label}: {who}" if who else label
    if item.kind is ItemKind.REMINDER:
        note = item.reminder.note if item.reminder and item.reminder.note else "Reminder"
        return f"{note} — {who}" if who else note
    return f"{item.kind.label}: {who}"


EVENT_CLIP = 60  # keeps a digest line to about two lines on a phone


def met_text(met: MetAt) -> str:
    """'met at AAMC Annual Meeting (conference), 12 Mar 2026' (the name is the student's)."""
    kind = f" ({met.kind_label})" if met.kind_label else ""
    return f"met at {esc(clip(met.name, EVENT_CLIP))}{kind}, {day(met.held_on)}"


def item_line(item: DueItem, today: date) -> str:
    days = (item.due_on - today).days
    when = "today" if days == 0 else (f"{-days}d overdue" if days < 0 else f"in {days}d")
    who = esc(display_name(item.contact)) if item.contact else None
    if item.kind is ItemKind.NUDGE and item.sent_at is not None:
        waited = (today - item.sent_at.date()).days
        text = f"**{who}** hasn't replied in {waited} days — a polite nudge"
    elif item.kind is ItemKind.FOLLOW_UP:
        text = f"Follow up with **{who}**"
        if item.met_at is not None:
            text += f" — {met_text(item.met_at)}"
        elif item.contact and item.contact.draft.met_event:
            text += f" (met at {esc(clip(item.contact.draft.met_event, EVENT_CLIP))})"
    elif item.kind is ItemKind.LETTER and item.letter is not None:
        # The line is the coach's (prompts/season.toml); only the writer's name is typed.
        text = item.letter.said.replace("{writer}", f"**{who}**" if who else "your writer")
    elif item.kind is ItemKind.CHECK_IN:
        text = f"Check in with **{who}**"
        if item.contact and item.contact.role in (Role.TUTOR, Role.PEER_MENTOR):
            text += " — a progress update"
        if item.met_at is not None:
            text += f" ({met_text(item.met_at)})"
    else:
        note = esc(clip(item.reminder.note, 120)) if item.reminder and item.reminder.note else ""
        text = f"Reminder: {note}" if note else "Reminder"
        if who:
            text += f" — **{who}**"
    return f"{ITEM_EMOJI[item.kind]} {text} · {when}"


ITEM_EMOJI = {
    ItemKind.NUDGE: "💬",
    ItemKind.FOLLOW_UP: "✉️",
    ItemKind.REMINDER: "⏰",
    ItemKind.CHECK_IN: "🤝",
    ItemKind.LETTER: "📨",
}


MISSED_KINDS = {"digest": "Your weekly digest", "reminder": "A reminder", "nudge": "A nudge"}


def missed_line(missed: MaybeMissed) -> str:
    """'• A reminder due 3 Mar — Book the shadowing day': what may not have arrived (I
    couldn't confirm the send), and what it was about when that is still open."""
    what = MISSED_KINDS.get(missed.kind, "A message")
    line = f"• {what} due {day(missed.due_on)}"
    if missed.item is not None:
        line += f" — {esc(clip(item_label(missed.item), 120))}"
    return line


def packed(lines: Sequence[str], limit: int = FIELD_MAX) -> list[str]:
    """Lines packed into as few values of at most `limit` characters as they fit (an embed
    field holds 1,024), never splitting a line; a line longer than a value is clipped."""
    values: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            values.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        values.append(current)
    return values


SEASON_HEADING = "Your application season"


def add_season_section(embed: discord.Embed, status: SeasonStatus | None) -> None:
    """The week's tasks of the student's cycle (the coach's words, with dates), as fields."""
    if status is None or not status.items:
        return
    heading = SEASON_HEADING + (" (dates provisional)" if status.provisional else "")
    for n, value in enumerate(packed([f"• {item.text}" for item in status.items])):
        embed.add_field(
            name=heading if n == 0 else f"{heading}, continued", value=value, inline=False
        )


def digest_embed(digest: Digest, *, empty_text: str, title: str) -> discord.Embed:
    shown = digest.items[:DIGEST_LIST_MAX]
    if shown:
        lines = [f"{n}. {item_line(item, digest.today)}" for n, item in enumerate(shown, 1)]
        rest = len(digest.items) - len(shown) + digest.more
        if rest:
            lines.append(f"…and {rest} more: `/due` lists everything.")
        description = "\n".join(lines)
    else:
        description = empty_text
    embed = discord.Embed(
        title=title, description=clip(description, DESCRIPTION_MAX), colour=COLOUR
    )
    if digest.late_by_hours:
        embed.set_author(
            name=f"Sent {digest.late_by_hours} h late: I was offline at your usual time"
        )
    add_season_section(embed, digest.season)
    a = digest.activity
    embed.add_field(
        name="Last 7 days",
        value=f"{a.contacts_added} new contact{'s' if a.contacts_added != 1 else ''} · "
        f"{a.messages_sent} message{'s' if a.messages_sent != 1 else ''} sent · "
        f"{a.replies} repl{'ies' if a.replies != 1 else 'y'}",
        inline=False,
    )
    if digest.maybe_missed:
        embed.add_field(
            name="These may not have reached you",
            value=clip("\n".join(missed_line(m) for m in digest.maybe_missed), FIELD_MAX),
            inline=False,
        )
    if digest.progress is not None:
        embed.add_field(name="Your weekly goal", value=goal_line(digest.progress), inline=False)
    if digest.tip:
        embed.add_field(name="Tip", value=clip(esc(digest.tip), FIELD_MAX), inline=False)
    embed.set_footer(text="Buttons act on the first items · /due shows the full list")
    return embed


def item_text(item: DueItem, today: date, *, late: bool) -> str:
    """The short DM for a reminder or a nudge that falls due between digests."""
    prefix = "(Sent late — I was offline when this was due.) " if late else ""
    return prefix + item_line(item, today)


# -- coaching -----------------------------------------------------------------------------------


def tip_embed(tip: Tip) -> discord.Embed:
    embed = discord.Embed(description=esc(tip.text), colour=COLOUR)
    embed.set_author(name=f"Tip · {TOPICS[tip.topic]}")
    embed.set_footer(text="/tip topic: picks a subject · /prep gets you ready for a meeting")
    return embed


def prep_embed(prep: Prep) -> discord.Embed:
    title = f"Before your {prep.title.lower()}"
    if prep.contact is not None:
        title += f" with {display_name(prep.contact)}"
    embed = discord.Embed(title=clip(esc(title), TITLE_MAX), colour=COLOUR)
    if prep.contact is not None:
        c = prep.contact
        about = [c.role.label]
        if c.draft.specialty:
            about.append(esc(c.draft.specialty))
        if c.draft.institution:
            about.append(esc(c.draft.institution))
        lines = [" · ".join(about)]
        if c.draft.notes:
            lines.append(f"Your notes: {esc(clip(c.draft.notes, 300))}")
        if prep.last_exchange is not None and prep.last_exchange.note:
            x = prep.last_exchange
            lines.append(f"Last time ({day(x.happened_on)}): {esc(clip(x.note or '', 300))}")
        embed.description = clip("\n".join(lines), DESCRIPTION_MAX)
    embed.add_field(
        name="Checklist",
        value=clip("\n".join(f"☐ {esc(item)}" for item in prep.checklist), FIELD_MAX),
        inline=False,
    )
    embed.add_field(
        name="Five questions worth asking",
        value=clip("\n".join(f"{n}. {esc(q)}" for n, q in enumerate(prep.questions, 1)), FIELD_MAX),
        inline=False,
    )
    if prep.afterwards:
        embed.add_field(
            name="Afterwards, ask yourself",
            value=clip("\n".join(f"• {esc(q)}" for q in prep.afterwards), FIELD_MAX),
            inline=False,
        )
    embed.set_footer(text="Pick one or two; a real conversation beats a script. " + PRIVATE_FOOTER)
    return embed


def pitch_embed(pitch: Pitch, tip: str) -> discord.Embed:
    embed = discord.Embed(title="Your elevator pitch", description=esc(pitch.text), colour=COLOUR)
    embed.add_field(
        name="Length", value=f"{pitch.words} words · about {pitch.seconds} seconds aloud"
    )
    embed.set_footer(text=clip(tip, 2048))
    return embed


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def progress_embed(progress: Progress) -> discord.Embed:
    goal, week = progress.goal, progress.this_week

    def mark(done: int, target: int) -> str:
        return f"{done}/{target} {'✅' if done >= target else ''}".strip()

    embed = discord.Embed(title="Your networking progress", colour=COLOUR)
    embed.add_field(
        name=f"This week (since {day(week.start)})",
        value=f"New contacts {mark(week.new_contacts, goal.new_contacts)}\n"
        f"Follow-ups {mark(week.follow_ups, goal.follow_ups)}\n"
        f"Check-ins {mark(week.check_ins, goal.check_ins)}",
    )
    embed.add_field(
        name="Habits",
        value=f"Streak: {progress.streak} week{'s' if progress.streak != 1 else ''} on goal\n"
        f"Followed up within 3 days: {_percent(progress.follow_up_rate)}\n"
        f"Reply rate: {_percent(progress.reply_rate)}",
    )
    if progress.by_role:
        embed.add_field(
            name="Your network by role",
            value=clip(", ".join(f"{esc(r)} {n}" for r, n in progress.by_role), FIELD_MAX),
            inline=False,
        )
    if progress.by_specialty:
        embed.add_field(
            name="By specialty",
            value=clip(", ".join(f"{esc(s)} {n}" for s, n in progress.by_specialty), FIELD_MAX),
            inline=False,
        )
    embed.set_image(url="attachment://progress.png")
    embed.set_footer(text="/goals changes your weekly goal. " + PRIVATE_FOOTER)
    return embed


def goal_line(progress: GoalProgress | Progress) -> str:
    """One line for the digest: how this week is going against the goal."""
    g, w = progress.goal, progress.this_week
    return (
        f"{w.new_contacts}/{g.new_contacts} new contacts · {w.follow_ups}/{g.follow_ups} "
        f"follow-ups · {w.check_ins}/{g.check_ins} check-ins · streak {progress.streak}"
    )


# -- imports -----------------------------------------------------------------------------------

REJECTED_SHOWN = 5


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"**{count:,}** {one if count == 1 else (many or one + 's')}"


def import_preview_embed(
    preview: ImportPreview | RestorePreview | PartsPreview,
) -> discord.Embed:
    """What an import would do, before anything is saved."""
    if isinstance(preview, RestorePreview):
        return restore_preview_embed(preview)
    if isinstance(preview, PartsPreview):
        return parts_preview_embed(preview)
    lines = [f"{_plural(preview.new, 'new contact')} to add"]
    if preview.matching:
        lines.append(
            f"{_plural(preview.matching, 'contact')} you already have: "
            f"{preview.updated:,} would gain details or tags, {preview.unchanged:,} unchanged"
        )
    if preview.repeated:
        lines.append(f"{_plural(preview.repeated, 'row')} repeating an earlier row (merged)")
    if preview.rejected:
        lines.append(f"{_plural(len(preview.rejected), 'row')} skipped")
    if preview.pending_id is None:
        lines.append("\nNothing to import: everything in this file is already in your contacts.")
    embed = discord.Embed(
        title=f"Import from {preview.format.label}",
        description="\n".join(lines),
        colour=COLOUR,
    )
    if preview.rejected:
        shown = [
            f"Line {line}: {esc(reason)}" for line, reason in preview.rejected[:REJECTED_SHOWN]
        ]
        more = len(preview.rejected) - REJECTED_SHOWN
        if more > 0:
            shown.append(f"…and {more:,} more")
        embed.add_field(name="Skipped rows", value=clip("\n".join(shown), FIELD_MAX), inline=False)
    embed.set_footer(
        text="Nothing is saved until you press Import. An import only fills empty fields and "
        "adds tags: it never changes what you wrote. " + PRIVATE_FOOTER
    )
    return embed


def import_progress_text(done: int, total: int) -> str:
    return f"Importing… {done:,} of {total:,} saved."


def _restored(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {kind}" for kind, n in counts.items() if n) or "nothing"


def restore_preview_embed(preview: RestorePreview) -> discord.Embed:
    """What restoring a JSON export would bring back into the (empty) account."""
    lines = [f"**{n:,}** {kind}" for kind, n in preview.counts.items() if n]
    if preview.timezone:
        lines.append(f"Your timezone: {esc(preview.timezone)}")
    embed = discord.Embed(
        title="Restore from a Networking Coach export",
        description="\n".join(lines) or "This export is empty: there is nothing to restore.",
        colour=COLOUR,
    )
    embed.set_footer(
        text="Nothing is saved until you press Import. Everything in the file comes back into "
        "your account; the next weekly digest is scheduled from now. " + PRIVATE_FOOTER
    )
    return embed


def parts_preview_embed(preview: PartsPreview) -> discord.Embed:
    """One part of an export received; which are still to come."""
    missing = ", ".join(str(n) for n in preview.missing)
    embed = discord.Embed(
        title="Restore from a Networking Coach export, in parts",
        description=(
            f"Part {preview.number} of {preview.of} received ({len(preview.received)} of "
            f"{preview.of} so far). Still to upload: part{'s' if len(preview.missing) > 1 else ''} "
            f"{missing}, each with `/contact import`, in any order. Once all are in, I show what "
            "would be restored before anything is saved."
        ),
        colour=COLOUR,
    )
    embed.set_footer(text="Parts are kept for 24 hours. " + PRIVATE_FOOTER)
    return embed


def import_result_text(result: ImportResult | RestoreResult) -> str:
    if isinstance(result, RestoreResult):
        return f"Restored: {_restored(result.counts)}. `/contact list` shows your contacts."
    return (
        f"Imported: {result.added:,} added, {result.updated:,} updated, "
        f"{result.unchanged:,} already up to date. `/contact list` shows them."
    )


# -- events ------------------------------------------------------------------------------------


def event_title(event: Event) -> str:
    return clip(f"{esc(event.name)} · {event.kind.label} · {day(event.held_on)}", TITLE_MAX)


def event_embed(detail: EventDetail, today: date, *, heading: str | None = None) -> discord.Embed:
    """An event and the people the student met there."""
    if detail.people:
        description = "\n".join(contact_line(c, today) for c in detail.people)
    else:
        description = "Nobody linked yet. **Add people I met** records who you talked to."
    title = event_title(detail.event)
    embed = discord.Embed(
        title=clip(f"{heading}: {title}", TITLE_MAX) if heading else title,
        description=clip(description, DESCRIPTION_MAX),
        colour=COLOUR,
    )
    embed.set_footer(text=PRIVATE_FOOTER)
    return embed


def event_list_embed(events: Sequence[Event]) -> discord.Embed:
    if events:
        description = "\n".join(f"**{event_title(e)}**" for e in events)
    else:
        description = "No events yet. Record one with `/event log`."
    embed = discord.Embed(
        title="Your events, most recent first",
        description=clip(description, DESCRIPTION_MAX),
        colour=COLOUR,
    )
    embed.set_footer(text=PRIVATE_FOOTER)
    return embed


def event_prompt_text(ending: ScheduledEnding) -> str:
    return (
        f"**{clip(esc(ending.name), 100)}** has ended. Did you meet anyone worth keeping in "
        "touch with? Log them now, while names and faces are fresh."
    )
