"""DiscordNotifier: the core's Notifier port over discord.py — DMs to students.

Discord answers 403 with code 50007 when a user's DMs are closed to the bot: that becomes
RecipientUnreachable (one attempt, no retries). discord.py itself waits out 429s and retries
5xx a few times; what still fails becomes DeliveryFailed, and the claim is retried next tick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.core.errors import DeliveryFailed, RecipientUnreachable
from bot.core.events import ScheduledEnding, SeenScheduledEvent
from bot.core.models import Digest, DueItem
from bot.discord_adapter import components, presenters

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

CANNOT_DM = 50007


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

    def __init__(self) -> None:
        self._client: CoachBot | None = None

    def attach(self, bot: CoachBot) -> None:
        self._client = bot

    @property
    def _bot(self) -> CoachBot:
        if self._client is None:
            raise DeliveryFailed("the Discord client is not running yet")
        return self._client

    def _channel(self, channel_id: int) -> discord.PartialMessageable:
        return self._bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def open_dm(self, student_id: int) -> int:
        try:
            channel = await self._bot.create_dm(discord.Object(id=student_id))
        except discord.HTTPException as error:
            raise _translate(error) from error
        return channel.id

    async def _send(self, channel_id: int, nonce: str, **message: Any) -> int:
        try:
            sent = await self._channel(channel_id).send(nonce=nonce, **message)
        except discord.HTTPException as error:
            raise _translate(error) from error
        return sent.id

    async def send_welcome(self, channel_id: int, *, nonce: str) -> int:
        text = self._bot.prompts.render("reminders_welcome")
        return await self._send(channel_id, nonce, content=text)

    async def send_digest(self, channel_id: int, digest: Digest, *, nonce: str) -> int:
        embed = presenters.digest_embed(
            digest,
            empty_text=self._bot.prompts.render("digest_empty"),
            title="Your week in networking",
        )
        view = components.due_view(digest.items, with_stop=True)
        return await self._send(channel_id, nonce, embed=embed, view=view)

    async def send_item(
        self, channel_id: int, student_id: int, item: DueItem, *, nonce: str, late: bool
    ) -> int:
        text = presenters.item_text(item, item.due_on, late=late)
        view = components.single_item_view(item)
        return await self._send(channel_id, nonce, content=text, view=view)

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
        self, channel_id: int, ending: ScheduledEnding, *, nonce: str
    ) -> int:
        text = presenters.event_prompt_text(ending)
        view = components.scheduled_event_view(ending.id)
        return await self._send(channel_id, nonce, content=text, view=view)


def _translate(error: discord.HTTPException) -> Exception:
    if isinstance(error, discord.Forbidden) and error.code == CANNOT_DM:
        return RecipientUnreachable()
    return DeliveryFailed(f"HTTP {error.status} code {error.code}")
