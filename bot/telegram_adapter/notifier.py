"""TelegramNotifier: the core's Notifier port over the Bot API — messages in the student's
private chat.

The core says "send this to this student, with this idempotency key"; everything Telegram about
it is here:
- The chat: a private chat's id is the user's id. An unlinked Telegram student's id is the
  negative of it; a linked student's Telegram account is read from the links (`ChatBook`).
- Limits: about 30 messages a second overall and one a second per chat (`TelegramPacer`). A 429
  is waited out (its `retry_after`, for every send) and the same message is tried again: a 429
  means Telegram did not take it.
- Idempotency: sendMessage takes no key, so Telegram cannot recognise a resend. The window is
  therefore zero: a claim left open by a crash is never resent (the next digest says it may not
  have arrived), and a send that left without an answer (a timeout, a dropped connection)
  raises DeliveryUncertain for the same reason. A send Telegram certainly did not take (a
  refused connection, 429 to the end, an error answer) raises DeliveryNotSent: the ledger
  keeps that mark, and the later tick sends it again.
- 403 (the student blocked the bot, or deleted their account) and 400 "chat not found" (they
  never pressed Start) become RecipientUnreachable: one attempt, no retries, exactly as a
  Discord DM to closed DMs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Protocol

import httpx
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.content.prompts import PromptLibrary
from bot.core.errors import DeliveryNotSent, DeliveryUncertain, RecipientUnreachable
from bot.core.models import Digest, DueItem, MessageRef
from bot.telegram_adapter import presenters
from bot.telegram_adapter.due import SHOWN, due_keyboard, item_keyboard
from bot.telegram_adapter.pacing import TelegramPacer, retry_seconds

log = logging.getLogger(__name__)

# 429s waited out for one message before the claim is left for a later tick (Telegram said
# no each time, so the later try is safe).
MAX_FLOOD_WAITS = 5
NO_WINDOW = timedelta(0)
# Failures before the request left this machine: Telegram never saw it.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class ChatBook(Protocol):
    """Where a student's private chat with the bot is found (None: they have no Telegram
    account the bot knows)."""

    async def chat_of(self, student_id: int) -> int | None: ...


class TelegramNotifier:
    def __init__(
        self,
        bot: Bot,
        chats: ChatBook,
        prompts: PromptLibrary,
        pacer: TelegramPacer,
    ) -> None:
        self._bot = bot
        self._chats = chats
        self._prompts = prompts
        self._pacer = pacer

    @property
    def concurrency(self) -> int:
        return self._pacer.concurrency

    @property
    def idempotency_window(self) -> timedelta:
        return NO_WINDOW

    async def idempotency_window_for(self, student_id: int) -> timedelta:
        return NO_WINDOW

    async def _chat(self, student_id: int) -> int:
        chat = await self._chats.chat_of(student_id)
        if chat is None:
            raise RecipientUnreachable()
        return chat

    async def _send(
        self, student_id: int, text: str, markup: InlineKeyboardMarkup | None, *, paced: bool
    ) -> MessageRef:
        chat = await self._chat(student_id)

        async def send() -> MessageRef:
            message = await self._bot.send_message(chat, text, reply_markup=markup)
            return message.message_id

        return await self._deliver(student_id, chat, send, paced=paced)

    async def _deliver(
        self,
        student_id: int,
        chat: int,
        send: Callable[[], Awaitable[MessageRef]],
        *,
        paced: bool,
    ) -> MessageRef:
        for _ in range(MAX_FLOOD_WAITS + 1):
            if paced:
                await self._pacer.turn(chat)
            try:
                return await send()
            except RetryAfter as flood:
                seconds = retry_seconds(flood)
                log.warning("telegram 429 student=%s retry_after=%.0f s", student_id, seconds)
                self._pacer.pause(seconds)
                paced = True  # the retry waits its turn behind the pause
            except Forbidden as error:
                log.info("telegram refused student=%s: %s", student_id, error.message)
                raise RecipientUnreachable() from error
            except BadRequest as error:
                if "chat not found" in error.message.casefold():
                    raise RecipientUnreachable() from error
                raise DeliveryNotSent(f"telegram 400: {error.message}") from error
            except NetworkError as error:
                if isinstance(error.__cause__, NOT_SENT):
                    # Never reached Telegram: safe to try again later.
                    raise DeliveryNotSent("telegram unreachable") from error
                # It left and no answer came (a timeout, a dropped connection, a 5xx that
                # python-telegram-bot reports as a NetworkError): it may have arrived.
                raise DeliveryUncertain(f"telegram: {type(error).__name__}") from error
            except TelegramError as error:
                raise DeliveryNotSent(f"telegram: {error.message}") from error
        raise DeliveryNotSent("telegram kept answering 429")

    async def send_welcome(self, student_id: int, *, key: str) -> MessageRef:
        # Answering a command, one at a time: outside the pacer.
        text = self._prompts.render("telegram_reminders_welcome")
        return await self._send(student_id, text, None, paced=False)

    async def send_digest(self, student_id: int, digest: Digest, *, key: str) -> MessageRef:
        text = presenters.digest_text(
            digest, empty_text=self._prompts.render("telegram_digest_empty"), shown=SHOWN
        )
        return await self._send(student_id, text, due_keyboard(digest, with_stop=True), paced=True)

    async def send_item(
        self, student_id: int, item: DueItem, *, key: str, late: bool
    ) -> MessageRef:
        text = presenters.item_text(item, late=late)
        return await self._send(student_id, text, item_keyboard(item), paced=True)
