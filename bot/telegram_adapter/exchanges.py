"""`/log`: record an exchange with a contact, on one line.

`/log name | what happened | when | note`, e.g. `/log Amara Okafor | emailed | yesterday`.
Discord picks the contact from suggestions as the student types; here the name must match one
contact (folded: case and accents don't matter), or the reply lists the near matches.
"""

from __future__ import annotations

from telegram import Chat

from bot.core.contacts import ContactService
from bot.core.errors import InvalidInput
from bot.core.models import ExchangeKind
from bot.core.text import fold
from bot.telegram_adapter import presenters
from bot.telegram_adapter.guards import Command
from bot.telegram_adapter.lookup import contact_named
from bot.telegram_adapter.parsing import parts

KINDS = ", ".join(kind.value for kind in ExchangeKind)
LOG_USAGE = (
    "Send /log name | what happened | when | note, e.g.\n"
    "/log Amara Okafor | emailed | yesterday | asked about shadowing\n"
    f"What happened: {KINDS} (default: met)."
)


def kind_of(text: str | None) -> ExchangeKind:
    if not text:
        return ExchangeKind.MET
    key = fold(text).strip()
    for kind in ExchangeKind:
        if key in (kind.value, fold(kind.label)):
            return kind
    raise InvalidInput(f"I don't know “{text[:40]}”. What happened: {KINDS}.")


def log_command(contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        name, kind, when, note = parts(text, 4)
        if not name:
            await chat.send_message(LOG_USAGE)
            return
        contact = await contact_named(contacts, student, name, command="/log")
        updated, exchange = await contacts.log_exchange(
            student, contact.id, kind_of(kind), when=when, note=note
        )
        await chat.send_message(
            presenters.contact_card(
                updated,
                heading=f"Logged: {exchange.kind.label.lower()} on {exchange.happened_on:%d %b}",
            )
        )

    return run
