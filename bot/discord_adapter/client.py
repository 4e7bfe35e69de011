"""CoachBot: the discord.py client, its intents, its commands and its start-up hook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.content.prompts import PromptLibrary
from bot.core.services import Services
from bot.discord_adapter.chart_renderer import ChartRenderer
from bot.discord_adapter.commands.coaching import coaching_commands
from bot.discord_adapter.commands.contacts import ContactGroup, save_member_menu
from bot.discord_adapter.commands.drafts import TemplatesGroup, followup_command, outreach_command
from bot.discord_adapter.commands.events import EventGroup, admin_events_command
from bot.discord_adapter.commands.exchanges import log_command
from bot.discord_adapter.commands.help import help_command, help_embed
from bot.discord_adapter.commands.imports import import_command
from bot.discord_adapter.commands.privacy import PrivacyGroup
from bot.discord_adapter.commands.profile import profile_command
from bot.discord_adapter.commands.reminders import (
    AdminGroup,
    RemindersGroup,
    due_command,
    remind_command,
)
from bot.discord_adapter.commands.season import InterviewGroup, LettersGroup, SeasonGroup
from bot.discord_adapter.components import DYNAMIC_ITEMS
from bot.discord_adapter.modals import dispatch_form
from bot.discord_adapter.notifier import seen_scheduled_event
from bot.discord_adapter.season_items import SEASON_ITEMS
from bot.discord_adapter.tree import CoachTree

log = logging.getLogger(__name__)

# Prompt keys this adapter renders; checked when the library loads.
PROMPT_KEYS = (
    "help",
    "help_title",
    "welcome",
    "welcome_title",
    "digest_empty",
    "reminders_welcome",
    "privacy",
)

# Read Messages/View Channels, Send Messages, Embed Links, Attach Files: enough to answer in
# channels and to DM digests with embeds and exported files. Nothing else.
REQUIRED_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, embed_links=True, attach_files=True
)


def intents() -> discord.Intents:
    """No privileged intents: slash commands arrive as interactions, not messages."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_scheduled_events = True  # not privileged: when a server's event ends
    return wanted


def install_commands(
    tree: app_commands.CommandTree[Any],
    services: Services,
    prompts: PromptLibrary,
    charts: ChartRenderer | None = None,
) -> None:
    flights = services.flights
    contact_group = ContactGroup(services.contacts)
    contact_group.add_command(import_command(services.imports, flights))  # /contact import
    tree.add_command(contact_group)
    tree.add_command(log_command(services.contacts))
    tree.add_command(followup_command(services.drafts))
    tree.add_command(outreach_command(services.drafts, services.papers))
    tree.add_command(TemplatesGroup(services.drafts))
    tree.add_command(profile_command(services.drafts))
    tree.add_command(RemindersGroup(services.reminders))
    tree.add_command(remind_command(services.reminders))
    tree.add_command(due_command(services.reminders))
    admin_group = AdminGroup(services.reminders)
    admin_group.add_command(admin_events_command(services.events))  # /admin events
    tree.add_command(admin_group)
    tree.add_command(EventGroup(services.events))
    for command in coaching_commands(services.coaching, flights=flights, charts=charts):
        tree.add_command(command)
    tree.add_command(PrivacyGroup(services.privacy, prompts, flights))
    if services.season is not None:
        tree.add_command(SeasonGroup(services.season))
        tree.add_command(LettersGroup(services.season))
    if services.interviews is not None:
        tree.add_command(InterviewGroup(services.interviews))
    tree.add_command(help_command(prompts))
    tree.add_command(save_member_menu(services.contacts))


class CoachBot(discord.Client):
    user: discord.ClientUser

    def __init__(
        self,
        services: Services,
        prompts: PromptLibrary,
        *,
        dev_guild_id: int | None = None,
        sync_dev_guild: bool = True,
        on_start: Callable[[], object] | None = None,
        charts: ChartRenderer | None = None,
    ) -> None:
        # The bot never joins voice: don't warn at every start that voice libraries are absent.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(),
            # Contact names and notes are user input that may contain @everyone: nothing the
            # bot sends may ping anyone unless a message opts in explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.services = services
        self.prompts = prompts
        self.dev_guild_id = dev_guild_id
        self.sync_dev_guild = sync_dev_guild
        self._on_start = on_start
        self.charts = charts
        self.tree = CoachTree(self)
        self._in_flight: set[asyncio.Task[Any]] = set()

    def track_current_task(self) -> None:
        """Count the running handler as in flight, so shutdown can let it finish."""
        task = asyncio.current_task()
        if task is not None and task not in self._in_flight:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def close(self) -> None:
        # discord.py's delayed-ready task (it waits for the guilds, then dispatches `ready`)
        # outlives Client.close(): stopped during start-up, it would dispatch onto the closed
        # client, leaving a never-awaited coroutine. DEP-WARN: discord.py internal.
        ready = getattr(self._connection, "_ready_task", None)
        if ready is not None:
            ready.cancel()
        await super().close()

    async def drain(self, seconds: float) -> None:
        """Wait (up to `seconds`) for handlers that are still answering students."""
        current = asyncio.current_task()
        pending = [t for t in self._in_flight if t is not current and not t.done()]
        if pending:
            log.info("waiting for %d in-flight interactions before closing", len(pending))
            await asyncio.wait(pending, timeout=seconds)

    async def setup_hook(self) -> None:
        install_commands(self.tree, self.services, self.prompts, self.charts)
        self.add_dynamic_items(*DYNAMIC_ITEMS, *SEASON_ITEMS)
        if self.dev_guild_id and self.sync_dev_guild:
            guild = discord.Object(id=self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), self.dev_guild_id)
        if self._on_start is not None:
            self._on_start()  # the reminder tick: after login, so sends have a session

    async def on_ready(self) -> None:
        log.info("ready as bot user %s in %d guilds", self.user.id, len(self.guilds))
        for guild in self.guilds:
            await self._scan_scheduled_events(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._scan_scheduled_events(guild)

    async def _scan_scheduled_events(self, guild: discord.Guild) -> None:
        """Events that ended while the bot was away (recorded once: the core ignores repeats)."""
        for event in map(seen_scheduled_event, guild.scheduled_events):
            await self.services.events.scheduled_event_seen(
                event.guild_id,
                event.event_id,
                event.name,
                completed=event.completed,
                end_time=event.end_time,
                cancelled=event.cancelled,
            )

    async def on_scheduled_event_update(
        self, before: discord.ScheduledEvent, after: discord.ScheduledEvent
    ) -> None:
        """A server's event ended: the core decides whether anyone is asked, and when."""
        if after.status is discord.EventStatus.completed:
            await self.services.events.scheduled_event_ended(after.guild_id, after.id, after.name)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        self.track_current_task()
        if interaction.type is discord.InteractionType.modal_submit:
            await dispatch_form(interaction)

    async def on_app_command_completion(
        self, interaction: discord.Interaction[Any], command: Any
    ) -> None:
        """The one-time welcome, sent after a student's first successful command; and, once,
        why their last reminder DM bounced (their DMs were closed)."""
        self.track_current_task()
        answered_with_message = interaction.response.type in (
            discord.InteractionResponseType.channel_message,
            discord.InteractionResponseType.deferred_channel_message,
        )
        if not answered_with_message:
            return  # a form is open; welcome them next time
        notice = await self.services.reminders.reachability_notice(interaction.user.id)
        if notice is not None:
            await interaction.followup.send(notice, ephemeral=True)
        if not await self.services.students.claim_welcome(interaction.user.id):
            return
        if command.qualified_name == "help":
            return  # /help already says everything the welcome would
        await interaction.followup.send(embed=help_embed(self.prompts, "welcome"), ephemeral=True)


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id,
        permissions=REQUIRED_PERMISSIONS,
        scopes=("bot", "applications.commands"),
    )
