"""CoachBot: the discord.py client, its intents, its commands and its start-up hook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.content.prompts import PromptLibrary
from bot.core.events import EventService
from bot.core.reminders import ReminderService
from bot.core.students import StudentService
from bot.discord_adapter.commands.help import help_embed
from bot.discord_adapter.components.routing import Router
from bot.discord_adapter.identify import IdentifyGate
from bot.discord_adapter.notifier import seen_scheduled_event
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


AppCommand = app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu


# Always the auto-sharded client, so there is one code path: a process without SHARD_COUNT is
# shard 0 of 1 (which Discord treats as unsharded), a sharded one opens SHARD_IDS of
# SHARD_COUNT. Either way DMs and their button clicks arrive on shard 0 only; sending a DM is
# REST, which any process may do, so the sender (core/delivery.py's lease) need not hold it.
class CoachBot(discord.AutoShardedClient):
    """The client: commands and the click/form router come built (app.py wires them); it keeps
    the few services its own events need (welcome, DM reachability, scheduled events)."""

    user: discord.ClientUser

    def __init__(
        self,
        prompts: PromptLibrary,
        *,
        commands: Sequence[AppCommand],
        router: Router,
        students: StudentService,
        reminders: ReminderService,
        events: EventService,
        dev_guild_id: int | None = None,
        sync_dev_guild: bool = True,
        on_start: Callable[[], object] | None = None,
        shard_count: int | None = None,
        shard_ids: Sequence[int] | None = None,
    ) -> None:
        # The bot never joins voice: don't warn at every start that voice libraries are absent.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(),
            # Contact names and notes are user input that may contain @everyone: nothing the
            # bot sends may ping anyone unless a message opts in explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            # Given a count, discord.py connects to DISCORD_GATEWAY_URL (not /gateway/bot's).
            shard_count=shard_count or 1,
            shard_ids=list(shard_ids) if shard_ids is not None else [0],
        )
        # Set by app.py when sharded (the gate asks this client for Discord's limit).
        self.identify_gate: IdentifyGate | None = None
        self.prompts = prompts
        self._commands = tuple(commands)
        self.router = router
        self.students = students
        self.reminders = reminders
        self.events = events
        self.dev_guild_id = dev_guild_id
        self.sync_dev_guild = sync_dev_guild
        self._on_start = on_start
        self.tree = CoachTree(self, students)
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
        if not hasattr(self, "_AutoShardedClient__queue"):
            # Never connected (only Telegram runs, or the login failed): AutoShardedClient's
            # close would post to an event queue that connect() makes. Client's close is the
            # whole of it then. DEP-WARN: discord.py internal.
            await discord.Client.close(self)
            return
        await super().close()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """With SHARD_COUNT set, several processes may share the token: every IDENTIFY takes
        its bucket's turn in the database. Without, discord.py's own spacing of one client."""
        if self.identify_gate is None:
            await super().before_identify_hook(shard_id, initial=initial)
        else:
            await self.identify_gate.wait_turn(shard_id or 0)

    async def max_concurrency(self) -> int:
        """How many shards may identify together (GET /gateway/bot)."""
        return (await self.fetch_session_start_limits()).max_concurrency

    async def drain(self, seconds: float) -> None:
        """Wait (up to `seconds`) for handlers that are still answering students."""
        current = asyncio.current_task()
        pending = [t for t in self._in_flight if t is not current and not t.done()]
        if pending:
            log.info("waiting for %d in-flight interactions before closing", len(pending))
            await asyncio.wait(pending, timeout=seconds)

    async def setup_hook(self) -> None:
        for command in self._commands:
            self.tree.add_command(command)
        if self.dev_guild_id and self.sync_dev_guild:
            guild = discord.Object(id=self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), self.dev_guild_id)
        if self._on_start is not None:
            self._on_start()  # the reminder tick: after login, so sends have a session

    async def on_ready(self) -> None:
        log.info(
            "ready as bot user %s in %d guilds on shards %s of %s",
            self.user.id,
            len(self.guilds),
            ",".join(map(str, self.shard_ids or [0])),
            self.shard_count,
        )
        for guild in self.guilds:
            await self._scan_scheduled_events(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._scan_scheduled_events(guild)

    async def _scan_scheduled_events(self, guild: discord.Guild) -> None:
        """Events that ended while the bot was away (recorded once: the core ignores repeats)."""
        for event in map(seen_scheduled_event, guild.scheduled_events):
            await self.events.scheduled_event_seen(
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
            await self.events.scheduled_event_ended(after.guild_id, after.id, after.name)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        self.track_current_task()
        # Clicks and form submissions (commands and autocomplete go through the tree).
        await self.router.dispatch(interaction)

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
        notice = await self.reminders.reachability_notice(interaction.user.id)
        if notice is not None:
            await interaction.followup.send(notice, ephemeral=True)
        if not await self.students.claim_welcome(interaction.user.id):
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
