"""The composition root: the only place that builds concrete classes and wires them together."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType

import aiosqlite
import asyncpg
import discord
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.content.coach import CoachLibrary
from bot.content.prompts import PromptLibrary
from bot.content.samples import SAMPLES
from bot.content.season import SeasonLibrary
from bot.content.templates import CatalogueError, TemplateCatalogue
from bot.core.clock import SystemClock
from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.conversations import ConversationService
from bot.core.delivery import DeliveryService
from bot.core.drafts import DraftService
from bot.core.events import DELIVERY_KIND as EVENT_DELIVERY
from bot.core.events import EventService
from bot.core.flight import SingleFlight
from bot.core.imports import ImportService
from bot.core.interviews import InterviewService
from bot.core.links import LinkService
from bot.core.papers import PaperService
from bot.core.ports import Clock
from bot.core.privacy import PrivacyService
from bot.core.reminders import ReminderService
from bot.core.restore import RestoreService
from bot.core.season_reminders import DELIVERY_KIND as LETTER_DELIVERY
from bot.core.season_reminders import SeasonReminderService
from bot.core.season_service import SeasonService
from bot.core.services import Services
from bot.core.students import StudentService
from bot.discord_adapter.chart_renderer import ChartRenderer
from bot.discord_adapter.client import PROMPT_KEYS, AppCommand, CoachBot
from bot.discord_adapter.commands.coaching import coaching_commands
from bot.discord_adapter.commands.contacts import ContactGroup, save_member_menu
from bot.discord_adapter.commands.drafts import TemplatesGroup, followup_command, outreach_command
from bot.discord_adapter.commands.events import EventGroup, admin_events_command
from bot.discord_adapter.commands.exchanges import log_command
from bot.discord_adapter.commands.help import help_command
from bot.discord_adapter.commands.imports import import_command
from bot.discord_adapter.commands.link import FRONT_END as DISCORD
from bot.discord_adapter.commands.link import link_command
from bot.discord_adapter.commands.privacy import PrivacyGroup
from bot.discord_adapter.commands.profile import profile_command
from bot.discord_adapter.commands.reminders import (
    AdminGroup,
    RemindersGroup,
    due_command,
    remind_command,
)
from bot.discord_adapter.commands.season import InterviewGroup, LettersGroup, SeasonGroup
from bot.discord_adapter.components.contacts import ContactHandlers
from bot.discord_adapter.components.drafts import DraftHandlers
from bot.discord_adapter.components.due import DueHandlers
from bot.discord_adapter.components.events import EventHandlers
from bot.discord_adapter.components.imports import ImportHandlers
from bot.discord_adapter.components.letters import LetterHandlers
from bot.discord_adapter.components.pitch import PitchHandlers
from bot.discord_adapter.components.privacy import PrivacyHandlers
from bot.discord_adapter.components.routing import Router
from bot.discord_adapter.identify import IdentifyGate
from bot.discord_adapter.notifier import DiscordNotifier
from bot.discord_adapter.pacing import Pacer
from bot.file_clock import FileOffsetClock
from bot.lookups.papers import HttpPaperLookup
from bot.looplag import LoopLagMonitor
from bot.routing import RoutedNotifier
from bot.scheduling.scheduler import build_scheduler
from bot.settings import DiscordSettings, Settings
from bot.storage.backends import open_repositories
from bot.telegram_adapter.front_end import PROMPT_KEYS as TELEGRAM_PROMPT_KEYS
from bot.telegram_adapter.front_end import TelegramFrontEnd
from bot.telegram_adapter.identity import FRONT_END as TELEGRAM
from bot.telegram_adapter.identity import TelegramIdentities, is_telegram_student
from bot.telegram_adapter.notifier import TelegramNotifier
from bot.telegram_adapter.pacing import TelegramPacer
from bot.workers import ExecutorOffload, worker_pool

log = logging.getLogger(__name__)

# Long enough for any interaction to finish its answer (Discord allows 3 s for the first one).
DRAIN_SECONDS = 5.0


def point_discord_at(settings: DiscordSettings) -> None:
    """Send REST (and optionally the gateway) through configured proxies or a test fake."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base  # DEP-WARN: discord.py internal
    if settings.gateway_url:
        # DEP-WARN: discord.py internal; the first connection uses this URL, resumes use the
        # resume_gateway_url that READY returns.
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


@dataclass
class App:
    settings: Settings
    db: aiosqlite.Connection | asyncpg.Pool  # the SQLite connection or the PostgreSQL pool
    services: Services
    bot: CoachBot
    scheduler: AsyncIOScheduler
    lag_monitor: LoopLagMonitor | None = None
    workers: ProcessPoolExecutor | None = None  # CPU-heavy work, off the event loop
    papers: HttpPaperLookup | None = None  # its HTTP session is closed with the app
    telegram: TelegramFrontEnd | None = None  # TELEGRAM_TOKEN set: Telegram is served too
    start_scheduler: bool = True
    _closed: asyncio.Event | None = None

    async def run(self) -> None:
        """Connect to Discord and/or Telegram and serve until closed."""
        if self.lag_monitor is not None:
            self.lag_monitor.start()
        if self.telegram is not None:
            await self.telegram.start()
        if self.settings.runs_discord:
            # The reminder tick starts once Discord is ready (on_start): its first sends need
            # the connected client.
            await self.bot.start(self.settings.discord.token.reveal())
            return
        # Telegram alone: the tick starts now (Telegram's sends need only the Bot API).
        if self.start_scheduler and not self.scheduler.running:
            self.scheduler.start()
        self._closed = self._closed or asyncio.Event()
        await self._closed.wait()

    async def close(self) -> None:
        """Let in-flight answers finish, then disconnect and close the database."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.lag_monitor is not None:
            await self.lag_monitor.stop()
        if self.telegram is not None:
            await self.telegram.stop()  # lets the updates being handled finish
        if self._closed is not None:
            self._closed.set()
        if not self.bot.is_closed():
            await self.bot.drain(DRAIN_SECONDS)
            await self.bot.close()
        if self.workers is not None:
            # After the drain: nothing in flight still waits on a worker.
            self.workers.shutdown(wait=True, cancel_futures=True)
        try:
            # Handing the lease over now lets another process send at its next tick.
            await self.services.delivery.release_lease()
        except Exception:
            log.exception("could not release the sender lease; it runs out by itself")
        if self.papers is not None:
            await self.papers.close()
        await self.db.close()

    async def __aenter__(self) -> App:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def load_prompts(settings: Settings) -> PromptLibrary:
    required = PROMPT_KEYS + (TELEGRAM_PROMPT_KEYS if settings.telegram is not None else ())
    return PromptLibrary.load(settings.content.prompts_dir, required=required)


def load_catalogue(settings: Settings) -> TemplateCatalogue:
    """Load and lint the templates once at start: a broken one stops the bot here.

    Only what makes a draft unusable stops the bot (syntax, leftovers, limits); the wording
    itself is judged by `coach templates check` and the tests, before a template ships.
    """
    catalogue = TemplateCatalogue.load(settings.content.templates_dir)
    problems = catalogue.check(SAMPLES, prose=False)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def load_season(settings: Settings) -> SeasonLibrary:
    """The application calendars and the season's tasks; SeasonContentError names problems."""
    return SeasonLibrary.load(
        settings.content.calendars_dir, settings.content.prompts_dir / "season.toml"
    )


def discord_commands(
    services: Services, prompts: PromptLibrary, charts: ChartRenderer | None = None
) -> list[AppCommand]:
    """Every slash command, group and menu, each given the services it calls."""
    flights = services.flights
    contact_group = ContactGroup(services.contacts, services.events)
    contact_group.add_command(import_command(services.imports, flights))  # /contact import
    admin_group = AdminGroup(services.reminders)
    admin_group.add_command(admin_events_command(services.events))  # /admin events
    commands: list[AppCommand] = [
        contact_group,
        log_command(services.contacts),
        followup_command(services.drafts, services.contacts),
        outreach_command(services.drafts, services.contacts, services.papers),
        TemplatesGroup(services.drafts),
        profile_command(services.drafts),
        RemindersGroup(services.reminders),
        remind_command(services.reminders, services.contacts),
        due_command(services.reminders),
        admin_group,
        EventGroup(services.events, services.contacts),
        *coaching_commands(services.coaching, services.contacts, flights=flights, charts=charts),
        PrivacyGroup(services.privacy, prompts, flights, links=services.links),
    ]
    if services.season is not None:
        commands += [SeasonGroup(services.season), LettersGroup(services.season, services.contacts)]
    if services.interviews is not None:
        commands.append(InterviewGroup(services.interviews, services.contacts))
    if services.links is not None:
        commands.append(link_command(services.links))
    commands += [help_command(prompts), save_member_menu(services.contacts)]
    return commands


def discord_router(services: Services) -> Router:
    """The handlers of every button, menu and form, each given the services it calls."""
    return Router(
        ContactHandlers(services.contacts),
        DraftHandlers(services.drafts),
        DueHandlers(services.reminders, services.drafts),
        EventHandlers(services.events, services.contacts, services.drafts),
        ImportHandlers(services.imports),
        LetterHandlers(services.season_reminders, services.drafts),
        PitchHandlers(services.coaching),
        PrivacyHandlers(services.privacy),
    )


async def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sync_dev_guild: bool = True,
    start_scheduler: bool = True,
) -> App:
    """Open and migrate the database, load content, and build the services and the client."""
    test_clock = settings.diagnostics.test_clock_file
    clock = clock or (FileOffsetClock(test_clock) if test_clock else SystemClock())
    prompts = load_prompts(settings)
    catalogue = load_catalogue(settings)
    season_library = load_season(settings)
    point_discord_at(settings.discord)
    url = settings.storage.postgres_url
    store = await open_repositories(
        settings.storage.database_path, url.reveal() if url is not None else None
    )
    db = store.handle
    workers = worker_pool()
    offload = ExecutorOffload(workers)
    try:
        pending = store.pending
        await pending.purge_expired(now=clock.now())
        reminder_repo = store.reminders
        student_repo = store.students
        students = StudentService(student_repo, clock, guilds=reminder_repo)
        contacts = ContactService(store.contacts, pending, students, clock)
        event_repo = store.events  # also where drafts and digests find events
        drafts = DraftService(
            contacts,
            store.profiles,
            store.drafts,
            pending,
            catalogue,
            clock,
            meetings=event_repo,
        )
        coaching = CoachingService(
            CoachLibrary.load(settings.content.prompts_dir / "coach"),
            store.coach,
            contacts,
            drafts,
            pending,
            clock,
        )
        # Linking: a Telegram account joins a Discord student's record (the Discord adapter
        # keeps using Discord user ids as students).
        links = LinkService(
            store.links, student_repo, store.privacy, clock, joining=frozenset({TELEGRAM})
        )
        # The Discord notifier paces Discord's global rate and keeps each student's DM channel
        # in the students table (a digest after a restart is still one request).
        discord_notifier = DiscordNotifier(student_repo, Pacer(settings.scheduler.send_rate))
        identities = TelegramIdentities(links)

        async def route(student_id: int) -> str:
            """Where a student is reached: a Telegram student on Telegram; a Discord student
            on Discord unless they chose their linked account."""
            if is_telegram_student(student_id):
                return TELEGRAM
            if settings.telegram is None:
                return DISCORD  # nothing to choose from: no lookup per send
            chosen = await links.delivery_account(student_id)
            return chosen.front_end if chosen is not None else DISCORD

        notifier = RoutedNotifier(route)
        if settings.runs_discord:
            notifier.serve(DISCORD, discord_notifier)
        paper_lookup = None
        if settings.papers.enabled:
            paper_lookup = HttpPaperLookup(
                crossref_url=settings.papers.crossref_url,
                pubmed_url=settings.papers.pubmed_url,
                timeout=settings.papers.timeout_seconds,
                contact=settings.papers.contact,
            )
        season_repo = store.season
        season = SeasonService(season_repo, season_library, contacts, students, clock)
        season_reminders = SeasonReminderService(
            season_repo, season, contacts, students, reminder_repo, notifier, clock
        )
        reminders = ReminderService(
            reminder_repo,
            student_repo,
            students,
            contacts,
            notifier,
            clock,
            coaching=coaching,
            meetings=event_repo,
            season=season_reminders,
        )
        delivery = DeliveryService(
            reminder_repo,
            student_repo,
            reminders,
            contacts,
            notifier,
            clock,
            lease=store.sender_lease,
        )
        events = EventService(
            event_repo, contacts, reminder_repo, discord_notifier, clock, cache=discord_notifier
        )
        delivery.add_kind(EVENT_DELIVERY, events.tick, events.send_claimed)
        delivery.add_kind(
            LETTER_DELIVERY, season_reminders.claim_due, season_reminders.send_claimed
        )
        services = Services(
            contacts=contacts,
            students=students,
            drafts=drafts,
            reminders=reminders,
            coaching=coaching,
            privacy=PrivacyService(
                store.privacy, contacts, clock, offload, calendars=season_library.calendar
            ),
            imports=ImportService(
                contacts,
                pending,
                clock,
                offload,
                restore=RestoreService(store.restore, students, clock, offload),
            ),
            events=events,
            delivery=delivery,
            flights=SingleFlight(store.jobs, clock),
            season=season,
            season_reminders=season_reminders,
            papers=PaperService(paper_lookup, clock) if paper_lookup is not None else None,
            interviews=InterviewService(
                season_repo, events, event_repo, contacts, drafts, season, clock
            ),
            links=links,
            conversations=ConversationService(pending, students, clock),
        )
        scheduler = build_scheduler(delivery.deliver_due, settings.scheduler.poll_seconds)
        charts = ChartRenderer(offload)  # both front ends' /progress: one cache of the week
        bot = CoachBot(
            prompts,
            commands=discord_commands(services, prompts, charts),
            router=discord_router(services),
            students=students,
            reminders=reminders,
            events=events,
            dev_guild_id=settings.discord.dev_guild_id,
            sync_dev_guild=sync_dev_guild,
            on_start=scheduler.start if start_scheduler else None,
            shard_count=settings.discord.shard_count,
            shard_ids=settings.discord.shard_ids,
        )
        if settings.discord.shard_count is not None:
            # Sharded: other processes may hold the token's other shards; identify in turn.
            bot.identify_gate = IdentifyGate(store.rate_slots, bot.max_concurrency)
        discord_notifier.attach(bot)
        telegram = None
        if settings.telegram is not None:
            telegram = TelegramFrontEnd(
                services,
                prompts,
                settings.telegram.token.reveal(),
                api_base=settings.telegram.api_base,
                identities=identities,
                charts=charts.weekly_png,
            )
            notifier.serve(
                TELEGRAM,
                TelegramNotifier(
                    telegram.application.bot,
                    identities,
                    prompts,
                    TelegramPacer(settings.telegram.send_rate),
                ),
            )
    except BaseException:
        workers.shutdown(wait=False, cancel_futures=True)
        await db.close()
        raise
    lag = settings.diagnostics.loop_lag_report_seconds
    return App(
        settings=settings,
        db=db,
        services=services,
        bot=bot,
        scheduler=scheduler,
        lag_monitor=LoopLagMonitor(lag) if lag else None,
        workers=workers,
        papers=paper_lookup,
        telegram=telegram,
        start_scheduler=start_scheduler,
    )
