"""Plain-text messages for Telegram (no parse_mode, so nothing a student typed can format or
break a message, and a draft copies exactly as it reads)."""

from __future__ import annotations

from datetime import date

from bot.content.coach import TOPICS, Tip
from bot.core.coaching import Pitch, Prep
from bot.core.drafts import DraftResult
from bot.core.models import Contact, Digest, DueItem
from bot.core.papers import PaperFound, PaperId
from bot.core.progress import WeeklyGoal

TEXT_MAX = 4096  # Telegram's limit on a message's text


def clip(text: str, limit: int = TEXT_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def contact_card(contact: Contact, *, heading: str = "Saved") -> str:
    draft = contact.draft
    first = " · ".join(p for p in (draft.name, contact.role.label, draft.specialty) if p)
    lines = [f"{heading} — {first}", f"Drafts address them as: {contact.greeting}"]
    met = " · ".join(p for p in (draft.met_event, draft.met_on and draft.met_on.isoformat()) if p)
    if met:
        lines.append(f"Where and when you met: {met}")
    lines.append("Draft a message to them with /followup " + draft.name)
    return clip("\n".join(lines))


def draft_header(result: DraftResult) -> str:
    rendered = result.rendered
    lines = [
        f"{result.template.title} — to {result.contact.greeting}",
        f"{result.draft.channel.label} · {result.draft.tone.label} · "
        f"version {rendered.version} of {rendered.versions}",
    ]
    if rendered.subject:
        lines.append(f"Subject: {rendered.subject}")
    lines += [f"Check: {check}" for check in result.checks]
    lines.append("The next message is the draft: press and hold it to copy.")
    return clip("\n".join(lines))


def draft_body(result: DraftResult) -> str:
    return clip(result.rendered.body)


def item_label(item: DueItem) -> str:
    if item.letter is not None:
        # The coach's own line for it, the writer's name where it says {writer}.
        who = item.contact.draft.name if item.contact is not None else "your writer"
        return clip(item.letter.said.replace("{writer}", who), 300)
    if item.contact is not None:
        return f"{item.kind.label} · {item.contact.draft.name}"
    note = item.reminder.note if item.reminder is not None else None
    return f"{item.kind.label} · {note or 'your reminder'}"


def _when(day: date, today: date) -> str:
    days = (day - today).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "today"
    return f"on {day:%a %d %b}"


def due_list(digest: Digest, shown: int) -> str:
    if not digest.items:
        return "Nothing is due this week."
    lines = ["Due this week:"]
    for number, item in enumerate(digest.items[:shown], 1):
        lines.append(f"{number}. {item_label(item)} — {_when(item.due_on, digest.today)}")
    hidden = len(digest.items) - shown + digest.more
    if hidden > 0:
        lines.append(f"…and {hidden} more: deal with these first, then send /due again.")
    lines.append("Buttons: ✏️ draft · ✅ done · 💤 snooze a week (by number).")
    return clip("\n".join(lines))


MISSED_KINDS = {"digest": "Your weekly digest", "reminder": "A reminder", "nudge": "A nudge"}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def digest_text(digest: Digest, *, empty_text: str, shown: int) -> str:
    """The weekly digest as one plain message; its buttons act on the numbered items."""
    lines = ["Your week in networking"]
    if digest.late_by_hours:
        lines.append(f"(Sent {digest.late_by_hours} h late: I was offline at your usual time.)")
    lines.append("")
    if digest.items:
        lines.append(due_list(digest, shown))
    else:
        lines.append(empty_text)
    a = digest.activity
    lines += [
        "",
        "Last 7 days: "
        + " · ".join(
            (
                _plural(a.contacts_added, "new contact", "new contacts"),
                _plural(a.messages_sent, "message sent", "messages sent"),
                _plural(a.replies, "reply", "replies"),
            )
        ),
    ]
    if digest.maybe_missed:
        lines += ["", "These may not have reached you:"]
        for missed in digest.maybe_missed:
            line = f"• {MISSED_KINDS.get(missed.kind, 'A message')} due {missed.due_on:%d %b}"
            if missed.item is not None:
                line += f" — {clip(item_label(missed.item), 120)}"
            lines.append(line)
    progress = digest.progress
    if progress is not None:
        g, w = progress.goal, progress.this_week
        lines += [
            "",
            f"Your weekly goal: {w.new_contacts}/{g.new_contacts} new contacts · "
            f"{w.follow_ups}/{g.follow_ups} follow-ups · {w.check_ins}/{g.check_ins} check-ins "
            f"· streak {progress.streak}",
        ]
    if digest.tip:
        lines += ["", f"Tip: {digest.tip}"]
    return clip("\n".join(lines))


def item_text(item: DueItem, *, late: bool) -> str:
    """A reminder or a nudge that falls due between digests, as its own message."""
    prefix = "(Sent late — I was offline when this was due.)\n" if late else ""
    return clip(f"{prefix}{item_label(item)} — {_when(item.due_on, item.due_on)}")


# -- coaching (/tip, /prep, /pitch, /goals): Discord's embeds, as plain text -------------------


def tip_text(tip: Tip) -> str:
    return clip(
        f"Tip · {TOPICS[tip.topic]}\n\n{tip.text}\n\n"
        "/tip topic picks a subject · /prep gets you ready for a meeting"
    )


def prep_text(prep: Prep) -> str:
    title = f"Before your {prep.title.lower()}"
    lines = []
    if prep.contact is not None:
        c = prep.contact
        title += f" with {c.draft.name}"
        about = [c.role.label, *(p for p in (c.draft.specialty, c.draft.institution) if p)]
        lines.append(" · ".join(about))
        if c.draft.notes:
            lines.append(f"Your notes: {clip(c.draft.notes, 300)}")
        x = prep.last_exchange
        if x is not None and x.note:
            lines.append(
                f"Last time ({x.happened_on.day} {x.happened_on:%b %Y}): {clip(x.note, 300)}"
            )
    lines = [title, *lines, "", "Checklist", *(f"☐ {item}" for item in prep.checklist)]
    lines += ["", "Five questions worth asking"]
    lines += [f"{n}. {q}" for n, q in enumerate(prep.questions, 1)]
    if prep.afterwards:
        lines += ["", "Afterwards, ask yourself", *(f"• {q}" for q in prep.afterwards)]
    lines += ["", "Pick one or two; a real conversation beats a script."]
    return clip("\n".join(lines))


def pitch_text(pitch: Pitch, tip: str) -> str:
    return clip(
        f"Your elevator pitch\n\n{pitch.text}\n\n"
        f"{pitch.words} words · about {pitch.seconds} seconds aloud\n{tip}"
    )


def goal_text(goal: WeeklyGoal, *, heading: str = "Your weekly goal") -> str:
    return (
        f"{heading}: {_plural(goal.new_contacts, 'new contact', 'new contacts')}, "
        f"{_plural(goal.follow_ups, 'follow-up', 'follow-ups')}, "
        f"{_plural(goal.check_ins, 'check-in', 'check-ins')}. /progress shows how you're doing."
    )


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
            f"I couldn't reach {source} just now, so the draft uses what you typed. Try again "
            "in a minute, or name the paper yourself with topic: …"
        )
    paper = found.paper
    if paper is None:
        return clip(f"{source} doesn't know {paper_id.shown}, so the draft uses what you typed.")
    people = []
    if paper.first_author:
        people.append(f"{paper.first_author} (first author)")
    if paper.senior_author and paper.senior_author != paper.first_author:
        people.append(f"{paper.senior_author} (senior author)")
    details = [p for p in (paper.journal, str(paper.year) if paper.year else None) if p]
    text = f"From {source}: “{clip(paper.title, 300)}”"
    if people:
        text += " — " + " and ".join(people)
    if details:
        text += ", " + ", ".join(details)
    return clip(text + ". The draft names it.")
