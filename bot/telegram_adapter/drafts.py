"""`/followup` and a draft's buttons: the draft comes as its own plain message, easy to copy.

A request that needs the student's profile or more details is held by the core; here the
student is told what to send (one line), since Telegram has no forms. The buttons are Discord's
draft view (sent, another version, tone, channel), calling the same DraftService methods; tone
is picked directly (warm, formal, brief) where Discord's one button cycles, since a keyboard row
has room for it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.content.templates import TemplateInfo
from bot.core.drafts import DraftRequest, DraftResult, DraftService
from bot.core.errors import InvalidInput
from bot.core.models import DRAFT_FIELDS, Channel, Tone
from bot.core.papers import PaperService, paper_fields, parse_paper_id
from bot.core.text import fold
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.parsing import parts

FOLLOWUP_PREFIX = "followup_"  # the catalogue's ids; students type the rest
FOLLOWUP_USAGE = (
    "Send /followup name | where you met | what you talked about | your ask, e.g.\n"
    "/followup Amara Okafor | the cardiology interest group talk | her heart-failure clinic\n"
    "Up to five people met together: their names separated by ; (Amara Okafor; Kai Osei).\n"
    "Optionally end with | tone: warm, formal or brief · | channel: email, linkedin or dm · "
    "| template: conference, talk, office hours… (you can switch tone and channel on the draft "
    "too)."
)
TONE_LABELS = {Tone.WARM: "🤝 Warm", Tone.FORMAL: "🎩 Formal", Tone.BRIEF: "✂️ Brief"}
CHANNEL_LABELS = {Channel.EMAIL: "📧 E-mail", Channel.LINKEDIN: "💼 LinkedIn", Channel.DM: "💬 DM"}


def draft_buttons(result: DraftResult) -> InlineKeyboardMarkup:
    """As Discord's draft view: sent (until it is), another version (when there is one), the
    two other tones, the two other channels, and the details (asked one at a time)."""
    draft = result.draft.id
    first = []
    if result.draft.sent_at is None:
        first.append(callbacks.button("✅ Mark as sent", "draft", "sent", draft))
    if result.rendered.versions > 1:
        first.append(callbacks.button("🔄 Another version", "draft", "again", draft))
    tones = [
        callbacks.button(label, "draft", tone.value, draft)
        for tone, label in TONE_LABELS.items()
        if tone is not result.draft.tone
    ]
    channels = [
        callbacks.button(label, "draft", channel.value, draft)
        for channel, label in CHANNEL_LABELS.items()
        if channel is not result.draft.channel
    ]
    edit = [callbacks.button("✏️ Edit details", "draft", "edit", draft)]
    return InlineKeyboardMarkup([row for row in (first, tones, channels, edit) if row])


async def send_draft(chat: Chat, result: DraftResult) -> None:
    await chat.send_message(presenters.draft_header(result), reply_markup=draft_buttons(result))
    await chat.send_message(presenters.draft_body(result))


# Runs a draft request for the student and answers with each draft (or, for a request the
# core holds, with its questions): `step_forms.DraftForms.deliver`.
Deliver = Callable[[Chat, int, Callable[[], Awaitable[list[DraftResult]]]], Awaitable[None]]


OPTIONS = ("tone", "channel", "template")


def _key(text: str) -> str:
    """A typed choice as the catalogue writes it ("E-mail" → "email", "Office hours" →
    "office_hours")."""
    return "_".join(re.sub(r"[^a-z0-9 _]", "", fold(text).replace("_", " ")).split())


def tone_of(text: str) -> Tone:
    key = _key(text)
    for tone in Tone:
        if key in (tone.value, _key(tone.label)):
            return tone
    raise InvalidInput(f"I don't know the tone “{text[:40]}”. Tones: warm, formal, brief.")


def channel_of(text: str) -> Channel:
    key = _key(text)
    for channel in Channel:
        label = _key(channel.label)
        if key in (channel.value, label, label.split("_")[0]):
            return channel
    choices = ", ".join(f"{c.value} ({c.label})" for c in Channel)
    raise InvalidInput(f"I don't know the channel “{text[:40]}”. Channels: {choices}.")


def followup_template(drafts: DraftService, text: str) -> str:
    key = _key(text).removeprefix(FOLLOWUP_PREFIX)
    for template in drafts.catalogue.templates("followup"):
        if key in (template.id.removeprefix(FOLLOWUP_PREFIX), _key(template.title)):
            return template.id
    kinds = [
        f"• {t.id.removeprefix(FOLLOWUP_PREFIX)} — {t.title}"
        for t in drafts.catalogue.templates("followup")
    ]
    raise InvalidInput(
        presenters.clip("\n".join([f"I don't know the template “{text[:40]}”. Templates:", *kinds]))
    )


def split_options(text: str) -> tuple[str, dict[str, str]]:
    """The `|` line without its trailing `tone: …`, `channel: …`, `template: …` parts (as
    Discord's /followup options), and those options."""
    items = text.split("|")
    options: dict[str, str] = {}
    while len(items) > 1:
        key, colon, value = items[-1].partition(":")
        name = fold(key).strip()
        if not colon or name not in OPTIONS:
            break
        if name in options:
            raise InvalidInput(f"Give {name}: once.")
        if not value.strip():
            raise InvalidInput(f"Write the {name} after “{name}:”.")
        options[name] = value.strip()
        items.pop()
    return "|".join(items), options


def followup_command(drafts: DraftService, deliver: Deliver) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        line, options = split_options(text)
        name, event, discussed, ask = parts(line, 4)
        if not name:
            raise InvalidInput(FOLLOWUP_USAGE)
        fields = {k: v for k, v in (("event", event), ("discussed", discussed), ("ask", ask)) if v}
        # Several people met together: names between `;` (commas belong to "MD, PhD").
        people = tuple(person.strip() for person in name.split(";") if person.strip())
        request = DraftRequest(
            kind="followup",
            people=people,
            fields=fields,
            template_id=followup_template(drafts, options["template"])
            if "template" in options
            else None,
            channel=channel_of(options["channel"]) if "channel" in options else None,
            tone=tone_of(options["tone"]) if "tone" in options else Tone.WARM,
        )
        await deliver(chat, student, lambda: drafts.start(student, request))

    return run


def draft_click(
    drafts: DraftService, ask_details: Callable[[Chat, int, DraftResult], Awaitable[None]]
) -> Click:
    """The draft's buttons, through the same DraftService calls as Discord's.

    A changed draft comes as a new pair of messages, not an edit: the click carries only the
    header (the buttons' message), not the body below it, and the new body lands at the foot of
    the chat, ready to press and hold, with the earlier wording still above to compare. Older
    buttons stay usable: each acts on the draft as it is stored now.
    """

    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        chat = message.chat
        draft_id = int(match["id"])
        action = match["action"]
        if action == "sent":
            await drafts.mark_sent(student, draft_id)
            return "Marked as sent and logged. I'll suggest a nudge if they don't reply."
        if action == "edit":
            await ask_details(chat, student, await drafts.show(student, draft_id))
            return None
        if action == "again":
            result = await drafts.next_version(student, draft_id)
        elif action == "channel":  # buttons from before the per-channel ones
            result = await drafts.other_channel(student, draft_id)
        elif action in CHANNEL_LABELS:
            result = await drafts.other_channel(student, draft_id, Channel(action))
        else:
            result = await drafts.change_tone(student, draft_id, Tone(action))
        await send_draft(chat, result)
        return None

    return run


OUTREACH_PREFIX = "outreach_"  # the catalogue's ids; students type the rest
OUTREACH_USAGE = (
    "Send /outreach kind | name | field: value | field: value …, e.g.\n"
    "/outreach mentorship | Dr. Amara Okafor | ask: a 15-minute call about her path\nKinds:"
)


def outreach_template(drafts: DraftService, typed: str) -> TemplateInfo | None:
    """The first-message template typed as its id, its id without `outreach_`, or its title."""
    catalogue = drafts.catalogue
    key = typed.strip().casefold().replace(" ", "_")
    template = catalogue.get(OUTREACH_PREFIX + key) or catalogue.get(key)
    if template is None:
        titled = {t.title.casefold(): t for t in catalogue.templates("outreach")}
        template = titled.get(typed.strip().casefold())
    return template if template is not None and template.kind == "outreach" else None


def outreach_usage(drafts: DraftService) -> str:
    kinds = [
        f"• {t.id.removeprefix(OUTREACH_PREFIX)} — {t.title}"
        for t in drafts.catalogue.templates("outreach")
    ]
    return presenters.clip("\n".join([OUTREACH_USAGE, *kinds]))


def outreach_fields(items: list[str]) -> dict[str, str]:
    """`field: value` parts, as the template's field names."""
    fields: dict[str, str] = {}
    for item in items:
        key, colon, value = item.partition(":")
        if not colon or not value.strip():
            raise InvalidInput(f"Write each detail as field: value (“{item[:40]}” isn't).")
        name = key.strip().casefold().replace(" ", "_")
        if name not in DRAFT_FIELDS:
            raise InvalidInput(
                f"“{key[:30]}” isn't a detail I use. Details: {', '.join(DRAFT_FIELDS)}."
            )
        fields[name] = value.strip()
    return fields


async def with_paper(
    chat: Chat, papers: PaperService | None, fields: dict[str, str]
) -> dict[str, str]:
    """`paper:` takes a DOI or PubMed id, as on Discord (anything else is refused before any
    wait): the paper looked up (Crossref, PubMed) fills the citation and, unless typed, the
    topic; a note says what was found. Not found, the draft is written without it."""
    typed = fields.pop("paper", None)
    if typed is None:
        return fields
    paper_id = parse_paper_id(typed)
    found = await papers.find(paper_id) if papers is not None else None
    await chat.send_message(presenters.paper_note(paper_id, found))
    if found is not None and found.paper is not None:
        return paper_fields(found.paper, fields)
    return fields


def outreach_command(
    drafts: DraftService, deliver: Deliver, papers: PaperService | None = None
) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        items = [part.strip() for part in text.split("|")] if text else []
        if len(items) < 2 or not items[0] or not items[1]:
            await chat.send_message(outreach_usage(drafts))
            return
        template = outreach_template(drafts, items[0])
        if template is None:
            raise InvalidInput(outreach_usage(drafts))
        request = DraftRequest(
            kind="outreach",
            people=(items[1],),
            template_id=template.id,
            fields=await with_paper(chat, papers, outreach_fields(items[2:])),
        )
        # A detail the template needs and the line lacks is asked for, one question each.
        await deliver(chat, student, lambda: drafts.start(student, request))

    return run
