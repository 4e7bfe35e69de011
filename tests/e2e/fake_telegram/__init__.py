"""A fake Telegram Bot API on loopback, driven like the fake Discord (see server.py)."""

from .server import FakeTelegram, TelegramUser

__all__ = ["FakeTelegram", "TelegramUser"]
