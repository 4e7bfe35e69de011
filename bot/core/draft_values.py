"""The values a draft is written from, each in the shape docs/drafts.md promises the templates.

DraftService gathers the student's profile, the contact, their history and what was typed for
this draft; this module turns them into template values: the stage with its article, the
pitch's one "what drew me" sentence, interests only where they touch the contact's field, the
note the student kept about this person as what was discussed, and every typed field
normalised by `phrasing`. Anything that still speaks of the addressee as "she" or "he" is
reported back so the student is told before sending.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core import phrasing
from bot.core.models import Exchange, ExchangeKind, Profile
from bot.core.text import fold

DEFAULT_SIGNOFF = "Best wishes"
# Exchanges that mean the student and the contact already know each other beyond one meeting.
ACQUAINTED = frozenset(
    {
        ExchangeKind.EMAILED,
        ExchangeKind.MESSAGED,
        ExchangeKind.CALLED,
        ExchangeKind.MEETING,
        ExchangeKind.REPLIED,
    }
)
# Notes the bot writes itself when a draft is marked as sent: not the student's words.
_GENERATED_NOTE = re.compile(r"^Sent the [“\"]")
NOTE_DETAIL_MAX = 140

# Words that mean the same field, so "heart failure" relates to "cardiology".
_FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "cardio": ("heart", "cardiac", "cardio", "echo", "arrhythm", "vascular"),
    "pediatr": ("child", "kids", "paediatr", "pediatr", "neonat", "adolescent"),
    "paediatr": ("child", "kids", "paediatr", "pediatr", "neonat", "adolescent"),
    "oncolog": ("cancer", "tumor", "tumour", "oncol"),
    "neurolog": ("brain", "neuro", "stroke"),
    "neurosurg": ("brain", "neuro", "spine", "surg"),
    "surg": ("surg", "operat", "trauma"),
    "emergency": ("emergency", "trauma", "acute", "urgent"),
    "psychiatr": ("mental", "psych"),
    "obstetric": ("pregnan", "maternal", "women", "obstet", "gyn"),
    "gynecolog": ("pregnan", "maternal", "women", "obstet", "gyn"),
    "dermatolog": ("skin", "derm"),
    "ophthalmolog": ("eye", "vision", "ophthal"),
    "family": ("primary care", "community", "family"),
    "internal": ("internal", "hospital", "primary care"),
    "public health": ("equity", "policy", "public", "global"),
    "infectious": ("infect", "hiv", "sepsis", "antibiot"),
    "radiolog": ("imaging", "radiol"),
    "anesthes": ("anesth", "anaesth", "pain"),
    "endocrin": ("diabet", "endocrin", "thyroid"),
}


def _stems(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]{4,}", fold(text))}


def related_interests(interests: str | None, specialty: str | None) -> str | None:
    """The student's interests when they touch the contact's specialty, else None: a draft to a
    dermatologist doesn't need to hear about cardiology."""
    if not interests or not specialty:
        return None
    mine, theirs = fold(interests), fold(specialty)
    if _stems(mine) & _stems(theirs):
        return interest_phrase(interests)
    for key, words in _FIELD_WORDS.items():
        if key in theirs and any(word in mine for word in words):
            return interest_phrase(interests)
    return None


def interest_phrase(interests: str) -> str | None:
    """'Cardiology, global health.' → 'cardiology and global health': fields of medicine are
    common nouns mid-sentence, and a list reads with its 'and'."""
    trimmed = [phrasing.trim(i) for i in re.split(r"\s*[,;/]\s*|\s+&\s+", interests)]
    items = [_lower_field(i) for i in trimmed if i]
    if not items:
        return phrasing.trim(interests)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower_field(item: str) -> str:
    """'Cardiology' → 'cardiology', 'Global Health' → 'global health'; 'HIV care' keeps its
    acronym."""
    words = item.split()
    if all(w[:1].isupper() and w[1:].islower() for w in words if w.isalpha()) and not any(
        w.isupper() and len(w) > 1 for w in words
    ):
        return item.lower() if len(words) <= 3 else item
    return item[:1].lower() + item[1:] if words and words[0][1:].islower() else item


_DREW_WORDS = re.compile(
    r"\b(?:dr[ea]w|drawn|draws|drew me|fascinat\w*|inspir\w*|passion\w*|love[ds]?|because|"
    r"interest(?:ed|s)?|hooked|why I|made me want|showed me|taught me)\b",
    re.I,
)
_INTRO = re.compile(r"^(?:hi|hello|hey)\b|^(?:i'm|i’m|i am|my name)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")


def drew_me(pitch: str | None) -> str | None:
    """The one sentence of the pitch that says what drew the student to their field.

    The pitch is who I am + what drew me + what I hope for (the /pitch builder joins three
    answers). Drafts already say who the student is and make their own ask, so only the middle
    sentence belongs in them; when no sentence reads as that one, none is used."""
    if not pitch:
        return None
    sentences = [s.strip() for s in _SENTENCE.split(pitch.strip()) if s.strip()]
    candidates = [s for s in sentences if _DREW_WORDS.search(s) and not _INTRO.match(s)]
    if not candidates:
        return None
    sentence = candidates[0]
    if len(sentence) > 220:
        return None
    return sentence if sentence[-1] in ".!" else sentence.rstrip("?") + "."


def student_values(
    profile: Profile, *, first_name: str, specialty: str | None = None
) -> dict[str, Any]:
    """`me.*` for a draft to someone in `specialty`."""
    stage = phrasing.stage(profile.stage) or phrasing.Stage(
        profile.stage, phrasing.with_article(profile.stage)
    )
    return {
        "name": profile.name,
        "first_name": first_name,
        "school": phrasing.trim(profile.school) or profile.school,
        "stage": stage.noun,
        "a_stage": stage.with_article,
        "interests": related_interests(profile.interests, specialty),
        "pitch": profile.pitch,
        "drew_me": drew_me(profile.pitch),
        "signoff": phrasing.signoff(profile.signoff) or DEFAULT_SIGNOFF,
        "contact_line": phrasing.trim(profile.contact_line),
        "english": profile.english,
    }


def acquainted(history: Sequence[Exchange]) -> bool:
    """Whether the student has written to, called or met this person beyond a first meeting."""
    return len(history) > 1 or any(x.kind in ACQUAINTED for x in history)


@dataclass(frozen=True, slots=True)
class SituationValues:
    """The typed situation fields in template shape, and what the student should check."""

    values: dict[str, str | None]
    checks: tuple[str, ...] = field(default_factory=tuple)


_PHRASE_STARTS = frozenset(
    {"the", "a", "an", "your", "how", "what", "why", "when", "where", "which", "whether"}
)


def _usable_note(note: str | None) -> str | None:
    """A note the student kept about a person, when it reads as "about …" in a draft.

    Notes are free-form ("PGY-2, call in March"), so only the ones that turn into a clean
    phrase are used: "asked about her clinic", "runs the echo group", "the GUIDE-HF trial"."""
    if not note:
        return None
    lines = [line for line in note.split("\n") if line.strip()]
    if not lines:
        return None
    line = lines[-1]  # the most recent thing they noted
    if _GENERATED_NOTE.match(line):
        return None
    phrase = phrasing.noun_phrase(line)
    if phrase is None or phrase.needs_check or len(phrase.text) > NOTE_DETAIL_MAX:
        return None
    first = phrase.text.split(" ", 1)[0].lower()
    clause = phrasing.trim(re.split(r"[;\n]|\.\s", line, maxsplit=1)[0]) or ""
    # A lead-in stripped ("asked about …") or a verb turned ("runs …" → "how you run …").
    turned = fold(phrase.text) != fold(clause)
    if first in _PHRASE_STARTS or turned:
        return phrase.text
    return None


def note_detail(contact_notes: str | None, history: Sequence[Exchange]) -> str | None:
    """What the student noted about this person: the contact's notes (the event form's line
    lands there), else the latest note of an exchange."""
    detail = _usable_note(contact_notes)
    if detail is not None:
        return detail
    for exchange in history:
        detail = _usable_note(exchange.note)
        if detail is not None:
            return detail
    return None


def situation_values(fields: Mapping[str, str | None], *, english: str = "us") -> SituationValues:
    """Each typed field in the shape its sentence needs (docs/drafts.md)."""
    checks: list[str] = []
    values: dict[str, str | None] = {}
    discussed = phrasing.noun_phrase(fields.get("discussed"))
    if discussed is not None:
        values["discussed"] = discussed.text
        if discussed.needs_check:
            checks.append(
                "What you talked about doesn't read as a topic after “about” (it may speak "
                "of them as “she” or “he”): check that sentence (✏️ Edit details)."
            )
    ask = phrasing.ask_sentence(fields.get("ask"))
    values["ask"] = ask
    if ask and phrasing.third_person_left(ask):
        checks.append("Your ask speaks of them as “she” or “he”; check it reads as to them.")
    values["event"] = phrasing.with_the(fields.get("event"))
    values["topic"] = phrasing.topic(fields.get("topic"))
    values["finding"] = phrasing.finding(fields.get("finding"))
    values["availability"] = phrasing.availability(fields.get("availability"))
    values["deadline"] = phrasing.date_phrase(fields.get("deadline"), english)
    values["program"] = phrasing.with_the(fields.get("program"))
    values["update"] = phrasing.update_clause(fields.get("update"))
    # Shaped by bot.core.papers.cite (quotes and parentheses that trim() would strip).
    values["paper"] = fields.get("paper") or None
    for key, value in list(values.items()):
        if value is None and fields.get(key):
            # Only punctuation was typed ("?!"): keep it rather than lose a required field.
            values[key] = fields[key]
    return SituationValues(values, tuple(checks))
