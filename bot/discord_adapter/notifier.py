"""DiscordNotifier: the core's Notifier port over discord.py — DMs to students.

The core says "send this to this student, with this idempotency key"; everything Discord about
it is here:
- DM channels: a DM is a message to a channel, opened once per student (POST
  /users/@me/channels) and remembered in the database (`DmChannelBook`), so a digest after a
  restart still costs one request.
- Nonces: the key becomes the message's nonce, sent with enforce_nonce (discord.py sets it
  whenever a nonce is given), so a resend after a crash returns the message Discord already
  has instead of posting a second one, for a few minutes (`NONCE_WINDOW`). Discord takes at
  most 25 characters: a longer key is hashed down (`nonce_for`).
- The global rate limit (50 requests/s per token): every proactive request (opening a channel,
  sending) takes a slot of the `Pacer`; `concurrency` tells the delivery tick how many sends
  are worth having in flight.
Discord answers 403 with code 50007 when a user's DMs are closed to the bot: that becomes
RecipientUnreachable (one attempt, no retries). discord.py itself waits out 429s and retries
5xx a few times; what still fails becomes DeliveryFailed, and the claim is retried next tick.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.core.errors import DeliveryFailed, DeliveryNotSent, RecipientUnreachable
from bot.core.events import ScheduledEnding, SeenScheduledEvent
from bot.core.models import Digest, DueItem, MessageRef
from bot.discord_adapter import presenters
from bot.discord_adapter.components.due import due_view, single_item_view
from bot.discord_adapter.components.events import scheduled_event_view
from bot.discord_adapter.pacing import Pacer

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

CANNOT_DM = 50007
NONCE_MAX = 25  # Discord rejects a longer nonce (docs: Create Message, `nonce`)
# docs: Create Message, `enforce_nonce`: a nonce is checked against the messages of "the past
# few minutes", with no figure given. Three minutes is the least that can mean; the bot's own
# retries (a minute apart) fall inside it, and a claim older than it is not resent.
NONCE_WINDOW = timedelta(minutes=3)


def nonce_for(key: str) -> str:
    """The Discord nonce for an idempotency key: the key itself when Discord accepts it, else
    a hash of it (deterministic, so every retry of one key sends the same nonce)."""
    if 0 < len(key) <= NONCE_MAX and key.isascii():
        return key
    return "k" + hashlib.blake2b(key.encode(), digest_size=12).hexdigest()  # 1 + 24 characters


class DmChannelBook(Protocol):
    """Where the DM channel opened for each student is remembered across restarts (the
    students table, through the composition root)."""

    async def dm_channel(self, student_id: int) -> int | None: ...

    async def set_dm_channel(self, student_id: int, channel_id: int | None) -> None: ...


def seen_scheduled_event(event: discord.ScheduledEvent) -> SeenScheduledEvent:
    """A cached scheduled event, in the core's terms."""
    return SeenScheduledEvent(
        guild_id=event.guild_id,
        event_id=event.id,
        name=event.name,
        end_time=event.end_time,
        completed=event.status is discord.EventStatus.completed,
        cancelled=event.status is discord.EventStatus.cancelled,
    )


class DiscordNotifier:
    """Built before the client (the services need it); `attach` gives it the client.

    Also the core's ScheduledEventCache: the scheduled events discord.py keeps from the
    gateway, so the periodic scan makes no API call."""

    def __init__(self, channels: DmChannelBook, pacer: Pacer | None = None) -> None:
        self._client: CoachBot | None = None
        self._channels = channels
        self._pacer = pacer or Pacer()

    def attach(self, bot: CoachBot) -> None:
        self._client = bot

    @property
    def _bot(self) -> CoachBot:
        if self._client is None:
            raise DeliveryNotSent("the Discord client is not running yet")
        return self._client

    @property
    def concurrency(self) -> int:
        return self._pacer.concurrency

    @property
    def idempotency_window(self) -> timedelta:
        return NONCE_WINDOW

    async def idempotency_window_for(self, student_id: int) -> timedelta:
        return NONCE_WINDOW

    async def _dm_channel(self, student_id: int, *, paced: bool) -> discord.PartialMessageable:
        channel_id = await self._channels.dm_channel(student_id)
        if channel_id is None:
            try:
                if paced:
                    async with self._pacer:
                        channel = await self._bot.create_dm(discord.Object(id=student_id))
                else:
                    channel = await self._bot.create_dm(discord.Object(id=student_id))
            except discord.HTTPException as error:
                raise _translate(error) from error
            channel_id = channel.id
            await self._channels.set_dm_channel(student_id, channel_id)
        return self._bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def _send(
        self, student_id: int, key: str, *, paced: bool = True, **message: Any
    ) -> MessageRef:
        channel = await self._dm_channel(student_id, paced=paced)
        try:
            if paced:
                async with self._pacer:
                    sent = await channel.send(nonce=nonce_for(key), **message)
            else:
                sent = await channel.send(nonce=nonce_for(key), **message)
        except discord.HTTPException as error:
            raise _translate(error) from error
        return sent.id

    async def send_welcome(self, student_id: int, *, key: str) -> MessageRef:
        # Answering a command, one at a time: outside the pacer, in the room it leaves free.
        text = self._bot.prompts.render("reminders_welcome")
        return await self._send(student_id, key, paced=False, content=text)

    async def send_digest(self, student_id: int, digest: Digest, *, key: str) -> MessageRef:
        embed = presenters.digest_embed(
            digest,
            empty_text=self._bot.prompts.render("digest_empty"),
            title="Your week in networking",
        )
        view = due_view(digest.items, with_stop=True)
        return await self._send(student_id, key, embed=embed, view=view)

    async def send_item(
        self, student_id: int, item: DueItem, *, key: str, late: bool
    ) -> MessageRef:
        text = presenters.item_text(item, item.due_on, late=late)
        view = single_item_view(item)
        return await self._send(student_id, key, content=text, view=view)

    def cached_scheduled_events(self) -> list[SeenScheduledEvent]:
        if self._client is None:
            return []  # not connected yet: the start-up scan covers what is there
        return [
            seen_scheduled_event(event)
            for guild in self._client.guilds
            for event in guild.scheduled_events
        ]

    async def interested_members(self, guild_id: int, event_id: int) -> list[int]:
        """GET …/scheduled-events/{event}/users, paged by discord.py (100 a page)."""
        try:
            guild = self._bot.get_guild(guild_id) or await self._bot.fetch_guild(guild_id)
            event = await guild.fetch_scheduled_event(event_id)
            return [user.id async for user in event.users(limit=None) if not user.bot]
        except discord.HTTPException as error:
            raise DeliveryFailed(f"HTTP {error.status} code {error.code}") from error

    async def send_event_prompt(
        self, student_id: int, ending: ScheduledEnding, *, key: str
    ) -> MessageRef:
        text = presenters.event_prompt_text(ending)
        view = scheduled_event_view(ending.id)
        return await self._send(student_id, key, content=text, view=view)


def _translate(error: discord.HTTPException) -> Exception:
    if isinstance(error, discord.Forbidden) and error.code == CANNOT_DM:
        return RecipientUnreachable()
    return DeliveryFailed(f"HTTP {error.status} code {error.code}")
