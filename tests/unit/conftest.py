"""Services wired with the in-memory fakes and a clock that only tests move."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.services import Services
from tests.fakes import (
    FakeClock,
    InMemoryContactRepository,
    InMemoryPendingRepository,
    InMemoryStudentRepository,
    build_services,
)


@dataclass
class World:
    clock: FakeClock
    students: InMemoryStudentRepository
    contacts: InMemoryContactRepository
    pending: InMemoryPendingRepository
    services: Services


@pytest.fixture
def world() -> World:
    clock = FakeClock()
    students = InMemoryStudentRepository()
    contacts = InMemoryContactRepository()
    pending = InMemoryPendingRepository()
    services = build_services(clock, students=students, contacts=contacts, pending=pending)
    return World(clock, students, contacts, pending, services)
