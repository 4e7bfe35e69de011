"""CoachingService: tips, meeting preparation, the elevator pitch, goals and progress.

The words are the coach's content (`prompts/coach/`); this service only chooses among them,
from what the student is doing, and does the arithmetic of their progress.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.content.coach import MEETING_KINDS, TOPICS, CoachLibrary, Tip
from bot.core import draft_values, phrasing
from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.models import Contact, DueItem, Exchange, ItemKind, Profile, Role
from bot.core.ports import Clock, CoachRepository, PendingRepository
from bot.core.progress import (
    CHART_WEEKS,
    STREAK_WEEKS,
    TOP_VALUES,
    GoalProgress,
    Progress,
    WeeklyGoal,
    assemble,
    goal_progress,
)
from bot.core.text import clean_line, fold

log = logging.getLogger(__name__)

PREP_QUESTIONS = 5
REFLECTIONS = 2
PITCH_PART_MAX = 250
PITCH_WORDS_PER_SECOND = 2.5  # an unhurried speaking pace
PENDING_PITCH = "pitch"
GOAL_MAX = 50

# What a student's recent activity says about which advice fits (first match wins).
_EVENT_TOPICS = (
    (("office hour",), "office_hours"),
    (("shadow",), "shadowing"),
    (("rotation", "clerkship", "placement", "elective"), "rotations"),
    (("talk", "seminar", "lecture", "grand rounds", "workshop", "journal club"), "talks"),
    (("conference", "congress", "symposium", "meeting", "networking", "mixer"), "events"),
)
_ROLE_TOPICS = {
    Role.RESEARCHER: "research",
    Role.TUTOR: "mentorship",
    Role.PEER_MENTOR: "mentorship",
    Role.CLASSMATE: "start_where_you_are",
    Role.PROGRAM_DIRECTOR: "letters",
    Role.RESIDENT: "rotations",
    Role.ATTENDING: "rotations",
    Role.CLINICIAN: "rotations",
}
_ITEM_TOPICS = {
    ItemKind.NUDGE: "persistence",
    ItemKind.FOLLOW_UP: "events",
    ItemKind.CHECK_IN: "mentorship",
    ItemKind.REMINDER: "balance",
    ItemKind.LETTER: "letters",
}


@dataclass(frozen=True, slots=True)
class Prep:
    kind: str
    title: str
    checklist: tuple[str, ...]
    questions: tuple[str, ...]
    contact: Contact | None = None
    last_exchange: Exchange | None = None
    afterwards: tuple[str, ...] = ()  # reflection questions for after the meeting


@dataclass(frozen=True, slots=True)
class Pitch:
    text: str
    words: int
    seconds: int
    pending_id: int


def topic_for(contact: Contact | None) -> str:
    """The advice topic a contact's role and the event where they were met suggest."""
    if contact is None:
        return "start_where_you_are"
    event = fold(contact.draft.met_event or "")
    for words, topic in _EVENT_TOPICS:
        if any(word in event for word in words):
            return topic
    return _ROLE_TOPICS.get(contact.role, "events")


def _stable_order(items: Sequence[str], seed: str) -> list[str]:
    """A shuffle that is the same for the same seed (so a preview matches the real thing)."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}|{item}".encode()).hexdigest())


FIRST_STREAK_LOOK = 4  # weeks a goal line reads first: this week and the three before


class CoachingService:
    def __init__(
        self,
        library: CoachLibrary,
        coach: CoachRepository,
        contacts: ContactService,
        drafts: DraftService,
        pending: PendingRepository,
        clock: Clock,
    ) -> None:
        self._library = library
        self._coach = coach
        self._contacts = contacts
        self._drafts = drafts
        self._pending = pending
        self._clock = clock

    @property
    def library(self) -> CoachLibrary:
        return self._library

    # -- tips ----------------------------------------------------------------------------------

    async def tip(self, owner_id: int, topic: str | None = None) -> Tip:
        """A tip for the topic, or for what the student has been doing; never the same twice."""
        if topic is not None and topic not in TOPICS:
            raise InvalidInput("Pick a topic from the list.")
        topic = topic or await self._current_topic(owner_id)
        tips = self._library.tips(topic)
        last = await self._coach.last_tip(owner_id)
        start = owner_id % len(tips)
        if last is not None and last.startswith(f"{topic}:"):
            start = (int(last.split(":")[1]) + 1) % len(tips)
        choice = tips[start]
        if choice.key == last:  # a one-tip topic would repeat: borrow from the next topic
            choice = next(t for t in self._library.tips() if t.key != last)
        await self._contacts.ensure_student(owner_id)
        await self._coach.set_last_tip(owner_id, choice.key, now=self._clock.now())
        return choice

    async def _current_topic(self, owner_id: int) -> str:
        # Two index look-ups, not a read of every contact (a student may have thousands).
        latest = await self._contacts.latest(owner_id)
        if latest is None:
            return "start_where_you_are"
        if await self._contacts.awaiting_any_reply(owner_id):
            return "persistence"
        return topic_for(latest)

    def tip_for_week(self, student_id: int, items: Sequence[DueItem], today: date) -> str:
        """The digest's tip: about the most urgent item's situation, rotating week by week."""
        topic = "balance"
        if items:
            first = items[0]
            topic = (
                topic_for(first.contact)
                if first.kind is ItemKind.FOLLOW_UP
                else _ITEM_TOPICS[first.kind]
            )
        tips = self._library.tips(topic)
        week = today.isocalendar()
        return tips[(student_id + week.year * 53 + week.week) % len(tips)].text

    # -- preparing a meeting ---------------------------------------------------------------

    async def prep(self, owner_id: int, kind: str, contact_id: int | None = None) -> Prep:
        if kind not in MEETING_KINDS:
            raise InvalidInput("Pick the kind of meeting from the list.")
        contact = await self._contacts.get(owner_id, contact_id) if contact_id else None
        history = await self._contacts.history(owner_id, contact_id) if contact_id else ()
        bank = self._library.questions[kind]
        seed = f"{owner_id}:{contact_id}:{kind}"
        if contact is not None:
            # First, questions that name what the student knows about this person; then those
            # that mention what this person does.
            personal = self._personal_questions(contact, history, seed)
            words = {fold(w) for w in (contact.role.label, contact.draft.specialty or "") if w}
            bank = sorted(bank, key=lambda q: not any(w in fold(q) for w in words))
            top = bank[: PREP_QUESTIONS * 2]
            questions = [*personal, *_stable_order(top, seed)][:PREP_QUESTIONS]
        else:
            questions = _stable_order(bank, seed + str(self._clock.now().date()))[:PREP_QUESTIONS]
        return Prep(
            kind=kind,
            title=MEETING_KINDS[kind],
            checklist=tuple(self._library.checklists[kind]),
            questions=tuple(questions),
            contact=contact,
            last_exchange=next((x for x in history if x.note), None),
            afterwards=tuple(_stable_order(self._library.reflection, seed)[:REFLECTIONS]),
        )

    def _personal_questions(
        self, contact: Contact, history: Sequence[Exchange], seed: str
    ) -> list[str]:
        """One question per thing the student recorded: their specialty, institution, and what
        the student noted about them ("runs the echo research group" → a question about it)."""
        known = {
            # A field of medicine mid-sentence: "toward cardiology", not "toward Cardiology".
            "specialty": draft_values.interest_phrase(contact.draft.specialty or ""),
            "institution": phrasing.trim(contact.draft.institution),
            "noted": draft_values.note_detail(contact.draft.notes, history),
        }
        found = []
        for slot in ("noted", "specialty", "institution"):
            value = known[slot]
            options = self._library.personal_questions.get(slot, [])
            if value and options:
                question = _stable_order(options, seed)[0]
                found.append(question.replace(f"{{{slot}}}", value))
        return found

    # -- the elevator pitch ----------------------------------------------------------------

    async def compose_pitch(self, owner_id: int, parts: Sequence[str | None]) -> Pitch:
        """Join the three answers into a pitch and hold it until the student saves it."""
        cleaned = []
        for part in parts:
            text = clean_line(part)
            if text is None:
                raise InvalidInput("Answer all three questions; a sentence each is plenty.")
            if len(text) > PITCH_PART_MAX:
                raise InvalidInput(f"Keep each answer under {PITCH_PART_MAX} characters.")
            # Each answer becomes a sentence: capital first, a stop at the end.
            text = text[0].upper() + text[1:] if text[0].islower() else text
            cleaned.append(text if text[-1] in ".!?" else text + ".")
        text = " ".join(cleaned)
        words = len(text.split())
        await self._contacts.ensure_student(owner_id)
        pending_id = await self._pending.put(
            owner_id,
            PENDING_PITCH,
            {"text": text},
            expires_at=self._clock.now() + timedelta(hours=24),
        )
        return Pitch(text, words, round(words / PITCH_WORDS_PER_SECOND), pending_id)

    async def save_pitch(self, owner_id: int, pending_id: int) -> Profile:
        # Peek before taking: without a profile the pitch stays held, so the same button
        # works once the student has run `/profile` (as the message below promises).
        if (
            await self._pending.peek(owner_id, pending_id, PENDING_PITCH, now=self._clock.now())
            is None
        ):
            raise ExpiredAction()
        profile = await self._drafts.profile(owner_id)
        if profile is None:
            raise InvalidInput(
                "Set up your profile first with `/profile`, then save your pitch to it."
            )
        payload = await self._pending.take(
            owner_id, pending_id, PENDING_PITCH, now=self._clock.now()
        )
        if payload is None:  # taken by a concurrent click
            raise ExpiredAction()
        log.info("pitch saved owner=%s", owner_id)
        return await self._drafts.save_profile(owner_id, {"pitch": payload["text"]})

    # -- goals and progress ----------------------------------------------------------------

    async def goal(self, owner_id: int) -> WeeklyGoal:
        return await self._coach.goal(owner_id) or WeeklyGoal()

    async def set_goal(
        self,
        owner_id: int,
        *,
        new_contacts: int | None,
        follow_ups: int | None,
        check_ins: int | None,
    ) -> WeeklyGoal:
        goal = await self.goal(owner_id)
        goal = replace(
            goal,
            new_contacts=goal.new_contacts if new_contacts is None else new_contacts,
            follow_ups=goal.follow_ups if follow_ups is None else follow_ups,
            check_ins=goal.check_ins if check_ins is None else check_ins,
        )
        if not all(
            0 <= n <= GOAL_MAX for n in (goal.new_contacts, goal.follow_ups, goal.check_ins)
        ):
            raise InvalidInput(f"Each weekly goal is a number from 0 to {GOAL_MAX}.")
        await self._contacts.ensure_student(owner_id)
        await self._coach.set_goal(owner_id, goal, now=self._clock.now())
        return goal

    async def progress(self, owner_id: int, *, today: date | None = None) -> Progress:
        """The student's progress, from counts the store makes: a few rows per call whatever
        the number of contacts and exchanges."""
        if today is None:
            today = await self._contacts.today(owner_id)
        history = await self._contacts.week_counts(owner_id, today=today, weeks=STREAK_WEEKS)
        network = await self._contacts.network_counts(owner_id, top=TOP_VALUES)
        return assemble(await self.goal(owner_id), history, network, weeks=CHART_WEEKS)

    async def goal_progress(self, owner_id: int, *, today: date) -> GoalProgress:
        """This week against the goal and the streak (a digest's goal line): the weekly
        counts only, not the network figures `/progress` adds."""
        goal = await self.goal(owner_id)
        weeks = FIRST_STREAK_LOOK
        while True:
            # Most streaks are short: count the last few weeks, and look further back only
            # while every finished week in view met the goal (a year's counts cost a student at
            # the caps ~4 ms of index walks on every /due and digest).
            history = await self._contacts.week_counts(owner_id, today=today, weeks=weeks)
            if weeks >= STREAK_WEEKS or any(not week.meets(goal) for week in history[:-1]):
                return goal_progress(goal, history)
            weeks = min(STREAK_WEEKS, weeks * 4)
