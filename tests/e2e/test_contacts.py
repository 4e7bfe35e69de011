"""Recording contacts end to end: add, list, show, edit, remove, search, log, Save as contact."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import (
    ALICE,
    CAROL,
    GUILD_ID,
    RunningBot,
    custom_ids,
    embed_of,
    is_ephemeral,
)
from tests.e2e.fake_discord import FakeDiscord

pytestmark = pytest.mark.e2e

FULL = {
    "name": "Amara Okafor",
    "role": "attending",
    "title": "Dr.",
    "specialty": "Cardiology",
    "institution": "St Mary's Hospital",
    "where_met": "Cardiology interest group talk",
    "date_met": "last friday",
    "email": "A.Okafor@Example.org",
    "profile_url": "linkedin.com/in/amara-okafor",
    "notes": "Runs the heart-failure clinic; suggested the GUIDE-HF trial.",
    "tags": "cardio, #Mentor, cardio",
}


async def add(fake: FakeDiscord, user_id: int = ALICE, **options: Any) -> dict[str, Any]:
    handle = await fake.slash(
        "contact", subcommand="add", user_id=user_id, guild_id=GUILD_ID, options=options
    )
    return await handle.response()


def contact_id_from(response: dict[str, Any]) -> int:
    [edit] = [c for c in custom_ids(response) if c.startswith("contact:edit:")]
    return int(edit.rsplit(":", 1)[1])


def field(embed: dict[str, Any], name: str) -> str:
    for item in embed.get("fields", []):
        if item["name"] == name:
            return item["value"]
    raise AssertionError(f"no field {name!r} in {[f['name'] for f in embed.get('fields', [])]}")


async def contact_count(bot: RunningBot, owner: int = ALICE) -> int:
    """Counted straight from the database file the bot writes to."""
    [(count,)] = await bot.store.rows("SELECT COUNT(*) FROM contacts WHERE owner_id = ?", owner)
    return int(count)


async def test_add_with_every_field_replies_with_private_card(fake: FakeDiscord) -> None:
    """/contact add saves every field and answers with an ephemeral card and its buttons."""
    response = await add(fake, **FULL)
    assert response["type"] == 4 and is_ephemeral(response)
    assert response["data"]["allowed_mentions"] == {"parse": []}
    embed = embed_of(response)
    assert embed["title"] == "Dr. Amara Okafor"
    assert "Attending" in embed["description"] and "Cardiology" in embed["description"]
    assert field(embed, "Where and when you met") == "Cardiology interest group talk · 20 Nov 2026"
    assert field(embed, "E-mail") == "A.Okafor@example.org"
    assert field(embed, "Profile") == "https://linkedin.com/in/amara-okafor"
    assert field(embed, "Tags") == "cardio, mentor"
    assert field(embed, "Next") == "follow up today"  # met 2 days ago, nothing sent yet
    ids = custom_ids(response)
    cid = contact_id_from(response)
    assert ids == [f"contact:log:{cid}", f"contact:edit:{cid}"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"tags": ",".join(f"t{i}" for i in range(11))}, "up to 10"),
        ({"tags": "x" * 33}, "limit is 32"),
        ({"email": "not-an-address"}, "doesn't look like an e-mail"),
        ({"profile_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"profile_url": "ftp://files.example.org/cv"}, "http:// or https://"),
        ({"date_met": "next friday"}, "in the future"),
        ({"date_met": "{{ 7*7 }}"}, "couldn't read"),
        ({"date_met": "2026-02-30"}, "not a real date"),
        ({"name": "\u200b\u200b"}, "needs a name"),
    ],
)
async def test_bad_input_gets_clear_private_error_and_saves_nothing(
    bot: RunningBot, options: dict[str, str], expected: str
) -> None:
    """Input that breaks a rule is refused ephemerally with a reason, and nothing is stored."""
    response = await add(bot.fake, **{"name": "Sam Lee", **options})
    assert response["type"] == 4 and is_ephemeral(response)
    assert expected in response["data"]["content"]
    assert "embeds" not in response["data"] or not response["data"]["embeds"]
    assert await contact_count(bot) == 0


async def test_markdown_mentions_and_template_syntax_are_shown_verbatim(fake: FakeDiscord) -> None:
    """Names and notes with markdown, @everyone and {{ }} are stored as typed and never ping."""
    response = await add(
        fake,
        name="**Bold** @everyone",
        notes='{{ 7*7 }} {% for x in y %} "quoted" <@123> `code`',
    )
    embed = embed_of(response)
    assert embed["title"] == "\\*\\*Bold\\*\\* @everyone"
    assert field(embed, "Notes") == '{{ 7\\*7 }} {% for x in y %} "quoted" <@123> \\`code\\`'
    assert not fake.mentions_allowed(response["data"])


async def test_bidi_overrides_are_removed_from_names(fake: FakeDiscord) -> None:
    """Right-to-left override characters cannot disguise a saved name."""
    response = await add(fake, name="Ali\u202ece Moreno")
    assert embed_of(response)["title"] == "Alice Moreno"


async def test_duplicate_by_accent_folded_name_asks_then_updates(bot: RunningBot) -> None:
    """A second 'jose nunez' asks whether to update José Núñez; Update merges, no new row."""
    fake = bot.fake
    first = await add(fake, name="José Núñez", specialty="Neurology")
    original = contact_id_from(first)
    question = await add(fake, name="jose  NUNEZ", email="jn@example.org", tags="neuro")
    assert is_ephemeral(question)
    assert "same person" in question["data"]["content"]
    ids = custom_ids(question)
    assert ids == [
        f"contact:dupe:{ids[0].split(':')[2]}:{original}",
        f"contact:dupe:{ids[0].split(':')[2]}:new",
    ]
    handle = await fake.click(fake.handles[-1].message, ids[0], user_id=ALICE)
    updated = await handle.response()
    assert updated["type"] == 7
    embed = embed_of(updated)
    assert embed["title"] == "José Núñez"
    assert field(embed, "E-mail") == "jn@example.org"
    assert "Neurology" in embed["description"]
    assert await contact_count(bot) == 1
    assert custom_ids(updated) == [f"contact:log:{original}", f"contact:edit:{original}"]


async def test_duplicate_by_email_can_be_added_anyway(bot: RunningBot) -> None:
    """A matching e-mail (any case) asks first; 'Add as new' keeps both contacts."""
    fake = bot.fake
    await add(fake, name="Priya Shah", email="priya@example.org")
    question = await add(fake, name="P. Shah", email="PRIYA@example.org")
    add_new = custom_ids(question)[-1]
    assert add_new.endswith(":new")
    handle = await fake.click(fake.handles[-1].message, add_new, user_id=ALICE)
    response = await handle.response()
    assert embed_of(response)["title"] == "P. Shah"
    assert await contact_count(bot) == 2


async def test_list_pages_with_buttons_most_due_first(bot: RunningBot) -> None:
    """Ten contacts list eight per page, most due first, with working page buttons."""
    fake = bot.fake
    for day in range(10):
        await add(fake, name=f"Person {day:02d}", date_met=f"{day + 1} days ago")
    handle = await fake.slash("contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID)
    first = await handle.response()
    assert is_ephemeral(first)
    description = embed_of(first)["description"]
    # Met longest ago → most overdue → first.
    assert description.index("Person 09") < description.index("Person 02")
    assert "Person 01" not in description and "Person 00" not in description  # page two
    assert "Page 1 of 2" in embed_of(first)["footer"]["text"]
    ids = custom_ids(first)
    assert ids == ["contact:page:0:0:prev", "contact:page:0:1:next"]
    turn = await fake.click(handle.message, ids[1], user_id=ALICE)
    second = await turn.response()
    assert second["type"] == 7
    assert "Person 00" in embed_of(second)["description"]
    assert "Page 2 of 2" in embed_of(second)["footer"]["text"]


async def test_list_filters_by_role_tag_specialty_and_event(fake: FakeDiscord) -> None:
    """Filters combine; the page buttons of a filtered list keep the filter."""
    await add(fake, name="Dr One", role="faculty", specialty="Cardiology", tags="research")
    await add(fake, name="Dr Two", role="faculty", specialty="Neurology", where_met="Grand rounds")
    await add(fake, name="Res Three", role="resident", specialty="Cardiology", tags="Research")
    for options, expected in [
        ({"role": "faculty"}, {"Dr One", "Dr Two"}),
        ({"tag": "research"}, {"Dr One", "Res Three"}),
        ({"specialty": "cardio"}, {"Dr One", "Res Three"}),
        ({"event": "grand"}, {"Dr Two"}),
        ({"role": "faculty", "tag": "research"}, {"Dr One"}),
        ({"role": "speaker"}, set()),
    ]:
        handle = await fake.slash(
            "contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID, options=options
        )
        description = embed_of(await handle.response())["description"]
        shown = {n for n in ("Dr One", "Dr Two", "Res Three") if n in description}
        assert shown == expected, options
        if not expected:
            assert "No contacts match" in description


async def test_filtered_list_pages_keep_their_filter(bot: RunningBot) -> None:
    """Paging a filtered list stays within the filter."""
    fake = bot.fake
    for i in range(9):
        await add(fake, name=f"Faculty {i}", role="faculty")
    await add(fake, name="Not Faculty", role="resident")
    handle = await fake.slash(
        "contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID, options={"role": "faculty"}
    )
    first = await handle.response()
    next_id = custom_ids(first)[1]
    assert next_id.startswith("contact:page:") and not next_id.startswith("contact:page:0:")
    second = await (await fake.click(handle.message, next_id, user_id=ALICE)).response()
    assert "Not Faculty" not in embed_of(second)["description"]
    assert "Page 2 of 2" in embed_of(second)["footer"]["text"]


async def test_autocomplete_then_show_with_history(fake: FakeDiscord) -> None:
    """Contact options autocomplete from the student's list; show has the full card."""
    await add(fake, name="Grace Hopper", role="researcher")
    await add(fake, name="Hopper Grace", role="classmate")
    await add(fake, name="Ada Lovelace")
    handle = await fake.autocomplete(
        "contact",
        subcommand="show",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": "gra"},
        focused="contact",
    )
    response = await handle.response()
    assert response["type"] == 8
    choices = response["data"]["choices"]
    assert [c["name"].split(" — ")[0] for c in choices] == ["Grace Hopper", "Hopper Grace"]
    show = await fake.slash(
        "contact",
        subcommand="show",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": choices[0]["value"]},
    )
    card = await show.response()
    assert is_ephemeral(card) and embed_of(card)["title"] == "Grace Hopper"


async def test_typed_name_without_picking_still_resolves(fake: FakeDiscord) -> None:
    """A name typed in full (without choosing a suggestion) finds the one matching contact."""
    await add(fake, name="Zoë Martin")
    show = await fake.slash(
        "contact",
        subcommand="show",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": "zoe martin"},
    )
    assert embed_of(await show.response())["title"] == "Zoë Martin"
    vague = await fake.slash(
        "contact", subcommand="show", user_id=ALICE, guild_id=GUILD_ID, options={"contact": "Zo"}
    )
    response = await vague.response()
    assert is_ephemeral(response) and "Pick the contact" in response["data"]["content"]


async def test_edit_without_options_opens_prefilled_form_and_saves(bot: RunningBot) -> None:
    """/contact edit opens a form with current values; submitting it updates the contact."""
    fake = bot.fake
    cid = contact_id_from(await add(fake, name="Tom Reed", specialty="Surgery", notes="Old"))
    handle = await fake.slash(
        "contact",
        subcommand="edit",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": str(cid)},
    )
    modal = await handle.response()
    assert modal["type"] == 9
    assert modal["data"]["custom_id"] == f"contact:editform:{cid}"
    defaults = {
        label["component"]["custom_id"]: label["component"].get("value")
        for label in modal["data"]["components"]
    }
    assert defaults["name"] == "Tom Reed" and defaults["specialty"] == "Surgery"
    submit = await fake.submit_modal(
        f"contact:editform:{cid}",
        {
            "name": "Dr. Thomas Reed",
            "address": "Dr. Reed",
            "specialty": "",
            "inst": "City Hospital",
            "notes": "New note",
        },
        user_id=ALICE,
    )
    card = await submit.response()
    embed = embed_of(card)
    assert embed["title"] == "Dr. Thomas Reed"
    assert field(embed, "Drafts address them as") == "Dr. Reed"
    assert "Surgery" not in embed["description"] and "City Hospital" in embed["description"]
    assert field(embed, "Notes") == "New note"


async def test_edit_form_rejects_overlong_text_and_changes_nothing(bot: RunningBot) -> None:
    """A form value over a limit is refused with a reason and the contact stays as it was."""
    fake = bot.fake
    cid = contact_id_from(await add(fake, name="Kim Lee"))
    await (
        await fake.slash(
            "contact",
            subcommand="edit",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"contact": str(cid)},
        )
    ).response()
    submit = await fake.submit_modal(
        f"contact:editform:{cid}", {"name": "   ", "notes": "x"}, user_id=ALICE
    )
    response = await submit.response()
    assert is_ephemeral(response) and "needs a name" in response["data"]["content"]
    show = await fake.slash(
        "contact",
        subcommand="show",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": str(cid)},
    )
    assert embed_of(await show.response())["title"] == "Kim Lee"


async def test_edit_with_options_changes_and_clears_fields(fake: FakeDiscord) -> None:
    """Options on /contact edit change those fields; '-' clears one."""
    cid = contact_id_from(await add(fake, name="Uma Roy", email="uma@example.org"))
    handle = await fake.slash(
        "contact",
        subcommand="edit",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={
            "contact": str(cid),
            "role": "tutor",
            "email": "-",
            "tags": "anatomy",
            "cadence_days": 30,
        },
    )
    embed = embed_of(await handle.response())
    assert "Tutor" in embed["description"]
    assert "E-mail" not in [f["name"] for f in embed["fields"]]
    assert field(embed, "Tags") == "anatomy"


async def test_remove_asks_first_then_deletes(bot: RunningBot) -> None:
    """/contact remove asks for confirmation; Keep changes nothing, Remove deletes."""
    fake = bot.fake
    cid = contact_id_from(await add(fake, name="Ravi Patel"))
    ask = await fake.slash(
        "contact",
        subcommand="remove",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": str(cid)},
    )
    question = await ask.response()
    assert is_ephemeral(question)
    assert custom_ids(question) == [f"contact:remove:{cid}", f"contact:keep:{cid}"]
    keep = await (await fake.click(ask.message, f"contact:keep:{cid}", user_id=ALICE)).response()
    assert keep["type"] == 7 and "nothing was removed" in keep["data"]["content"]
    assert await contact_count(bot) == 1
    ask = await fake.slash(
        "contact",
        subcommand="remove",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"contact": str(cid)},
    )
    await ask.response()
    done = await (await fake.click(ask.message, f"contact:remove:{cid}", user_id=ALICE)).response()
    assert "Removed **Ravi Patel**" in done["data"]["content"]
    assert await contact_count(bot) == 0


async def test_search_finds_by_institution_notes_and_tags(fake: FakeDiscord) -> None:
    """Search looks through names, institutions, specialties, notes and tags, ignoring accents."""
    await add(fake, name="Lea Brun", institution="Hôpital Necker", notes="pediatric research")
    await add(fake, name="Max Cole", tags="rheumatology")
    for query, expected in [
        ("hopital", "Lea Brun"),
        ("PEDIATRIC", "Lea Brun"),
        ("rheum", "Max Cole"),
    ]:
        handle = await fake.slash(
            "contact",
            subcommand="search",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"query": query},
        )
        description = embed_of(await handle.response())["description"]
        assert expected in description
    handle = await fake.slash(
        "contact", subcommand="search", user_id=ALICE, guild_id=GUILD_ID, options={"query": "100%"}
    )
    assert "Nobody matches" in embed_of(await handle.response())["description"]


async def test_log_records_history_and_last_contacted(fake: FakeDiscord) -> None:
    """/log adds to the contact's history; last contacted and what's next follow from it."""
    cid = contact_id_from(await add(fake, name="Nia Bell", role="tutor", date_met="2026-10-01"))
    handle = await fake.slash(
        "log",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={
            "contact": str(cid),
            "kind": "emailed",
            "when": "yesterday",
            "note": "Sent my **exam** results",
        },
    )
    embed = embed_of(await handle.response())
    assert embed["author"]["name"] == "Logged: emailed them on 21 Nov 2026"
    assert field(embed, "Last contacted") == "21 Nov 2026"
    assert field(embed, "Next") == "check in in 41 days"  # tutors: every 6 weeks
    assert "Sent my \\*\\*exam\\*\\* results" in field(embed, "History")


async def test_log_button_opens_form_and_saves(fake: FakeDiscord) -> None:
    """The card's Log button opens a form whose submission is saved to the history."""
    await add(fake, name="Omar Said")
    card_handle = fake.handles[-1]
    cid = contact_id_from(card_handle.initial_response)
    click = await fake.click(card_handle.message, f"contact:log:{cid}", user_id=ALICE)
    modal = await click.response()
    assert modal["type"] == 9 and modal["data"]["custom_id"] == f"contact:logform:{cid}"
    submit = await fake.submit_modal(
        f"contact:logform:{cid}",
        {"kind": ["replied"], "when": "today", "note": "Said yes!"},
        user_id=ALICE,
    )
    embed = embed_of(await submit.response())
    assert "They replied" in field(embed, "History")


async def test_save_member_as_contact_from_user_menu(fake: FakeDiscord) -> None:
    """Right-click → Save as contact creates a contact named after the member."""
    handle = await fake.user_command(
        "Save as contact", user_id=ALICE, target_user_id=CAROL, guild_id=GUILD_ID
    )
    response = await handle.response()
    assert is_ephemeral(response)
    assert embed_of(response)["title"] == "Carol Adeyemi"
    again = await (
        await fake.user_command(
            "Save as contact", user_id=ALICE, target_user_id=CAROL, guild_id=GUILD_ID
        )
    ).response()
    assert "same person" in again["data"]["content"]


async def test_commands_work_in_direct_messages(bot: RunningBot) -> None:
    """After `coach sync`, commands answer in a DM with the bot as in a server."""
    assert bot.app is not None
    await bot.app.bot.tree.sync()  # what `coach sync` does: register globally
    fake = bot.fake
    handle = await fake.slash(
        "contact", subcommand="add", user_id=ALICE, options={"name": "Dee Moss"}
    )
    response = await handle.response()
    assert is_ephemeral(response) and embed_of(response)["title"] == "Dee Moss"


async def test_unexpected_failure_gets_private_apology(bot: RunningBot, caplog: Any) -> None:
    """A bug (here: the database gone) is logged with ids only; the student gets an apology."""
    fake = bot.fake
    await add(fake, name="Secret Name", notes="secret note")
    assert bot.app is not None
    await bot.app.db.close()
    handle = await fake.slash("contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID)
    response = await handle.response()
    assert is_ephemeral(response)
    assert "something went wrong on my side" in response["data"]["content"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"user={ALICE}" in logged
    assert "Secret Name" not in logged and "secret note" not in logged
