"""The bundle of services the composition root builds and the adapters receive."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.conversations import ConversationService
from bot.core.delivery import DeliveryService
from bot.core.drafts import DraftService
from bot.core.events import EventService
from bot.core.flight import SingleFlight
from bot.core.imports import ImportService
from bot.core.interviews import InterviewService
from bot.core.links import LinkService
from bot.core.papers import PaperService
from bot.core.privacy import PrivacyService
from bot.core.reminders import ReminderService
from bot.core.season_reminders import SeasonReminderService
from bot.core.season_service import SeasonService
from bot.core.students import StudentService


@dataclass(frozen=True, slots=True)
class Services:
    contacts: ContactService
    students: StudentService
    drafts: DraftService
    reminders: ReminderService
    coaching: CoachingService
    privacy: PrivacyService
    imports: ImportService
    events: EventService
    delivery: DeliveryService  # the outbox: the tick that sends reminder DMs
    flights: SingleFlight | None = None  # one heavy job per student (progress, export, import)
    season: SeasonService | None = None  # the residency season (/season, /letters)
    interviews: InterviewService | None = None  # /interview
    season_reminders: SeasonReminderService | None = None  # letter items: digest, DMs, buttons
    papers: PaperService | None = None  # /outreach paper: (None: look-ups turned off)
    links: LinkService | None = None  # one record from two front ends (/link)
    # Step-by-step answers where a front end has no forms (Telegram).
    conversations: ConversationService | None = None
