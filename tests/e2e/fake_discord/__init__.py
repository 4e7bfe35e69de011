"""A local fake of Discord's REST API and gateway for end-to-end tests.

The real discord.py client connects to it over HTTP and a websocket; tests dispatch
interactions and assert on what the bot sent. See server.FakeDiscord for the API.

Scheduled events (Discord's Events feature): ``add_scheduled_event`` (async; an external event
with its interested members, in GUILD_CREATE and sent as GUILD_SCHEDULED_EVENT_CREATE when
connected), ``end_scheduled_event`` (status 3 and GUILD_SCHEDULED_EVENT_UPDATE, or silently when
no client is connected, as when the bot is down), and the REST routes GET
``/guilds/{guild}/scheduled-events/{event}`` and ``…/{event}/users`` (ascending ids, ``limit``
1–100, ``before``/``after``).

Load: ``FakeDiscord(global_rate_limit=50)`` or ``set_global_rate_limit(50)`` answers requests over
Discord's global limit with its global 429 (see ``ratelimit``: sliding one-second window, per
bot token, interaction callbacks exempt); ``request_counts`` counts requests and 429s;
``add_dm_channel(user, channel)`` makes a DM channel the bot already knows from its database.
"""

from .recording import InteractionHandle, RecordedRequest, Violation
from .server import FakeDiscord

__all__ = ["FakeDiscord", "InteractionHandle", "RecordedRequest", "Violation"]
