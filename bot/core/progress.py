"""Networking progress arithmetic: weeks, goals, streaks and rates. Pure functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.models import Contact, Exchange, ExchangeKind

FOLLOW_UP_WINDOW_DAYS = 3
OUTREACH_KINDS = frozenset(
    {ExchangeKind.EMAILED, ExchangeKind.MESSAGED, ExchangeKind.CALLED, ExchangeKind.MEETING}
)


@dataclass(frozen=True, slots=True)
class WeeklyGoal:
    new_contacts: int = 2
    follow_ups: int = 3
    check_ins: int = 1

    @property
    def is_empty(self) -> bool:
        return not (self.new_contacts or self.follow_ups or self.check_ins)


@dataclass(frozen=True, slots=True)
class WeekCounts:
    start: date  # Monday
    new_contacts: int = 0
    follow_ups: int = 0
    check_ins: int = 0
    replies: int = 0

    @property
    def exchanges(self) -> int:
        return self.follow_ups + self.check_ins

    def meets(self, goal: WeeklyGoal) -> bool:
        return (
            not goal.is_empty
            and self.new_contacts >= goal.new_contacts
            and self.follow_ups >= goal.follow_ups
            and self.check_ins >= goal.check_ins
        )


@dataclass(frozen=True, slots=True)
class Progress:
    goal: WeeklyGoal
    this_week: WeekCounts
    weeks: tuple[WeekCounts, ...]  # oldest first, ending with this week
    streak: int
    by_role: tuple[tuple[str, int], ...]
    by_specialty: tuple[tuple[str, int], ...]
    follow_up_rate: float | None  # share of people met who got a follow-up within 3 days
    reply_rate: float | None  # share of people written to who replied


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def classify(exchanges: Iterable[Exchange]) -> list[tuple[Exchange, str]]:
    """Label each outreach exchange 'follow_up' (the first to that contact) or 'check_in'."""
    labelled = []
    seen: set[int] = set()
    for exchange in sorted(exchanges, key=lambda x: (x.happened_on, x.id)):
        if exchange.kind in OUTREACH_KINDS:
            label = "check_in" if exchange.contact_id in seen else "follow_up"
            seen.add(exchange.contact_id)
            labelled.append((exchange, label))
        elif exchange.kind is ExchangeKind.REPLIED:
            labelled.append((exchange, "reply"))
    return labelled


def weekly_counts(
    contacts: Sequence[Contact], exchanges: Sequence[Exchange], *, today: date, weeks: int
) -> list[WeekCounts]:
    """Counts per Monday-to-Sunday week for the last `weeks` weeks, oldest first."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    tallies: dict[date, Counter[str]] = {
        first + timedelta(weeks=n): Counter() for n in range(weeks)
    }
    for contact in contacts:
        start = week_start(contact.created_at.date())
        if start in tallies:
            tallies[start]["new_contacts"] += 1
    for exchange, label in classify(exchanges):
        start = week_start(exchange.happened_on)
        if start in tallies:
            tallies[start]["replies" if label == "reply" else f"{label}s"] += 1
    return [
        WeekCounts(
            start=start,
            new_contacts=t["new_contacts"],
            follow_ups=t["follow_ups"],
            check_ins=t["check_ins"],
            replies=t["replies"],
        )
        for start, t in sorted(tallies.items())
    ]


def streak(weeks: Sequence[WeekCounts], goal: WeeklyGoal) -> int:
    """Consecutive weeks meeting the goal, ending last week (this week counts once met)."""
    count = 0
    history = list(weeks)
    if history and not history[-1].meets(goal):
        history = history[:-1]  # this week is still in progress
    for week in reversed(history):
        if not week.meets(goal):
            break
        count += 1
    return count


def follow_up_rate(contacts: Sequence[Contact], exchanges: Sequence[Exchange]) -> float | None:
    """Of the people met on a known day, the share followed up within three days."""
    first: dict[int, date] = {}
    for exchange, label in classify(exchanges):
        if label == "follow_up":
            first[exchange.contact_id] = exchange.happened_on
    met = [c for c in contacts if c.draft.met_on is not None]
    if not met:
        return None
    quick = sum(
        1
        for c in met
        if c.id in first
        and c.draft.met_on is not None
        and 0 <= (first[c.id] - c.draft.met_on).days <= FOLLOW_UP_WINDOW_DAYS
    )
    return quick / len(met)


def reply_rate(exchanges: Sequence[Exchange]) -> float | None:
    """Of the people the student wrote to, the share who replied afterwards."""
    written: dict[int, date] = {}
    replied: set[int] = set()
    for exchange in sorted(exchanges, key=lambda x: (x.happened_on, x.id)):
        if exchange.kind in (ExchangeKind.EMAILED, ExchangeKind.MESSAGED):
            written.setdefault(exchange.contact_id, exchange.happened_on)
        elif exchange.kind is ExchangeKind.REPLIED:
            since = written.get(exchange.contact_id)
            if since is not None and exchange.happened_on >= since:
                replied.add(exchange.contact_id)
    if not written:
        return None
    return len(replied) / len(written)


def totals(values: Iterable[str | None], *, limit: int = 6) -> tuple[tuple[str, int], ...]:
    counts = Counter(v for v in values if v)
    return tuple(counts.most_common(limit))


def progress(
    contacts: Sequence[Contact],
    exchanges: Sequence[Exchange],
    goal: WeeklyGoal,
    *,
    today: date,
    weeks: int = 12,
) -> Progress:
    history = weekly_counts(contacts, exchanges, today=today, weeks=max(weeks, 53))
    return Progress(
        goal=goal,
        this_week=history[-1],
        weeks=tuple(history[-weeks:]),
        streak=streak(history, goal),
        by_role=totals(c.role.label for c in contacts),
        by_specialty=totals(c.draft.specialty for c in contacts),
        follow_up_rate=follow_up_rate(contacts, exchanges),
        reply_rate=reply_rate(exchanges),
    )
