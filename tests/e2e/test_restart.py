"""Buttons and forms keep working across a restart of the bot (same database)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ALICE, RunningBot, embed_of
from tests.e2e.test_contacts import add, contact_id_from, field

pytestmark = pytest.mark.e2e


async def test_card_buttons_work_after_restart(bot: RunningBot) -> None:
    """A card's Edit button clicked after a restart still opens the prefilled form."""
    fake = bot.fake
    cid = contact_id_from(await add(fake, name="Ines Duarte"))
    card = fake.handles[-1].message
    await bot.restart()
    modal = await (await fake.click(card, f"contact:edit:{cid}", user_id=ALICE)).response()
    assert modal["type"] == 9 and modal["data"]["custom_id"] == f"contact:editform:{cid}"


async def test_form_opened_before_restart_still_saves(bot: RunningBot) -> None:
    """A form opened before a restart and submitted after it is saved, not lost."""
    fake = bot.fake
    cid = contact_id_from(await add(fake, name="Jon Park"))
    card = fake.handles[-1].message
    await (await fake.click(card, f"contact:log:{cid}", user_id=ALICE)).response()
    await bot.restart()
    submit = await fake.submit_modal(
        f"contact:logform:{cid}", {"kind": ["called"], "note": "after restart"}, user_id=ALICE
    )
    embed = embed_of(await submit.response())
    assert "after restart" in field(embed, "History")


async def test_stopping_during_start_up_leaves_nothing_dangling(bot: RunningBot) -> None:
    """Stopped before discord.py dispatched `ready` (it waits for the guilds first), the bot
    leaves no task behind to dispatch onto the closed client (which fails, and leaves a
    never-awaited coroutine)."""
    await bot.restart()
    app = bot.app
    assert app is not None and not app.bot.is_ready()
    state = app.bot._connection  # discord.py internal: where the delayed-ready task lives
    await bot.fake.wait_for(lambda: state._ready_task is not None, what="READY parsed")
    delayed_ready = state._ready_task
    await bot.stop()
    await bot.fake.wait_for(delayed_ready.done, timeout=5, what="the delayed-ready task to end")
    assert delayed_ready.cancelled() or delayed_ready.exception() is None
