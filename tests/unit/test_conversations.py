"""ConversationService: step-by-step answers kept in the pending store between messages."""

from __future__ import annotations

import pytest

from bot.core.conversations import ANSWER_MAX, CONVERSATION_TTL, ConversationService
from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.students import StudentService
from tests.fakes import FakeClock, InMemoryPendingRepository, InMemoryStudentRepository

A, B = 1001, 1002
STEPS = ("name", "role", "notes")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pending() -> InMemoryPendingRepository:
    return InMemoryPendingRepository()


@pytest.fixture
def service(pending: InMemoryPendingRepository, clock: FakeClock) -> ConversationService:
    return ConversationService(pending, StudentService(InMemoryStudentRepository(), clock), clock)


async def test_answers_in_order_then_done_and_forgotten(
    service: ConversationService, pending: InMemoryPendingRepository
) -> None:
    started = await service.start(A, "add", STEPS, context={"held": 7})
    assert (started.step, started.position) == ("name", (1, 3))
    second = await service.answer(A, started.id, "  Amara   Okafor ")
    assert second.id != started.id and second.step == "role"
    assert (await service.current(A)) == second
    third = await service.answer(A, second.id, None)  # skipped
    done = await service.answer(A, third.id, "Met at\ngrand rounds")
    assert done.done and done.context == {"held": 7}
    # Trimmed; the service the answers go to cleans each field by its own rules.
    assert done.answers == {"name": "Amara   Okafor", "role": None, "notes": "Met at\ngrand rounds"}
    assert await service.current(A) is None and pending.rows == {}


async def test_an_answer_to_a_question_already_answered_is_refused(
    service: ConversationService,
) -> None:
    started = await service.start(A, "add", STEPS)
    await service.answer(A, started.id, "Amara")
    with pytest.raises(ExpiredAction):  # the same reply again, or an old button
        await service.answer(A, started.id, "Kai")
    current = await service.current(A)
    assert current is not None and current.answers == {"name": "Amara"}


async def test_another_student_cannot_answer_or_see_it(service: ConversationService) -> None:
    started = await service.start(A, "add", STEPS)
    assert await service.current(B) is None
    with pytest.raises(ExpiredAction):
        await service.answer(B, started.id, "Mallory")
    assert await service.current(A) == started


async def test_expires_after_the_ttl_and_a_new_start_replaces_the_old(
    service: ConversationService, clock: FakeClock
) -> None:
    first = await service.start(A, "add", STEPS)
    second = await service.start(A, "profile", ("name",))
    assert (await service.current(A)) == second
    with pytest.raises(ExpiredAction):
        await service.answer(A, first.id, "x")
    clock.advance(CONVERSATION_TTL)
    assert await service.current(A) is None
    assert await service.cancel(A) is False


async def test_overlong_answer_refused_and_nothing_moves(service: ConversationService) -> None:
    started = await service.start(A, "add", STEPS)
    with pytest.raises(InvalidInput):
        await service.answer(A, started.id, "x" * (ANSWER_MAX + 1))
    assert await service.current(A) == started


async def test_restore_takes_the_last_answer_back(service: ConversationService) -> None:
    started = await service.start(A, "fields", ("ask",), answers={})
    done = await service.answer(A, started.id, "a call")
    assert done.done
    again = await service.restore(A, done)
    assert again.step == "ask" and again.answers == {}
    assert (await service.current(A)) == again
