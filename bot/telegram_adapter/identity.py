"""Which core student a Telegram user is.

Core student ids were Discord user ids (positive snowflakes). A Telegram user gets the
negative of their Telegram user id (positive, at most 52 bits), so the two id spaces can never
meet and no table is needed while accounts are unlinked. In a private chat Telegram's chat id
is the user id, which is how a notifier finds the chat again: `chat_for(student_id)`.
"""

from __future__ import annotations


def student_for(telegram_user_id: int) -> int:
    if telegram_user_id <= 0:
        raise ValueError("Telegram user ids are positive")
    return -telegram_user_id


def is_telegram_student(student_id: int) -> bool:
    return student_id < 0


def chat_for(student_id: int) -> int:
    """The private chat of a Telegram student (its id is the user's id)."""
    if not is_telegram_student(student_id):
        raise ValueError("not a Telegram student")
    return -student_id
