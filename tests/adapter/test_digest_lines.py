"""Digest lines that say where and when the student met someone: short, escaped, no pings."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.meetings import EventKind, MetAt
from bot.core.models import Contact, ContactDraft, DueItem, ItemKind, Role
from bot.discord_adapter.presenters import EVENT_CLIP, item_line

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def item(kind: ItemKind, met_at: MetAt | None, role: Role = Role.ATTENDING) -> DueItem:
    contact = Contact(7, 1, ContactDraft(name="Sam Lee", role=role, met_event="typed"), NOW, NOW)
    return DueItem(kind, TODAY, contact, met_at=met_at)


def test_follow_up_line_names_the_event_its_kind_and_date() -> None:
    met = MetAt(3, "AAMC Annual Meeting", EventKind.CONFERENCE, date(2026, 3, 12))
    line = item_line(item(ItemKind.FOLLOW_UP, met), TODAY)
    assert (
        "Follow up with **Sam Lee** — met at AAMC Annual Meeting (conference), 12 Mar 2026" in line
    )
    assert "typed" not in line  # the record wins over the free text


def test_check_in_line_names_the_event_too() -> None:
    met = MetAt(3, "Cardiology block", EventKind.ROTATION, date(2025, 9, 1))
    line = item_line(item(ItemKind.CHECK_IN, met, Role.TUTOR), TODAY)
    assert "— a progress update (met at Cardiology block (rotation), 1 Sep 2025)" in line


def test_event_names_are_escaped_clipped_and_other_has_no_kind() -> None:
    """Markdown in a student's event name does not format; long names are clipped."""
    met = MetAt(3, "**Bold** _party_ @everyone " + "x" * 200, EventKind.OTHER, TODAY)
    line = item_line(item(ItemKind.FOLLOW_UP, met), TODAY)
    assert "\\*\\*Bold\\*\\* \\_party\\_" in line
    assert "(other)" not in line and "x" * EVENT_CLIP not in line
    assert len(line) < 250


def test_without_a_record_the_typed_where_met_is_kept() -> None:
    line = item_line(item(ItemKind.FOLLOW_UP, None), TODAY)
    assert "(met at typed)" in line
