"""ImportService over the in-memory fakes: preview, confirm, matching, and what it never does."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from bot.core.attention import (
    FOLLOW_UP_AFTER_DAYS,
    IMPORT_SPREAD_DAYS,
    due_on,
    spread_days,
)
from bot.core.errors import ExpiredAction, InvalidInput, UnreadableFile
from bot.core.imports import PENDING_IMPORT, PENDING_TTL, fill_in, url_key
from bot.core.models import Contact, ContactDraft, Role
from tests.fakes import PicklingOffload, build_services
from tests.unit.conftest import World

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def linkedin(*rows: tuple[str, str, str, str, str]) -> bytes:
    """(first, last, url, email, company) rows as a LinkedIn Connections.csv."""
    body = "".join(f"{f},{la},{u},{e},{c},,12 Mar 2024\n" for f, la, u, e, c in rows)
    return ("Notes:\nsome preamble\n\n" + HEADER + body).encode()


AMARA = ("Amara", "Okafor", "https://www.linkedin.com/in/amara", "", "St Mary's")
JOSE = ("José", "Núñez", "https://www.linkedin.com/in/jose", "jn@example.org", "Clínic")
SAM = ("Sam", "Lee", "", "", "Riverside")


async def add(world: World, name: str, owner: int = A, **fields: Any) -> Contact:
    outcome = await world.services.contacts.add(
        owner, ContactDraft(name=name, **fields), allow_duplicate=True
    )
    assert outcome.contact is not None
    return outcome.contact


async def mine(world: World, owner: int = A) -> list[ContactDraft]:
    contacts = await world.services.contacts.all_contacts(owner)
    return [c.draft for c in sorted(contacts, key=lambda c: c.id)]


async def test_preview_counts_new_matching_and_rejected(world: World) -> None:
    """The preview counts new rows, matches and rejections (with line and reason)."""
    await add(world, "Sam Lee", institution="Riverside")
    data = linkedin(AMARA, JOSE, SAM, ("", "", "", "", "x"), ("Bad", "Mail", "", "nope", ""))
    preview = await world.services.imports.preview(A, data)
    assert (preview.rows, preview.new, preview.updated, preview.unchanged) == (3, 2, 1, 0)
    assert preview.matching == 1
    assert [line for line, _ in preview.rejected] == [8, 9]
    assert preview.rejected[0][1] == "it has no name"
    assert "doesn't look like an e-mail" in preview.rejected[1][1]
    assert preview.pending_id is not None
    assert len(await mine(world)) == 1  # a preview saves nothing


async def test_parsing_and_matching_cross_to_a_worker_by_value() -> None:
    """The preview's parse, validation and matching and the confirm's matching run through the
    Offload port (worker processes in the bot), with pickled data both ways: none of it holds the
    event loop."""
    offload = PicklingOffload()
    services = build_services(offload=offload)
    await services.contacts.add(A, ContactDraft(name="Sam Lee"), allow_duplicate=True)
    preview = await services.imports.preview(A, linkedin(AMARA, SAM))
    assert offload.ran == ["read_upload"]
    assert (preview.new, preview.updated) == (1, 1)
    assert preview.pending_id is not None
    result = await services.imports.confirm(A, preview.pending_id)
    assert offload.ran == ["read_upload", "plan_rows"]
    assert (result.added, result.updated) == (1, 1)


async def test_confirm_adds_and_updates(world: World) -> None:
    """Import adds new contacts and fills the matched one's empty fields."""
    await add(world, "Sam Lee")
    preview = await world.services.imports.preview(A, linkedin(AMARA, SAM))
    assert preview.pending_id is not None
    result = await world.services.imports.confirm(A, preview.pending_id)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 0)
    sam, amara = await mine(world)
    assert sam.institution == "Riverside" and sam.met_on is not None
    assert amara.name == "Amara Okafor" and amara.profile_url == AMARA[2]


async def test_progress_is_reported_every_thousand(world: World) -> None:
    """A 2,500-row import reports progress at 1,000 and 2,000 saved."""
    rows = [(f"P{i}", "Test", "", "", "") for i in range(2500)]
    preview = await world.services.imports.preview(A, linkedin(*rows))
    seen: list[tuple[int, int]] = []

    async def progress(done: int, total: int) -> None:
        seen.append((done, total))

    assert preview.pending_id is not None
    result = await world.services.imports.confirm(A, preview.pending_id, progress)
    assert result.added == 2500
    assert seen == [(1000, 2500), (2000, 2500)]


@pytest.mark.parametrize(
    ("existing", "row", "matched"),
    [
        # URL first, even when the name and e-mail differ
        (
            {"name": "A. Okafor", "profile_url": "linkedin.com/in/amara/", "email": "a@x.org"},
            ("Amara", "Okafor", "https://www.linkedin.com/in/amara", "b@x.org", "St Mary's"),
            True,
        ),
        # then e-mail, case-insensitively
        (
            {"name": "J. Nunez", "email": "JN@example.org"},
            ("José", "Núñez", "", "jn@example.org", "Clínic"),
            True,
        ),
        # then the folded name
        ({"name": "jose nunez"}, ("José", "Núñez", "", "", "Clínic"), True),
        # but not when the profiles say they are different people
        (
            {"name": "José Núñez", "profile_url": "https://www.linkedin.com/in/other"},
            ("José", "Núñez", "https://www.linkedin.com/in/jose", "", "Clínic"),
            False,
        ),
        (
            {"name": "José Núñez", "email": "other@example.org"},
            ("José", "Núñez", "", "jn@example.org", "Clínic"),
            False,
        ),
    ],
)
async def test_matching_order_url_email_name(
    world: World, existing: dict[str, Any], row: tuple[str, ...], matched: bool
) -> None:
    """Rows match by profile URL, then e-mail, then folded name (unless identifiers conflict)."""
    await add(world, **existing)
    preview = await world.services.imports.preview(A, linkedin(row))  # type: ignore[arg-type]
    assert (preview.matching, preview.new) == ((1, 0) if matched else (0, 1))


async def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    """A second preview of an imported file has nothing to import; a stale one changes nothing."""
    data = linkedin(AMARA, JOSE, SAM)
    first = await world.services.imports.preview(A, data)
    stale = await world.services.imports.preview(A, data)
    assert first.pending_id is not None and stale.pending_id is not None
    await world.services.imports.confirm(A, first.pending_id)
    before = await mine(world)
    again = await world.services.imports.preview(A, data)
    assert (again.new, again.updated, again.unchanged, again.pending_id) == (0, 0, 3, None)
    result = await world.services.imports.confirm(A, stale.pending_id)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 3)
    assert await mine(world) == before


async def test_a_file_repeating_a_row_imports_it_once(world: World) -> None:
    """The same person twice in one file becomes one contact."""
    preview = await world.services.imports.preview(A, linkedin(AMARA, AMARA))
    assert (preview.new, preview.repeated) == (1, 1)
    assert preview.pending_id is not None
    await world.services.imports.confirm(A, preview.pending_id)
    assert len(await mine(world)) == 1


async def test_notes_and_fields_the_student_wrote_are_never_overwritten(world: World) -> None:
    """An import fills only empty fields and adds tags; notes, e-mail, name, role stay."""
    await add(
        world,
        "Amara Okafor",
        role=Role.ATTENDING,
        email="mine@example.org",
        notes="My own notes",
        institution="Where I met her",
        tags=("cardio",),
    )
    text = (
        "name,role,title,institution,email,notes,tags,specialty\n"
        "AMARA OKAFOR,faculty,Dr.,Elsewhere,mine@example.org,Their notes,"
        "mentor; cardio,Cardiology\n"
    )
    preview = await world.services.imports.preview(A, text.encode())
    assert preview.pending_id is not None
    await world.services.imports.confirm(A, preview.pending_id)
    [amara] = await mine(world)
    assert amara.name == "Amara Okafor"
    assert amara.notes == "My own notes"
    assert amara.role is Role.ATTENDING
    assert amara.institution == "Where I met her"
    assert (amara.title, amara.specialty) == ("Dr.", "Cardiology")  # were empty: filled
    assert amara.tags == ("cardio", "mentor")


def test_fill_in_keeps_every_existing_value() -> None:
    """fill_in never replaces a value, and caps tags at ten."""
    existing = ContactDraft(name="A", notes="n", tags=tuple(f"t{i}" for i in range(9)))
    incoming = ContactDraft(name="B", notes="other", email="e@x.org", tags=("new", "more"))
    merged = fill_in(existing, incoming)
    assert (merged.name, merged.notes, merged.email) == ("A", "n", "e@x.org")
    assert merged.tags[-1] == "new" and len(merged.tags) == 10


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.linkedin.com/in/Amara/", "linkedin.com/in/amara"),
        ("http://linkedin.com/in/amara?trk=x", "https://www.linkedin.com/in/amara"),
    ],
)
def test_url_key_ignores_scheme_www_case_and_slash(a: str, b: str) -> None:
    """Profile URLs that differ only in scheme, www., case, query or trailing slash match."""
    assert url_key(a) == url_key(b)


async def test_more_than_ten_thousand_rows_is_refused(world: World) -> None:
    """10,001 rows are refused with a clear message and nothing is held or saved."""
    rows = [(f"P{i}", "Test", "", "", "") for i in range(10_001)]
    with pytest.raises(UnreadableFile, match="more than 10,000 contacts"):
        await world.services.imports.preview(A, linkedin(*rows))
    assert world.pending.rows == {}
    assert await mine(world) == []


async def test_oversized_file_is_refused_before_reading(world: World) -> None:
    """check_size refuses over 5 MB by the announced size alone."""
    with pytest.raises(InvalidInput, match="up to 5 MB"):
        world.services.imports.check_size(5 * 1024 * 1024 + 1)
    world.services.imports.check_size(5 * 1024 * 1024)


async def test_malformed_file_changes_nothing(world: World) -> None:
    """An unterminated quote fails the preview naming the line; nothing is held."""
    data = (HEADER + 'Ada,"Lee,https://x.example/in/ada,,,,\n').encode()
    with pytest.raises(UnreadableFile, match="Line 2"):
        await world.services.imports.preview(A, data)
    assert world.pending.rows == {}


async def test_another_students_pending_id_is_expired(world: World) -> None:
    """B can neither confirm nor cancel A's held import; A's still works afterwards."""
    preview = await world.services.imports.preview(A, linkedin(AMARA))
    assert preview.pending_id is not None
    with pytest.raises(ExpiredAction):
        await world.services.imports.confirm(B, preview.pending_id)
    with pytest.raises(ExpiredAction):
        await world.services.imports.cancel(B, preview.pending_id)
    assert await mine(world, B) == []
    result = await world.services.imports.confirm(A, preview.pending_id)
    assert result.added == 1


async def test_confirm_twice_and_after_a_day_is_expired(world: World) -> None:
    """A held import is used once, and forgotten after 24 hours."""
    services = world.services
    first = await services.imports.preview(A, linkedin(AMARA))
    late = await services.imports.preview(A, linkedin(JOSE))
    assert first.pending_id is not None and late.pending_id is not None
    await services.imports.confirm(A, first.pending_id)
    with pytest.raises(ExpiredAction):
        await services.imports.confirm(A, first.pending_id)
    world.clock.advance(PENDING_TTL + timedelta(seconds=1))
    with pytest.raises(ExpiredAction):
        await services.imports.confirm(A, late.pending_id)


async def test_cancel_forgets_the_rows(world: World) -> None:
    """Cancel drops the held rows: Import afterwards is expired, nothing saved."""
    preview = await world.services.imports.preview(A, linkedin(AMARA))
    assert preview.pending_id is not None
    assert world.pending.rows[preview.pending_id].kind == PENDING_IMPORT
    await world.services.imports.cancel(A, preview.pending_id)
    with pytest.raises(ExpiredAction):
        await world.services.imports.confirm(A, preview.pending_id)
    assert await mine(world) == []


async def test_import_matches_a_contact_saved_with_title_and_credentials(world: World) -> None:
    """A LinkedIn row "Helen Marsh" matches the saved "Dr. Helen Marsh, MD", not a new person."""
    await add(world, "Dr. Helen Marsh, MD", role=Role.ATTENDING)
    preview = await world.services.imports.preview(A, linkedin(("Helen", "Marsh", "", "", "")))
    assert (preview.new, preview.matching) == (0, 1)


@pytest.mark.parametrize(("people", "most_a_day"), [(30, 2), (600, 15)])
async def test_imported_first_check_ins_are_spread_over_the_following_weeks(
    world: World, people: int, most_a_day: int
) -> None:
    """Connections made in 2024 come up for a first check-in spread like people met at one event
    (at most two a day), and a big import evenly within six weeks, not all in one week."""
    rows = [(f"P{i}", "Test", "", "", "") for i in range(people)]
    preview = await world.services.imports.preview(A, linkedin(*rows))
    assert preview.pending_id is not None
    await world.services.imports.confirm(A, preview.pending_id)
    today = await world.services.contacts.today(A)
    due = Counter(due_on(c) for c in await world.services.contacts.all_contacts(A))
    assert sum(due.values()) == people
    assert max(due.values()) <= most_a_day
    assert min(due) == today + timedelta(days=FOLLOW_UP_AFTER_DAYS)
    assert max(due) < today + timedelta(days=FOLLOW_UP_AFTER_DAYS + IMPORT_SPREAD_DAYS)
    weeks = Counter(day.isocalendar()[:2] for day in due.elements())
    assert max(weeks.values()) <= max(14, people // 5)  # no week holds most of the import


def test_spread_days_two_a_day_then_evenly_within_the_window() -> None:
    start = date(2026, 3, 10)
    assert spread_days(5, start, per_day=2, window_days=42) == [
        start,
        start,
        start + timedelta(days=1),
        start + timedelta(days=1),
        start + timedelta(days=2),
    ]
    many = spread_days(420, start, per_day=2, window_days=42)
    assert Counter(many).most_common(1)[0][1] == 10
    assert max(many) == start + timedelta(days=41)
