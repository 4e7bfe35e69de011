"""The application season as content: one calendar per cycle and the tasks the digest names.

    calendars/<cycle>.toml    the dated facts of one cycle (ERAS, NRMP, VSLO), one file a cycle
    prompts/season.toml       what the coach says each week, timed against those dates: the
                              digest's season tasks, the tips that replace the usual digest tip
                              while they are live (the Match rules in interview season), and
                              the line of each letter reminder

Dates change every cycle, so none of them is in code: a new cycle is a new file, and
`coach templates check` validates every calendar against every task. `SeasonLibrary.load`
raises `SeasonContentError` naming each problem; a cycle with no file is simply absent, and
the caller tells the student so.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.lint import ranking_phrase

# The dates the code reasons about; every calendar gives each one. The label is for problems
# and for the operator, not for students.
DATE_KEYS: dict[str, str] = {
    "vslo_catalogues_open": "away-rotation (VSLO) host catalogues appear",
    "vslo_applications_peak": "away-rotation applications peak",
    "vslo_hosts_open": "most VSLO hosts open applications",
    "eras_opens": "ERAS opens for the season",
    "submissions_open": "applicants may submit to programs",
    "nrmp_registration_opens": "NRMP registration opens",
    "programs_review": "programs start reviewing applications",
    "interviews_begin": "interview season begins",
    "nrmp_early_registration_deadline": "NRMP early-registration deadline",
    "interviews_end": "interview season ends",
    "rank_list_opens": "rank order list entry opens",
    "rank_list_deadline": "rank order list deadline",
    "match_week_begins": "Match Week begins",
    "match_day": "Match Day",
    "eras_closes": "the ERAS season ends",
}
# Pairs that must come in this order in every calendar (a typo in a year shows up here).
_ORDER = [
    ("vslo_catalogues_open", "vslo_applications_peak"),
    ("vslo_applications_peak", "vslo_hosts_open"),
    ("vslo_hosts_open", "submissions_open"),
    ("eras_opens", "submissions_open"),
    ("submissions_open", "programs_review"),
    ("submissions_open", "nrmp_registration_opens"),
    ("nrmp_registration_opens", "nrmp_early_registration_deadline"),
    ("programs_review", "interviews_begin"),
    ("interviews_begin", "interviews_end"),
    ("rank_list_opens", "rank_list_deadline"),
    ("rank_list_deadline", "match_week_begins"),
    ("match_week_begins", "match_day"),
    ("match_day", "eras_closes"),
]
MATCH_SYSTEMS = {"eras_nrmp": "ERAS and the NRMP Match"}
CYCLE_KEY = re.compile(r"^[a-z]{2,10}-\d{4}$")
TASK_TEXT_MAX = 400  # one digest line; the digest embed's field limit is 1,024 characters
REMINDER_TEXT_MAX = 300  # one digest item or DM line
# The line of each letter reminder, and the values each may name beside the calendar's dates.
# {writer} is filled by the adapter (it escapes the name the student typed).
REMINDER_KEYS: dict[str, frozenset[str]] = {
    "letter_ask": frozenset({"ask_by", "tracked", "wanted"}),
    "letter_check": frozenset({"writer", "deadline"}),
    "letter_check_late": frozenset({"writer", "deadline"}),
    "letter_thanks": frozenset({"writer"}),
    "match_outcome": frozenset({"writer"}),
}
_ANCHOR = re.compile(
    r"^\s*(?P<key>[a-z_]+)\s*(?:(?P<sign>[+-])\s*(?P<n>\d{1,3})(?P<unit>[dw]))?\s*$"
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Spelled out rather than strftime("%B"), which follows the machine's locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class SeasonContentError(Exception):
    """A calendar or the season tasks are missing or malformed; `problems` names each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CycleDate:
    """One dated fact of a cycle: a day, known exactly or roughly, and maybe a closing hour."""

    key: str
    on: date
    approximate: bool = False
    at: time | None = None  # in the calendar's deadline time zone

    def shown(self, english: str = "us") -> str:
        """The date as a student reads it: "September 3, 2025", "early June 2025"."""
        month = _MONTHS[self.on.month - 1]
        if self.approximate:
            part = "early " if self.on.day <= 10 else "mid-" if self.on.day <= 20 else "late "
            return f"{part}{month} {self.on.year}"
        day = (
            f"{self.on.day} {month} {self.on.year}"
            if english == "uk"
            else (f"{month} {self.on.day}, {self.on.year}")
        )
        if self.at is None:
            return day
        if english == "uk":
            return f"{day}, {self.at:%H:%M} Eastern time"
        hour = self.at.hour % 12 or 12
        minutes = f":{self.at.minute:02d}" if self.at.minute else ""
        return f"{day}, {hour}{minutes} {'a.m.' if self.at.hour < 12 else 'p.m.'} Eastern time"


@dataclass(frozen=True, slots=True)
class Calendar:
    """The dates of one application cycle, from one file under calendars/."""

    key: str
    title: str
    match_system: str
    match_year: int
    deadline_timezone: str
    confirmed: bool
    dates: Mapping[str, CycleDate]

    def on(self, key: str) -> date:
        return self.dates[key].on

    @property
    def first_day(self) -> date:
        return min(d.on for d in self.dates.values())

    @property
    def last_day(self) -> date:
        return max(d.on for d in self.dates.values())


@dataclass(frozen=True, slots=True)
class Anchor:
    """A day of the calendar with an offset: "submissions_open - 6w"."""

    key: str
    days: int = 0

    def resolve(self, calendar: Calendar) -> date:
        return calendar.on(self.key) + timedelta(days=self.days)


@dataclass(frozen=True, slots=True)
class SeasonTask:
    key: str
    starts: Anchor
    ends: Anchor
    text: str

    def window(self, calendar: Calendar) -> tuple[date, date]:
        return self.starts.resolve(calendar), self.ends.resolve(calendar)

    def said(self, calendar: Calendar, english: str = "us") -> str:
        """The text with its dates filled in, as the student's calendar knows them."""
        end = self.ends.resolve(calendar)
        ends = CycleDate("until", end, approximate=_approximate(self.ends, calendar))

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "until":
                return ends.shown(english)
            return calendar.dates[name].shown(english)

        return _PLACEHOLDER.sub(fill, self.text)


def fill_dates(
    text: str, calendar: Calendar | None, values: Mapping[str, str], english: str = "us"
) -> str:
    """A reminder line with the calendar's dates and the given values filled in; {writer} and
    any other name not given stays as it is, for the adapter to fill."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if calendar is not None and name in calendar.dates:
            return calendar.dates[name].shown(english)
        return match.group()

    return _PLACEHOLDER.sub(fill, text)


def shown_day(day: date, english: str = "us") -> str:
    """A day written out as the season's texts write dates: "September 2, 2026"."""
    return CycleDate("day", day).shown(english)


def _approximate(anchor: Anchor, calendar: Calendar) -> bool:
    return calendar.dates[anchor.key].approximate


@dataclass(frozen=True, slots=True)
class SeasonLibrary:
    calendars: Mapping[str, Calendar]
    tasks: tuple[SeasonTask, ...]
    tips: tuple[SeasonTask, ...] = ()  # live tips replace the digest's usual tip
    reminders: Mapping[str, str] = field(default_factory=dict)  # REMINDER_KEYS → line

    @classmethod
    def load(cls, calendars_dir: Path, tasks_path: Path) -> SeasonLibrary:
        problems: list[str] = []
        calendars: dict[str, Calendar] = {}
        if not calendars_dir.is_dir():
            problems.append(f"missing folder {calendars_dir.name}/")
        else:
            for path in sorted(calendars_dir.glob("*.toml")):
                calendar = _read_calendar(path, problems)
                if calendar is not None:
                    calendars[calendar.key] = calendar
        data = _read_toml(tasks_path, problems)
        tasks = _read_tasks(tasks_path.name, data, "task", problems)
        tips = _read_tasks(tasks_path.name, data, "tip", problems, required=False)
        reminders = _read_reminders(tasks_path.name, data, problems)
        for calendar in calendars.values():
            for task in [*tasks, *tips]:
                start, end = task.window(calendar)
                if start > end:
                    problems.append(
                        f"{tasks_path.name}: task {task.key!r} ends ({end}) before it starts "
                        f"({start}) in {calendar.key}"
                    )
        if problems:
            raise SeasonContentError(problems)
        return cls(calendars, tuple(tasks), tuple(tips), reminders)

    def calendar(self, cycle: str) -> Calendar | None:
        return self.calendars.get(cycle)

    def cycles(self) -> list[str]:
        return sorted(self.calendars)


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"missing {path.name}")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.append(f"{path.name}: cannot be read: {error}")
    return None


def _read_calendar(path: Path, problems: list[str]) -> Calendar | None:
    data = _read_toml(path, problems)
    if data is None:
        return None
    found: list[str] = []
    key = data.get("key")
    if not isinstance(key, str) or not CYCLE_KEY.match(key):
        found.append("`key` must look like us-2027")
    elif key != path.stem:
        found.append(f"`key` {key!r} differs from the file name")
    title = data.get("title")
    if not isinstance(title, str) or not 3 <= len(title) <= 100:
        found.append("`title` must be 3 to 100 characters")
    system = data.get("match_system")
    if system not in MATCH_SYSTEMS:
        found.append(f"`match_system` must be one of {', '.join(MATCH_SYSTEMS)}")
    year = data.get("match_year")
    if not isinstance(year, int) or isinstance(year, bool):
        found.append("`match_year` must be a year")
    zone = data.get("deadline_timezone")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        found.append(f"`deadline_timezone` {zone!r} is not an IANA time zone")
    confirmed = data.get("confirmed")
    if not isinstance(confirmed, bool):
        found.append("`confirmed` must be true or false")
    unknown = set(data) - {
        "key",
        "title",
        "match_system",
        "match_year",
        "deadline_timezone",
        "confirmed",
        "dates",
    }
    found.extend(f"unknown setting {name!r}" for name in sorted(unknown))
    dates = _read_dates(data.get("dates"), found)
    if dates and isinstance(year, int) and "match_day" in dates:
        match_day = dates["match_day"].on
        if match_day.year != year:
            found.append(f"match_day {match_day} is not in match_year {year}")
        if match_day.weekday() != 4:
            found.append(f"match_day {match_day} is not a Friday")
    for first, then in _ORDER:
        if first in dates and then in dates and dates[first].on > dates[then].on:
            found.append(f"{first} ({dates[first].on}) comes after {then} ({dates[then].on})")
    if dates and (max(d.on for d in dates.values()) - min(d.on for d in dates.values())).days > 800:
        found.append("the dates span more than two years; check each year")
    problems.extend(f"{path.name}: {problem}" for problem in found)
    if found:
        return None
    assert isinstance(key, str) and isinstance(title, str) and isinstance(system, str)
    assert isinstance(year, int) and isinstance(confirmed, bool)
    return Calendar(key, title, system, year, str(zone), confirmed, dates)


def _read_dates(raw: object, found: list[str]) -> dict[str, CycleDate]:
    if not isinstance(raw, dict):
        found.append("a [dates] table is needed")
        return {}
    dates: dict[str, CycleDate] = {}
    for name in raw:
        if name not in DATE_KEYS:
            found.append(f"unknown date {name!r}")
    for name in DATE_KEYS:
        value = raw.get(name)
        if value is None:
            found.append(f"missing date {name} ({DATE_KEYS[name]})")
            continue
        parsed = _read_date(name, value, found)
        if parsed is not None:
            dates[name] = parsed
    return dates


def _read_date(name: str, value: object, found: list[str]) -> CycleDate | None:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return CycleDate(name, value)
    if not isinstance(value, dict):
        found.append(f"{name}: a date (2026-09-02) or a table {{ on = …, approximate = true }}")
        return None
    on = value.get("on")
    if not isinstance(on, date) or hasattr(on, "hour"):
        found.append(f"{name}: `on` must be a date like 2026-09-02")
        return None
    approximate = value.get("approximate", False)
    if not isinstance(approximate, bool):
        found.append(f"{name}: `approximate` must be true or false")
        return None
    at: time | None = None
    raw_at = value.get("at")
    if raw_at is not None:
        try:
            at = raw_at if isinstance(raw_at, time) else time.fromisoformat(str(raw_at))
        except ValueError:
            found.append(f'{name}: `at` must be a time like "21:00"')
            return None
        if approximate:
            found.append(f"{name}: an approximate date cannot have a closing time")
            return None
    extra = set(value) - {"on", "approximate", "at"}
    if extra:
        found.append(f"{name}: unknown field(s) {', '.join(sorted(extra))}")
        return None
    return CycleDate(name, on, approximate, at)


def _read_anchor(text: object) -> Anchor | None:
    if not isinstance(text, str):
        return None
    match = _ANCHOR.match(text)
    if not match or match["key"] not in DATE_KEYS:
        return None
    days = 0
    if match["n"]:
        days = int(match["n"]) * (7 if match["unit"] == "w" else 1)
        days = -days if match["sign"] == "-" else days
    return Anchor(match["key"], days)


def _read_tasks(
    name: str,
    data: dict[str, Any] | None,
    table: str,
    problems: list[str],
    *,
    required: bool = True,
) -> list[SeasonTask]:
    """The `[[task]]` (or `[[tip]]`) entries: each a text shown from one date to another."""
    if data is None:
        return []
    raw = data.get(table)
    if raw is None and not required:
        return []
    if not isinstance(raw, list) or not raw:
        problems.append(f"{name}: no [[{table}]] entries")
        return []
    tasks: list[SeasonTask] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, 1):
        where = f"{name}: {table} {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not a table")
            continue
        key = entry.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z_]{3,40}", key):
            problems.append(f"{where}: `key` must be lower_case_words")
            continue
        where = f"{name}: {table} {key!r}"
        if key in seen:
            problems.append(f"{where} appears twice")
        seen.add(key)
        starts, ends = _read_anchor(entry.get("from")), _read_anchor(entry.get("until"))
        if starts is None or ends is None:
            problems.append(
                f"{where}: `from` and `until` must name a calendar date with an optional "
                'offset, like "submissions_open - 6w"'
            )
        text = entry.get("text")
        text_problems = list(_text_problems(text))
        problems.extend(f"{where}: {problem}" for problem in text_problems)
        extra = set(entry) - {"key", "from", "until", "text"}
        if extra:
            problems.append(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
        if starts is None or ends is None or text_problems or extra:
            continue
        assert isinstance(text, str)
        tasks.append(SeasonTask(key, starts, ends, text))
    return tasks


def _read_reminders(name: str, data: dict[str, Any] | None, problems: list[str]) -> dict[str, str]:
    """The `[reminders]` table: one line per letter reminder, every key of REMINDER_KEYS."""
    if data is None:
        return {}
    raw = data.get("reminders")
    if not isinstance(raw, dict):
        problems.append(f"{name}: a [reminders] table is needed")
        return {}
    found: dict[str, str] = {}
    for key in sorted(set(raw) - set(REMINDER_KEYS)):
        problems.append(f"{name}: reminders: unknown key {key!r}")
    for key, allowed in REMINDER_KEYS.items():
        text = raw.get(key)
        if text is None:
            problems.append(f"{name}: reminders: missing {key}")
            continue
        text_problems = list(_text_problems(text, allowed, REMINDER_TEXT_MAX))
        if not text_problems and "writer" in allowed and "{writer}" not in str(text):
            text_problems.append("must name {writer}")
        problems.extend(f"{name}: reminders.{key}: {problem}" for problem in text_problems)
        if not text_problems:
            assert isinstance(text, str)
            found[key] = text
    return found


def _text_problems(
    text: object, allowed: frozenset[str] = frozenset({"until"}), limit: int = TASK_TEXT_MAX
) -> Iterable[str]:
    if not isinstance(text, str) or not text.strip():
        yield "`text` is empty"
        return
    if len(text) > limit:
        yield f"`text` is over {limit} characters"
    for name in _PLACEHOLDER.findall(text):
        if name not in allowed and name not in DATE_KEYS:
            yield f"unknown placeholder {{{name}}}"
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        yield "a stray brace"
    ranking = ranking_phrase(text)
    if ranking:
        yield f"“{ranking}” commits to a ranking or asks about one, against the Match rules"
    if "@" in text or "<" in text:
        yield "no mentions or markup: `@` and `<` are not allowed"
