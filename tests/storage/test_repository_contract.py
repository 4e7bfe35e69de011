"""The repository contract, run against SQLite (a real file), PostgreSQL and the in-memory fakes
alike."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.core.attention import most_due_first
from bot.core.models import ContactDraft, ContactFilter, ExchangeKind, Role
from bot.core.text import fold
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.pending import SqlitePendingRepository
from bot.storage.students import SqliteStudentRepository
from tests.fakes import (
    InMemoryContactRepository,
    InMemoryPendingRepository,
    InMemoryStudentRepository,
)
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
LIMIT = 25


@dataclass
class Repos:
    kind: str
    students: Any
    contacts: Any
    pending: Any
    db: Any = None
    store: Store | None = None  # a real store (SQLite or PostgreSQL), for raw reads


def _stored(store: Store) -> Repos:
    return Repos(
        store.kind,
        store.make("students"),
        store.make("contacts"),
        store.make("pending"),
        store.handle,
        store,
    )


async def _sqlite(path: Path) -> Repos:
    db = await open_database(path)
    await migrate(db)
    return Repos(
        "sqlite",
        SqliteStudentRepository(db),
        SqliteContactRepository(db),
        SqlitePendingRepository(db),
        db,
    )


def _memory() -> Repos:
    return Repos(
        "memory",
        InMemoryStudentRepository(),
        InMemoryContactRepository(),
        InMemoryPendingRepository(),
    )


@pytest.fixture(params=[*kinds_for("students", "contacts", "pending"), "memory"])
async def repos(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repos]:
    if request.param == "memory":
        made = _memory()
    else:
        made = _stored(await open_store(request.param, request, tmp_path))
    await made.students.get_or_create(A, now=NOW)
    await made.students.get_or_create(B, now=NOW)
    yield made
    if made.store is not None:
        await made.store.close()


@pytest.fixture
async def sqlite_repos(tmp_path: Path) -> AsyncIterator[Repos]:
    made = await _sqlite(tmp_path / "coach.sqlite3")
    await made.students.get_or_create(A, now=NOW)
    await made.students.get_or_create(B, now=NOW)
    yield made
    await made.db.close()


def draft(name: str = "Ada Lovelace", **fields: Any) -> ContactDraft:
    return ContactDraft(name=name, **fields)


FULL = ContactDraft(
    name="José Núñez",
    role=Role.ATTENDING,
    title="MD, PhD",
    specialty="Cardiología",
    institution="Hospital Clínic",
    met_event="Grand Rounds 2026",
    met_on=date(2026, 3, 1),
    email="Jose.Nunez@Example.org",
    profile_url="https://www.linkedin.com/in/jose",
    notes="Line one\n\nLine *two* @everyone {{ 7*7 }}",
    tags=("zeta", "alpha", "médico"),
    discord_user_id=987_654_321_098_765_432,
    cadence_days=60,
    address_as="Dr. Núñez *mentor* @here",
)


async def add(repos: Repos, owner: int = A, name: str = "Ada Lovelace", **fields: Any):
    return await repos.contacts.add(owner, draft(name, **fields), now=NOW)


async def names(result) -> list[str]:
    return [c.name for c in result]


# -- students ---------------------------------------------------------------------------------


async def test_get_or_create_creates_once(repos: Repos) -> None:
    """get_or_create reports creation only the first time and keeps the first created_at."""
    student, created = await repos.students.get_or_create(42, now=NOW)
    again, created_again = await repos.students.get_or_create(42, now=NOW + timedelta(days=1))
    assert created is True and created_again is False
    assert student == again
    assert (student.id, student.timezone, student.welcomed) == (42, None, False)
    assert student.created_at == NOW and student.created_at.tzinfo == UTC


async def test_mark_welcomed_only_once(repos: Repos) -> None:
    """mark_welcomed is True the first time, False afterwards, and shows on the record."""
    assert await repos.students.mark_welcomed(A) is True
    assert await repos.students.mark_welcomed(A) is False
    student, _ = await repos.students.get_or_create(A, now=NOW)
    assert student.welcomed is True


async def test_mark_welcomed_unknown_student(repos: Repos) -> None:
    """mark_welcomed of a student with no record is False."""
    assert await repos.students.mark_welcomed(999) is False


async def test_set_timezone_round_trips(repos: Repos) -> None:
    """set_timezone stores the zone name and None clears it."""
    await repos.students.set_timezone(A, "America/New_York")
    student, _ = await repos.students.get_or_create(A, now=NOW)
    assert student.timezone == "America/New_York"
    await repos.students.set_timezone(A, None)
    student, _ = await repos.students.get_or_create(A, now=NOW)
    assert student.timezone is None


# -- contacts: add / get / update / remove ----------------------------------------------------


async def test_add_and_get_round_trip_every_field(repos: Repos) -> None:
    """Every draft field comes back exactly as stored, tags in the student's order."""
    added = await repos.contacts.add(A, FULL, now=NOW)
    got = await repos.contacts.get(A, added.id)
    assert got == added
    assert got.draft == FULL
    assert got.draft.tags == ("zeta", "alpha", "médico")
    assert got.owner_id == A
    assert (got.last_contacted_on, got.exchange_count) == (None, 0)


async def test_list_plain_keeps_every_own_field(repos: Repos) -> None:
    """list_plain (the progress figures' read) gives each contact's own fields and name parts as
    get does, leaving out only what is derived from its exchanges."""
    added = await repos.contacts.add(A, FULL, now=NOW)
    await add(repos, owner=B, name="Someone Else")
    [plain] = await repos.contacts.list_plain(A)
    assert plain.draft == FULL
    assert plain.person == added.person
    assert (plain.id, plain.owner_id, plain.created_at) == (added.id, A, added.created_at)


async def test_minimal_draft_round_trip(repos: Repos) -> None:
    """A draft with only a name keeps every optional field None and tags empty."""
    added = await add(repos, name="Solo")
    got = await repos.contacts.get(A, added.id)
    assert got.draft == ContactDraft(name="Solo")


async def test_datetimes_come_back_in_utc(repos: Repos) -> None:
    """An aware non-UTC instant is stored and returned as the same instant in UTC."""
    plus_530 = datetime(2026, 3, 8, 17, 30, 0, 123456, tzinfo=timezone(timedelta(hours=5.5)))
    added = await repos.contacts.add(A, draft(), now=plus_530)
    got = await repos.contacts.get(A, added.id)
    for value in (added.created_at, added.updated_at, got.created_at, got.updated_at):
        assert value == plus_530
        assert value.utcoffset() == timedelta(0)
    assert got.created_at == datetime(2026, 3, 8, 12, 0, 0, 123456, tzinfo=UTC)


async def test_naive_datetime_refused(repos: Repos) -> None:
    """A naive datetime is never stored."""
    with pytest.raises(ValueError, match="naive"):
        await repos.contacts.add(A, draft(), now=datetime(2026, 3, 8, 12, 0))


@pytest.mark.parametrize("day", [date(1950, 1, 1), date(2024, 2, 29), date(2026, 12, 31)], ids=str)
async def test_dates_round_trip(repos: Repos, day: date) -> None:
    """met_on and an exchange's happened_on come back as the same calendar day."""
    added = await add(repos, met_on=day)
    exchange = await repos.contacts.add_exchange(
        A, added.id, ExchangeKind.CALLED, day, None, now=NOW
    )
    got = await repos.contacts.get(A, added.id)
    history = await repos.contacts.exchanges(A, added.id, limit=LIMIT)
    assert got.draft.met_on == day
    assert exchange.happened_on == day
    assert history[0].happened_on == day
    assert got.last_contacted_on == day


async def test_ids_are_distinct(repos: Repos) -> None:
    """Each added contact gets its own id."""
    ids = {(await add(repos, name=f"P{i}")).id for i in range(5)}
    assert len(ids) == 5


async def test_get_missing_is_none(repos: Repos) -> None:
    """get of an id that was never used is None."""
    assert await repos.contacts.get(A, 424242) is None


async def test_update_replaces_draft_and_bumps_updated_at(repos: Repos) -> None:
    """update stores the new draft, moves updated_at and keeps created_at."""
    added = await add(repos, tags=("a", "b"))
    later = NOW + timedelta(hours=3)
    new = replace(FULL, name="Grace Hopper", tags=("b", "a"))
    updated = await repos.contacts.update(A, added.id, new, now=later)
    assert updated is not None
    assert updated.draft == new
    assert updated.created_at == NOW and updated.updated_at == later
    assert await repos.contacts.get(A, added.id) == updated
    assert (await repos.contacts.find_duplicates(A, fold("Grace Hopper"), None))[0].id == added.id


async def test_update_missing_is_none(repos: Repos) -> None:
    """update of an unknown id is None."""
    assert await repos.contacts.update(A, 424242, draft(), now=NOW) is None


async def test_update_keeps_derived_fields(repos: Repos) -> None:
    """update leaves the exchange-derived fields as they were."""
    added = await add(repos)
    await repos.contacts.add_exchange(
        A, added.id, ExchangeKind.EMAILED, date(2026, 3, 5), None, now=NOW
    )
    updated = await repos.contacts.update(A, added.id, draft("Renamed"), now=NOW)
    assert (updated.last_contacted_on, updated.exchange_count) == (date(2026, 3, 5), 1)


async def test_remove(repos: Repos) -> None:
    """remove is True once, then False, and the contact is gone."""
    added = await add(repos)
    assert await repos.contacts.remove(A, added.id) is True
    assert await repos.contacts.remove(A, added.id) is False
    assert await repos.contacts.get(A, added.id) is None
    assert await repos.contacts.count(A) == 0


async def test_remove_cascades_exchanges(repos: Repos) -> None:
    """Removing a contact removes its exchanges and leaves other contacts' exchanges alone."""
    gone = await add(repos, name="Gone")
    kept = await add(repos, name="Kept")
    for contact in (gone, kept):
        await repos.contacts.add_exchange(
            A, contact.id, ExchangeKind.CALLED, date(2026, 3, 1), "x", now=NOW
        )
    await repos.contacts.remove(A, gone.id)
    assert await repos.contacts.exchanges(A, gone.id, limit=LIMIT) == []
    assert len(await repos.contacts.exchanges(A, kept.id, limit=LIMIT)) == 1
    if repos.store is not None:
        assert await repos.store.rows("SELECT contact_id FROM exchanges") == [(kept.id,)]


async def test_count_is_per_owner(repos: Repos) -> None:
    """count counts only the owner's contacts."""
    for i in range(3):
        await add(repos, name=f"A{i}")
    await add(repos, owner=B, name="B0")
    assert await repos.contacts.count(A) == 3
    assert await repos.contacts.count(B) == 1
    assert await repos.contacts.count(999) == 0


# -- owner scoping ----------------------------------------------------------------------------


async def test_other_student_cannot_touch_contact(repos: Repos) -> None:
    """Student B can never get, update, remove, log against or read history of A's contact."""
    mine = await repos.contacts.add(A, FULL, now=NOW)
    await repos.contacts.add_exchange(A, mine.id, ExchangeKind.MET, date(2026, 3, 1), "n", now=NOW)
    before = await repos.contacts.get(A, mine.id)

    assert await repos.contacts.get(B, mine.id) is None
    assert await repos.contacts.update(B, mine.id, draft("Hijacked"), now=NOW) is None
    assert await repos.contacts.remove(B, mine.id) is False
    assert (
        await repos.contacts.add_exchange(
            B, mine.id, ExchangeKind.CALLED, date(2026, 3, 2), None, now=NOW
        )
        is None
    )
    assert await repos.contacts.exchanges(B, mine.id, limit=LIMIT) == []

    assert await repos.contacts.get(A, mine.id) == before
    assert len(await repos.contacts.exchanges(A, mine.id, limit=LIMIT)) == 1


async def test_other_student_cannot_find_contact(repos: Repos) -> None:
    """B's list, search, suggest, duplicates, count and value suggestions never show A's data."""
    await repos.contacts.add(A, FULL, now=NOW)
    everything = ContactFilter()
    assert await repos.contacts.list_all(B, everything) == []
    assert await repos.contacts.search(B, "jose", limit=LIMIT) == []
    assert await repos.contacts.suggest(B, "jo", limit=LIMIT) == []
    assert await repos.contacts.suggest(B, "", limit=LIMIT) == []
    assert await repos.contacts.find_duplicates(B, fold(FULL.name), FULL.email.casefold()) == []
    assert await repos.contacts.count(B) == 0
    for column in ("tag", "specialty", "event"):
        assert await repos.contacts.distinct_values(B, column, "", limit=LIMIT) == []


# -- duplicates -------------------------------------------------------------------------------


async def test_find_duplicates_by_folded_name(repos: Repos) -> None:
    """A folded name key finds the contact whatever its accents and case."""
    added = await add(repos, name="José Núñez")
    found = await repos.contacts.find_duplicates(A, fold("JOSE  nunez"), None)
    assert [c.id for c in found] == [added.id]


async def test_find_duplicates_by_email_key(repos: Repos) -> None:
    """A case-folded e-mail finds the contact even under another name."""
    added = await add(repos, name="Someone", email="Ada@Example.org")
    found = await repos.contacts.find_duplicates(A, "nobody", "ada@example.org")
    assert [c.id for c in found] == [added.id]


async def test_find_duplicates_none_email_matches_nothing(repos: Repos) -> None:
    """A missing e-mail never matches contacts that have no e-mail either."""
    await add(repos, name="No Email")
    assert await repos.contacts.find_duplicates(A, "someone else", None) == []


async def test_find_duplicates_oldest_first_at_most_five(repos: Repos) -> None:
    """At most five duplicates come back, oldest first."""
    ids = [(await add(repos, name="Same Name")).id for _ in range(7)]
    found = await repos.contacts.find_duplicates(A, "same name", None)
    assert [c.id for c in found] == ids[:5]


# -- list_all filters -------------------------------------------------------------------------


@pytest.fixture
async def listed(repos: Repos) -> Repos:
    await add(
        repos,
        name="Card",
        role=Role.ATTENDING,
        specialty="Cardiología",
        met_event="AMA Conference 2026",
        tags=("cardiology", "boston"),
    )
    await add(
        repos,
        name="Neuro",
        role=Role.RESIDENT,
        specialty="Neurology",
        met_event="Grand Rounds",
        tags=("card",),
    )
    await add(
        repos, name="Peds", role=Role.ATTENDING, specialty="Pediatric Cardiology", tags=("Médico",)
    )
    await add(repos, name="Blank")
    return repos


@pytest.mark.parametrize(
    ("contact_filter", "expected"),
    [
        (ContactFilter(), {"Card", "Neuro", "Peds", "Blank"}),
        (ContactFilter(role=Role.ATTENDING), {"Card", "Peds"}),
        (ContactFilter(role=Role.TUTOR), set()),
        (ContactFilter(tag="card"), {"Neuro"}),
        (ContactFilter(tag="#Cardiology"), {"Card"}),
        (ContactFilter(tag="cardio"), set()),
        (ContactFilter(tag="medico"), {"Peds"}),
        (ContactFilter(specialty="cardio"), {"Card", "Peds"}),
        (ContactFilter(specialty="CARDIOLOGIA"), {"Card"}),
        (ContactFilter(specialty="ology"), {"Neuro", "Peds"}),
        (ContactFilter(event="conference"), {"Card"}),
        (ContactFilter(event="r"), {"Card", "Neuro"}),
        (ContactFilter(role=Role.ATTENDING, specialty="cardio", tag="boston"), {"Card"}),
        (ContactFilter(role=Role.RESIDENT, specialty="cardio"), set()),
    ],
    ids=lambda v: repr(v) if isinstance(v, ContactFilter) else None,
)
async def test_list_all_filters(
    listed: Repos, contact_filter: ContactFilter, expected: set[str]
) -> None:
    """Filters combine with AND: role exact, tag exact on folded tag, specialty/event substring."""
    assert set(await names(await listed.contacts.list_all(A, contact_filter))) == expected


# -- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["ada", "mdphd", "cardiolog", "clinic", "grand rounds", "jose.nunez@", "line two", "zeta"],
)
async def test_search_covers_every_field(repos: Repos, query: str) -> None:
    """search matches name, title, specialty, institution, event, e-mail, notes and tags."""
    await repos.contacts.add(A, replace(FULL, name="Ada", title="MDPhD", notes="line TWO"), now=NOW)
    await add(repos, name="Unrelated Person")
    assert await names(await repos.contacts.search(A, query, limit=LIMIT)) == ["Ada"]


async def test_search_is_folded(repos: Repos) -> None:
    """search finds accented text from an unaccented, lower-case query key."""
    await add(repos, name="Zoë Ångström")
    assert await names(await repos.contacts.search(A, "angstrom", limit=LIMIT)) == ["Zoë Ångström"]


async def test_search_puts_name_matches_first(repos: Repos) -> None:
    """Contacts whose name matches come before ones matched elsewhere, then by name."""
    await add(repos, name="Aaron", institution="Mayo Clinic")
    await add(repos, name="Zed Mayo")
    await add(repos, name="Bea Mayo")
    result = await names(await repos.contacts.search(A, "mayo", limit=LIMIT))
    assert result == ["Bea Mayo", "Zed Mayo", "Aaron"]


async def test_search_respects_limit(repos: Repos) -> None:
    """search returns at most `limit` contacts."""
    for i in range(6):
        await add(repos, name=f"Smith {i}")
    assert len(await repos.contacts.search(A, "smith", limit=4)) == 4


# -- suggest ----------------------------------------------------------------------------------


async def test_suggest_orders_prefix_word_start_anywhere(repos: Repos) -> None:
    """Prefix matches come first, then word-start matches, then matches anywhere; by name within."""
    for name in ("Xanna", "Anna Bell", "Maria Anne", "Joanna", "Annabel", "Bob"):
        await add(repos, name=name)
    result = await names(await repos.contacts.suggest(A, "ann", limit=LIMIT))
    assert result == ["Anna Bell", "Annabel", "Maria Anne", "Joanna", "Xanna"]


async def test_suggest_is_folded(repos: Repos) -> None:
    """suggest matches accented names from a folded key."""
    await add(repos, name="Núñez")
    assert await names(await repos.contacts.suggest(A, "nun", limit=LIMIT)) == ["Núñez"]


async def test_suggest_empty_prefix_is_most_recently_updated(repos: Repos) -> None:
    """With nothing typed, suggest lists the most recently updated contacts first."""
    first = await repos.contacts.add(A, draft("First"), now=NOW)
    await repos.contacts.add(A, draft("Second"), now=NOW + timedelta(minutes=1))
    await repos.contacts.add(A, draft("Third"), now=NOW + timedelta(minutes=2))
    await repos.contacts.update(A, first.id, draft("First"), now=NOW + timedelta(minutes=3))
    result = await names(await repos.contacts.suggest(A, "", limit=2))
    assert result == ["First", "Third"]


async def test_suggest_empty_prefix_walks_an_index_not_a_sort(sqlite_repos: Repos) -> None:
    """Nothing typed (Discord asks as soon as the field is focused): the recent-first ranking
    reads the student's contacts in index order instead of sorting the whole list."""
    statements: list[str] = []
    await sqlite_repos.db.set_trace_callback(statements.append)
    await sqlite_repos.contacts.suggest(A, "", limit=LIMIT)
    await sqlite_repos.db.set_trace_callback(None)
    [query] = [s for s in statements if s.lstrip().startswith("SELECT")]
    async with sqlite_repos.db.execute("EXPLAIN QUERY PLAN " + query) as cursor:
        plan = {row[0]: (row[1], row[3]) for row in await cursor.fetchall()}
    ranking = [node for node, (_, detail) in plan.items() if detail.startswith("LIST SUBQUERY")]
    inside = [detail for parent, detail in plan.values() if parent in ranking]
    assert any("contacts_owner_updated" in detail for detail in inside), plan
    assert not any("TEMP B-TREE" in detail for detail in inside), plan


async def test_suggest_respects_limit(repos: Repos) -> None:
    """suggest returns at most `limit` contacts."""
    for i in range(30):
        await add(repos, name=f"Person {i:02}")
    assert len(await repos.contacts.suggest(A, "person", limit=25)) == 25


# -- LIKE wildcards ---------------------------------------------------------------------------


@pytest.fixture
async def wild(repos: Repos) -> Repos:
    await add(repos, name="100% Sure", specialty="a%b", met_event="x%y", tags=("50%",))
    await add(repos, name="snake_case", specialty="a_b", met_event="x_y", tags=("a_b",))
    await add(repos, name="back\\slash", specialty="a\\b", met_event="x\\y", tags=("a\\b",))
    await add(repos, name="Plain abc", specialty="axb", met_event="xzy", tags=("axb", "50x"))
    return repos


@pytest.mark.parametrize(
    ("key", "expected"),
    [("%", ["100% Sure"]), ("_", ["snake_case"]), ("\\", ["back\\slash"]), ("e_c", ["snake_case"])],
    ids=["percent", "underscore", "backslash", "underscore-inside"],
)
async def test_search_and_suggest_match_wildcards_literally(
    wild: Repos, key: str, expected: list[str]
) -> None:
    """`%`, `_` and `\\` in a query match themselves, not anything."""
    assert await names(await wild.contacts.search(A, key, limit=LIMIT)) == expected
    assert await names(await wild.contacts.suggest(A, key, limit=LIMIT)) == expected


@pytest.mark.parametrize(
    ("contact_filter", "expected"),
    [
        (ContactFilter(specialty="%"), {"100% Sure"}),
        (ContactFilter(specialty="a_b"), {"snake_case"}),
        (ContactFilter(specialty="\\"), {"back\\slash"}),
        (ContactFilter(event="x%"), {"100% Sure"}),
        (ContactFilter(event="_"), {"snake_case"}),
        (ContactFilter(tag="50%"), {"100% Sure"}),
        (ContactFilter(tag="a_b"), {"snake_case"}),
        (ContactFilter(tag="a\\b"), {"back\\slash"}),
    ],
    ids=lambda v: repr(v) if isinstance(v, ContactFilter) else None,
)
async def test_filters_match_wildcards_literally(
    wild: Repos, contact_filter: ContactFilter, expected: set[str]
) -> None:
    """List filters treat `%`, `_` and `\\` literally."""
    assert set(await names(await wild.contacts.list_all(A, contact_filter))) == expected


# -- distinct values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "typed", "expected"),
    [
        ("tag", "", ["alpha", "beta", "cardiology", "zeta"]),
        ("tag", "a", ["alpha", "beta", "cardiology", "zeta"]),
        ("tag", "card", ["cardiology"]),
        ("tag", "ta", ["beta", "zeta"]),
        ("specialty", "", ["Cardiology", "Pediatric Cardiology"]),
        ("specialty", "cardio", ["Cardiology", "Pediatric Cardiology"]),
        ("specialty", "ped", ["Pediatric Cardiology"]),
        ("event", "", ["AMA 2026", "Grand Rounds"]),
        ("event", "ro", ["Grand Rounds"]),
        ("event", "zzz", []),
    ],
)
async def test_distinct_values(repos: Repos, column: str, typed: str, expected: list[str]) -> None:
    """Used tags, specialties and events, deduplicated, prefix matches first then alphabetical."""
    await add(
        repos, name="One", specialty="Cardiology", met_event="Grand Rounds", tags=("zeta", "alpha")
    )
    await add(
        repos,
        name="Two",
        specialty="Pediatric Cardiology",
        met_event="AMA 2026",
        tags=("alpha", "cardiology", "beta"),
    )
    await add(repos, name="Three", specialty="Cardiology")
    assert list(await repos.contacts.distinct_values(A, column, typed, limit=LIMIT)) == expected


async def test_distinct_values_prefix_first_and_limit(repos: Repos) -> None:
    """Values starting with the text come before ones containing it; limit applies."""
    await add(repos, name="One", tags=("xcard", "card2", "card1", "acardx"))
    result = await repos.contacts.distinct_values(A, "tag", "card", limit=3)
    assert list(result) == ["card1", "card2", "acardx"]


async def test_distinct_values_unknown_column(repos: Repos) -> None:
    """Only tag, specialty and event can be suggested."""
    with pytest.raises(ValueError, match="name"):
        await repos.contacts.distinct_values(A, "name", "", limit=LIMIT)


# -- exchanges --------------------------------------------------------------------------------


async def test_exchange_round_trip(repos: Repos) -> None:
    """add_exchange returns the stored exchange, which history returns unchanged."""
    contact = await add(repos)
    at = datetime(2026, 3, 8, 7, 0, 0, 5, tzinfo=timezone(timedelta(hours=-5)))
    made = await repos.contacts.add_exchange(
        A, contact.id, ExchangeKind.EMAILED, date(2026, 3, 7), "Sent *thanks* @everyone", now=at
    )
    assert made is not None
    assert (made.contact_id, made.kind, made.happened_on, made.note) == (
        contact.id,
        ExchangeKind.EMAILED,
        date(2026, 3, 7),
        "Sent *thanks* @everyone",
    )
    assert made.created_at == at and made.created_at.utcoffset() == timedelta(0)
    assert await repos.contacts.exchanges(A, contact.id, limit=LIMIT) == [made]


async def test_exchange_on_missing_contact_is_none(repos: Repos) -> None:
    """Logging against a contact that does not exist writes nothing."""
    assert (
        await repos.contacts.add_exchange(
            A, 424242, ExchangeKind.CALLED, date(2026, 3, 1), None, now=NOW
        )
        is None
    )


async def test_history_newest_first_and_limited(repos: Repos) -> None:
    """History is newest day first, later-logged first within a day, and respects the limit."""
    contact = await add(repos)
    logged = []
    for day, kind in [
        (3, ExchangeKind.MET),
        (5, ExchangeKind.EMAILED),
        (4, ExchangeKind.CALLED),
        (5, ExchangeKind.REPLIED),
    ]:
        logged.append(
            await repos.contacts.add_exchange(
                A, contact.id, kind, date(2026, 3, day), None, now=NOW
            )
        )
    history = await repos.contacts.exchanges(A, contact.id, limit=LIMIT)
    assert [e.id for e in history] == [logged[3].id, logged[1].id, logged[2].id, logged[0].id]
    assert [e.id for e in await repos.contacts.exchanges(A, contact.id, limit=2)] == [
        logged[3].id,
        logged[1].id,
    ]


@pytest.mark.parametrize(
    ("logged", "last", "count"),
    [
        ([], None, 0),
        ([(ExchangeKind.MET, 1)], date(2026, 3, 1), 0),
        ([(ExchangeKind.MET, 1), (ExchangeKind.MET, 4)], date(2026, 3, 4), 0),
        ([(ExchangeKind.EMAILED, 2)], date(2026, 3, 2), 1),
        ([(ExchangeKind.EMAILED, 2), (ExchangeKind.MET, 6)], date(2026, 3, 6), 1),
        (
            [(ExchangeKind.CALLED, 5), (ExchangeKind.REPLIED, 3), (ExchangeKind.MEETING, 1)],
            date(2026, 3, 5),
            3,
        ),
        ([(ExchangeKind.MESSAGED, 7), (ExchangeKind.MET, 2)], date(2026, 3, 7), 1),
    ],
)
async def test_derived_last_contacted_and_count(
    repos: Repos, logged: list[tuple[ExchangeKind, int]], last: date | None, count: int
) -> None:
    """last_contacted_on is the latest exchange of any kind; exchange_count skips "met"."""
    contact = await add(repos)
    for kind, day in logged:
        await repos.contacts.add_exchange(A, contact.id, kind, date(2026, 3, day), None, now=NOW)
    for got in (
        await repos.contacts.get(A, contact.id),
        (await repos.contacts.list_all(A, ContactFilter()))[0],
        (await repos.contacts.search(A, "ada", limit=LIMIT))[0],
        (await repos.contacts.suggest(A, "ada", limit=LIMIT))[0],
    ):
        assert (got.last_contacted_on, got.exchange_count) == (last, count)


# -- most due first (the /contact list order, in SQL) ------------------------------------------


async def _attention_mix(repos: Repos) -> None:
    """Contacts that exercise every branch of attention.due_on, with ties on the due day."""
    fresh = await add(repos, name="Zoë Fresh", met_on=date(2026, 3, 6))  # follow-up 8 Mar
    await add(repos, name="zoe fresh", met_on=date(2026, 3, 6))  # same day, same folded name
    await add(repos, name="Ängel Tie", met_on=date(2026, 3, 6))  # same day, sorts before z
    await add(repos, name="No Date")  # met unknown: recorded 8 Mar + 2
    await add(repos, name="Old Friend", met_on=date(2025, 1, 1))  # stale: cadence from 8 Mar
    tutor = await add(repos, name="Tutor", role=Role.TUTOR, met_on=date(2026, 1, 10))
    await repos.contacts.add_exchange(
        A, tutor.id, ExchangeKind.EMAILED, date(2026, 1, 12), None, now=NOW
    )
    custom = await add(repos, name="Custom", cadence_days=5, met_on=date(2026, 2, 1))
    await repos.contacts.add_exchange(
        A, custom.id, ExchangeKind.CALLED, date(2026, 2, 3), None, now=NOW
    )
    met_only = await add(repos, name="Met Twice", met_on=date(2026, 3, 1))
    await repos.contacts.add_exchange(
        A, met_only.id, ExchangeKind.MET, date(2026, 3, 4), None, now=NOW
    )
    planned = await add(repos, name="Planned", met_on=date(2026, 3, 2))
    await repos.contacts.set_schedule(A, planned.id, follow_up_on=date(2026, 3, 20))
    snoozed = await add(repos, name="Snoozed", role=Role.FACULTY, met_on=date(2026, 3, 7))
    await repos.contacts.set_schedule(A, snoozed.id, snoozed_until=date(2026, 4, 1))
    await repos.contacts.set_schedule(A, fresh.id, snoozed_until=date(2026, 3, 1))  # in the past
    for i in range(9):  # enough for a second page
        await add(repos, name=f"Resident {i}", role=Role.RESIDENT, met_on=date(2026, 2, 20 + i))
    await add(repos, owner=B, name="Not yours", met_on=date(2026, 1, 1))


async def test_most_due_page_matches_most_due_first(repos: Repos) -> None:
    """Pages come in attention.most_due_first order (ties by folded name, then id), cover every
    contact once, and clamp out-of-range page numbers."""
    await _attention_mix(repos)
    everyone = most_due_first(await repos.contacts.list_all(A, ContactFilter()))
    seen = []
    for number in range(3):
        page = await repos.contacts.most_due_page(A, ContactFilter(), page=number, size=8)
        assert (page.number, page.size, page.total) == (number, 8, len(everyone))
        seen += [c.id for c in page.items]
    assert seen == [c.id for c in everyone]
    last = await repos.contacts.most_due_page(A, ContactFilter(), page=99, size=8)
    first = await repos.contacts.most_due_page(A, ContactFilter(), page=-3, size=8)
    assert (last.number, first.number) == (2, 0)
    assert [c.id for c in first.items] == seen[:8]


async def test_most_due_page_filters_and_empty(repos: Repos) -> None:
    """The filter applies before paging; no contacts is one empty page."""
    await _attention_mix(repos)
    residents = await repos.contacts.most_due_page(
        A, ContactFilter(role=Role.RESIDENT), page=1, size=5
    )
    # Residents 0 and 1 were met over two weeks before being recorded: due by cadence, last.
    assert residents.total == 9 and [c.name for c in residents.items] == [
        "Resident 7",
        "Resident 8",
        "Resident 0",
        "Resident 1",
    ]
    empty = await repos.contacts.most_due_page(B + 1, ContactFilter(), page=4, size=8)
    assert (empty.items, empty.number, empty.total) == ((), 0, 0)


# -- pending ----------------------------------------------------------------------------------

PAYLOAD = {"name": "José", "tags": ["a", "b"], "nested": {"n": 1, "none": None}, "flag": True}


async def test_pending_take_returns_payload_once(repos: Repos) -> None:
    """take returns the JSON payload once and then None."""
    pending_id = await repos.pending.put(A, "k", PAYLOAD, expires_at=NOW + timedelta(hours=1))
    assert await repos.pending.take(A, pending_id, "k", now=NOW) == PAYLOAD
    assert await repos.pending.take(A, pending_id, "k", now=NOW) is None


async def test_pending_peek_does_not_consume(repos: Repos) -> None:
    """peek returns the payload and leaves it for later."""
    pending_id = await repos.pending.put(A, "k", PAYLOAD, expires_at=NOW + timedelta(hours=1))
    assert await repos.pending.peek(A, pending_id, "k", now=NOW) == PAYLOAD
    assert await repos.pending.peek(A, pending_id, "k", now=NOW) == PAYLOAD
    assert await repos.pending.take(A, pending_id, "k", now=NOW) == PAYLOAD
    assert await repos.pending.peek(A, pending_id, "k", now=NOW) is None


async def test_pending_ids_are_distinct(repos: Repos) -> None:
    """Each put gets its own id."""
    ids = {
        await repos.pending.put(A, "k", {}, expires_at=NOW + timedelta(hours=1)) for _ in range(4)
    }
    assert len(ids) == 4


@pytest.mark.parametrize("method", ["take", "peek"])
async def test_pending_scoped_to_owner_and_kind(repos: Repos, method: str) -> None:
    """Another student, another kind or an unknown id gets None and leaves the row intact."""
    pending_id = await repos.pending.put(A, "k", PAYLOAD, expires_at=NOW + timedelta(hours=1))
    call = getattr(repos.pending, method)
    assert await call(B, pending_id, "k", now=NOW) is None
    assert await call(A, pending_id, "other", now=NOW) is None
    assert await call(A, pending_id + 1000, "k", now=NOW) is None
    assert await repos.pending.take(A, pending_id, "k", now=NOW) == PAYLOAD


@pytest.mark.parametrize(
    ("offset", "live"),
    [
        (timedelta(hours=-1), True),
        (timedelta(microseconds=-1), True),
        (timedelta(0), False),
        (timedelta(microseconds=1), False),
        (timedelta(days=2), False),
    ],
    ids=["hour-before", "microsecond-before", "at-expiry", "microsecond-after", "days-after"],
)
@pytest.mark.parametrize("method", ["take", "peek"])
async def test_pending_expiry(repos: Repos, method: str, offset: timedelta, live: bool) -> None:
    """A pending row is usable strictly before its expiry instant and never after."""
    expires = datetime(2026, 3, 8, 12, 0, 0, tzinfo=UTC)
    pending_id = await repos.pending.put(A, "k", PAYLOAD, expires_at=expires)
    result = await getattr(repos.pending, method)(A, pending_id, "k", now=expires + offset)
    assert result == (PAYLOAD if live else None)


async def test_pending_expiry_compares_instants_across_offsets(repos: Repos) -> None:
    """Expiry given in one UTC offset and checked in another compares the instants."""
    expires = datetime(2026, 3, 8, 7, 0, tzinfo=timezone(timedelta(hours=-5)))  # 12:00 UTC
    pending_id = await repos.pending.put(A, "k", PAYLOAD, expires_at=expires)
    before = datetime(2026, 3, 8, 17, 29, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert await repos.pending.peek(A, pending_id, "k", now=before) == PAYLOAD
    assert await repos.pending.peek(A, pending_id, "k", now=before + timedelta(minutes=1)) is None


async def test_pending_held_lists_the_owners_live_rows_of_a_kind_oldest_first(
    repos: Repos,
) -> None:
    """held: the owner's live rows of that kind, in the order they were put; not another
    student's, another kind's or an expired one."""
    later = NOW + timedelta(hours=1)
    first = await repos.pending.put(A, "k", {"n": 1}, expires_at=later)
    await repos.pending.put(B, "k", {"n": 2}, expires_at=later)
    await repos.pending.put(A, "other", {"n": 3}, expires_at=later)
    await repos.pending.put(A, "k", {"n": 4}, expires_at=NOW - timedelta(seconds=1))
    second = await repos.pending.put(A, "k", {"n": 5}, expires_at=later)
    assert await repos.pending.held(A, "k", now=NOW) == [(first, {"n": 1}), (second, {"n": 5})]
    assert await repos.pending.held(B + 1, "k", now=NOW) == []


async def test_purge_expired(repos: Repos) -> None:
    """purge_expired forgets rows at or past expiry, counts them, and keeps live ones."""
    dead = [
        await repos.pending.put(A, "k", {"i": i}, expires_at=NOW - timedelta(minutes=i))
        for i in range(3)
    ]
    live = await repos.pending.put(B, "k", {"live": True}, expires_at=NOW + timedelta(seconds=1))
    assert await repos.pending.purge_expired(now=NOW) == 3
    assert await repos.pending.purge_expired(now=NOW) == 0
    for pending_id in dead:
        assert await repos.pending.peek(A, pending_id, "k", now=NOW - timedelta(days=1)) is None
    assert await repos.pending.take(B, live, "k", now=NOW) == {"live": True}


async def test_pending_refuses_naive_expiry(repos: Repos) -> None:
    """A naive expiry is never stored."""
    with pytest.raises(ValueError, match="naive"):
        await repos.pending.put(A, "k", {}, expires_at=datetime(2026, 3, 8, 12, 0))


# -- differential: the fake agrees with SQLite ------------------------------------------------

NAMES = [
    "Ann Lee",
    "Anna Bell",
    "Joanna Smith",
    "Dr. Ánnika Öberg",
    "Li Ann",
    "Hanna",
    "O'Neil Ann",
    "Ann-Marie Cruz",
    "Zoë Ångström",
    "Björn Ann",
    "ann",
    "ANNE",
    "Mary Ann Evans",
    "Bob",
]
QUERIES = ["", "a", "an", "ann", "anna", "nn", "o", "ann e", "d", "-", "'", "zz", "ö", "bj"]


async def test_fake_agrees_with_sqlite_on_suggest_and_search(tmp_path: Path) -> None:
    """For a table of names and queries, the fake and SQLite suggest and search alike."""
    sqlite = await _sqlite(tmp_path / "diff.sqlite3")
    memory = _memory()
    try:
        for made in (sqlite, memory):
            await made.students.get_or_create(A, now=NOW)
            for i, name in enumerate(NAMES):
                await made.contacts.add(
                    A, draft(name, notes=f"note {i}"), now=NOW + timedelta(seconds=i)
                )
        for query in QUERIES:
            key = fold(query)
            for method in ("suggest", "search"):
                want = await names(await getattr(sqlite.contacts, method)(A, key, limit=LIMIT))
                got = await names(await getattr(memory.contacts, method)(A, key, limit=LIMIT))
                assert got == want, (method, query)
    finally:
        await sqlite.db.close()


# -- SQLite only ------------------------------------------------------------------------------


async def test_deleting_student_cascades(sqlite_repos: Repos) -> None:
    """Deleting a student's row deletes their contacts, exchanges and pending rows (SQLite)."""
    repos = sqlite_repos
    contact = await add(repos)
    await repos.contacts.add_exchange(
        A, contact.id, ExchangeKind.CALLED, date(2026, 3, 1), None, now=NOW
    )
    await repos.pending.put(A, "k", {}, expires_at=NOW + timedelta(hours=1))
    other = await add(repos, owner=B, name="Other")
    await repos.db.execute("DELETE FROM students WHERE id = ?", (A,))
    for table in ("contacts", "exchanges", "pending_actions"):
        async with repos.db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE owner_id = ?", (A,)
        ) as cur:
            assert (await cur.fetchone())[0] == 0, table
    assert await repos.contacts.get(B, other.id) is not None


async def test_contact_requires_student_row(sqlite_repos: Repos) -> None:
    """SQLite refuses a contact for a student who has no row (foreign keys are on)."""
    with pytest.raises(sqlite3.IntegrityError):
        await sqlite_repos.contacts.add(999, draft(), now=NOW)


async def test_datetimes_stored_as_utc_text(sqlite_repos: Repos) -> None:
    """Times are stored as ISO-8601 text in UTC."""
    at = datetime(2026, 3, 8, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    contact = await sqlite_repos.contacts.add(A, draft(), now=at)
    async with sqlite_repos.db.execute(
        "SELECT created_at, updated_at FROM contacts WHERE id = ?", (contact.id,)
    ) as cursor:
        row = await cursor.fetchone()
    assert tuple(row) == ("2026-03-08T12:00:00+00:00", "2026-03-08T12:00:00+00:00")


async def test_all_exchanges_are_the_owners_oldest_first(repos: Repos) -> None:
    """all_exchanges lists only the owner's exchanges, oldest first."""
    contacts = repos.contacts
    await repos.students.get_or_create(A, now=NOW)
    await repos.students.get_or_create(B, now=NOW)
    mine = await contacts.add(A, ContactDraft(name="Mine"), now=NOW)
    theirs = await contacts.add(B, ContactDraft(name="Theirs"), now=NOW)
    for owner, cid, kind, day in (
        (A, mine.id, ExchangeKind.EMAILED, date(2026, 3, 2)),
        (A, mine.id, ExchangeKind.MET, date(2026, 3, 1)),
        (B, theirs.id, ExchangeKind.CALLED, date(2026, 3, 1)),
    ):
        await contacts.add_exchange(owner, cid, kind, day, None, now=NOW)
    found = await contacts.all_exchanges(A)
    assert [(x.kind, x.happened_on) for x in found] == [
        (ExchangeKind.MET, date(2026, 3, 1)),
        (ExchangeKind.EMAILED, date(2026, 3, 2)),
    ]
