"""Packing the export for where it goes: as it is, one zip, or the JSON in parts; every
message within the limits, and nothing lost on the way."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

import icalendar
import pytest

from bot.core.events import EventKind
from bot.core.export_files import (
    ARCHIVE_NAME,
    CONTACTS_ARCHIVE_NAME,
    DEADLINES_NAME,
    JSON_NAME,
    PART_KEY,
    CycleDay,
    ExportFiles,
    ExportRequest,
    FileLimits,
    Packing,
    build_export,
    pickled_snapshot,
)
from bot.core.export_format import (
    ContactRecord,
    EventRecord,
    ExchangeRecord,
    ExportSnapshot,
    InterviewRecord,
    LetterRecord,
    SeasonPlanRecord,
    StudentRecord,
    record_json,
)
from bot.core.letters import LetterStage
from bot.core.models import ExchangeKind, Role
from bot.core.season import Route

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)
KB = 1024


def _contact(n: int) -> ContactRecord:
    return ContactRecord(
        id=n,
        name=f"Person {n}",
        role=Role.ATTENDING,
        title=None,
        specialty=None,
        institution=None,
        met_event=None,
        met_on=date(2026, 10, 1),
        email=None,
        profile_url=None,
        notes=" ".join(f"word{(n * 7 + k * 13) % 997}" for k in range(40)),
        tags=("mentor",),
        discord_user_id=None,
        cadence_days=None,
        address_as=None,
        created_at=NOW,
        updated_at=NOW,
        follow_up_on=None,
        snoozed_until=None,
    )


def snapshot(contacts: int, exchanges: int, **season: Any) -> ExportSnapshot:
    """Records as a store's snapshot gives them; notes vary, so they compress like real ones."""
    history = tuple(
        ExchangeRecord(
            contact=n % contacts + 1,
            kind=ExchangeKind.EMAILED,
            happened_on=date(2026, 11, 1),
            note=f"asked about rotation {n * 31 % 1009}",
            created_at=NOW,
        )
        for n in range(1, exchanges + 1)
    )
    return ExportSnapshot(
        student=(StudentRecord("UTC", None, NOW),),
        contacts=tuple(_contact(n) for n in range(1, contacts + 1)),
        exchanges=history,
        **season,
    )


def as_json(data: ExportSnapshot) -> dict[str, list[dict[str, Any]]]:
    return {section: [record_json(r) for r in records] for section, records in data.sections()}


def export(
    data: ExportSnapshot,
    max_file_bytes: int,
    max_files: int = 10,
    cycle: tuple[CycleDay, ...] = (),
) -> ExportFiles:
    limits = FileLimits(max_file_bytes, max_file_bytes, max_files)
    chunks = asyncio.run(pickled_snapshot(data))
    return build_export(ExportRequest(7, chunks, "UTC", NOW, limits, cycle))


def assert_within(result: ExportFiles, limit: int, max_files: int = 10) -> None:
    for message in result.messages:
        assert 0 < len(message) <= max_files
        assert sum(len(data) for _, data in message) <= limit


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_files_that_fit_go_as_they_are() -> None:
    """Four files in one message, the JSON holding every row."""
    data = snapshot(20, 40)
    result = export(data, 10 * 1024 * KB)
    assert result.packing is Packing.FILES and len(result.messages) == 1
    names = [name for name, _ in result.files]
    assert names == [JSON_NAME, "contacts.csv", "contacts.vcf", "follow-ups.ics"]
    document = json.loads(dict(result.files)[JSON_NAME])
    assert document["version"] == 3
    expected = as_json(data)
    assert document["contacts"] == expected["contacts"]
    assert document["exchanges"] == expected["exchanges"]


def test_files_over_the_limit_go_in_one_zip_holding_all_four() -> None:
    """Over the limit as they are, under it zipped: one zip, the same four files inside."""
    data = snapshot(400, 1600)
    plain = export(data, 10 * 1024 * KB)
    size = sum(len(d) for _, d in plain.files)
    result = export(data, size // 2)
    assert result.packing is Packing.ARCHIVE
    [[(name, archive)]] = result.messages
    assert name == ARCHIVE_NAME
    assert_within(result, size // 2)
    inside = unzip(archive)
    assert sorted(inside) == sorted(dict(plain.files))
    assert json.loads(inside[JSON_NAME])["contacts"] == as_json(data)["contacts"]


@pytest.mark.parametrize("max_files", [10, 2])
def test_a_zip_over_the_limit_becomes_parts_that_hold_every_row_once(max_files: int) -> None:
    """The JSON in numbered parts, every message within the limits, every row in exactly one
    part, in order; the contacts' other formats in their own zip."""
    data = snapshot(2000, 8000)
    limit = 64 * KB
    result = export(data, limit, max_files)
    assert result.packing is Packing.PARTS and result.parts >= 2
    assert_within(result, limit, max_files)
    parts = [(n, d) for n, d in result.files if n.startswith("networking-coach-part-")]
    assert len(parts) == result.parts
    merged: dict[str, list[Any]] = {}
    ids = set()
    for number, (name, archive) in enumerate(parts, 1):
        assert name == f"networking-coach-part-{number}-of-{result.parts}.zip"
        [document] = [json.loads(v) for v in unzip(archive).values()]
        part = document[PART_KEY]
        assert (part["number"], part["of"]) == (number, result.parts)
        ids.add(part["export"])
        for table, rows in document.items():
            if isinstance(rows, list):
                merged.setdefault(table, []).extend(rows)
    assert len(ids) == 1
    assert merged == as_json(data)
    names = set(dict(result.files))  # together, or each on its own if they don't fit together
    assert CONTACTS_ARCHIVE_NAME in names or "contacts.csv.zip" in names


def test_an_empty_account_exports() -> None:
    """No records at all: four files (no season deadlines), the JSON with its header."""
    result = export(ExportSnapshot(), 65536)
    document = json.loads(dict(result.files)[JSON_NAME])
    assert document["format"] == "networking-coach-export" and document["contacts"] == []


SEASON = {
    "season_plan": (SeasonPlanRecord("us-2027", Route.ERAS_NRMP, 2027, ("Cardiology",), NOW),),
    "events": (
        EventRecord(1, "Interview: Riverside", EventKind.INTERVIEW, date(2026, 12, 3), NOW),
        EventRecord(2, "Interview: Old", EventKind.INTERVIEW, date(2026, 11, 1), NOW),
    ),
    "interviews": (
        InterviewRecord(1, "Riverside IM", False, NOW),
        InterviewRecord(2, "Old Program", True, NOW),
    ),
    "letters": (
        LetterRecord(
            1, LetterStage.AGREED, date(2026, 11, 1), date(2027, 1, 10), None, None, None, NOW, NOW
        ),
        LetterRecord(2, LetterStage.ASKED, date(2026, 11, 1), None, None, None, None, NOW, NOW),
        LetterRecord(
            3,
            LetterStage.SUBMITTED,
            date(2026, 11, 1),
            date(2027, 1, 5),
            None,
            date(2026, 11, 5),
            None,
            NOW,
            NOW,
        ),
    ),
}
CYCLE = (
    CycleDay("submissions_open", "applicants may submit to programs", date(2026, 9, 3)),
    CycleDay("rank_list_deadline", "rank order list deadline", date(2027, 2, 25)),
    CycleDay("match_day", "Match Day", date(2027, 3, 19)),
    CycleDay("interviews_end", "interview season ends", date(2027, 1, 31), approximate=True),
)


def _entries(ics: bytes) -> list[tuple[str, str]]:
    calendar = icalendar.Calendar.from_ical(ics)
    return [(str(e.get("dtstart").dt), str(e.get("summary"))) for e in calendar.walk("VEVENT")]


def test_the_season_s_upcoming_deadlines_are_a_calendar_of_their_own() -> None:
    """Cycle dates from the plan, open letters' deadlines (the submission day for one with
    none: already past here) and interview days, from today on; past ones and letters already
    in are left out."""
    result = export(snapshot(3, 0, **SEASON), 10 * 1024 * KB, cycle=CYCLE)
    names = [name for name, _ in result.files]
    assert names[-1] == DEADLINES_NAME and len(names) == 5
    assert _entries(dict(result.files)[DEADLINES_NAME]) == [
        ("2026-12-03", "Interview: Riverside IM"),
        ("2027-01-10", "Letter due from Person 1"),
        ("2027-01-31", "Interview season ends (approximate date)"),
        ("2027-02-25", "Rank order list deadline"),
        ("2027-03-19", "Match Day"),
    ]
    document = json.loads(dict(result.files)[JSON_NAME])
    assert document["letters"][0]["stage"] == "agreed"
    assert document["interviews"][1] == {
        "event": 2,
        "program": "Old Program",
        "no_contact": True,
        "created_at": NOW.isoformat(),
    }


def test_a_plan_not_applying_this_year_puts_no_cycle_dates_in_it() -> None:
    plan = (SeasonPlanRecord("us-2027", Route.NOT_THIS_YEAR, None, (), NOW),)
    result = export(snapshot(3, 0, season_plan=plan), 10 * 1024 * KB, cycle=CYCLE)
    assert DEADLINES_NAME not in dict(result.files)
