"""Which core student a Telegram user is, and which chat reaches a student.

Core student ids were Discord user ids (positive snowflakes). An unlinked Telegram user is the
negative of their Telegram user id (positive, at most 52 bits), so the two id spaces never
meet. A Telegram account linked to a Discord record (`/link`) acts as that record: the links
are read on every update, so a link or an unlink applies from the next message on.

Telegram accounts are the ones that join: the Discord adapter keeps using the Discord user id
as the student, whichever side gave the code. In a private chat Telegram's chat id is the
user's id, which is how the notifier finds a student's chat again (`TelegramIdentities.chat_of`).
"""

from __future__ import annotations

from bot.core.links import LinkService

FRONT_END = "telegram"  # this adapter's name in the links (kept by the core, never read)


def student_for(telegram_user_id: int) -> int:
    """The record an unlinked Telegram user has."""
    if telegram_user_id <= 0:
        raise ValueError("Telegram user ids are positive")
    return -telegram_user_id


def is_telegram_student(student_id: int) -> bool:
    return student_id < 0


def chat_for(student_id: int) -> int:
    """The private chat of an unlinked Telegram student (its id is the user's id)."""
    if not is_telegram_student(student_id):
        raise ValueError("not a Telegram student")
    return -student_id


class TelegramIdentities:
    """Telegram users to students and back, through the links when there are any."""

    def __init__(self, links: LinkService | None = None) -> None:
        self._links = links

    async def student(self, telegram_user_id: int) -> int:
        own = student_for(telegram_user_id)
        if self._links is None:
            return own
        linked = await self._links.linked_student(FRONT_END, telegram_user_id)
        return linked if linked is not None else own

    async def chat_of(self, student_id: int) -> int | None:
        """The private chat reaching this student on Telegram (None: no Telegram account)."""
        if is_telegram_student(student_id):
            return chat_for(student_id)
        if self._links is None:
            return None
        account = await self._links.linked_account(student_id, FRONT_END)
        return account.account_id if account is not None else None
