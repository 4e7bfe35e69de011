"""mypy (in CI) compares each hand-written fake with the port it stands in for.

Ports are structural, so a fake is checked against its port only where it is used as one;
the unit tests are not type-checked, so this module does it once for every fake: a fake that
drifts from `bot/core/ports.py` fails CI, and no unit
test goes on passing against a contract the real repository no longer has.
"""

from __future__ import annotations

from bot.core.ports import (
    Clock,
    CoachRepository,
    ContactRepository,
    DraftRepository,
    EventNotifier,
    EventRepository,
    GuildTimezones,
    JobLedger,
    MeetingLookup,
    Notifier,
    Offload,
    PaperLookup,
    PendingRepository,
    PrivacyRepository,
    ProfileRepository,
    RateSlots,
    ReminderRepository,
    RestoreRepository,
    SeasonRepository,
    SenderLease,
    StudentRepository,
)
from tests.fake_papers import FakePaperLookup
from tests.fake_season import InMemorySeasonRepository
from tests.fakes import (
    FakeClock,
    InMemoryCoachRepository,
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryEventRepository,
    InMemoryJobLedger,
    InMemoryPendingRepository,
    InMemoryProfileRepository,
    InMemoryRateSlots,
    InMemoryReminderRepository,
    InMemoryRestoreRepository,
    InMemorySenderLease,
    InMemoryStudentRepository,
    PicklingOffload,
    RecordingNotifier,
    SqliteOnlyPrivacyRepository,
)

clock: type[Clock] = FakeClock
students: type[StudentRepository] = InMemoryStudentRepository
contacts: type[ContactRepository] = InMemoryContactRepository
pending: type[PendingRepository] = InMemoryPendingRepository
jobs: type[JobLedger] = InMemoryJobLedger
sender_lease: type[SenderLease] = InMemorySenderLease
rate_slots: type[RateSlots] = InMemoryRateSlots
profiles: type[ProfileRepository] = InMemoryProfileRepository
drafts: type[DraftRepository] = InMemoryDraftRepository
reminders: type[ReminderRepository] = InMemoryReminderRepository
guild_timezones: type[GuildTimezones] = InMemoryReminderRepository
notifier: type[Notifier] = RecordingNotifier
event_notifier: type[EventNotifier] = RecordingNotifier
coach: type[CoachRepository] = InMemoryCoachRepository
privacy: type[PrivacyRepository] = SqliteOnlyPrivacyRepository
events: type[EventRepository] = InMemoryEventRepository
meetings: type[MeetingLookup] = InMemoryEventRepository
restore: type[RestoreRepository] = InMemoryRestoreRepository
offload: type[Offload] = PicklingOffload
season: type[SeasonRepository] = InMemorySeasonRepository
papers: type[PaperLookup] = FakePaperLookup
