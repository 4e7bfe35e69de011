"""`/outreach kind: research paper:` end to end: the bot looks the DOI up over real HTTP on a
local Crossref fake, answers deferred, says what it filled, and drafts naming the paper; when
the service fails it drafts from what was typed; a typo in the id is refused at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ALICE, GUILD_ID, RunningBot, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_drafts import assert_draft_reply, give_profile
from tests.fake_papers import FakePaperServices, crossref_work
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

DOI = "10.1001/jamacardio.2025.0042"


@pytest.fixture
async def papers() -> AsyncIterator[FakePaperServices]:
    async with FakePaperServices(works={DOI: crossref_work()}).running() as services:
        yield services


@pytest.fixture
async def bot(
    fake_discord: FakeDiscord, tmp_path: Path, clock: FakeClock, papers: FakePaperServices
) -> AsyncIterator[RunningBot]:
    fake_discord.add_user(ALICE, "alice", "Alice")
    fake_discord.add_guild(GUILD_ID, name="Med School", members=[ALICE])
    running = RunningBot(
        fake_discord,
        tmp_path / "coach.sqlite3",
        clock,
        CROSSREF_URL=papers.crossref_url,
        PUBMED_URL=papers.pubmed_url,
        PAPER_LOOKUPS_TIMEOUT_SECONDS="1",
    )
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def outreach(bot: RunningBot, **options: str):  # type: ignore[no-untyped-def]
    return await bot.fake.slash(
        "outreach",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={
            "kind": "outreach_research",
            "contact": "Dr. Helen Marsh",
            "finding": "the drop in readmissions when nurses called in the first week",
            "availability": "about ten hours a week from January",
            **options,
        },
    )


async def test_a_doi_fills_the_paper_and_the_draft_names_it(
    bot: RunningBot, papers: FakePaperServices
) -> None:
    await give_profile(bot)
    handle = await outreach(bot, paper=f"https://doi.org/{DOI}")
    deferred = await handle.response()
    assert deferred["type"] == 5 and is_ephemeral(deferred)  # "thinking…", privately
    note, draft = await handle.wait_followup(2)
    assert "From Crossref" in note["content"]
    assert "Amara Okafor (first author) and Helen Marsh (senior author)" in note["content"]
    assert "JAMA Cardiology, 2025" in note["content"]
    assert_draft_reply({"type": 4, "data": draft}, greets="Dr. Marsh")
    assert (
        "heart-failure discharge: a randomized trial” in JAMA Cardiology (2025)"
        in (draft["content"])
    )
    assert papers.requests == [f"/crossref/works/{DOI}"]

    again = await outreach(bot, paper=DOI, contact="Dr. Ben Roy")
    await again.wait_followup(2)
    assert len(papers.requests) == 1  # the second draft about it asked nobody


async def test_a_failed_look_up_drafts_from_what_was_typed(
    bot: RunningBot, papers: FakePaperServices
) -> None:
    await give_profile(bot)
    papers.status = 503
    handle = await outreach(bot, paper=DOI, topic="nurse calls after discharge")
    note, draft = await handle.wait_followup(2)
    assert "couldn't reach Crossref" in note["content"]
    assert "your work on nurse calls after discharge" in draft["content"]

    typo = await (await outreach(bot, paper="the nurse-call paper")).response()
    assert typo["type"] == 4 and is_ephemeral(typo)
    assert "couldn't read" in typo["data"]["content"]
