"""ContactService over the in-memory fakes: rules, duplicates, ownership, exchanges, listing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core import contacts as contacts_module
from bot.core.attention import most_due_first
from bot.core.contacts import PAGE_SIZE, PENDING_TTL, SUGGEST_LIMIT
from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.models import Contact, ContactDraft, ContactFilter, ExchangeKind, Role
from bot.core.validation import NOTES_MAX
from tests.fakes import build_services
from tests.unit.conftest import World

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222


async def add(world: World, name: str = "Ada Lovelace", owner: int = A, **fields: Any) -> Contact:
    outcome = await world.services.contacts.add(owner, ContactDraft(name=name, **fields))
    assert outcome.contact is not None, outcome
    return outcome.contact


async def test_build_services_defaults() -> None:
    """build_services() with no arguments gives working services on a fake clock."""
    services = build_services()
    outcome = await services.contacts.add(A, ContactDraft(name="Ada"))
    assert outcome.contact is not None
    assert outcome.contact.created_at == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


# -- adding -----------------------------------------------------------------------------------


async def test_add_saves_cleaned_contact(world: World) -> None:
    """add stores the cleaned draft with the clock's time and creates the student."""
    contact = await add(
        world,
        "  Ada   Lovelace ",
        role=Role.FACULTY,
        email="Ada@Example.org",
        tags=("#Math", "math", " Logic "),
        met_on=date(2026, 3, 1),
    )
    assert contact.name == "Ada Lovelace"
    assert contact.draft.email == "Ada@example.org"
    assert contact.draft.tags == ("math", "logic")
    assert contact.owner_id == A
    assert contact.created_at == world.clock.now()
    assert A in world.students.rows
    assert await world.contacts.count(A) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "x" * 101}, "The name is 101 characters; the limit is 100"),
        ({"name": ""}, "needs a name"),
        ({"name": "   "}, "needs a name"),
        ({"title": "x" * 41}, "The title is 41"),
        ({"specialty": "x" * 101}, "The specialty is 101"),
        ({"institution": "x" * 151}, "The institution is 151"),
        ({"met_event": "x" * 151}, "Where you met is 151"),
        ({"notes": "x" * 2001}, "Your note about them is 2,001 characters; the limit is 2,000"),
        ({"tags": tuple(f"t{i}" for i in range(11))}, "11 tags; a contact can have up to 10"),
        ({"tags": ("x" * 33,)}, "The tag"),
        ({"email": "not-an-email"}, "doesn't look like an e-mail"),
        ({"email": "a@b"}, "doesn't look like an e-mail"),
        ({"email": "a@@b.com"}, "doesn't look like an e-mail"),
        ({"email": "a" * 250 + "@x.org"}, "The e-mail address is 256"),
        ({"profile_url": "javascript:alert(1)"}, "must be a web address"),
        ({"profile_url": "javascript://example.com/%0Aalert(1)"}, "must be a web address"),
        ({"profile_url": "ftp://files.example.com/cv.pdf"}, "must be a web address"),
        ({"profile_url": "data:text/html,<script>alert(1)</script>"}, "must be a web address"),
        ({"profile_url": "https://exa mple.com"}, "must be a web address"),
        ({"profile_url": "https://localhost/x"}, "must be a web address"),
        ({"profile_url": "https://x.com/" + "a" * 500}, "The profile URL is"),
        ({"cadence_days": 6}, "between 7 and 730"),
        ({"cadence_days": 731}, "between 7 and 730"),
        ({"name": "\u200b\u200c\ufeff"}, "needs a name"),
        ({"name": "\u202e\u2066\x00\x07"}, "needs a name"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
async def test_add_rejects_and_saves_nothing(
    world: World, fields: dict[str, Any], message: str
) -> None:
    """Input that breaks a rule raises InvalidInput naming it, and nothing is saved."""
    await add(world, "Existing")
    draft = replace(ContactDraft(name="Valid Name"), **fields)
    with pytest.raises(InvalidInput, match=message) as caught:
        await world.services.contacts.add(A, draft)
    assert caught.value.user_message
    assert await world.contacts.count(A) == 1
    assert world.pending.rows == {}


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"name": "x" * 100}, "name", "x" * 100),
        ({"notes": "x" * 2000}, "notes", "x" * 2000),
        ({"tags": tuple(f"t{i}" for i in range(10))}, "tags", tuple(f"t{i}" for i in range(10))),
        ({"tags": ("x" * 32,)}, "tags", ("x" * 32,)),
        ({"cadence_days": 7}, "cadence_days", 7),
        ({"cadence_days": 730}, "cadence_days", 730),
        ({"profile_url": "http://example.com/me"}, "profile_url", "http://example.com/me"),
        (
            {"profile_url": "https://www.linkedin.com/in/x"},
            "profile_url",
            "https://www.linkedin.com/in/x",
        ),
        ({"profile_url": "linkedin.com/in/x"}, "profile_url", "https://linkedin.com/in/x"),
        ({"email": "  name@school.edu "}, "email", "name@school.edu"),
        ({"title": "   "}, "title", None),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else None,
)
async def test_add_accepts_at_the_limits(
    world: World, fields: dict[str, Any], field: str, expected: Any
) -> None:
    """Values at a limit, http(s) URLs and bare domains (given https://) are accepted."""
    contact = await add(world, **{"name": "Valid Name", **fields})
    assert getattr(contact.draft, field) == expected


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"name": "\u202eAda\u202c Lovelace"}, "name", "Ada Lovelace"),
        ({"name": "\u2066Ada\u2069"}, "name", "Ada"),
        ({"name": "Ada\x00\x07 Love\x1blace"}, "name", "Ada Lovelace"),
        ({"name": "Ada\tLovelace\nSecond"}, "name", "Ada Lovelace Second"),
        ({"notes": "one\x00\n\n\n\ntwo\x1b[31m  "}, "notes", "one\n\ntwo[31m"),
        ({"notes": "keep\nlines"}, "notes", "keep\nlines"),
        ({"name": "**Bold** _it_ `code`"}, "name", "**Bold** _it_ `code`"),
        ({"name": "@everyone"}, "name", "@everyone"),
        ({"name": "<@123456789012345678> @here"}, "name", "<@123456789012345678> @here"),
        ({"name": "{{ 7*7 }}"}, "name", "{{ 7*7 }}"),
        ({"title": "{% raw %}x{% endraw %}"}, "title", "{% raw %}x{% endraw %}"),
        ({"name": 'O\'Brien "Bob"'}, "name", 'O\'Brien "Bob"'),
        ({"notes": "'; DROP TABLE contacts; --"}, "notes", "'; DROP TABLE contacts; --"),
        ({"name": "👩\u200d⚕️ Dr. Emoji"}, "name", "👩\u200d⚕️ Dr. Emoji"),
        ({"name": "José Núñez"}, "name", "José Núñez"),
    ],
    ids=repr,
)
async def test_add_odd_unicode(
    world: World, fields: dict[str, Any], field: str, expected: Any
) -> None:
    """Bidi overrides and control characters go; markdown, mentions, templates and quotes stay."""
    contact = await add(world, **{"name": "Valid Name", **fields})
    assert getattr(contact.draft, field) == expected
    assert getattr((await world.services.contacts.get(A, contact.id)).draft, field) == expected


async def test_contact_limit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A student at the contact limit cannot add more, and nothing is saved."""
    monkeypatch.setattr(contacts_module, "MAX_CONTACTS", 2)
    await add(world, "One")
    await add(world, "Two")
    with pytest.raises(InvalidInput, match="the most one student can keep"):
        await world.services.contacts.add(A, ContactDraft(name="Three"))
    assert await world.contacts.count(A) == 2
    await add(world, "Other's", owner=B)


# -- duplicates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"name": "José Núñez"}, {"name": "jose nunez"}),
        ({"name": "José Núñez"}, {"name": "  JOSÉ   NÚÑEZ "}),
        (
            {"name": "Ada", "email": "Ada@Example.org"},
            {"name": "A. L.", "email": "ada@example.ORG"},
        ),
    ],
    ids=["folded-name", "spacing-case", "email"],
)
async def test_duplicate_is_held(
    world: World, first: dict[str, Any], second: dict[str, Any]
) -> None:
    """A likely duplicate is not saved: the outcome lists it and holds the add as pending."""
    existing = await add(world, **first)
    outcome = await world.services.contacts.add(A, ContactDraft(**second))
    assert outcome.contact is None
    assert [c.id for c in outcome.duplicates] == [existing.id]
    assert outcome.pending_id is not None
    assert await world.contacts.count(A) == 1


async def test_other_students_contacts_are_not_duplicates(world: World) -> None:
    """The same name in another student's list is not a duplicate."""
    await add(world, "José Núñez", owner=B)
    outcome = await world.services.contacts.add(A, ContactDraft(name="jose nunez"))
    assert outcome.contact is not None and outcome.duplicates == ()


async def test_resolve_duplicate_merges_into_existing(world: World) -> None:
    """Merging fills and overwrites fields, appends new tags and notes, keeps blanks."""
    existing = await add(
        world,
        "José Núñez",
        role=Role.ATTENDING,
        institution="Old Hospital",
        specialty="Cardiology",
        notes="First note",
        tags=("a", "b"),
    )
    outcome = await world.services.contacts.add(
        A,
        ContactDraft(
            name="jose nunez",
            institution="New Hospital",
            notes="Second note",
            tags=("b", "c"),
            met_on=date(2026, 3, 2),
        ),
    )
    world.clock.advance(minutes=5)
    merged = await world.services.contacts.resolve_duplicate(
        A, outcome.pending_id, update_contact_id=existing.id
    )
    assert merged.id == existing.id
    assert merged.role is Role.ATTENDING  # "other" does not overwrite a real role
    assert merged.draft.institution == "New Hospital"
    assert merged.draft.specialty == "Cardiology"
    assert merged.draft.notes == "First note\n\nSecond note"
    assert merged.draft.tags == ("a", "b", "c")
    assert merged.draft.met_on == date(2026, 3, 2)
    assert merged.updated_at == world.clock.now()
    assert await world.contacts.count(A) == 1


async def test_resolve_duplicate_add_anyway(world: World) -> None:
    """Resolving with no contact to update adds the held draft as a new contact."""
    await add(world, "José Núñez")
    outcome = await world.services.contacts.add(
        A, ContactDraft(name="jose nunez", tags=("x",), met_on=date(2026, 3, 1))
    )
    added = await world.services.contacts.resolve_duplicate(
        A, outcome.pending_id, update_contact_id=None
    )
    assert added.name == "jose nunez"
    assert added.draft.tags == ("x",) and added.draft.met_on == date(2026, 3, 1)
    assert await world.contacts.count(A) == 2


@pytest.mark.parametrize("target", ["update", "add"])
async def test_resolve_duplicate_twice_expires(world: World, target: str) -> None:
    """A held add can be resolved once; the second attempt is ExpiredAction and changes nothing."""
    existing = await add(world, "José Núñez")
    outcome = await world.services.contacts.add(A, ContactDraft(name="jose nunez"))
    update_id = existing.id if target == "update" else None
    await world.services.contacts.resolve_duplicate(
        A, outcome.pending_id, update_contact_id=update_id
    )
    count = await world.contacts.count(A)
    with pytest.raises(ExpiredAction):
        await world.services.contacts.resolve_duplicate(
            A, outcome.pending_id, update_contact_id=update_id
        )
    assert await world.contacts.count(A) == count


async def test_resolve_other_students_pending_expires(world: World) -> None:
    """Another student's pending id behaves as expired and stays usable by its owner."""
    await add(world, "José Núñez")
    outcome = await world.services.contacts.add(A, ContactDraft(name="jose nunez"))
    with pytest.raises(ExpiredAction):
        await world.services.contacts.resolve_duplicate(
            B, outcome.pending_id, update_contact_id=None
        )
    assert await world.contacts.count(B) == 0
    await world.services.contacts.resolve_duplicate(A, outcome.pending_id, update_contact_id=None)
    assert await world.contacts.count(A) == 2


async def test_resolve_after_ttl_expires(world: World) -> None:
    """A held add older than the pending TTL is ExpiredAction."""
    await add(world, "José Núñez")
    outcome = await world.services.contacts.add(A, ContactDraft(name="jose nunez"))
    world.clock.advance(PENDING_TTL)
    with pytest.raises(ExpiredAction):
        await world.services.contacts.resolve_duplicate(
            A, outcome.pending_id, update_contact_id=None
        )


async def test_resolve_into_other_students_contact(world: World) -> None:
    """Merging a held add into someone else's contact is ContactNotFound and changes it not."""
    theirs = await add(world, "Theirs", owner=B)
    await add(world, "Mine")
    outcome = await world.services.contacts.add(A, ContactDraft(name="mine"))
    with pytest.raises(ContactNotFound):
        await world.services.contacts.resolve_duplicate(
            A, outcome.pending_id, update_contact_id=theirs.id
        )
    assert (await world.services.contacts.get(B, theirs.id)).name == "Theirs"


# -- ownership --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s, cid: s.get(B, cid),
        lambda s, cid: s.history(B, cid),
        lambda s, cid: s.update(B, cid, {"name": "Hijacked"}),
        lambda s, cid: s.remove(B, cid),
        lambda s, cid: s.log_exchange(B, cid, ExchangeKind.EMAILED),
    ],
    ids=["get", "history", "update", "remove", "log_exchange"],
)
async def test_other_students_contact_is_not_found(world: World, call: Any) -> None:
    """Every per-contact call on another student's contact is ContactNotFound, with no effect."""
    mine = await add(world, "Mine")
    with pytest.raises(ContactNotFound):
        await call(world.services.contacts, mine.id)
    assert await world.services.contacts.get(A, mine.id) == mine
    assert await world.services.contacts.history(A, mine.id) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.get(A, 999),
        lambda s: s.history(A, 999),
        lambda s: s.update(A, 999, {"name": "X"}),
        lambda s: s.remove(A, 999),
        lambda s: s.log_exchange(A, 999, ExchangeKind.CALLED),
    ],
    ids=["get", "history", "update", "remove", "log_exchange"],
)
async def test_missing_contact_is_not_found(world: World, call: Any) -> None:
    """Every per-contact call on an unknown id is ContactNotFound."""
    with pytest.raises(ContactNotFound, match="couldn't find that contact"):
        await call(world.services.contacts)


async def test_lists_are_private(world: World) -> None:
    """Another student's list, search and suggestions never show my contacts."""
    await add(world, "Ada Lovelace", tags=("math",), specialty="Maths")
    contacts = world.services.contacts
    assert (await contacts.list_page(B, ContactFilter())).total == 0
    assert await contacts.search(B, "ada") == []
    assert await contacts.suggest(B, "ad") == []
    assert await contacts.suggest_values(B, "tag", "") == []


# -- update and remove ------------------------------------------------------------------------


async def test_update_applies_and_validates(world: World) -> None:
    """update changes the named fields, None clears one, and the result is validated."""
    contact = await add(world, "Ada", institution="Old", title="Dr")
    world.clock.advance(hours=1)
    updated = await world.services.contacts.update(
        A, contact.id, {"institution": "  New  ", "title": None, "tags": ("#X", "y")}
    )
    assert (updated.draft.institution, updated.draft.title) == ("New", None)
    assert updated.draft.tags == ("x", "y")
    assert updated.updated_at == world.clock.now() != updated.created_at


async def test_update_rejects_invalid_and_keeps_old(world: World) -> None:
    """An invalid update raises and leaves the stored contact unchanged."""
    contact = await add(world, "Ada")
    with pytest.raises(InvalidInput):
        await world.services.contacts.update(A, contact.id, {"profile_url": "javascript:x"})
    assert await world.services.contacts.get(A, contact.id) == contact


async def test_update_unknown_field_is_a_bug(world: World) -> None:
    """Fields outside the draft cannot be edited."""
    contact = await add(world, "Ada")
    with pytest.raises(ValueError, match="owner_id"):
        await world.services.contacts.update(A, contact.id, {"owner_id": B})


async def test_remove(world: World) -> None:
    """remove deletes the contact; a second remove is ContactNotFound."""
    contact = await add(world, "Ada")
    await world.services.contacts.remove(A, contact.id)
    assert await world.contacts.count(A) == 0
    with pytest.raises(ContactNotFound):
        await world.services.contacts.remove(A, contact.id)


# -- exchanges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2026, 3, 8, 3, 30, tzinfo=UTC), None, date(2026, 3, 8)),
        (datetime(2026, 3, 8, 3, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 7)),
        (datetime(2026, 3, 8, 12, 0, tzinfo=UTC), "Pacific/Kiritimati", date(2026, 3, 9)),
        (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), "Asia/Kolkata", date(2026, 3, 9)),
    ],
)
async def test_log_exchange_defaults_to_local_today(
    world: World, now: datetime, zone: str | None, expected: date
) -> None:
    """With no date, an exchange is logged on today in the student's timezone (UTC if unset)."""
    contact = await add(world, "Ada")
    await world.students.set_timezone(A, zone)
    world.clock.set(now)
    updated, exchange = await world.services.contacts.log_exchange(
        A, contact.id, ExchangeKind.EMAILED, note="  Thanks!  "
    )
    assert exchange.happened_on == expected
    assert exchange.note == "Thanks!"
    assert exchange.created_at == now
    assert updated.last_contacted_on == expected
    assert updated.exchange_count == 1
    assert await world.services.contacts.today(A) == expected


async def test_log_exchange_with_typed_date(world: World) -> None:
    """A typed date is read in the student's timezone; history is newest first."""
    contact = await add(world, "Ada")
    await world.students.set_timezone(A, "America/Los_Angeles")
    world.clock.set(datetime(2026, 3, 8, 3, 30, tzinfo=UTC))
    await world.services.contacts.log_exchange(A, contact.id, ExchangeKind.MET, when="3 days ago")
    updated, _ = await world.services.contacts.log_exchange(
        A, contact.id, ExchangeKind.CALLED, when="yesterday"
    )
    assert updated.last_contacted_on == date(2026, 3, 6)
    assert updated.exchange_count == 1  # "met" is not a follow-up
    history = await world.services.contacts.history(A, contact.id)
    assert [(e.kind, e.happened_on) for e in history] == [
        (ExchangeKind.CALLED, date(2026, 3, 6)),
        (ExchangeKind.MET, date(2026, 3, 4)),
    ]


@pytest.mark.parametrize(
    ("when", "note"),
    [("tomorrow", None), ("{{7*7}}", None), ("banana bread", None), (None, "x" * 1001)],
)
async def test_log_exchange_rejects_and_saves_nothing(
    world: World, when: str | None, note: str | None
) -> None:
    """A future or unreadable date, or an over-long note, logs nothing."""
    contact = await add(world, "Ada")
    with pytest.raises(InvalidInput):
        await world.services.contacts.log_exchange(
            A, contact.id, ExchangeKind.CALLED, when=when, note=note
        )
    assert await world.services.contacts.history(A, contact.id) == []
    assert (await world.services.contacts.get(A, contact.id)).last_contacted_on is None


@pytest.mark.parametrize("text", [None, "", "   "])
async def test_parse_day_blank_is_none(world: World, text: str | None) -> None:
    """No typed date means None, not today."""
    assert await world.services.contacts.parse_day(A, text) is None


async def test_history_is_limited(world: World) -> None:
    """history shows at most the ten newest exchanges."""
    contact = await add(world, "Ada")
    for days in range(12):
        await world.services.contacts.log_exchange(
            A, contact.id, ExchangeKind.MESSAGED, when=f"{days} days ago"
        )
    history = await world.services.contacts.history(A, contact.id)
    assert len(history) == 10
    assert history[0].happened_on == date(2026, 3, 8)


# -- listing ----------------------------------------------------------------------------------


async def test_list_page_orders_by_attention(world: World) -> None:
    """Contacts are listed most due first, as attention.most_due_first orders them."""
    contacts = world.services.contacts
    fresh = await add(world, "Fresh", met_on=date(2026, 3, 7))
    overdue = await add(world, "Overdue", met_on=date(2026, 2, 25))
    mentor = await add(world, "Mentor", role=Role.PEER_MENTOR, met_on=date(2025, 12, 1))
    await contacts.log_exchange(A, mentor.id, ExchangeKind.EMAILED, when="2026-01-01")
    faculty = await add(world, "Faculty", role=Role.FACULTY, met_on=date(2025, 6, 1))
    await contacts.log_exchange(A, faculty.id, ExchangeKind.MEETING, when="2025-12-20")
    custom = await add(world, "Custom", cadence_days=7, met_on=date(2026, 1, 1))
    await contacts.log_exchange(A, custom.id, ExchangeKind.CALLED, when="2026-02-01")

    page = await contacts.list_page(A, ContactFilter())
    assert [c.name for c in page.items] == ["Custom", "Mentor", "Overdue", "Fresh", "Faculty"]
    assert list(page.items) == most_due_first(page.items)
    assert {c.id for c in page.items} == {fresh.id, overdue.id, mentor.id, faculty.id, custom.id}


@pytest.mark.parametrize(
    ("total", "requested", "number", "sizes"),
    [
        (0, 0, 0, 0),
        (0, 3, 0, 0),
        (5, 0, 0, 5),
        (PAGE_SIZE, 1, 0, PAGE_SIZE),
        (20, 0, 0, PAGE_SIZE),
        (20, 1, 1, PAGE_SIZE),
        (20, 2, 2, 20 - 2 * PAGE_SIZE),
        (20, 99, 2, 20 - 2 * PAGE_SIZE),
        (20, -4, 0, PAGE_SIZE),
    ],
)
async def test_list_page_paging(
    world: World, total: int, requested: int, number: int, sizes: int
) -> None:
    """Pages hold PAGE_SIZE contacts; out-of-range page numbers clamp to the first or last."""
    for i in range(total):
        await add(world, f"Person {i:02}")
    page = await world.services.contacts.list_page(A, ContactFilter(), requested)
    assert (page.number, len(page.items), page.total, page.size) == (
        number,
        sizes,
        total,
        PAGE_SIZE,
    )
    assert page.count == max(1, -(-total // PAGE_SIZE))
    assert page.has_previous == (number > 0)
    assert page.has_next == ((number + 1) * PAGE_SIZE < total)


async def test_list_pages_cover_everyone_once(world: World) -> None:
    """Walking the pages lists every contact exactly once."""
    for i in range(19):
        await add(world, f"Person {i:02}")
    seen = []
    for number in range(3):
        seen += [
            c.id
            for c in (await world.services.contacts.list_page(A, ContactFilter(), number)).items
        ]
    assert sorted(seen) == sorted(c.id for c in await world.contacts.list_all(A, ContactFilter()))


async def test_list_page_filters(world: World) -> None:
    """list_page applies the filter."""
    await add(world, "Card", specialty="Cardiology", tags=("heart",))
    await add(world, "Neuro", specialty="Neurology")
    page = await world.services.contacts.list_page(A, ContactFilter(tag="Heart"))
    assert [c.name for c in page.items] == ["Card"]


async def test_remember_and_recall_filter(world: World) -> None:
    """A remembered filter comes back for its owner until it expires, and never for others."""
    wanted = ContactFilter(role=Role.RESIDENT, tag="x", specialty="cardio", event="AMA")
    filter_id = await world.services.contacts.remember_filter(A, wanted)
    assert await world.services.contacts.recall_filter(A, filter_id) == wanted
    assert await world.services.contacts.recall_filter(A, filter_id) == wanted
    with pytest.raises(ExpiredAction):
        await world.services.contacts.recall_filter(B, filter_id)
    world.clock.advance(PENDING_TTL)
    with pytest.raises(ExpiredAction):
        await world.services.contacts.recall_filter(A, filter_id)


async def test_empty_filter_round_trips(world: World) -> None:
    """An empty filter is remembered and recalled as empty."""
    filter_id = await world.services.contacts.remember_filter(A, ContactFilter())
    assert (await world.services.contacts.recall_filter(A, filter_id)).is_empty


# -- search and suggest -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "a", " a ", "\u200b\u200b", "x" * 101])
async def test_search_length_limits(world: World, query: str) -> None:
    """Searches need 2 to 100 visible characters."""
    with pytest.raises(InvalidInput, match="Search for at"):
        await world.services.contacts.search(A, query)


@pytest.mark.parametrize("query", ["ad", "ADA", "  Adá ", "a" * 100])
async def test_search_accepts_valid_lengths(world: World, query: str) -> None:
    """Queries of 2 to 100 characters are folded and searched."""
    await add(world, "Ada Lovelace")
    await add(world, "a" * 100)
    assert await world.services.contacts.search(A, query)


async def test_search_finds_by_notes_and_tags(world: World) -> None:
    """search looks beyond the name."""
    await add(world, "Ada", notes="Met at the Núñez lab", tags=("cardio",))
    assert [c.name for c in await world.services.contacts.search(A, "nunez")] == ["Ada"]
    assert [c.name for c in await world.services.contacts.search(A, "CARD")] == ["Ada"]


async def test_suggest_at_most_25(world: World) -> None:
    """Autocomplete returns at most 25 choices (Discord's limit)."""
    for i in range(SUGGEST_LIMIT + 5):
        await add(world, f"Person {i:02}")
    assert len(await world.services.contacts.suggest(A, "pers")) == SUGGEST_LIMIT
    assert len(await world.services.contacts.suggest(A, "")) == SUGGEST_LIMIT


async def test_suggest_folds_typed_text(world: World) -> None:
    """What the student typed is folded before matching."""
    await add(world, "José Núñez")
    assert [c.name for c in await world.services.contacts.suggest(A, "JOSÉ N")] == ["José Núñez"]


async def test_suggest_values(world: World) -> None:
    """Tag, specialty and event suggestions come from the student's own contacts."""
    await add(world, "Ada", tags=("cardio", "boston"), specialty="Cardiology", met_event="AMA")
    assert await world.services.contacts.suggest_values(A, "tag", "CAR") == ["cardio"]
    assert await world.services.contacts.suggest_values(A, "specialty", "") == ["Cardiology"]
    assert await world.services.contacts.suggest_values(A, "event", "am") == ["AMA"]


# -- students ---------------------------------------------------------------------------------


async def test_claim_welcome_once(world: World) -> None:
    """claim_welcome is True exactly once per student."""
    students = world.services.students
    assert await students.claim_welcome(A) is True
    assert await students.claim_welcome(A) is False
    assert await students.claim_welcome(B) is True


async def test_timezone_falls_back_to_utc(world: World) -> None:
    """A student without a timezone has their dates read in UTC."""
    assert await world.services.students.timezone_for(A) == "UTC"
    await world.students.set_timezone(A, "Europe/London")
    assert await world.services.students.timezone_for(A) == "Europe/London"


async def test_clock_is_injected(world: World) -> None:
    """Service timestamps come from the injected clock, never the wall clock."""
    world.clock.set(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    contact = await add(world, "Ada")
    assert contact.created_at == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    world.clock.advance(timedelta(days=1), hours=1)
    assert world.clock.now() == datetime(2030, 1, 3, 4, 4, 5, tzinfo=UTC)


async def test_a_refused_merge_keeps_the_held_add(world: World) -> None:
    """A merge the rules refuse (notes too long together) leaves the held add in place, so
    "add as new" still works."""
    existing = await add(world, "José Núñez", notes="a" * (NOTES_MAX - 10))
    outcome = await world.services.contacts.add(
        A, ContactDraft(name="jose nunez", notes="b" * (NOTES_MAX - 10))
    )
    with pytest.raises(InvalidInput):
        await world.services.contacts.resolve_duplicate(
            A, outcome.pending_id, update_contact_id=existing.id
        )
    added = await world.services.contacts.resolve_duplicate(
        A, outcome.pending_id, update_contact_id=None
    )
    assert added.id != existing.id and await world.contacts.count(A) == 2


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Dr. Helen Marsh", "Helen Marsh, MD"),
        ("Helen Marsh, MD", "Marsh, Helen"),
        ("Prof. Ludwig van Beethoven", "Beethoven, Ludwig van"),
        ("María José García López", "Dr. María José García López, PhD"),
    ],
)
async def test_duplicates_compare_given_and_family_name(
    world: World, first: str, second: str
) -> None:
    """Titles, credentials and "Surname, Given" don't hide a duplicate."""
    existing = await add(world, first)
    outcome = await world.services.contacts.add(A, ContactDraft(name=second))
    assert [c.id for c in outcome.duplicates] == [existing.id]


async def test_find_or_create_finds_the_same_person_spelled_differently(world: World) -> None:
    """/followup with "Helen Marsh, MD" reuses the saved "Dr. Helen Marsh"."""
    existing = await add(world, "Dr. Helen Marsh", role=Role.ATTENDING)
    found = await world.services.contacts.find_or_create(A, ContactDraft(name="Helen Marsh, MD"))
    assert found.id == existing.id
    assert await world.contacts.count(A) == 1


async def test_title_in_name_and_title_option_do_not_double(world: World) -> None:
    """'Dr. Helen Marsh' with title 'dr' greets "Dr. Marsh"; the title is normalised."""
    saved = await add(world, "Dr. Helen Marsh", title="dr", role=Role.ATTENDING)
    assert saved.draft.title == "Dr."
    assert saved.greeting == "Dr. Marsh"


async def test_address_as_is_saved_cleaned_and_cleared(world: World) -> None:
    """ "address as" is stored tidied, wins in greetings, and None goes back to the default."""
    saved = await add(world, "María José García López", role=Role.ATTENDING)
    assert saved.greeting == "Dr. García López"
    edited = await world.services.contacts.update(A, saved.id, {"address_as": "  María  José "})
    assert (edited.draft.address_as, edited.greeting) == ("María José", "María José")
    cleared = await world.services.contacts.update(A, saved.id, {"address_as": None})
    assert cleared.greeting == "Dr. García López"
    with pytest.raises(InvalidInput):
        await world.services.contacts.update(A, saved.id, {"address_as": "x" * 101})
