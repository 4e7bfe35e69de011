"""Restoring a JSON export: a valid one restores; any mutation of it restores or is refused
with a message for the student, never an unhandled error (and a refusal saves nothing)."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.errors import CoachError
from bot.core.restore import RestorePreview, RestoreResult
from tests.fakes import FakeClock, InMemoryContactRepository, build_services

OWNER = 111_111_111_111_111_111
T = "2026-03-01T10:00:00+00:00"
VALID: dict[str, Any] = {
    "format": "networking-coach-export",
    "version": 1,
    "exported_at": T,
    "student_id": "999",
    "students": [
        {
            "id": 999,
            "timezone": "Europe/Paris",
            "welcomed_at": T,
            "created_at": T,
            "dm_channel_id": 5,
            "unreachable_since": None,
            "guild_id": 7,
        }
    ],
    "profiles": [
        {
            "student_id": 999,
            "name": "Zoë",
            "school": "St Mary's",
            "stage": "MS2",
            "interests": None,
            "pitch": "Hi {{ x }}",
            "signoff": None,
            "contact_line": None,
            "follow_up_delay_days": 7,
            "updated_at": T,
        }
    ],
    "contacts": [
        {
            "id": 40,
            "owner_id": 999,
            "name": "José Núñez",
            "role": "attending",
            "title": "Dr.",
            "specialty": "Cardiology",
            "institution": None,
            "met_event": "Talk",
            "met_on": "2026-02-01",
            "email": "jose@example.org",
            "profile_url": "https://example.org/jose",
            "notes": "*hi*\n{{ 7*7 }}",
            "tags": '["mentor", "cardio"]',
            "discord_user_id": None,
            "cadence_days": 60,
            "created_at": T,
            "updated_at": T,
            "follow_up_on": "2026-03-05",
            "snoozed_until": None,
        },
        {"id": 41, "name": "Sam", "role": "other", "tags": "[]", "created_at": T, "updated_at": T},
    ],
    "exchanges": [
        {
            "id": 1,
            "contact_id": 40,
            "kind": "emailed",
            "happened_on": "2026-02-02",
            "note": "x",
            "created_at": T,
        }
    ],
    "drafts": [
        {
            "id": 3,
            "contact_id": 41,
            "template_id": "followup_talk",
            "channel": "email",
            "version": 1,
            "fields": '{"event": "Talk"}',
            "created_at": T,
            "sent_at": T,
            "nudge_due_at": T,
        }
    ],
    "reminder_settings": [
        {
            "student_id": 999,
            "enabled": 1,
            "paused": 0,
            "digest_weekday": 6,
            "digest_hour": 18,
            "quiet_when_empty": 0,
            "cadence": '{"attending": 45}',
            "next_digest_at": T,
            "consented_at": T,
        }
    ],
    "reminders": [
        {
            "id": 8,
            "contact_id": 40,
            "note": None,
            "due_at": T,
            "created_at": T,
            "done_at": None,
        }
    ],
    "coach_state": [
        {
            "student_id": 999,
            "last_tip": "events:2",
            "goal_contacts": 2,
            "goal_follow_ups": 3,
            "goal_check_ins": 1,
            "updated_at": T,
        }
    ],
    "events": [{"id": 9, "name": "Talk", "kind": "talk", "held_on": "2026-02-01", "created_at": T}],
    "contact_events": [{"owner_id": 999, "contact_id": 40, "event_id": 9}],
}
TABLES = [k for k, v in VALID.items() if isinstance(v, list)]


def attempt(data: bytes) -> tuple[str, InMemoryContactRepository]:
    """'restored' or the refusal's message; the contacts fake to inspect."""
    contacts = InMemoryContactRepository()
    services = build_services(FakeClock(), contacts=contacts)

    async def run() -> str:
        try:
            preview = await services.imports.preview(OWNER, data)
            assert isinstance(preview, RestorePreview) and preview.pending_id is not None
            result = await services.imports.confirm(OWNER, preview.pending_id)
            assert isinstance(result, RestoreResult)
        except CoachError as error:
            assert error.user_message.strip()
            return error.user_message
        return "restored"

    return asyncio.run(run()), contacts


def test_the_valid_document_restores() -> None:
    outcome, contacts = attempt(json.dumps(VALID).encode())
    assert outcome == "restored"
    assert sorted(r.draft.name for r in contacts.rows.values()) == ["José Núñez", "Sam"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "2026-13-01", "0001-01-01T00:00:00+14:00", "\ud800", "[1]", "{}"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    doc = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(TABLES))
        rows = doc[table]
        how = draw(st.sampled_from(["set", "drop", "table", "top", "row"]))
        if how == "table":
            doc[table] = draw(json_values)
        elif how == "top":
            doc[draw(st.sampled_from(["format", "version", "x", *TABLES]))] = draw(json_values)
        elif how == "row" and isinstance(rows, list):
            rows.append(
                draw(json_values) if draw(st.booleans()) else copy.deepcopy(VALID[table][0])
            )
        elif isinstance(rows, list) and rows and isinstance(rows[0], dict):
            column = draw(st.sampled_from(sorted({*rows[0], "name_key", "owner_id", "zzz"})))
            if how == "drop":
                rows[0].pop(column, None)
            else:
                rows[0][column] = draw(json_values)
    data = json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # damage the bytes too, sometimes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=3)) + data[cut + draw(st.integers(0, 3)) :]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_any_mutation_restores_or_is_refused_cleanly(data: bytes) -> None:
    outcome, contacts = attempt(data)
    if outcome != "restored":
        assert not contacts.rows  # a refusal saves nothing
