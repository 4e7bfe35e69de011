"""Events end to end: `/event log|show|list`, adding the people met and drafting their
follow-ups, `/contact add where_met:` linking, and the DM after a server's scheduled event
ends (`/admin events`, consent, restarts). The clock is the FakeClock; nothing sleeps."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.conftest import (
    ALICE,
    BOB,
    CAROL,
    GUILD_ID,
    NOW,
    RunningBot,
    custom_ids,
    embed_of,
    is_ephemeral,
)
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.payloads import DEFAULT_PERMISSIONS
from tests.e2e.fake_discord.recording import InteractionHandle
from tests.e2e.test_contacts import add
from tests.e2e.test_drafts import give_profile
from tests.e2e.test_reminders import (
    DUE as DIGEST_DUE,
)
from tests.e2e.test_reminders import (
    MANAGE_GUILD,
    digests_to,
    dms_to,
    opt_in,
    slash,
    ticks,
)

pytestmark = pytest.mark.e2e

PEOPLE = [
    "Dr Amara Okafor — runs the cardiology elective",
    "Ben Ito - MS4, matched cardiology",
    "Chloe Park: research coordinator",
    "Dev Rao",
    "Eva Lind — invited me to journal club",
]
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


async def event_log(fake: FakeDiscord, user: int, **options: Any) -> InteractionHandle:
    return await fake.slash(
        "event", subcommand="log", user_id=user, guild_id=GUILD_ID, options=options
    )


async def log_event(fake: FakeDiscord, **options: Any) -> tuple[int, dict[str, Any]]:
    """`/event log`; the new event's id and the reply."""
    response = await (await event_log(fake, ALICE, **options)).response()
    [people] = [c for c in custom_ids(response) if c.startswith("event:people:")]
    return int(people.rsplit(":", 1)[1]), response


async def add_people(
    fake: FakeDiscord, message: dict[str, Any], button: str, lines: list[str], user: int = ALICE
) -> dict[str, Any]:
    """Click the button that opens the add-people form, fill it in; the reply to the form."""
    opened = await (await fake.click(message, button, user_id=user)).response()
    assert opened["type"] == 9, opened  # a form
    form_id = opened["data"]["custom_id"]
    assert form_id.startswith("event:peopleform:")
    values = {f"person{n}": line for n, line in enumerate(lines, start=1)}
    return await (await fake.submit_modal(form_id, values, user_id=user)).response()


async def admin_events(fake: FakeDiscord, user: int, **options: Any) -> dict[str, Any]:
    return await (await slash(fake, "admin", user, subcommand="events", **options)).response()


async def make_admin(fake: FakeDiscord, user: int = CAROL) -> None:
    fake.set_member_permissions(GUILD_ID, user, int(DEFAULT_PERMISSIONS) | MANAGE_GUILD)


def prompts_to(fake: FakeDiscord, user: int) -> list[dict[str, Any]]:
    """The "who did you meet?" DMs a user received."""
    return [m for m in dms_to(fake, user) if "has ended" in (m.get("content") or "")]


# -- events as records ------------------------------------------------------------------------


async def test_log_event_add_five_people_and_draft_their_follow_ups(bot: RunningBot) -> None:
    """Five people added from the event form are linked, spread over days and drafted at once."""
    fake = bot.fake
    assert bot.app is not None
    event_id, logged = await log_event(
        fake, name="Cardiology Interest Day", kind="conference", date="yesterday"
    )
    assert is_ephemeral(logged)
    assert "Cardiology Interest Day · Conference · 21 Nov 2026" in embed_of(logged)["title"]

    saved = await add_people(fake, fake.handles[-1].message, f"event:people:{event_id}", PEOPLE)
    assert is_ephemeral(saved)
    listed = embed_of(saved)["description"]
    for name in ("Amara Okafor", "Ben Ito", "Chloe Park", "Dev Rao", "Eva Lind"):
        assert name in listed
    assert f"event:drafts:{event_id}" in custom_ids(saved)

    contacts = await bot.app.services.contacts.all_contacts(ALICE)
    assert len(contacts) == 5
    assert {c.draft.met_event for c in contacts} == {"Cardiology Interest Day"}
    assert {c.draft.met_on for c in contacts} == {(NOW - timedelta(days=1)).date()}
    assert {c.name: c.draft.notes for c in contacts}["Ben Ito"] == "MS4, matched cardiology"
    per_day = Counter(c.follow_up_on for c in contacts)
    assert len(per_day) >= 3 and max(per_day.values()) <= 2  # spread, not all on one day

    await give_profile(bot)
    handle = await fake.click(fake.handles[-1].message, f"event:drafts:{event_id}", user_id=ALICE)
    first = await handle.response()
    rest = await handle.wait_followup(4)
    drafts = [first["data"], *rest]
    assert len(drafts) == 5
    assert all("Cardiology Interest Day" in d["content"] for d in drafts)


async def test_event_show_autocompletes_and_lists_people_and_list(bot: RunningBot) -> None:
    """`/event show` offers only the student's own events and lists who they met there."""
    fake = bot.fake
    event_id, _ = await log_event(fake, name="Surgery skills workshop", kind="workshop")
    await add_people(fake, fake.handles[-1].message, f"event:people:{event_id}", ["Dev Rao"])
    await (await event_log(fake, BOB, name="Bob's surgery social")).response()

    handle = await fake.autocomplete(
        "event",
        subcommand="show",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"event": "surg"},
        focused="event",
    )
    choices = (await handle.response())["data"]["choices"]
    assert [c["value"] for c in choices] == [event_id]

    shown = await (await slash(fake, "event", subcommand="show", event=event_id)).response()
    assert "Dev Rao" in embed_of(shown)["description"]
    listed = await (await slash(fake, "event", subcommand="list")).response()
    assert "Surgery skills workshop" in embed_of(listed)["description"]
    assert "Bob" not in embed_of(listed)["description"]


async def test_contact_add_where_met_links_to_the_event_of_that_name(bot: RunningBot) -> None:
    """`/contact add where_met:` links to an existing event whatever the case or accents."""
    fake = bot.fake
    event_id, _ = await log_event(fake, name="Café Médical Talk", kind="talk")
    await add(fake, name="Noor Haddad", where_met="cafe medical talk")
    shown = await (await slash(fake, "event", subcommand="show", event=event_id)).response()
    assert "Noor Haddad" in embed_of(shown)["description"]


async def test_drafts_and_the_digest_say_where_and_when_they_met(bot: RunningBot) -> None:
    """Ten days after a conference: `/followup` without an event names it and its day, a
    reconnect says what kind of event it was, and the weekly digest line says where and when."""
    fake = bot.fake
    assert bot.app is not None
    event_id, _ = await log_event(
        fake, name="AAMC *Annual* Meeting", kind="conference", date="2026-11-12"
    )
    await add_people(fake, fake.handles[-1].message, f"event:people:{event_id}", ["Sam Lee"])
    [contact] = await bot.app.services.contacts.all_contacts(ALICE)
    await give_profile(bot)

    drafted = await (await slash(fake, "followup", contact=str(contact.id))).response()
    assert "AAMC *Annual* Meeting on November 12" in drafted["data"]["content"]
    reconnect = await (
        await slash(fake, "outreach", kind="outreach_reconnect", contact=str(contact.id))
    ).response()
    assert "since that conference" in reconnect["data"]["content"]

    await opt_in(fake, ALICE)
    bot.clock.set(DIGEST_DUE + MINUTE)
    await fake.wait_for(lambda: digests_to(fake, ALICE), what="the weekly digest")
    [digest] = digests_to(fake, ALICE)
    line = next(x for x in digest["embeds"][0]["description"].split("\n") if "Sam Lee" in x)
    assert "met at AAMC \\*Annual\\* Meeting (conference), 12 Nov 2026" in line


# -- Discord scheduled events -----------------------------------------------------------------


async def test_scheduled_event_end_dms_only_opted_in_interested_members(bot: RunningBot) -> None:
    """After the delay, each opted-in interested member gets one DM; the others get none."""
    fake = bot.fake
    await make_admin(fake)
    answer = await admin_events(fake, CAROL, state="on")
    assert is_ephemeral(answer) and answer["data"]["content"].startswith("On: 60 minutes")
    await opt_in(fake, ALICE)
    event_id = await fake.add_scheduled_event(
        GUILD_ID, "Grand Rounds: heart failure", start=NOW - HOUR, end=NOW, interested=[ALICE, BOB]
    )
    await fake.end_scheduled_event(GUILD_ID, event_id)
    await ticks(bot)
    assert prompts_to(fake, ALICE) == []  # not before the delay

    bot.clock.set(NOW + HOUR + MINUTE)
    await fake.wait_for(lambda: prompts_to(fake, ALICE), what="the event DM to Alice")
    await ticks(bot)
    [prompt] = prompts_to(fake, ALICE)
    assert "Grand Rounds: heart failure" in prompt["content"]
    assert dms_to(fake, BOB) == []  # interested but never opted in
    ending_buttons = custom_ids(prompt)
    assert [c.split(":")[1] for c in ending_buttons] == ["met", "skip"]

    saved = await add_people(fake, prompt, ending_buttons[0], ["Dr Sam Lee — HF clinic"])
    assert "Grand Rounds: heart failure" in embed_of(saved)["title"]
    assert bot.app is not None
    [contact] = await bot.app.services.contacts.all_contacts(ALICE)
    assert contact.draft.met_event == "Grand Rounds: heart failure"
    assert contact.draft.met_on == NOW.date()


async def test_not_this_time_closes_the_prompt(bot: RunningBot) -> None:
    """**Not this time** edits the DM to say nothing was saved and removes its buttons."""
    fake = bot.fake
    await make_admin(fake)
    await admin_events(fake, CAROL, state="on", delay_minutes=0)
    await opt_in(fake, ALICE)
    event_id = await fake.add_scheduled_event(
        GUILD_ID, "Suturing lab", start=NOW - HOUR, end=NOW, interested=[ALICE]
    )
    await fake.end_scheduled_event(GUILD_ID, event_id)
    await fake.wait_for(lambda: prompts_to(fake, ALICE), what="the event DM")
    [prompt] = prompts_to(fake, ALICE)
    response = await (await fake.click(prompt, custom_ids(prompt)[1], user_id=ALICE)).response()
    assert response["type"] == 7
    assert response["data"]["content"] == "No problem. Nothing was saved."
    assert not response["data"].get("components")


async def test_admin_events_off_sends_nothing(bot: RunningBot) -> None:
    """With the server switch off (the default, or turned off), nobody is DMed."""
    fake = bot.fake
    await opt_in(fake, ALICE)
    await make_admin(fake)
    first = await fake.add_scheduled_event(
        GUILD_ID, "Default-off talk", start=NOW - HOUR, end=NOW, interested=[ALICE]
    )
    await fake.end_scheduled_event(GUILD_ID, first)
    await admin_events(fake, CAROL, state="on", delay_minutes=0)
    answer = await admin_events(fake, CAROL, state="off")
    assert answer["data"]["content"].startswith("Off")
    second = await fake.add_scheduled_event(
        GUILD_ID, "Switched-off talk", start=NOW - HOUR, end=NOW, interested=[ALICE]
    )
    await fake.end_scheduled_event(GUILD_ID, second)
    bot.clock.set(NOW + 2 * HOUR)
    await ticks(bot)
    assert prompts_to(fake, ALICE) == []


async def test_admin_events_without_manage_server_is_refused(bot: RunningBot) -> None:
    """Without Manage Server, `/admin events` is refused privately and nothing changes."""
    fake = bot.fake
    response = await admin_events(fake, BOB, state="on")
    assert is_ephemeral(response)
    assert "Manage Server" in response["data"]["content"]
    assert bot.app is not None
    assert not (await bot.app.services.events.guild_settings(GUILD_ID)).enabled


async def test_event_that_ended_while_down_is_handled_once_on_start_up(bot: RunningBot) -> None:
    """An event that ended during a restart is found at start-up and DMed once, not again."""
    fake = bot.fake
    await make_admin(fake)
    await admin_events(fake, CAROL, state="on", delay_minutes=30)
    await opt_in(fake, ALICE)
    event_id = await fake.add_scheduled_event(
        GUILD_ID, "Residency fair", start=NOW, end=NOW + HOUR, interested=[ALICE]
    )
    assert bot.app is not None
    await fake.wait_for(bot.app.bot.is_ready, what="on_ready before stopping")
    await ticks(bot)
    await bot.stop()
    await fake.end_scheduled_event(GUILD_ID, event_id)  # nobody connected: no update sent
    bot.clock.set(NOW + 2 * HOUR)
    await bot.start()
    await fake.wait_for(lambda: prompts_to(fake, ALICE), what="the event DM after start-up")
    app = await bot.restart()
    await fake.wait_for(app.bot.is_ready, what="on_ready after the second restart")
    await ticks(bot)
    assert len(prompts_to(fake, ALICE)) == 1


async def test_end_time_passing_while_running_is_noticed_without_an_update(
    bot: RunningBot,
) -> None:
    """A live event nobody ends (no COMPLETED update): once its end time and the delay have
    passed, the tick's scan of the cached events has the opted-in interested members asked,
    once each; the scan itself never calls Discord's API, and later scans send nothing."""
    fake = bot.fake
    assert bot.app is not None
    await fake.wait_for(bot.app.bot.is_ready, what="on_ready (its start-up scan is done)")
    await make_admin(fake)
    await admin_events(fake, CAROL, state="on", delay_minutes=30)
    await opt_in(fake, ALICE)
    event_id = await fake.add_scheduled_event(
        GUILD_ID, "Open mic night", start=NOW, end=NOW + HOUR, interested=[ALICE, BOB], status=2
    )
    guild = bot.app.bot.get_guild(GUILD_ID)
    assert guild is not None
    await fake.wait_for(
        lambda: any(e.id == event_id for e in guild.scheduled_events), what="the cached event"
    )
    bot.clock.set(NOW + HOUR + 29 * MINUTE)  # over, but not yet the delay
    await ticks(bot)
    assert prompts_to(fake, ALICE) == []

    bot.clock.set(NOW + HOUR + 31 * MINUTE)
    await fake.wait_for(lambda: prompts_to(fake, ALICE), what="the event DM to Alice")
    for later in (2, 3, 4):
        bot.clock.set(NOW + later * HOUR)
        await ticks(bot)
    [prompt] = prompts_to(fake, ALICE)
    assert "Open mic night" in prompt["content"]
    assert dms_to(fake, BOB) == []
    event_requests = [r.path for r in fake.requests if "/scheduled-events" in r.path]
    assert sum(p.endswith("/users") for p in event_requests) == 1  # one look-up, not per tick
