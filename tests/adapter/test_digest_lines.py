"""Digest lines that say where and when the student met someone (short, escaped, no pings), and
the messages that may not have arrived."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.core.meetings import EventKind, MetAt
from bot.core.models import (
    Contact,
    ContactDraft,
    Digest,
    DueItem,
    ItemKind,
    MaybeMissed,
    OneOffReminder,
    Role,
    WeekActivity,
)
from bot.discord_adapter.presenters import EVENT_CLIP, digest_embed, item_line

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


def test_a_digest_says_which_messages_may_not_have_arrived() -> None:
    """Uncertain sends get a field of their own: what kind, the local day it was due, and the
    item again when it is still open (its note escaped: it is the student's text)."""
    reminder = OneOffReminder(4, 1, None, "**Call** the clinic", NOW, NOW)
    open_item = DueItem(ItemKind.REMINDER, TODAY, None, reminder=reminder)
    digest = Digest(
        1,
        TODAY,
        (),
        WeekActivity(0, 0, 0),
        maybe_missed=(
            MaybeMissed("reminder", date(2026, 11, 19), open_item),
            MaybeMissed("digest", date(2026, 11, 15)),
        ),
    )
    embed = digest_embed(digest, empty_text="Nothing is due.", title="Your week")
    [field] = [f for f in embed.fields if f.name == "These may not have reached you"]
    assert field.value == (
        "• A reminder due 19 Nov 2026 — \\*\\*Call\\*\\* the clinic\n"
        "• Your weekly digest due 15 Nov 2026"
    )
    plain = digest_embed(replace(digest, maybe_missed=()), empty_text="-", title="Your week")
    assert all(f.name != "These may not have reached you" for f in plain.fields)
