"""Research papers for `/outreach paper:`: identifiers as students paste them, the citation and
fields a paper fills, PaperService's cache and single flight (on the port's fake), and the HTTP
client against local fakes of Crossref and PubMed on loopback."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.core.errors import InvalidInput
from bot.core.papers import (
    NOT_FOUND_FOR,
    Paper,
    PaperId,
    PaperService,
    PaperSource,
    cite,
    paper_fields,
    parse_paper_id,
)
from bot.lookups.papers import HttpPaperLookup
from tests.fake_papers import FakePaperLookup, FakePaperServices, crossref_work, pubmed_summary
from tests.fakes import FakeClock

DOI = PaperId(PaperSource.CROSSREF, "10.1001/jamacardio.2025.0042")
PMID = PaperId(PaperSource.PUBMED, "38123456")
PAPER = Paper(
    DOI, "Nurse calls after discharge", "Amara Okafor", "Helen Marsh", "JAMA Cardiology", 2025
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10.1001/jamacardio.2025.0042", DOI),
        ("  https://doi.org/10.1001/JAMACARDIO.2025.0042 ", DOI),
        ("doi:10.1001/jamacardio.2025.0042.", DOI),
        ("http://dx.doi.org/10.1001/jamacardio.2025.0042", DOI),
        ("38123456", PMID),
        ("PMID: 38123456", PMID),
        ("https://pubmed.ncbi.nlm.nih.gov/38123456/", PMID),
    ],
)
def test_identifiers_as_students_paste_them(typed: str, expected: PaperId) -> None:
    assert parse_paper_id(typed) == expected


@pytest.mark.parametrize("typed", ["", "the sepsis paper", "0", "10.1/x", "1234567890", "doi:"])
def test_anything_else_is_refused_clearly(typed: str) -> None:
    with pytest.raises(InvalidInput, match=r"DOI .* or a PubMed id"):
        parse_paper_id(typed)


def test_the_citation_and_the_fields_a_paper_fills() -> None:
    """Title in quotes, journal and year when known; what the student typed always wins."""
    assert cite(PAPER) == "“Nurse calls after discharge” in JAMA Cardiology (2025)"
    assert cite(Paper(PMID, "A title")) == "“A title”"
    assert paper_fields(PAPER, {"finding": "x"}) == {
        "finding": "x",
        "paper": "“Nurse calls after discharge” in JAMA Cardiology (2025)",
        "topic": "Nurse calls after discharge",
    }
    assert paper_fields(PAPER, {"topic": "nurse calls"})["topic"] == "nurse calls"
    long = Paper(DOI, "word " * 60)  # a title over the topic field's 200 characters
    assert "topic" not in paper_fields(long, {})


async def test_one_look_up_per_paper_cached_and_shared() -> None:
    """Found papers are remembered; concurrent asks share one look-up; an unknown id is asked
    again after an hour; a failure is never remembered."""
    clock = FakeClock()
    fake = FakePaperLookup({DOI: PAPER})
    service = PaperService(fake, clock)
    fake.gate = asyncio.Event()
    both = asyncio.gather(service.find(DOI), service.find(DOI))
    await asyncio.sleep(0)
    fake.gate.set()
    first, second = await both
    assert first.paper == second.paper == PAPER and len(fake.calls) == 1
    clock.advance(days=6)
    assert (await service.find(DOI)).paper == PAPER and len(fake.calls) == 1

    missing = await service.find(PMID)
    assert missing.paper is None and not missing.failed
    await service.find(PMID)
    assert len(fake.calls) == 2
    clock.advance(NOT_FOUND_FOR + timedelta(seconds=1))
    await service.find(PMID)
    assert len(fake.calls) == 3

    fake.fail = True
    other = PaperId(PaperSource.PUBMED, "1")
    assert (await service.find(other)).failed
    fake.fail = False
    assert not (await service.find(other)).failed and len(fake.calls) == 5


async def test_the_cache_is_bounded() -> None:
    fake = FakePaperLookup()
    service = PaperService(fake, FakeClock(), cache_size=2)
    ids = [PaperId(PaperSource.PUBMED, str(n)) for n in (1, 2, 3)]
    for paper_id in ids:
        await service.find(paper_id)
    await service.find(ids[0])  # forgotten: the oldest of three
    assert len(fake.calls) == 4


# -- the HTTP client against the local fakes ----------------------------------------------------


async def test_crossref_and_pubmed_records_become_papers() -> None:
    services = FakePaperServices(
        works={DOI.value: crossref_work()}, summaries={PMID.value: pubmed_summary(PMID.value)}
    )
    async with services.running():
        client = HttpPaperLookup(
            crossref_url=services.crossref_url, pubmed_url=services.pubmed_url, timeout=2
        )
        try:
            crossref = await client.lookup(DOI)
            pubmed = await client.lookup(PMID)
            unknown = await client.lookup(PaperId(PaperSource.CROSSREF, "10.1000/nothing"))
            unknown_pmid = await client.lookup(PaperId(PaperSource.PUBMED, "99"))
        finally:
            await client.close()
    assert crossref == Paper(
        DOI,
        "Nurse calls after heart-failure discharge: a randomized trial",
        "Amara Okafor",
        "Helen Marsh",
        "JAMA Cardiology",
        2025,
    )
    assert pubmed == Paper(
        PMID,
        "Sepsis screening in the emergency department",
        "Lee A",
        "Marsh H",
        "Annals of emergency medicine",
        2024,
    )
    assert unknown is None and unknown_pmid is None
    assert services.requests[0] == "/crossref/works/10.1001/jamacardio.2025.0042"
    assert "db=pubmed" in services.requests[1] and "retmode=json" in services.requests[1]


@pytest.mark.parametrize(
    "trouble", [{"status": 503}, {"status": 429}, {"delay": 0.4}, {"not_json": True}]
)
async def test_a_service_that_does_not_answer_fails_the_look_up(trouble: dict) -> None:
    """An error status, an answer slower than the timeout, or a body that is not JSON: the
    look-up fails (and the draft is written from what was typed)."""
    from bot.core.errors import PaperLookupFailed

    services = FakePaperServices(works={DOI.value: crossref_work()}, **trouble)
    async with services.running():
        client = HttpPaperLookup(
            crossref_url=services.crossref_url, pubmed_url=services.pubmed_url, timeout=0.1
        )
        try:
            with pytest.raises(PaperLookupFailed):
                await client.lookup(DOI)
        finally:
            await client.close()


async def test_no_network_fails_the_look_up_quickly() -> None:
    """Nothing listening (as without a network): a failure, not a hang or a crash."""
    from bot.core.errors import PaperLookupFailed

    services = FakePaperServices()
    async with services.running():
        closed = services.crossref_url  # the port is free again once the fake stops
    client = HttpPaperLookup(crossref_url=closed, timeout=1)
    try:
        with pytest.raises(PaperLookupFailed):
            await client.lookup(DOI)
    finally:
        await client.close()
