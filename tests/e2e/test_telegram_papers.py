"""`/outreach research | … | paper: <DOI>` on Telegram: the paper looked up over real HTTP on
the local Crossref fake fills the draft, a note says what was found; a typo is refused before
any look-up and nothing is drafted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot
from tests.fake_papers import FakePaperServices, crossref_work
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_001, "Alice", "alice_md")
DOI = "10.1001/jamacardio.2025.0042"
LINE = (
    "/outreach research | Dr. Helen Marsh | finding: the drop in readmissions when nurses "
    "called in the first week | availability: about ten hours a week from January | paper: "
)


@pytest.fixture
async def papers() -> AsyncIterator[FakePaperServices]:
    async with FakePaperServices(works={DOI: crossref_work()}).running() as services:
        yield services


@pytest.fixture
async def bot(
    fake_telegram: FakeTelegram, tmp_path: Path, clock: FakeClock, papers: FakePaperServices
) -> AsyncIterator[TelegramBot]:
    running = TelegramBot(
        fake_telegram,
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


async def test_a_doi_fills_the_draft_and_a_typo_drafts_nothing(
    bot: TelegramBot, fake_telegram: FakeTelegram, papers: FakePaperServices
) -> None:
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.send(ALICE, LINE + "doi.org/10.1001/NOT A DOI")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert sent[1]["text"].startswith("I couldn't read")
    await fake_telegram.send(ALICE, LINE + f"https://doi.org/{DOI}")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    note, header, body = sent[2], sent[3], sent[4]
    assert note["text"].startswith("From Crossref: “") and "(first author)" in note["text"]
    assert header["text"].startswith("Interest in their research")
    assert "Amara Okafor (first author) and Helen Marsh (senior author)" in note["text"]
    assert "heart-failure discharge: a randomized trial” in JAMA Cardiology (2025)" in body["text"]
    assert papers.requests == [f"/crossref/works/{DOI}"]  # the typo asked nobody
