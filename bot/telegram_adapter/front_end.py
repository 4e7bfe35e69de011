"""The Telegram front end's lifecycle inside the bot's own event loop.

python-telegram-bot's manual lifecycle (no `run_polling`, which would own the loop):
`initialize` (getMe), the command menu, `start`, then the updater's long polling; stopping
runs the same steps backwards. No JobQueue: the database is the schedule, and the one
APScheduler tick of `bot.scheduling` drives every delivery.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.content.prompts import PromptLibrary
from bot.core.services import Services
from bot.telegram_adapter import (
    callbacks,
    coaching,
    contacts,
    drafts,
    due,
    events,
    exchanges,
    files,
    help,
    linking,
    privacy,
    records,
    remind,
    reminders,
)
from bot.telegram_adapter.answer_limits import AnswerLimiter
from bot.telegram_adapter.guards import (
    Click,
    Command,
    Handler,
    own_click,
    private_command,
    private_upload,
    unknown_click,
)
from bot.telegram_adapter.identity import FRONT_END, TelegramIdentities, is_telegram_student
from bot.telegram_adapter.ordering import PerChatOrder
from bot.telegram_adapter.season import season_handlers
from bot.telegram_adapter.step_forms import (
    CoachingForms,
    ContactForms,
    DraftForms,
    EditForm,
    EventForms,
)
from bot.telegram_adapter.steps import StepByStep, or_ask

log = logging.getLogger(__name__)

PROMPT_KEYS = (
    "telegram_help",
    "telegram_group",
    "telegram_privacy",
    "telegram_digest_empty",
    "telegram_reminders_welcome",
)
BLOCKED_NOTICE = (
    "Your last digest or reminder couldn't reach you here (the bot was blocked or stopped). "
    "You'll get the next one."
)
# Long-poll length asked of getUpdates (Telegram holds the request up to this many seconds).
POLL_TIMEOUT = 10


def _reachability(services: Services) -> Callable[[int], Awaitable[str | None]]:
    """Once after a send bounced (the student had blocked the bot), say so: as Discord does
    after a DM to closed DMs; from now on sends are tried again."""

    async def notice(student: int) -> str | None:
        bounced = await services.reminders.reachability_notice(student)
        if bounced is None:
            return None
        if is_telegram_student(student):
            return BLOCKED_NOTICE
        # A linked record is reached on Discord unless the student chose Telegram.
        chosen = await services.links.delivery_account(student) if services.links else None
        return BLOCKED_NOTICE if chosen is not None and chosen.front_end == FRONT_END else bounced

    return notice


class TelegramFrontEnd:
    def __init__(
        self,
        services: Services,
        prompts: PromptLibrary,
        token: str,
        *,
        api_base: str | None = None,
        poll_timeout: int = POLL_TIMEOUT,
        identities: TelegramIdentities | None = None,
        charts: files.ChartDrawer | None = None,
    ) -> None:
        self._charts = charts
        self._identities = identities or TelegramIdentities(services.links)
        builder = ApplicationBuilder().token(token).job_queue(None)
        builder = builder.concurrent_updates(PerChatOrder()).rate_limiter(AnswerLimiter())
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
        identities = self._identities
        notice = _reachability(services)

        def command(run: Command) -> Handler:
            return private_command(prompts, run, identities, notice=notice)

        def click(pattern: re.Pattern[str], run: Click) -> CallbackQueryHandler[Any, None]:
            # The button's own grammar routes it; data no grammar accepts falls to the last
            # handler (`unknown_click`).
            return CallbackQueryHandler(own_click(pattern, run, identities), pattern=pattern)

        assert services.conversations is not None, "Telegram asks step by step"
        steps = StepByStep(services.conversations)
        contact_forms = ContactForms(
            steps, services.contacts, services.events, contacts.present_added
        )
        draft_forms = DraftForms(steps, services.drafts, drafts.send_draft)
        event_forms = EventForms(steps, services.events)
        coaching_forms = CoachingForms(steps, services.coaching)
        edit_form = EditForm(steps, services.contacts)
        add = or_ask(
            contact_forms.start_add,
            contacts.add_command(services.contacts, services.events),
        )
        log_exchange = or_ask(contact_forms.start_log, exchanges.log_command(services.contacts))
        profile = or_ask(draft_forms.start_profile, contacts.profile_command(services.drafts))
        followup = or_ask(
            draft_forms.start_followup,
            drafts.followup_command(services.drafts, draft_forms.deliver),
        )
        outreach = or_ask(
            draft_forms.start_outreach,
            drafts.outreach_command(services.drafts, draft_forms.deliver, services.papers),
        )
        handlers: list[BaseHandler[Any, Any, Any]] = [
            CommandHandler(("start", "help"), command(help.help_command(prompts))),
            CommandHandler("add", command(add)),
            CommandHandler("profile", command(profile)),
            CommandHandler("cancel", command(steps.cancel_command())),
            CommandHandler("log", command(log_exchange)),
            CommandHandler("contacts", command(records.contacts_command(services.contacts))),
            CommandHandler("contact", command(records.contact_command(services.contacts))),
            CommandHandler(
                "edit", command(records.edit_command(services.contacts, edit_form.ask_edit))
            ),
            CommandHandler("remove", command(records.remove_command(services.contacts))),
            CommandHandler(
                "remind", command(remind.remind_command(services.reminders, services.contacts))
            ),
            CommandHandler("event", command(events.event_command(services.events))),
            click(callbacks.CONTACTS, records.more_click(services.contacts)),
            click(callbacks.CONTACT, records.remove_click(services.contacts)),
            click(
                callbacks.CARD,
                records.card_click(
                    services.contacts,
                    services.drafts,
                    draft_forms.deliver,
                    contact_forms.ask_log,
                    edit_form.ask_edit,
                ),
            ),
            click(
                callbacks.EVENT,
                events.event_click(
                    services.events,
                    services.drafts,
                    draft_forms.deliver,
                    event_forms.ask_people,
                ),
            ),
            CommandHandler("followup", command(followup)),
            CommandHandler("outreach", command(outreach)),
            CommandHandler(
                "export", command(files.export_command(services.privacy, services.flights))
            ),
            MessageHandler(
                # Private chats only: in a group with privacy mode off, every file posted there
                # would otherwise get an answer.
                filters.ChatType.PRIVATE & filters.Document.ALL,
                private_upload(
                    prompts, files.import_upload(services.imports, services.flights), identities
                ),
            ),
            CommandHandler("due", command(due.due_command(services.reminders))),
            CommandHandler("tip", command(coaching.tip_command(services.coaching))),
            CommandHandler(
                "prep", command(coaching.prep_command(services.coaching, services.contacts))
            ),
            CommandHandler(
                "pitch",
                command(
                    or_ask(coaching_forms.start_pitch, coaching.pitch_command(services.coaching))
                ),
            ),
            CommandHandler("goals", command(coaching.goals_command(services.coaching))),
            click(callbacks.PITCH, coaching.pitch_click(services.coaching)),
            CommandHandler("reminders", command(reminders.reminders_command(services.reminders))),
            CommandHandler("privacy", command(privacy.privacy_command(services.privacy, prompts))),
            MessageHandler(
                # Private chats only: in a group every message would otherwise get an answer.
                filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                command(steps.text_reply()),
            ),
            click(callbacks.STEP, steps.click()),
            click(
                callbacks.DUE,
                due.due_click(services.reminders, services.drafts, draft_forms.deliver),
            ),
            click(callbacks.REMINDERS, due.reminders_off_click(services.reminders)),
            click(callbacks.DRAFT, drafts.draft_click(services.drafts, draft_forms.ask_details)),
            click(callbacks.DUPE, contacts.resolve_duplicate(services.contacts)),
            click(callbacks.PRIVACY, privacy.privacy_click(services.privacy)),
            click(callbacks.IMPORT, files.import_click(services.imports)),
        ]
        if self._charts is not None:
            progress = files.progress_command(services.coaching, self._charts, services.flights)
            handlers.append(CommandHandler("progress", command(progress)))
        if services.links is not None:
            handlers.append(CommandHandler("link", command(linking.link_command(services.links))))
        handlers.extend(season_handlers(services, command, click, draft_forms.deliver))
        handlers.append(CallbackQueryHandler(unknown_click))
        app.add_handlers(handlers)

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
