"""Restoring the JSON export on real SQLite and PostgreSQL: the round trip is exact, bad files
change nothing.

The services are the real ones wired to one store's repositories (and a recording notifier);
the account is built through them, as a student would build it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import CoachError, InvalidInput
from bot.core.export_format import SECTIONS
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
    season_repo: Any  # the store's season repository

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
    yield World(clock, services, repos.privacy, notifier, repos.season)
    await store.close()


@pytest.fixture
async def exported(world: World) -> dict[str, Any]:
    """A's rich account, exported; C has data of their own."""
    await rich_account(world.services, world.clock, A)
    await rich_account(world.services, world.clock, C)
    return await world.export(A)


async def test_the_rich_account_fills_every_exported_section(exported: dict[str, Any]) -> None:
    """The fixture is rich: every section has records (the season's too), so the round trip
    covers all of them."""
    assert exported["version"] == 3
    sections = [k for k, v in exported.items() if isinstance(v, list)]
    assert set(sections) == set(SECTIONS)
    assert {t: len(exported[t]) > 0 for t in sections} == dict.fromkeys(sections, True)
    assert any(r["done_at"] for r in exported["reminders"])
    assert any(r["done_at"] is None for r in exported["reminders"])
    assert any(d["sent_at"] for d in exported["drafts"])
    assert {letter["stage"] for letter in exported["letters"]} == {"asked", "agreed"}
    assert exported["interviews"][0]["no_contact"] is True


async def test_the_season_comes_back(world: World, exported: dict) -> None:
    """The plan, the letters (stage, deadline, programs, writer) and the interview (its event,
    program and no-contact rule) are restored and read back through the services."""
    await world.restore(B, exported)
    season, interviews = world.services.season, world.services.interviews
    assert season is not None and interviews is not None
    plan = await season.plan(B)
    assert plan is not None and plan.cycle == "us-2027"
    assert plan.specialties == ("Cardiology", "Internal «Med»")
    lines = await season.letters(B)
    assert sorted((line.writer.name, line.letter.stage.value) for line in lines) == [
        ("A. `Backtick` {{name}}", "asked"),
        ("José Núñez-Ørsted", "agreed"),
    ]
    [with_deadline] = [line for line in lines if line.letter.deadline is not None]
    assert with_deadline.letter.programs == "St Mary's IM; Riverside {{ x }}"
    [event] = [e for e in await world.services.events.list_for(B) if e.kind.value == "interview"]
    interview = await world.season_repo.interview(B, event.id)
    assert interview is not None and interview.no_contact
    assert interview.program == "Riverside *Internal* Medicine"


async def test_the_reminders_state_of_the_season_comes_back(world: World, exported: dict) -> None:
    """When the student last checked in with a writer, and the ask reminder done or snoozed
    for the plan's cycle: restored, so no reminder already dealt with comes back."""
    repo = world.season_repo
    [letter, *_] = await repo.letters(A)
    assert await repo.check_letter(A, letter.id, date(2026, 7, 20))
    assert await repo.set_ask(A, "us-2027", done_on=None, snoozed_until=date(2026, 7, 28))
    document = await world.export(A)
    assert document["season_plan"][0]["ask_snoozed_until"] == "2026-07-28"
    await world.restore(B, document)
    plan = await repo.plan(B)
    assert plan is not None and plan.ask_snoozed_until == date(2026, 7, 28)
    assert plan.ask_done_on is None
    checked = [x for x in await repo.letters(B) if x.checked_on is not None]
    assert [x.checked_on for x in checked] == [date(2026, 7, 20)]


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


def _changed(document: dict, section: str, field: str, value: Any) -> bytes:
    doc = json.loads(json.dumps(document))
    doc[section][0][field] = value
    return json.dumps(doc).encode()


# Hostile version 3 input: wrong types, overlong text, references out of the file, unknown
# choices; each is named (section, record, field) and nothing changes.
@pytest.mark.parametrize(
    ("section", "field", "value", "expected"),
    [
        ("exchanges", "contact", 987_654, "`exchanges` record 1 refers to contact 987654"),
        ("exchanges", "contact_id", 1, "`exchanges` record 1 has a field I don't know"),
        ("contacts", "name", "x" * 101, "`contacts` record 1: The name is 101 characters"),
        ("contacts", "notes", "x" * 20_001, "`contacts` record 1 has a `notes` of 20,001 char"),
        ("contacts", "cadence_days", "sixty", "`contacts` record 1 has a `cadence_days` that is"),
        ("contacts", "role", "surgeon", "`contacts` record 1 has a `role` I don't know"),
        ("contacts", "tags", '["a"]', "`contacts` record 1 has a `tags` that is not a list"),
        ("reminders", "due_at", "tomorrow", "`reminders` record 1 has a `due_at` that is not a"),
        ("drafts", "channel", 3, "`drafts` record 1 has a `channel` that is not text"),
        ("drafts", "fields", ["event"], "`drafts` record 1 has a `fields` that is not an object"),
        ("events", "kind", None, "`events` record 1 has no `kind`"),
        ("profile", "follow_up_delay_days", True, "`profile` record 1 has a `follow_up_delay_"),
        ("student", "timezone", "Mars/Olympus", "`student` record 1 has a timezone I don't know"),
        ("reminder_settings", "enabled", 1, "`reminder_settings` record 1 has a `enabled` that"),
        ("coaching", "goal", {"new_contacts": 3}, "`coaching` record 1 has a weekly goal with"),
        ("season_plan", "cycle", "2027", "`season_plan` record 1 has a `cycle` that isn't"),
        ("season_plan", "specialties", ["x" * 61], "`season_plan` record 1 has `specialties`"),
        ("letters", "stage", "begged", "`letters` record 1 has a `stage` I don't know"),
        ("letters", "programs", "p" * 501, "`letters` record 1 has `programs` over 500"),
        ("letters", "contact", None, "`letters` record 1 has no `contact`"),
        ("interviews", "event", 55_555, "`interviews` record 1 refers to event 55555"),
        ("interviews", "no_contact", "yes", "`interviews` record 1 has a `no_contact` that is"),
        ("interviews", "program", "p" * 151, "`interviews` record 1 needs a `program` of 1–150"),
    ],
)
async def test_a_bad_record_is_named_and_nothing_changes(
    world: World, exported: dict, section: str, field: str, value: Any, expected: str
) -> None:
    message = await _refused(world, B, _changed(exported, section, field, value))
    assert message.startswith(expected) and message.endswith("Nothing was imported.")


async def test_a_second_letter_from_one_writer_is_refused(world: World, exported: dict) -> None:
    doc = json.loads(json.dumps(exported))
    doc["letters"].append(dict(doc["letters"][0]))
    message = await _refused(world, B, json.dumps(doc).encode())
    assert message.startswith("`letters` record 3 is a second letter from the same writer")


async def test_an_unknown_section_is_named(world: World, exported: dict) -> None:
    message = await _refused(world, B, json.dumps({**exported, "contact_events": []}).encode())
    assert message.startswith("That export has a section I don't know, `contact_events`.")


@pytest.mark.parametrize("version", [4, 0, "3", True, None])
async def test_an_unknown_version_is_named(world: World, exported: dict, version: Any) -> None:
    message = await _refused(world, B, json.dumps({**exported, "version": version}).encode())
    shown = json.dumps(version)
    assert message.startswith(f"That export is version {shown}; I can restore versions 1 to 3.")


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
    """The student's "address as" is exported and comes back on restore."""
    chosen = [c["address_as"] for c in exported["contacts"] if c["address_as"]]
    assert chosen == ["Dr. Núñez-Ørsted {{ 7*7 }} @everyone"]
    assert not {"given_name", "family_name", "person_key", "owner_id"} & set(
        exported["contacts"][0]
    )
    await world.restore(B, exported)
    contacts = await world.services.contacts.all_contacts(B)
    restored = [c for c in contacts if c.draft.address_as]
    assert [c.greeting for c in restored] == ["Dr. Núñez-Ørsted {{ 7*7 }} @everyone"]
    assert restored[0].parsed_name.family == "Núñez-Ørsted"


# A version 2 file, exported by the bot before version 3 (the rich account, without the
# season): one list per table, column names, JSON held as text, flags as 0/1.
V2_FILE = Path(__file__).parents[1] / "fixtures" / "export-v2.json"


async def test_a_version_2_export_still_restores(world: World) -> None:
    """Yesterday's file restores: exported again, every value of every row is there under its
    version 3 name (references following the new ids); the season is empty."""
    old = json.loads(V2_FILE.read_bytes())
    assert old["version"] == 2 and "contact_events" in old
    world.clock.set(datetime.fromisoformat(old["exported_at"]))
    await world.restore(B, V2_FILE.read_bytes())
    new = await world.export(B)
    contact_of = dict(zip((c["id"] for c in old["contacts"]), new["contacts"], strict=True))
    event_of = dict(zip((e["id"] for e in old["events"]), new["events"], strict=True))
    for was, now in zip(old["contacts"], new["contacts"], strict=True):
        assert {**was, "tags": json.loads(was["tags"])} | now == {
            **was,
            "tags": json.loads(was["tags"]),
        } | {"id": now["id"]}
    for was, now in zip(old["exchanges"], new["exchanges"], strict=True):
        assert now["contact"] == contact_of[was["contact_id"]]["id"]
        assert (now["kind"], now["happened_on"], now["note"], now["created_at"]) == (
            was["kind"],
            was["happened_on"],
            was["note"],
            was["created_at"],
        )
    for was, now in zip(old["drafts"], new["drafts"], strict=True):
        assert now["contact"] == contact_of[was["contact_id"]]["id"]
        assert now["template"] == was["template_id"] and now["fields"] == json.loads(was["fields"])
        assert (now["tone"], now["sent_at"], now["nudge_due_at"]) == (
            was["tone"],
            was["sent_at"],
            was["nudge_due_at"],
        )
    for was, now in zip(old["reminders"], new["reminders"], strict=True):
        contact = was["contact_id"] and contact_of[was["contact_id"]]["id"]
        assert (now["contact"], now["note"], now["due_at"], now["done_at"]) == (
            contact,
            was["note"],
            was["due_at"],
            was["done_at"],
        )
    [settings], [was_settings] = new["reminder_settings"], old["reminder_settings"]
    assert settings["cadence"] == json.loads(was_settings["cadence"])
    assert settings["enabled"] is bool(was_settings["enabled"])
    assert settings["digest_weekday"] == was_settings["digest_weekday"]
    [coaching], [was_coach] = new["coaching"], old["coach_state"]
    assert coaching["goal"] == {
        "new_contacts": was_coach["goal_contacts"],
        "follow_ups": was_coach["goal_follow_ups"],
        "check_ins": was_coach["goal_check_ins"],
    }
    assert coaching["last_tip"] == was_coach["last_tip"]
    assert new["profile"][0]["name"] == old["profiles"][0]["name"]
    assert new["profile"][0]["pitch"] == old["profiles"][0]["pitch"]
    assert new["student"][0]["timezone"] == old["students"][0]["timezone"]
    assert [e["name"] for e in new["events"]] == [e["name"] for e in old["events"]]
    assert sorted((p["contact"], p["event"]) for p in new["event_people"]) == sorted(
        (contact_of[p["contact_id"]]["id"], event_of[p["event_id"]]["id"])
        for p in old["contact_events"]
    )
    assert new["season_plan"] == new["letters"] == new["interviews"] == []


async def test_a_version_1_export_still_restores(world: World) -> None:
    """A file exported before `address_as` existed restores, greeting by the parsed name."""
    old = {**json.loads(V2_FILE.read_bytes()), "version": 1}
    old["contacts"] = [
        {k: v for k, v in row.items() if k != "address_as"} for row in old["contacts"]
    ]
    await world.restore(B, old)
    contacts = await world.services.contacts.all_contacts(B)
    assert all(c.draft.address_as is None for c in contacts)
    attending = next(c for c in contacts if c.name == "José Núñez-Ørsted")
    assert attending.greeting == "Dr. Núñez-Ørsted"


async def test_a_bad_version_2_row_is_refused(world: World) -> None:
    """An old file is checked as strictly: a reference out of the file is named."""
    old = json.loads(V2_FILE.read_bytes())
    old["exchanges"][0]["contact_id"] = 987_654
    message = await _refused(world, B, json.dumps(old).encode())
    assert message.startswith("`exchanges` record 1 refers to contact 987654")
