"""`/templates`: every situation the coach drafts for, and one written out, in plain text.

`/templates` (or `/templates list`) lists the catalogue by kind with each template's id;
`/templates preview id | channel` renders one with the student's profile (or a sample one)
through the same `DraftService.preview` as Discord's `/templates preview`. The id may also be
typed without its kind ("mentorship" for outreach_mentorship) or as the template's title.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Chat

from bot.content.templates import TemplateInfo
from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.models import Channel
from bot.core.text import fold
from bot.telegram_adapter.guards import Command
from bot.telegram_adapter.letters import verb_of
from bot.telegram_adapter.parsing import parts
from bot.telegram_adapter.presenters import TEXT_MAX, clip

KINDS = (("followup", "Follow-ups (/followup)"), ("outreach", "Outreach (/outreach)"))
FOOTER = "/templates preview id shows one written out with your profile, e.g. /templates preview "
CHANNELS = ", ".join(channel.value for channel in Channel)
USAGE = (
    "/templates — every situation I draft for\n"
    f"/templates preview id | channel — one written out (channels: {CHANNELS}; e-mail if left out)"
)


def list_messages(templates: Sequence[TemplateInfo]) -> list[str]:
    """The catalogue as messages of at most 4,096 characters each, split between lines."""
    lines = ["Message templates"]
    for kind, heading in KINDS:
        found = [t for t in templates if t.kind == kind]
        if found:
            lines += ["", heading]
            lines += [clip(f"• {t.id} — {t.title}: {t.description}", 500) for t in found]
    if templates:
        lines += ["", FOOTER + templates[0].id]
    messages: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > TEXT_MAX:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*messages, current]


def template_named(drafts: DraftService, typed: str) -> str:
    """The id of the template typed as its id, its id without the kind, or its title."""
    catalogue = drafts.catalogue
    key = fold(typed).strip().replace(" ", "_")
    if catalogue.get(key) is not None:
        return key
    found = [
        t.id
        for t in catalogue.templates()
        if t.id.partition("_")[2] == key or fold(t.title) == fold(typed).strip()
    ]
    if len(found) == 1:
        return found[0]
    raise InvalidInput(
        f"There's no template called “{typed[:40]}”. /templates lists them with their ids."
    )


def channel_of(text: str | None) -> Channel:
    if not text:
        return Channel.EMAIL
    key = fold(text).strip().replace("-", "")
    for channel in Channel:
        if key in (channel.value, fold(channel.label).replace("-", "")):
            return channel
    raise InvalidInput(f"I don't know the channel “{text[:30]}”. Channels: {CHANNELS}.")


def templates_command(drafts: DraftService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        action, rest = verb_of(text)
        if action in ("", "list"):
            for message in list_messages(drafts.catalogue.templates()):
                await chat.send_message(message)
            return
        if action != "preview":
            raise InvalidInput(USAGE)
        typed, channel = parts(rest, 2)
        if not typed:
            await chat.send_message(USAGE)
            return
        info, rendered, own = await drafts.preview(
            student, template_named(drafts, typed), channel_of(channel)
        )
        who = "your profile" if own else "a sample profile (set yours with /profile)"
        lines = [
            f"{info.title} · {Channel(rendered.channel).label}",
            f"Written with {who} and a sample contact.",
            "",
        ]
        if rendered.subject is not None:
            lines += [f"Subject: {rendered.subject}", ""]
        lines.append(rendered.body)
        await chat.send_message(clip("\n".join(lines)))

    return run
