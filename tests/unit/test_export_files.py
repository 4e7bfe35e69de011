"""Packing the export for where it goes: as it is, one zip, or the JSON in parts; every
message within the limits, and nothing lost on the way."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.export_files import (
    ARCHIVE_NAME,
    CONTACTS_ARCHIVE_NAME,
    JSON_NAME,
    PART_KEY,
    ExportFiles,
    ExportRequest,
    FileLimits,
    Packing,
    build_export,
    pickled_rows,
)

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)
STAMP = NOW.isoformat()
KB = 1024


def snapshot(contacts: int, exchanges: int) -> dict[str, list[dict[str, Any]]]:
    """Rows as the store's snapshot gives them; notes vary, so they compress like real ones."""
    rows = [
        {
            "id": n,
            "owner_id": 7,
            "name": f"Person {n}",
            "role": "attending",
            "notes": " ".join(f"word{(n * 7 + k * 13) % 997}" for k in range(40)),
            "tags": '["mentor"]',
            "met_on": "2026-10-01",
            "created_at": STAMP,
            "updated_at": STAMP,
        }
        for n in range(1, contacts + 1)
    ]
    history = [
        {
            "id": n,
            "owner_id": 7,
            "contact_id": n % contacts + 1,
            "kind": "emailed",
            "happened_on": "2026-11-01",
            "note": f"asked about rotation {n * 31 % 1009}",
            "created_at": STAMP,
        }
        for n in range(1, exchanges + 1)
    ]
    return {
        "students": [{"id": 7, "timezone": "UTC", "created_at": STAMP}],
        "contacts": rows,
        "exchanges": history,
        "reminders": [],
    }


def export(data: dict[str, Any], max_file_bytes: int, max_files: int = 10) -> ExportFiles:
    limits = FileLimits(max_file_bytes, max_file_bytes, max_files)
    chunks = asyncio.run(pickled_rows(data))
    return build_export(ExportRequest(7, chunks, "UTC", NOW, limits))


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
    assert document["contacts"] == data["contacts"] and document["exchanges"] == data["exchanges"]


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
    assert json.loads(inside[JSON_NAME])["contacts"] == data["contacts"]


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
    assert merged == data
    names = set(dict(result.files))  # together, or each on its own if they don't fit together
    assert CONTACTS_ARCHIVE_NAME in names or "contacts.csv.zip" in names


def test_an_empty_account_exports() -> None:
    """No rows at all: four files, the JSON with its header."""
    result = export({"students": [], "contacts": [], "exchanges": [], "reminders": []}, 65536)
    document = json.loads(dict(result.files)[JSON_NAME])
    assert document["format"] == "networking-coach-export" and document["contacts"] == []
