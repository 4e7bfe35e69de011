"""Text from other people (imported names, members' display names, server events' names) never
shows as a live masked link, in drafts or in cards."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.core.events import ScheduledEnding
from bot.core.models import Contact, ContactDraft, DueItem, ItemKind, Role
from bot.discord_adapter import presenters

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)
LINK = "[Dr. Okafor](https://evil.example/login)"
ANGLED = "[Open your results](<https://evil.example>)"
# A masked link Discord would render: "[" and "]" not escaped, followed by "(".
LIVE = re.compile(r"(?<!\\)\[[^\[\]\n]*(?<!\\)\]\(")


def _texts(embed: discord.Embed) -> list[str]:
    data: dict[str, Any] = embed.to_dict()
    found = [data.get("title", ""), data.get("description", "")]
    found += [f["value"] for f in data.get("fields", [])] + [
        f["name"] for f in data.get("fields", [])
    ]
    return [t for t in found if t]


@pytest.mark.parametrize("name", [LINK, ANGLED])
def test_a_draft_shows_a_masked_link_as_text(name: str) -> None:
    """The draft's body (copied out by the student) keeps everything but the link syntax."""
    body = f"Dear {name},\n\nThank you for the talk [slides attached].\n\nMaya"
    result = SimpleNamespace(rendered=SimpleNamespace(body=body, subject=None))
    content, files = presenters.draft_content(result)  # type: ignore[arg-type]
    assert files == []
    assert LIVE.search(body) and not LIVE.search(content)
    assert content.replace("\\[", "[").replace("\\]", "]") == body  # nothing else changed


@pytest.mark.parametrize("name", [LINK, ANGLED])
def test_a_card_shows_a_masked_link_as_text(name: str) -> None:
    draft = ContactDraft(
        name=name,
        role=Role.ATTENDING,
        met_event=name,
        notes=name,
        institution=name,
        profile_url=f"https://example.org/{name}",
    )
    contact = Contact(7, 1, draft, NOW, NOW)
    embed = presenters.contact_embed(contact, date(2026, 11, 22))
    texts = _texts(embed)
    assert any("evil.example" in t for t in texts)
    assert not [t for t in texts if LIVE.search(t)]
    line = presenters.item_line(
        DueItem(ItemKind.FOLLOW_UP, date(2026, 11, 22), contact), NOW.date()
    )
    assert not LIVE.search(line)


def test_a_server_event_name_is_text() -> None:
    ending = ScheduledEnding(1, 2, 3, LINK, NOW, NOW)
    assert not LIVE.search(presenters.event_prompt_text(ending))
