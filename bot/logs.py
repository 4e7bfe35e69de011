"""Logging set-up, called once by the entry point. Logs carry ids, never names or notes."""

from __future__ import annotations

import logging

import discord

from bot.settings import Secret


class _RedactSecret(logging.Filter):
    """Last line of defence: a record that somehow contains the token gets it masked."""

    def __init__(self, secret: Secret) -> None:
        super().__init__()
        self._value = secret.reveal()

    def filter(self, record: logging.LogRecord) -> bool:
        if self._value and self._value in record.getMessage():
            record.msg = record.getMessage().replace(self._value, "***")
            record.args = ()
        return True


def setup_logging(level: str, token: Secret, *more: Secret) -> None:
    """`token` and `more`: every bot token, masked wherever a record would show one."""
    numeric = logging.getLevelName(level)
    # At DEBUG, libraries log what they carry: discord.py whole gateway payloads, aiosqlite
    # every statement's parameters — students' contact names and notes, interaction tokens.
    # Only our own loggers (which log ids) go below INFO; discord.http (a line per request)
    # and APScheduler (a line per tick) stay at WARNING.
    discord.utils.setup_logging(level=max(numeric, logging.INFO), root=True)
    logging.getLogger("bot").setLevel(numeric)
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    # httpx (python-telegram-bot's HTTP client) logs every request's URL at INFO, and a Bot
    # API URL carries the token: one line per long poll, with the secret in it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(max(numeric, logging.WARNING))
    for secret in (token, *more):
        redact = _RedactSecret(secret)
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact)
