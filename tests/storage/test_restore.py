"""Restoring the JSON export on real SQLite and PostgreSQL: the round trip is exact, bad files
change nothing.

The services are the real ones wired to one store's repositories (and a recording notifier);
the account is built through them, as a student would build it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import CoachError, InvalidInput
from bot.core.imports import ImportService
from bot.core.models import ContactDraft
from bot.core.restore import AccountNotEmpty, RestorePreview, RestoreResult
from bot.core.services import Services
from bot.storage.backends import postgres_repositories, sqlite_repositories
from tests.exports import normalised, rich_account, store_services
from tests.fakes import FakeClock, RecordingNotifier
from tests.storage.stores import REPOSITORIES, SQLITE, kinds_for, open_store

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
C = 333_333_333_333_333_333


@dataclass
class World:
    clock: FakeClock
    services: Services
    privacy: Any  # the store's privacy repository
    notifier: RecordingNotifier

    @property
    def imports(self) -> ImportService:
        return self.services.imports

    async def export(self, owner: int) -> dict[str, Any]:
        files = dict((await self.services.privacy.export(owner)).files)
        return json.loads(files["networking-coach.json"])

    async def restore(self, owner: int, document: dict[str, Any] | bytes) -> RestoreResult:
        data = document if isinstance(document, bytes) else json.dumps(document).encode()
        preview = await self.imports.preview(owner, data)
        assert isinstance(preview, RestorePreview) and preview.pending_id is not None
        result = await self.imports.confirm(owner, preview.pending_id)
        assert isinstance(result, RestoreResult)
        return result


@pytest.fixture(params=kinds_for(*REPOSITORIES))
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    """Every repository of one store (SQLite or PostgreSQL) behind the services."""
    store = await open_store(request.param, request, tmp_path)
    repos = (sqlite_repositories if store.kind == SQLITE else postgres_repositories)(store.handle)
    clock = FakeClock()
    notifier = RecordingNotifier()
    services = store_services(repos, clock, notifier=notifier)
    yield World(clock, services, repos.privacy, notifier)
    await store.close()


@pytest.fixture
async def exported(world: World) -> dict[str, Any]:
    """A's rich account, exported; C has data of their own."""
    await rich_account(world.services, world.clock, A)
    await rich_account(world.services, world.clock, C)
    return await world.export(A)


async def test_the_rich_account_fills_every_exported_table(exported: dict[str, Any]) -> None:
    """The fixture is rich: every table has rows, so the round trip covers all of them."""
    tables = [k for k, v in exported.items() if isinstance(v, list)]
    assert {t: len(exported[t]) > 0 for t in tables} == dict.fromkeys(tables, True)
    assert any(r["done_at"] for r in exported["reminders"])
    assert any(r["done_at"] is None for r in exported["reminders"])
    assert any(d["sent_at"] for d in exported["drafts"])


async def test_export_delete_import_export_is_exact(world: World, exported: dict) -> None:
    """Export, erase, restore, export again: the same document but for ids and the export
    time; another student's rows are untouched."""
    other = await world.privacy.snapshot(C)
    await world.services.privacy.delete_everything(A)
    result = await world.restore(A, exported)
    assert result.counts["contacts"] == len(exported["contacts"])
    again = await world.export(A)
    assert normalised(again) == normalised(exported)
    assert again["contacts"][0]["notes"] == exported["contacts"][0]["notes"]
    assert await world.privacy.snapshot(C) == other


async def test_import_into_another_empty_account_is_exact(world: World, exported: dict) -> None:
    """The file's student and owner ids are ignored: B gets everything, A keeps theirs."""
    before = await world.privacy.snapshot(A)
    await world.restore(B, exported)
    assert normalised(await world.export(B)) == normalised(exported)
    assert await world.privacy.snapshot(A) == before
    ids = {c["id"] for c in (await world.export(B))["contacts"]}
    assert ids.isdisjoint(c["id"] for c in exported["contacts"])  # new ids, remapped


async def test_restored_digest_is_rescheduled_and_past_reminders_come_once(
    world: World, exported: dict
) -> None:
    """Restored an hour after a reminder fell due: no digest fires at the restore (the next
    one is computed from now, not taken from the file); that reminder is delivered once, at
    the next tick; the done one never."""
    [card] = [r for r in exported["reminders"] if (r["note"] or "").startswith("Thank-you")]
    await world.services.privacy.delete_everything(A)
    world.clock.set(datetime.fromisoformat(card["due_at"]) + timedelta(hours=1))
    await world.restore(A, exported)
    settings = await world.services.reminders.settings(A)
    assert settings is not None and settings.next_digest_at is not None
    assert world.clock.now() < settings.next_digest_at <= world.clock.now() + timedelta(days=7)
    await world.services.delivery.deliver_due()
    await world.services.delivery.deliver_due()
    assert world.notifier.digests(A) == []
    notes = [m.item.reminder.note for m in world.notifier.items(A) if m.item and m.item.reminder]
    assert notes == [card["note"]]


# -- rejections: each leaves every table as it was ---------------------------------------------


async def _refused(world: World, owner: int, data: bytes) -> str:
    before = await world.privacy.counts(owner)
    with pytest.raises(CoachError) as caught:
        await world.imports.preview(owner, data)
    assert await world.privacy.counts(owner) == before
    return caught.value.user_message


async def test_refused_into_an_account_with_data(world: World, exported: dict) -> None:
    """A has data: the restore is refused, naming /privacy delete and the CSV alternative."""
    message = await _refused(world, A, json.dumps(exported).encode())
    assert "/privacy delete" in message and "contacts.csv" in message


async def test_refused_at_confirm_if_data_arrived_since_the_preview(
    world: World, exported: dict
) -> None:
    """Between preview and Import the student added a contact: Import refuses, writes nothing."""
    preview = await world.imports.preview(B, json.dumps(exported).encode())
    assert preview.pending_id is not None
    await world.services.contacts.add(B, ContactDraft(name="Late"))
    before = await world.privacy.counts(B)
    with pytest.raises(AccountNotEmpty):
        await world.imports.confirm(B, preview.pending_id)
    # Only the held preview is gone (taken by the click, as for any import).
    assert await world.privacy.counts(B) == {**before, "pending_actions": 0}


def _changed(document: dict, table: str, column: str, value: Any) -> bytes:
    doc = json.loads(json.dumps(document))
    doc[table][0][column] = value
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("exchanges", "contact_id", 987_654, "`exchanges` row 1 refers to contact 987654"),
        ("contacts", "name", "x" * 101, "`contacts` row 1: The name is 101 characters"),
        ("contacts", "cadence_days", "sixty", "`contacts` row 1 has a `cadence_days` that is not"),
        ("contacts", "role", "surgeon", "`contacts` row 1 has a `role` I don't know"),
        ("reminders", "due_at", "tomorrow", "`reminders` row 1 has a `due_at` that is not a date"),
        ("drafts", "channel", 3, "`drafts` row 1 has a `channel` that is not text"),
        ("events", "kind", None, "`events` row 1 has no `kind`"),
        ("profiles", "follow_up_delay_days", True, "`profiles` row 1 has a `follow_up_delay_days`"),
        ("students", "timezone", "Mars/Olympus", "`students` row 1 has a timezone I don't know"),
    ],
)
async def test_a_bad_row_is_named_and_nothing_changes(
    world: World, exported: dict, table: str, column: str, value: Any, expected: str
) -> None:
    message = await _refused(world, B, _changed(exported, table, column, value))
    assert message.startswith(expected) and message.endswith("Nothing was imported.")


async def test_wrong_version_is_named(world: World, exported: dict) -> None:
    message = await _refused(world, B, json.dumps({**exported, "version": 3}).encode())
    assert message.startswith("That export is version 3; I can restore versions 1 to 2.")


async def test_malformed_json_names_the_position(world: World, exported: dict) -> None:
    text = json.dumps(exported, indent=2)
    message = await _refused(world, B, text[: len(text) // 2].encode())
    assert "That JSON file can't be read: line " in message and ", column " in message


async def test_another_json_file_is_not_an_export(world: World) -> None:
    message = await _refused(world, B, b'{"contacts": []}')
    assert "isn't a Networking Coach export" in message


async def test_refusals_are_invalid_input(world: World, exported: dict) -> None:
    """Each refusal is a CoachError whose text is safe to show (not a crash)."""
    with pytest.raises(InvalidInput):
        await world.imports.preview(B, b"[1, 2")


async def test_address_as_survives_the_round_trip(world: World, exported: dict) -> None:
    """The student's "address as" is exported (version 2) and comes back on restore."""
    assert exported["version"] == 2
    chosen = [c["address_as"] for c in exported["contacts"] if c["address_as"]]
    assert chosen == ["Dr. Núñez-Ørsted {{ 7*7 }} @everyone"]
    assert not {"given_name", "family_name", "person_key"} & set(exported["contacts"][0])
    await world.restore(B, exported)
    contacts = await world.services.contacts.all_contacts(B)
    restored = [c for c in contacts if c.draft.address_as]
    assert [c.greeting for c in restored] == ["Dr. Núñez-Ørsted {{ 7*7 }} @everyone"]
    assert restored[0].parsed_name.family == "Núñez-Ørsted"


async def test_a_version_1_export_still_restores(world: World, exported: dict) -> None:
    """A file exported before `address_as` existed restores, greeting by the parsed name."""
    old = {**exported, "version": 1}
    old["contacts"] = [
        {k: v for k, v in row.items() if k != "address_as"} for row in exported["contacts"]
    ]
    await world.restore(B, old)
    contacts = await world.services.contacts.all_contacts(B)
    assert all(c.draft.address_as is None for c in contacts)
    attending = next(c for c in contacts if c.name == "José Núñez-Ørsted")
    assert attending.greeting == "Dr. Núñez-Ørsted"
