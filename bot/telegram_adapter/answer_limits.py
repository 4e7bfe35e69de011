"""Answers to a student's own command or button, kept within Telegram's limits.

Proactive sends (digests, reminders) are paced by `pacing.TelegramPacer`, and the notifier
waits out a 429 itself. An answer goes at once (a private chat takes a short burst), and when
Telegram answers 429 because a burst ran long (five drafts are ten messages; an export is four
documents), the answer waits the `retry_after` Telegram gives and is sent again, instead of
the command failing with a generic error. python-telegram-bot calls this for every request
(`ApplicationBuilder.rate_limiter`); only requests made while handling an update (`ANSWERING`,
set by `guards`) are retried here, so the notifier's own 429 handling sees its 429s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram_adapter.pacing import retry_seconds

log = logging.getLogger(__name__)

# True in the task handling a student's update (a command, a button, a file, an answer).
ANSWERING: ContextVar[bool] = ContextVar("telegram_answering", default=False)
ANSWER_RETRIES = 3
# Longer than this, the student is better told to try again than left waiting.
MAX_WAIT_SECONDS = 30.0

Result = bool | dict[str, Any] | list[dict[str, Any]]


class AnswerLimiter(BaseRateLimiter[None]):
    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        if not ANSWERING.get():
            return await callback(*args, **kwargs)
        for attempt in range(ANSWER_RETRIES + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as flood:
                seconds = retry_seconds(flood)
                if attempt == ANSWER_RETRIES or seconds > MAX_WAIT_SECONDS:
                    raise
                log.warning("telegram 429 on an answer %s: waiting %.0f s", endpoint, seconds)
                await asyncio.sleep(seconds)
        raise AssertionError("unreachable: the last attempt returns or raises")
