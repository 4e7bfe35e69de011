"""A local fake of Discord's REST API and gateway for end-to-end tests.

The real discord.py client connects to it over HTTP and a websocket; tests dispatch
interactions and assert on what the bot sent. See server.FakeDiscord for the API.
"""

from .recording import InteractionHandle, RecordedRequest, Violation
from .server import FakeDiscord

__all__ = ["FakeDiscord", "InteractionHandle", "RecordedRequest", "Violation"]
