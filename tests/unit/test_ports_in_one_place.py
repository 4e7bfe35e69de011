"""Every port of the core is declared in `bot/core/ports.py`, and only there: a store or a fake
finds the whole contract it must meet in one module."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Protocol

import bot.core


def _protocols_outside_ports() -> list[str]:
    found = []
    for info in pkgutil.iter_modules(bot.core.__path__, "bot.core."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and value.__module__ == info.name
                and Protocol in getattr(value, "__mro__", ())
                and getattr(value, "_is_protocol", False)
                and info.name != "bot.core.ports"
            ):
                found.append(f"{info.name}.{name}")
    return found


def test_every_protocol_of_the_core_lives_in_ports() -> None:
    assert _protocols_outside_ports() == []


def test_the_moved_ports_are_there() -> None:
    ports = importlib.import_module("bot.core.ports")
    for name in (
        "PrivacyRepository",
        "RestoreRepository",
        "MeetingLookup",
        "GuildTimezones",
        "EventRepository",
        "EventNotifier",
        "ScheduledEventCache",
    ):
        assert getattr(ports, name)._is_protocol, name
