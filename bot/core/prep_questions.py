"""Questions about the person for /prep, filled from what the student recorded about them.

The question texts are content (`prompts/coach/questions/personal.md`); this module only fills
their slots from the contact: the specialty, the institution, and what a note says the person
does ("runs the echo research group" → a question about "the echo research group"). A slot
with nothing recorded gives no question, and a note is used only when it plainly says what the
person does, so no question states something the student did not write down.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from bot.content.coach import PersonalQuestion
from bot.core.models import Contact
from bot.core.text import clean_line

PERSONAL_MAX = 3  # the rest of /prep's questions come from the meeting kind's bank
THING_MAX_WORDS = 8  # a longer phrase is a story, not something to name in a question
_CLAUSE_BREAK = re.compile(r"[\n;!?]|\.(?:\s|$)| [–—-] | \(|\)")
# Words that would need their verb changed to speak to the person ("she runs" → "you run"):
# a phrase that has one is left out rather than turned into wrong grammar.
_THIRD_PERSON = re.compile(
    r"\b(?:she|he|they|him|them|hers|herself|himself|themselves|theirs)\b", re.IGNORECASE
)
_POSSESSIVE = re.compile(r"\b(?:her|his|their)\b(?=\s+\w)", re.IGNORECASE)
_DETERMINER = re.compile(r"(?:the|a|an|her|his|their|our)\s", re.IGNORECASE)
_SUBJECT = r"(?:^|\b(?:who|she|he|they|also|now|currently)\s+)"


def _pick(options: Sequence[PersonalQuestion], seed: str) -> PersonalQuestion:
    return min(options, key=lambda q: hashlib.sha256(f"{seed}|{q.text}".encode()).hexdigest())


def _fill(question: PersonalQuestion, value: str) -> str:
    # One pass over the template, so a value containing "{institution}" is never filled again.
    return re.sub(r"\{\w+\}", lambda _: value, question.text, count=1)


def specialty_words(specialty: str) -> str:
    """'Internal Medicine' → 'internal medicine' (a specialty is not a proper noun); 'ENT',
    'Ob/Gyn' and 'PM&R' keep their capitals."""
    return " ".join(
        w.lower() if w[:1].isupper() and w[1:].islower() and w.isalpha() else w
        for w in specialty.split()
    )


def _trim(thing: str) -> str | None:
    """The phrase after a cue, cut at the next clause and tidied; None when it is unusable."""
    thing = re.split(r",\s| and (?=also\b|she\b|he\b|they\b|\w+s\b)| but ", thing)[0]
    thing = thing.strip(" \t\"'“”‘’.,:;")
    if not thing or not any(ch.isalpha() for ch in thing):
        return None
    if len(thing.split()) > THING_MAX_WORDS or _THIRD_PERSON.search(thing):
        return None
    # "leads a QI team" → "the QI team": the question is about that one team.
    thing = re.sub(r"^(?:an?)\s+", "the ", thing, flags=re.IGNORECASE)
    return _POSSESSIVE.sub("your", thing)


def things_noted(
    notes: Iterable[str | None], questions: Sequence[PersonalQuestion]
) -> list[tuple[str, tuple[PersonalQuestion, ...]]]:
    """(phrase, the questions that fit it) for each clause of the notes that says what the
    person does, in the order written; each phrase once."""
    cues = sorted({c for q in questions for c in q.cues}, key=len, reverse=True)
    if not cues:
        return []
    pattern = re.compile(
        _SUBJECT + r"(" + "|".join(re.escape(c) for c in cues) + r")\s+(.+)", re.IGNORECASE
    )
    found: list[tuple[str, tuple[PersonalQuestion, ...]]] = []
    seen: set[str] = set()
    for note in notes:
        for clause in _CLAUSE_BREAK.split(note or ""):
            match = pattern.search(clause.strip())
            if match is None:
                continue
            thing = _trim(match[2])
            cue = match[1].lower()
            if thing is None or thing.casefold() in seen:
                continue
            fitting = tuple(
                q
                for q in questions
                if cue in q.cues and (not q.determined or _DETERMINER.match(match[2].strip()))
            )
            if fitting:
                seen.add(thing.casefold())
                found.append((thing, fitting))
    return found


def personal_questions(
    contact: Contact,
    questions: Sequence[PersonalQuestion],
    seed: str,
    last_note: str | None = None,
) -> list[str]:
    """Up to PERSONAL_MAX questions about this person: the first thing the notes say they do
    (the contact's notes, then the last exchange's note), their specialty, their institution,
    then any further thing noted."""
    noted = [
        _fill(_pick(fitting, seed + thing), thing)
        for thing, fitting in things_noted((contact.draft.notes, last_note), questions)
    ]
    about: list[str] = []
    for slot, value in (
        ("specialty", specialty_words(clean_line(contact.draft.specialty) or "")),
        ("institution", clean_line(contact.draft.institution) or ""),
    ):
        options = [q for q in questions if q.slot == slot]
        if value and options:
            about.append(_fill(_pick(options, seed + slot), value))
    return (noted[:1] + about + noted[1:])[:PERSONAL_MAX]
