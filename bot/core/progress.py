"""Networking progress arithmetic: weeks, goals, streaks and rates. Pure functions.

The rules are defined here, over a student's whole lists of contacts and exchanges
(`weekly_counts`, `network_counts`). The database counts the same figures through its indexes
(ports: `ContactRepository.week_counts` and `network_counts`), held equal to these functions by
a property test; the service assembles a `Progress` from those small results (`assemble`), so
its cost does not grow with the student's number of contacts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.models import Contact, Exchange, ExchangeKind, Role

FOLLOW_UP_WINDOW_DAYS = 3
OUTREACH_KINDS = frozenset(
    {ExchangeKind.EMAILED, ExchangeKind.MESSAGED, ExchangeKind.CALLED, ExchangeKind.MEETING}
)
WRITTEN_KINDS = frozenset({ExchangeKind.EMAILED, ExchangeKind.MESSAGED})
CHART_WEEKS = 12  # the weeks `/progress` shows
STREAK_WEEKS = 53  # how far back a streak is counted: a year
TOP_VALUES = 6  # roles and specialties named in `/progress`


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


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """This week against the goal, and the streak: the digest's goal line."""

    goal: WeeklyGoal
    this_week: WeekCounts
    streak: int


@dataclass(frozen=True, slots=True)
class NetworkCounts:
    """The figures of the student's whole network, as counts: a few numbers and at most
    `top` specialties, whatever the number of contacts."""

    roles: tuple[tuple[Role, int], ...]  # every role the student has, with how many
    specialties: tuple[tuple[str, int], ...]  # the `top` most common (see `ranked`)
    met: int  # contacts with a day met
    followed_up: int  # of those, followed up within FOLLOW_UP_WINDOW_DAYS of meeting
    written: int  # contacts e-mailed or messaged
    replied: int  # of those, who replied on or after the first message


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


def _follow_up_counts(
    contacts: Sequence[Contact], exchanges: Sequence[Exchange]
) -> tuple[int, int]:
    """(people met on a known day, of those followed up within three days of meeting)."""
    first: dict[int, date] = {}
    for exchange, label in classify(exchanges):
        if label == "follow_up":
            first[exchange.contact_id] = exchange.happened_on
    met = [c for c in contacts if c.draft.met_on is not None]
    quick = sum(
        1
        for c in met
        if c.id in first
        and c.draft.met_on is not None
        and 0 <= (first[c.id] - c.draft.met_on).days <= FOLLOW_UP_WINDOW_DAYS
    )
    return len(met), quick


def _reply_counts(exchanges: Sequence[Exchange]) -> tuple[int, int]:
    """(people e-mailed or messaged, of those who replied on or after the day of the first
    message). Days, not the order exchanges were logged in: a reply logged before the message
    it answers, the same day, still counts."""
    written: dict[int, date] = {}
    last_reply: dict[int, date] = {}
    for exchange in exchanges:
        day, contact_id = exchange.happened_on, exchange.contact_id
        if exchange.kind in WRITTEN_KINDS:
            written[contact_id] = min(day, written.get(contact_id, day))
        elif exchange.kind is ExchangeKind.REPLIED:
            last_reply[contact_id] = max(day, last_reply.get(contact_id, day))
    replied = sum(1 for c, since in written.items() if c in last_reply and last_reply[c] >= since)
    return len(written), replied


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def follow_up_rate(contacts: Sequence[Contact], exchanges: Sequence[Exchange]) -> float | None:
    """Of the people met on a known day, the share followed up within three days."""
    met, quick = _follow_up_counts(contacts, exchanges)
    return _share(quick, met)


def reply_rate(exchanges: Sequence[Exchange]) -> float | None:
    """Of the people the student wrote to, the share who replied afterwards."""
    written, replied = _reply_counts(exchanges)
    return _share(replied, written)


def ranked(counts: Iterable[tuple[str, int]], *, limit: int) -> tuple[tuple[str, int], ...]:
    """The most common values first, ties in the order of the values (as SQL's ORDER BY count
    DESC, value sorts them: code point order)."""
    return tuple(sorted(counts, key=lambda vc: (-vc[1], vc[0]))[:limit])


def totals(values: Iterable[str | None], *, limit: int = TOP_VALUES) -> tuple[tuple[str, int], ...]:
    return ranked(Counter(v for v in values if v).items(), limit=limit)


def network_counts(
    contacts: Sequence[Contact], exchanges: Sequence[Exchange], *, top: int = TOP_VALUES
) -> NetworkCounts:
    """The network figures of `/progress`, over the whole lists (the rule the SQL counts)."""
    roles = Counter(c.role for c in contacts)
    met, followed_up = _follow_up_counts(contacts, exchanges)
    written, replied = _reply_counts(exchanges)
    return NetworkCounts(
        roles=tuple(sorted(roles.items())),
        specialties=totals((c.draft.specialty for c in contacts), limit=top),
        met=met,
        followed_up=followed_up,
        written=written,
        replied=replied,
    )


def goal_progress(goal: WeeklyGoal, history: Sequence[WeekCounts]) -> GoalProgress:
    """This week (the last of `history`) against the goal, with the streak over `history`."""
    return GoalProgress(goal=goal, this_week=history[-1], streak=streak(history, goal))


def assemble(
    goal: WeeklyGoal,
    history: Sequence[WeekCounts],
    network: NetworkCounts,
    *,
    weeks: int = CHART_WEEKS,
) -> Progress:
    """`/progress` from its counts: `history` ends with this week and reaches back
    STREAK_WEEKS (the streak), of which the last `weeks` are charted."""
    return Progress(
        goal=goal,
        this_week=history[-1],
        weeks=tuple(history[-weeks:]),
        streak=streak(history, goal),
        by_role=ranked(((role.label, n) for role, n in network.roles), limit=TOP_VALUES),
        by_specialty=network.specialties[:TOP_VALUES],
        follow_up_rate=_share(network.followed_up, network.met),
        reply_rate=_share(network.replied, network.written),
    )


def progress(
    contacts: Sequence[Contact],
    exchanges: Sequence[Exchange],
    goal: WeeklyGoal,
    *,
    today: date,
    weeks: int = CHART_WEEKS,
) -> Progress:
    """`/progress` over whole lists: what the service's counts add up to."""
    history = weekly_counts(contacts, exchanges, today=today, weeks=max(weeks, STREAK_WEEKS))
    return assemble(goal, history, network_counts(contacts, exchanges), weeks=weeks)
