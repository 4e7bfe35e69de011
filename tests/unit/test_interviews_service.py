"""InterviewService.log: what it refuses, it refuses before anything is stored."""

from __future__ import annotations

import pytest

from bot.core.errors import CoachError
from tests.fake_season import InMemorySeasonRepository
from tests.fakes import InMemoryContactRepository, InMemoryEventRepository, build_services

A = 1001


@pytest.mark.parametrize(
    "interviewers", [["Dr. Helen Marsh", "x" * 300], ["   "], ["Dr. Jun He", 987_654]]
)
async def test_a_refused_interviewer_stores_no_event_and_no_contact(
    interviewers: list[int | str],
) -> None:
    contacts, events = InMemoryContactRepository(), InMemoryEventRepository()
    services = build_services(
        contacts=contacts, events=events, season=InMemorySeasonRepository(contacts, events)
    )
    assert services.interviews is not None
    with pytest.raises(CoachError):
        await services.interviews.log(
            A, program="Lakeside surgery", when=None, interviewers=interviewers
        )
    assert list(await services.events.list_for(A)) == []
    assert list(await services.contacts.all_contacts(A)) == []
