"""Reminders end to end: opt-in, the weekly digest DM and its buttons, `/due`, `/remind`,
`/admin timezone`, and delivery through closed DMs, 429s, gateway drops and restarts.

The scheduler really ticks (every 0.05 s); tests move `bot.clock` and then await what the fake
records. "Nothing happens" is asserted after `ticks()`: a few whole scheduler runs that all
started after the clock moved, counted through APScheduler's job-executed events.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent

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
from tests.e2e.test_contacts import add, contact_id_from
from tests.e2e.test_drafts import assert_draft_reply, give_profile

pytestmark = pytest.mark.e2e

ZONE = "America/New_York"
DUE = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Sunday 18:00 in New York (NOW + 8 h)
NEXT_WEEK = DUE + timedelta(days=7)
MINUTE = timedelta(minutes=1)
MESSAGES = r"^/channels/\d+/messages$"
OPEN_DM = "/users/@me/channels"
CANNOT_DM = {"code": 50007, "message": "Cannot send messages to this user"}
MANAGE_GUILD = 1 << 5
DIGEST_TITLE = "Your week in networking"


# -- helpers ----------------------------------------------------------------------------------


async def slash(
    fake: FakeDiscord,
    name: str,
    user_id: int = ALICE,
    *,
    subcommand: str | None = None,
    **options: Any,
) -> InteractionHandle:
    return await fake.slash(
        name, user_id=user_id, guild_id=GUILD_ID, subcommand=subcommand, options=options
    )


async def reminders(
    fake: FakeDiscord, subcommand: str, user_id: int = ALICE, **options: Any
) -> dict[str, Any]:
    return await (
        await slash(fake, "reminders", user_id, subcommand=subcommand, **options)
    ).response()


async def opt_in(fake: FakeDiscord, user_id: int = ALICE, **options: Any) -> str:
    """`/reminders setup` (New York unless said otherwise; None leaves it out); the answer."""
    options = {k: v for k, v in {"timezone": ZONE, **options}.items() if v is not None}
    handle = await slash(fake, "reminders", user_id, subcommand="setup", **options)
    [answer, *_] = await handle.wait_followup(1)
    return str(answer["content"])


async def ticks(bot: RunningBot, n: int = 3) -> None:
    """Until the scheduler has finished `n` more runs of the delivery tick."""
    assert bot.app is not None
    scheduler = bot.app.scheduler
    done = asyncio.Event()
    seen = 0

    def listener(event: JobExecutionEvent) -> None:
        nonlocal seen
        seen += 1
        if seen >= n:
            done.set()

    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    try:
        await asyncio.wait_for(done.wait(), timeout=5)
    finally:
        scheduler.remove_listener(listener)


async def settle_at(bot: RunningBot, when: datetime) -> None:
    """Move the clock to `when` and let the scheduler run a few times there."""
    bot.clock.set(when)
    await ticks(bot)


def dms_to(fake: FakeDiscord, user_id: int) -> list[dict[str, Any]]:
    return [m for m in fake.dms if m["recipient_id"] == user_id]


def digests_to(fake: FakeDiscord, user_id: int) -> list[dict[str, Any]]:
    return [m for m in dms_to(fake, user_id) if m.get("embeds")]


def sends(fake: FakeDiscord, since: int = 0) -> list[Any]:
    """Channel-message POSTs (DMs) the bot made, whatever the fake answered."""
    return [r for r in fake.requests[since:] if r.method == "POST" and re.search(MESSAGES, r.path)]


async def wait_digest(fake: FakeDiscord, user_id: int = ALICE) -> dict[str, Any]:
    await fake.wait_for(lambda: digests_to(fake, user_id), what=f"a digest DM to {user_id}")
    return digests_to(fake, user_id)[0]


async def due_embed(fake: FakeDiscord, user_id: int = ALICE) -> dict[str, Any]:
    return embed_of(await (await slash(fake, "due", user_id)).response())


async def with_contact(fake: FakeDiscord, name: str = "Amara Okafor") -> int:
    """Alice met `name` 3 days ago (Thursday): a follow-up is due this week."""
    return contact_id_from(
        await add(fake, name=name, date_met="3 days ago", where_met="the cardiology talk")
    )


async def digest_with_contact(bot: RunningBot) -> tuple[int, dict[str, Any]]:
    """Alice opts in with one contact due; the Sunday 18:01 digest and the contact id."""
    cid = await with_contact(bot.fake)
    await opt_in(bot.fake)
    bot.clock.set(DUE + MINUTE)
    return cid, await wait_digest(bot.fake)


# -- opting in --------------------------------------------------------------------------------


async def test_setup_defers_sends_one_welcome_and_names_the_digest_time(bot: RunningBot) -> None:
    """Opt-in defers ephemerally, opens the DM once, sends one welcome, and names Sunday 18:00."""
    fake = bot.fake
    handle = await slash(fake, "reminders", subcommand="setup", timezone=ZONE)
    deferred = await handle.response()
    assert deferred["type"] == 5 and is_ephemeral(deferred)
    [answer, *_] = await handle.wait_followup(1)
    assert answer["flags"] & 64
    assert "Sunday 18:00 (America/New_York)" in answer["content"]
    await ticks(bot)
    assert [r.path for r in fake.requests if r.path == OPEN_DM] == [OPEN_DM]
    [welcome] = fake.dms
    assert welcome["recipient_id"] == ALICE and "weekly networking digest" in welcome["content"]
    assert not fake.mentions_allowed(welcome)

    show = await reminders(fake, "show")
    assert is_ephemeral(show)
    embed = embed_of(show)
    assert embed["description"].startswith("On. Next digest: Sunday 18:00 (America/New_York)")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Timezone"] == ZONE and fields["Digest"] == "Sundays at 18:00"


@pytest.mark.parametrize(
    ("typed", "expected"), [("new y", "America/New_York"), ("london", "Europe/London")]
)
async def test_timezone_autocomplete_offers_iana_names(
    fake: FakeDiscord, typed: str, expected: str
) -> None:
    """The timezone option suggests IANA names for what was typed."""
    handle = await fake.autocomplete(
        "reminders",
        subcommand="setup",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"timezone": typed},
        focused="timezone",
    )
    response = await handle.response()
    assert response["type"] == 8
    choices = response["data"]["choices"]
    assert choices[0] == {"name": expected, "value": expected}
    assert all("/" in c["value"] for c in choices)


@pytest.mark.parametrize(
    "closed",
    [("POST", r"^/users/@me/channels$"), ("POST", MESSAGES)],
    ids=["open-dm-refused", "welcome-refused"],
)
async def test_setup_with_dms_closed_explains_and_stays_off(
    bot: RunningBot, closed: tuple[str, str]
) -> None:
    """Opt-in when Discord refuses the DM (50007) explains the fix and leaves reminders off."""
    fake = bot.fake
    fake.fail_next(*closed, 403, CANNOT_DM)
    handle = await slash(fake, "reminders", subcommand="setup", timezone=ZONE)
    [answer, *_] = await handle.wait_followup(1)
    assert answer["flags"] & 64
    assert "couldn't send you a DM" in answer["content"]
    assert "Privacy Settings" in answer["content"]
    assert fake.dms == []
    assert bot.app is not None
    assert await bot.app.services.reminders.settings(ALICE) is None
    assert embed_of(await reminders(fake, "show"))["description"].startswith("Off.")


# -- the weekly digest ------------------------------------------------------------------------


async def test_digest_arrives_once_at_local_hour_in_one_request(bot: RunningBot) -> None:
    """Nothing at 17:59; at 18:01 New York time exactly one digest DM, in one REST request."""
    fake = bot.fake
    cid = await with_contact(fake)
    await opt_in(fake)
    await settle_at(bot, DUE - MINUTE)
    assert len(fake.dms) == 1  # the welcome
    before = len(fake.requests)

    bot.clock.set(DUE + MINUTE)
    digest = await wait_digest(fake)
    await ticks(bot)
    [request] = fake.requests[before:]  # no second POST /users/@me/channels: it was stored
    assert request.method == "POST" and request.path == f"/channels/{digest['channel_id']}/messages"
    assert len(fake.dms) == 2
    [embed] = digest["embeds"]
    assert embed["title"] == DIGEST_TITLE
    assert "Amara Okafor" in embed["description"] and "author" not in embed
    assert digest["allowed_mentions"] == {"parse": []}
    assert custom_ids(digest) == [
        f"due:draft:follow_up:{cid}",
        f"due:done:follow_up:{cid}",
        f"due:snooze:follow_up:{cid}",
        "reminders:stop:0",
    ]


async def test_digest_draft_button_asks_profile_then_drafts(bot: RunningBot) -> None:
    """Draft opens the profile form without a profile; with one it answers with a draft."""
    fake = bot.fake
    cid, digest = await digest_with_contact(bot)
    modal = await (await fake.click(digest, f"due:draft:follow_up:{cid}", user_id=ALICE)).response()
    assert modal["type"] == 9 and modal["data"]["custom_id"].startswith("profile:form:")

    await give_profile(bot)
    handle = await fake.click(digest, f"due:draft:follow_up:{cid}", user_id=ALICE)
    assert_draft_reply(await handle.response(), greets="Amara Okafor")


async def test_digest_done_logs_an_exchange(bot: RunningBot) -> None:
    """Done logs an exchange with the contact and confirms privately."""
    fake = bot.fake
    cid, digest = await digest_with_contact(bot)
    response = await (
        await fake.click(digest, f"due:done:follow_up:{cid}", user_id=ALICE)
    ).response()
    assert is_ephemeral(response) and "Logged" in response["data"]["content"]
    assert bot.app is not None
    [exchange] = await bot.app.services.contacts.history(ALICE, cid)
    assert "Follow up: done." in (exchange.note or "")


async def test_digest_snooze_takes_contact_off_due(bot: RunningBot) -> None:
    """Snooze a week confirms privately and the contact leaves `/due`."""
    fake = bot.fake
    cid, digest = await digest_with_contact(bot)
    assert "Amara Okafor" in (await due_embed(fake))["description"]
    click = await fake.click(digest, f"due:snooze:follow_up:{cid}", user_id=ALICE)
    response = await click.response()
    assert is_ephemeral(response) and "Snoozed for a week" in response["data"]["content"]
    embed = await due_embed(fake)
    assert "Amara Okafor" not in embed["description"]
    assert embed["description"] == "Nothing is due this week."


async def test_digest_stop_button_turns_reminders_off(bot: RunningBot) -> None:
    """Stop these DMs turns reminders off: show says Off and the next Sunday sends nothing."""
    fake = bot.fake
    _, digest = await digest_with_contact(bot)
    response = await (await fake.click(digest, "reminders:stop:0", user_id=ALICE)).response()
    assert is_ephemeral(response) and "no more reminder DMs" in response["data"]["content"]
    assert embed_of(await reminders(fake, "show"))["description"].startswith("Off.")
    before = len(fake.requests)
    await settle_at(bot, NEXT_WEEK + MINUTE)
    assert sends(fake, before) == [] and len(fake.dms) == 2


async def test_digest_buttons_work_after_restart_and_only_for_their_owner(
    bot: RunningBot,
) -> None:
    """After a restart the buttons still work for Alice; Bob's clicks are refused, no change."""
    fake = bot.fake
    cid, digest = await digest_with_contact(bot)
    await bot.restart()
    assert bot.app is not None
    for action in ("draft", "done", "snooze"):
        handle = await fake.click(digest, f"due:{action}:follow_up:{cid}", user_id=BOB)
        response = await handle.response()
        assert is_ephemeral(response), action
        assert "couldn't find that contact" in response["data"]["content"], action
    assert await bot.app.services.contacts.history(ALICE, cid) == []
    assert "Amara Okafor" in (await due_embed(fake))["description"]  # not snoozed

    response = await (
        await fake.click(digest, f"due:done:follow_up:{cid}", user_id=ALICE)
    ).response()
    assert "Logged" in response["data"]["content"]
    assert len(await bot.app.services.contacts.history(ALICE, cid)) == 1


# -- /due and /remind -------------------------------------------------------------------------


async def test_due_lists_the_same_items_privately_any_time(bot: RunningBot) -> None:
    """`/due` shows the digest's items ephemerally, with item buttons but no Stop."""
    fake = bot.fake
    cid = await with_contact(fake)
    handle = await slash(fake, "due")
    response = await handle.response()
    assert is_ephemeral(response)
    embed = embed_of(response)
    assert embed["title"] == "Due this week" and "Amara Okafor" in embed["description"]
    assert custom_ids(response) == [
        f"due:draft:follow_up:{cid}",
        f"due:done:follow_up:{cid}",
        f"due:snooze:follow_up:{cid}",
    ]


async def test_remind_arrives_once_as_its_own_dm(bot: RunningBot) -> None:
    """`/remind in 2 days` echoes a Discord timestamp and DMs the note once when due."""
    fake = bot.fake
    await opt_in(fake, day=5)  # Saturdays: no digest falls in the next two days
    response = await (await slash(fake, "remind", when="in 2 days", note="send CV")).response()
    assert is_ephemeral(response)
    text = response["data"]["content"]
    match = re.search(r"<t:(\d+):F>", text)
    assert match and "/reminders setup" not in text
    due_at = datetime.fromtimestamp(int(match[1]), UTC)
    assert timedelta(days=2) - MINUTE <= due_at - NOW <= timedelta(days=2, hours=1)

    await settle_at(bot, due_at - MINUTE)
    assert len(fake.dms) == 1
    bot.clock.set(due_at + MINUTE)
    await fake.wait_dm(2)
    await ticks(bot)
    bot.clock.set(due_at + timedelta(minutes=5))  # past the retry window for open claims
    await ticks(bot)
    [_, reminder] = fake.dms
    assert "send CV" in reminder["content"] and not reminder.get("embeds")
    assert reminder["allowed_mentions"] == {"parse": []}


# -- delivery failures ------------------------------------------------------------------------


async def test_digest_to_closed_dms_is_tried_once_and_explained_later(bot: RunningBot) -> None:
    """A 50007 at digest time: one attempt, nothing more; the next command explains the fix."""
    fake = bot.fake
    await with_contact(fake)
    await opt_in(fake)
    before = len(fake.requests)
    fake.fail_next("POST", MESSAGES, 403, CANNOT_DM)
    bot.clock.set(DUE + MINUTE)
    await fake.wait_for(lambda: sends(fake, before), what="the digest attempt")
    await ticks(bot)
    await settle_at(bot, DUE + timedelta(minutes=5))  # past the retry window
    await settle_at(bot, NEXT_WEEK + MINUTE)
    [attempt] = sends(fake, before)
    assert attempt.status == 403
    assert len(fake.dms) == 1  # the welcome only

    handle = await slash(fake, "due")
    assert is_ephemeral(await handle.response())
    [notice] = await handle.wait_followup(1)
    assert notice["flags"] & 64
    assert "DMs are closed" in notice["content"] and "Privacy Settings" in notice["content"]
    again = await slash(fake, "due")
    await again.response()
    await ticks(bot)
    assert again.followups == []  # said once


async def test_429_storm_digest_still_arrives_once(bot: RunningBot) -> None:
    """Three 429s on the digest send: discord.py waits them out; one digest arrives."""
    fake = bot.fake
    await opt_in(fake)
    before = len(fake.requests)
    fake.fail_next("POST", MESSAGES, 429, retry_after=0.01, times=3)
    bot.clock.set(DUE + MINUTE)
    await wait_digest(fake)
    await settle_at(bot, DUE + timedelta(minutes=5))
    assert [r.status for r in sends(fake, before)] == [429, 429, 429, 200]
    assert len(digests_to(fake, ALICE)) == 1


async def test_429_beyond_discord_py_retries_is_retried_by_the_next_tick(bot: RunningBot) -> None:
    """Five 429s make discord.py give up; our retry a minute later delivers it, once."""
    fake = bot.fake
    await opt_in(fake)
    before = len(fake.requests)
    fake.fail_next("POST", MESSAGES, 429, retry_after=0.01, times=5)
    await settle_at(bot, DUE + MINUTE)
    assert [r.status for r in sends(fake, before)] == [429] * 5
    assert digests_to(fake, ALICE) == []
    bot.clock.set(DUE + 3 * MINUTE)
    await wait_digest(fake)
    await settle_at(bot, DUE + 10 * MINUTE)
    assert len(digests_to(fake, ALICE)) == 1


async def test_gateway_drop_during_digest_run_sends_each_once(bot: RunningBot) -> None:
    """Four students, the gateway dropped at due time: each gets exactly one digest."""
    fake = bot.fake
    students = [ALICE, BOB, CAROL, 1_400_000_000_000_000_004, 1_400_000_000_000_000_005]
    fake.add_user(students[3], "dave", "Dave")
    fake.add_user(students[4], "erin", "Erin")
    for student in students:
        await opt_in(fake, student)
    bot.clock.set(DUE + MINUTE)
    await fake.drop_gateway()
    await fake.drop_gateway(invalidate_session=True)
    await fake.wait_for(
        lambda: all(digests_to(fake, s) for s in students), what="every student's digest"
    )
    await fake.wait_ready()
    await settle_at(bot, DUE + 5 * MINUTE)
    assert [len(digests_to(fake, s)) for s in students] == [1] * len(students)


async def test_restart_after_due_time_sends_late_digest_once(bot: RunningBot) -> None:
    """Down over the due time, up 2 h later: the digest arrives once, marked late."""
    fake = bot.fake
    await with_contact(fake)
    await opt_in(fake)
    await bot.stop()
    bot.clock.set(DUE + timedelta(hours=2))
    await bot.start()
    digest = await wait_digest(fake)
    await settle_at(bot, DUE + timedelta(hours=2, minutes=5))
    assert len(digests_to(fake, ALICE)) == 1
    [embed] = digest["embeds"]
    assert embed["author"]["name"].startswith("Sent 2 h late")


async def test_restart_more_than_a_day_late_skips_that_week(bot: RunningBot) -> None:
    """Down for 30 h past the due time: that week's digest is skipped; the next one arrives."""
    fake = bot.fake
    await with_contact(fake)
    await opt_in(fake)
    await bot.stop()
    bot.clock.set(DUE + timedelta(hours=30))
    await bot.start()
    await ticks(bot)
    assert digests_to(fake, ALICE) == []
    bot.clock.set(NEXT_WEEK + MINUTE)
    digest = await wait_digest(fake)
    await ticks(bot)
    assert len(digests_to(fake, ALICE)) == 1
    assert "author" not in digest["embeds"][0]


# -- server default timezone, pause and resume ------------------------------------------------


async def test_admin_timezone_sets_server_default_for_digests(bot: RunningBot) -> None:
    """A Manage Server member sets the default; a student without a zone gets its local hour."""
    fake = bot.fake
    fake.set_member_permissions(GUILD_ID, BOB, int(DEFAULT_PERMISSIONS) | MANAGE_GUILD)
    response = await (
        await slash(fake, "admin", BOB, subcommand="timezone", timezone="America/Los_Angeles")
    ).response()
    assert is_ephemeral(response)
    assert "Default timezone for this server: America/Los_Angeles" in response["data"]["content"]

    text = await opt_in(fake, timezone=None)
    assert "Sunday 18:00 (America/Los_Angeles)" in text
    await settle_at(bot, datetime(2026, 11, 22, 18, 1, tzinfo=UTC))  # 18:01 UTC: not yet
    assert digests_to(fake, ALICE) == []
    bot.clock.set(datetime(2026, 11, 23, 2, 1, tzinfo=UTC))  # Sunday 18:01 in Los Angeles
    await wait_digest(fake)


async def test_admin_timezone_without_manage_server_is_refused(bot: RunningBot) -> None:
    """Without Manage Server, `/admin timezone` is refused privately and changes nothing."""
    fake = bot.fake
    response = await (
        await slash(fake, "admin", CAROL, subcommand="timezone", timezone="Asia/Tokyo")
    ).response()
    assert is_ephemeral(response)
    assert "Manage Server" in response["data"]["content"]
    assert bot.app is not None
    assert await bot.app.services.reminders.timezone_for(CAROL) == "UTC"


async def test_pause_then_resume(bot: RunningBot) -> None:
    """While paused nothing arrives; after resume the next digest does."""
    fake = bot.fake
    await with_contact(fake)
    await opt_in(fake)
    paused = await reminders(fake, "pause")
    assert is_ephemeral(paused) and embed_of(paused)["description"].startswith("Paused.")
    before = len(fake.requests)
    await settle_at(bot, DUE + MINUTE)
    assert sends(fake, before) == []

    resumed = embed_of(await reminders(fake, "resume"))
    assert resumed["description"].startswith("On. Next digest: Sunday 18:00")
    bot.clock.set(NEXT_WEEK + MINUTE)
    await wait_digest(fake)
    await ticks(bot)
    assert len(digests_to(fake, ALICE)) == 1


async def test_crash_between_send_and_record_is_resent_with_same_nonce_once(
    bot: RunningBot,
) -> None:
    """A digest sent but never recorded (a crash) is resent with its key, which the notifier
    sends as the nonce (enforce_nonce): one DM, not two."""
    from bot.discord_adapter.notifier import DiscordNotifier

    fake = bot.fake
    await with_contact(fake)
    await opt_in(fake)
    assert bot.app is not None
    db = bot.store
    # The claim, as the tick writes it just before sending, and the send itself — then the
    # process "dies" before recording the outcome and before advancing the schedule.
    [row] = await db.rows(
        "INSERT INTO deliveries (student_id, kind, ref, due_at, claimed_at) "
        "VALUES (?, 'digest', ?, ?, ?) RETURNING id",
        ALICE,
        DUE.isoformat(),
        DUE.isoformat(),
        (DUE + MINUTE).isoformat(),
    )
    bot.clock.set(DUE + MINUTE)
    # A notifier of the process that "died": same database, same bot token.
    notifier = DiscordNotifier(db.make("students"))
    notifier.attach(bot.app.bot)
    digest = await bot.app.services.reminders.digest_for(ALICE)
    await notifier.send_digest(ALICE, digest, key=f"coach-{row[0]}")
    assert len(digests_to(fake, ALICE)) == 1
    before = len(sends(fake))
    # Two minutes later the tick finds the open claim and resends it with the same nonce.
    await settle_at(bot, DUE + 3 * MINUTE)
    await ticks(bot)
    assert len(sends(fake, before)) >= 1  # it really did try again…
    assert len(digests_to(fake, ALICE)) == 1  # …and Discord kept one message
    [(outcome,)] = await db.rows("SELECT outcome FROM deliveries WHERE id = ?", row[0])
    assert outcome in ("sent", "late")


async def test_digest_with_many_items_reaches_every_item_through_its_menu(bot: RunningBot) -> None:
    """Three items get buttons directly; the rest are picked from a menu that gives theirs."""
    fake = bot.fake
    ids = [await with_contact(fake, name=f"Person {n}") for n in range(6)]
    await opt_in(fake)
    bot.clock.set(DUE + MINUTE)
    digest = await wait_digest(fake)
    rows = digest["components"]
    assert len(rows) == 5  # 3 item rows, the menu, Stop
    menu = rows[3]["components"][0]
    assert menu["custom_id"] == "due:pick:0" and len(menu["options"]) == 3
    picked = menu["options"][-1]["value"]
    kind, ref = picked.split(":")
    assert int(ref) in ids
    handle = await fake.click(digest, "due:pick:0", user_id=ALICE, values=[picked])
    response = await handle.response()
    assert is_ephemeral(response)
    assert f"due:done:{kind}:{ref}" in custom_ids(response)
    # BOB picking from ALICE's menu gets nothing of hers.
    other = await (await fake.click(digest, "due:pick:0", user_id=BOB, values=[picked])).response()
    assert is_ephemeral(other) and "no longer due" in other["data"]["content"]
