"""`/followup` and a draft's buttons: the draft comes as its own plain message, easy to copy.

A request that needs the student's profile or more details is held by the core; here the
student is told what to send (one line), since Telegram has no forms.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.core.drafts import DraftRequest, DraftResult, DraftService, FieldsRequired, ProfileRequired
from bot.core.errors import InvalidInput
from bot.core.models import DRAFT_FIELDS
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.parsing import parts

FOLLOWUP_USAGE = (
    "Send /followup name | where you met | what you talked about | your ask, e.g.\n"
    "/followup Amara Okafor | the cardiology interest group talk | her heart-failure clinic"
)
PROFILE_FIRST = (
    "Drafts are signed with your details: send /profile your name | school | year first "
    "(e.g. /profile Maya Chen | Riverside School of Medicine | MS2), then /followup again."
)


def draft_buttons(result: DraftResult) -> InlineKeyboardMarkup:
    draft = result.draft.id
    return InlineKeyboardMarkup(
        [
            [
                callbacks.button("✅ Mark as sent", "draft", "sent", draft),
                callbacks.button("🔄 Another version", "draft", "again", draft),
            ]
        ]
    )


async def send_draft(chat: Chat, result: DraftResult) -> None:
    await chat.send_message(presenters.draft_header(result), reply_markup=draft_buttons(result))
    await chat.send_message(presenters.draft_body(result))


async def deliver(
    chat: Chat, make: Callable[[], Awaitable[list[DraftResult]]], *, usage: str = ""
) -> None:
    """Run a draft request and answer with each draft, or with what it still needs."""
    try:
        results = await make()
    except ProfileRequired:
        await chat.send_message(PROFILE_FIRST)
        return
    except FieldsRequired as held:
        await chat.send_message(
            f"“{held.title}” needs: {', '.join(held.fields)}.\n{usage or FOLLOWUP_USAGE}"
        )
        return
    for result in results:
        await send_draft(chat, result)


def followup_command(drafts: DraftService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            await chat.send_message(FOLLOWUP_USAGE)
            return
        name, event, discussed, ask = parts(text, 4)
        if not name:
            raise InvalidInput(FOLLOWUP_USAGE)
        fields = {k: v for k, v in (("event", event), ("discussed", discussed), ("ask", ask)) if v}
        request = DraftRequest(kind="followup", people=(name,), fields=fields)
        await deliver(chat, lambda: drafts.start(student, request))

    return run


def draft_click(drafts: DraftService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        chat = message.chat
        draft_id = int(match["id"])
        if match["action"] == "sent":
            await drafts.mark_sent(student, draft_id)
            return "Marked as sent and logged. I'll suggest a nudge if they don't reply."
        await send_draft(chat, await drafts.next_version(student, draft_id))
        return None

    return run


OUTREACH_PREFIX = "outreach_"  # the catalogue's ids; students type the rest
OUTREACH_USAGE = (
    "Send /outreach kind | name | field: value | field: value …, e.g.\n"
    "/outreach mentorship | Dr. Amara Okafor | ask: a 15-minute call about her path\nKinds:"
)


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


def outreach_command(drafts: DraftService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        items = [part.strip() for part in text.split("|")] if text else []
        if len(items) < 2 or not items[0] or not items[1]:
            await chat.send_message(outreach_usage(drafts))
            return
        kind = items[0].casefold().replace(" ", "_")
        template = drafts.catalogue.get(OUTREACH_PREFIX + kind) or drafts.catalogue.get(kind)
        if template is None or template.kind != "outreach":
            raise InvalidInput(outreach_usage(drafts))
        request = DraftRequest(
            kind="outreach",
            people=(items[1],),
            template_id=template.id,
            fields=outreach_fields(items[2:]),
        )
        short = template.id.removeprefix(OUTREACH_PREFIX)
        usage = f"Add each as field: value, e.g.\n/outreach {short} | {items[1]} | " + (
            " | ".join(f"{name}: …" for name in template.requires) or "ask: …"
        )
        await deliver(chat, lambda: drafts.start(student, request), usage=usage)

    return run
