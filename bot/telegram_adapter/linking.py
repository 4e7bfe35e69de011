"""`/link`: one record for a student's Discord and Telegram accounts.

`/link` alone gives a one-time code to type into Discord's `/link` (or, once linked, says so);
`/link ABCD-EFGH` enters a code Discord gave. Once linked: `/link here` sends digests and
reminders to Telegram, `/link discord` back to Discord, `/link off` unlinks (the Telegram
account starts again from an empty record of its own).
"""

from __future__ import annotations

from telegram import Chat

from bot.core.links import LinkService
from bot.telegram_adapter.guards import Command
from bot.telegram_adapter.identity import FRONT_END, student_for

LINKED = (
    "Linked: this chat and your Discord account now share one record — the same contacts, "
    "drafts and reminders. Digests and reminders still go to {where}; /link here sends them "
    "to this chat instead."
)


def _where(delivers_here: bool) -> str:
    return "this chat" if delivers_here else "Discord"


def link_command(links: LinkService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        # In a private chat the chat id is the user's id: the account being linked.
        account = chat.id
        word = text.casefold()
        if word in ("here", "discord"):
            await links.deliver_to(student, FRONT_END if word == "here" else None)
            await chat.send_message(f"Done: digests and reminders go to {_where(word == 'here')}.")
            return
        if word == "off":
            removed = await links.unlink(student)
            await chat.send_message(
                "Unlinked: this chat is its own record again (empty), and your Discord "
                "account keeps everything."
                if removed
                else "This account isn't linked to anything."
            )
            return
        if text:
            await links.redeem(text, FRONT_END, account, student, own_record=student_for(account))
            await chat.send_message(LINKED.format(where="Discord"))
            return
        mine = await links.linked_account(student, FRONT_END)
        if mine is not None and mine.account_id == account:
            await chat.send_message(
                "This chat shares its record with your Discord account; digests and reminders "
                f"go to {_where(mine.delivers)}.\n/link here · /link discord: where they go\n"
                "/link off: unlink"
            )
            return
        issued = await links.issue(student, FRONT_END, account)
        await chat.send_message(
            f"Your link code: {issued.code}\nIn Discord, run /link code:{issued.code} within "
            "10 minutes. It works once. Or send /link followed by a code Discord gave you."
        )

    return run
