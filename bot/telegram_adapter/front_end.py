"""The Telegram front end's lifecycle inside the bot's own event loop.

python-telegram-bot's manual lifecycle (no `run_polling`, which would own the loop):
`initialize` (getMe), the command menu, `start`, then the updater's long polling; stopping
runs the same steps backwards. No JobQueue: the database is the schedule, and the one
APScheduler tick of `bot.scheduling` drives every delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.content.prompts import PromptLibrary
from bot.core.services import Services
from bot.telegram_adapter import callbacks, contacts, drafts, due, help, privacy
from bot.telegram_adapter.guards import Context, Handler, own_click, private_command
from bot.telegram_adapter.ordering import PerChatOrder

log = logging.getLogger(__name__)

PROMPT_KEYS = ("telegram_help", "telegram_group", "telegram_privacy")
# Long-poll length asked of getUpdates (Telegram holds the request up to this many seconds).
POLL_TIMEOUT = 10


def _when(test: Callable[[Update], bool], handler: Handler) -> Handler:
    """Hand the update on only when `test` accepts it (a reply to the bot's own prompt)."""

    async def handle(update: Update, context: Context) -> None:
        if test(update):
            await handler(update, context)

    return handle


class TelegramFrontEnd:
    def __init__(
        self,
        services: Services,
        prompts: PromptLibrary,
        token: str,
        *,
        api_base: str | None = None,
        poll_timeout: int = POLL_TIMEOUT,
    ) -> None:
        builder = ApplicationBuilder().token(token).job_queue(None)
        builder = builder.concurrent_updates(PerChatOrder())
        if api_base:
            builder = builder.base_url(f"{api_base}/bot").base_file_url(f"{api_base}/file/bot")
        # The long poll's read timeout must outlast the poll itself.
        builder = builder.get_updates_read_timeout(poll_timeout + 10)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._poll_timeout = poll_timeout
        self._running = False
        self._register(services, prompts)

    def _register(self, services: Services, prompts: PromptLibrary) -> None:
        app = self.application
        show_help = private_command(prompts, help.help_command(prompts))
        add = private_command(prompts, contacts.add_command(services.contacts))
        app.add_handlers(
            [
                CommandHandler(("start", "help"), show_help),
                CommandHandler("add", add),
                CommandHandler(
                    "profile", private_command(prompts, contacts.profile_command(services.drafts))
                ),
                CommandHandler(
                    "followup", private_command(prompts, drafts.followup_command(services.drafts))
                ),
                CommandHandler(
                    "due", private_command(prompts, due.due_command(services.reminders))
                ),
                CommandHandler(
                    "privacy",
                    private_command(prompts, privacy.privacy_command(services.privacy, prompts)),
                ),
                MessageHandler(
                    filters.REPLY & filters.TEXT & ~filters.COMMAND,
                    _when(contacts.is_add_reply, add),
                ),
            ]
        )
        app.add_handlers(
            [
                CallbackQueryHandler(
                    own_click(callbacks.DUE, due.due_click(services.reminders, services.drafts)),
                    pattern=r"^due:",
                ),
                CallbackQueryHandler(
                    own_click(callbacks.DRAFT, drafts.draft_click(services.drafts)),
                    pattern=r"^draft:",
                ),
                CallbackQueryHandler(
                    own_click(callbacks.DUPE, contacts.resolve_duplicate(services.contacts)),
                    pattern=r"^dupe:",
                ),
                CallbackQueryHandler(
                    own_click(callbacks.PRIVACY, privacy.privacy_click(services.privacy)),
                    pattern=r"^privacy:",
                ),
            ]
        )

    async def start(self) -> None:
        app = self.application
        await app.initialize()  # getMe: a wrong token stops here
        await app.bot.set_my_commands(list(help.MENU))
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            timeout=self._poll_timeout,
            allowed_updates=["message", "callback_query"],
            drop_pending_updates=False,
        )
        self._running = True
        log.info("telegram polling bot=%s", app.bot.id)

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()  # waits for the updates being handled
        await app.shutdown()
