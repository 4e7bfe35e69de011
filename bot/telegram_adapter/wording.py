"""The core's messages in Telegram's words.

The core's errors name commands as a student types them on Discord, in Discord's code spans
(`/contact list`). Telegram shows messages as plain text (no parse_mode: nothing a student
typed can format one), so the spans would show their backticks, and a few commands have
another spelling here. This is the one place that knows both.
"""

from __future__ import annotations

import re

# Discord's spelling → Telegram's (the rest are spelled alike).
COMMANDS = {
    "/contact list": "/contacts",
    "/contact search": "/contacts",
    "/contact show": "/contact",
    "/contact edit": "/edit",
    "/contact remove": "/remove",
    "/contact add": "/add",
    "/contact import": "a file sent to this chat",
    "/privacy export": "/export",
    "/privacy show": "/privacy",
    "/templates list": "/templates",
    "/reminders setup": "/reminders on",
}
_SPAN = re.compile(r"`([^`\n]{1,80})`")
_COMMAND = re.compile("|".join(re.escape(c) for c in sorted(COMMANDS, key=len, reverse=True)))


def for_telegram(text: str) -> str:
    """Code spans without their backticks, and Discord's command names as Telegram's."""
    plain = _SPAN.sub(lambda span: span.group(1), text)
    return _COMMAND.sub(lambda found: COMMANDS[found.group(0)], plain)
