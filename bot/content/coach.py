"""CoachLibrary: the coach's advice under `prompts/coach/`, as plain Markdown lists.

    prompts/coach/tips/<topic>.md          tips by situation
    prompts/coach/questions/<kind>.md      questions to prepare a meeting
    prompts/coach/questions/personal.md    questions about the person, with slots
    prompts/coach/checklists/<kind>.md     before-and-after checklists
    prompts/coach/reflection.md            questions for after an event
    prompts/coach/pitch.md                 the pitch builder's words (`- key: text`)

Every entry is one line starting with "- "; anything else is a note for the editor. The
library is loaded and validated at start: every topic and meeting kind the code offers must
have its file, no entry may be empty, and no entry may appear twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TOPICS: dict[str, str] = {
    "start_where_you_are": "Starting with people you know",
    "events": "Events and conferences",
    "talks": "Talks and seminars",
    "office_hours": "Office hours",
    "rotations": "Clinical rotations",
    "shadowing": "Shadowing",
    "research": "Research outreach",
    "mentorship": "Finding and working with a mentor",
    "letters": "Letters of recommendation",
    "online_presence": "LinkedIn and Doximity",
    "persistence": "When there's no reply",
    "balance": "Balance",
}
MEETING_KINDS: dict[str, str] = {
    "office_hours": "Office hours",
    "shadowing": "Shadowing day",
    "mentor_meeting": "Mentor meeting",
    "research": "Research conversation",
    "conference": "Conference",
    "residency_program": "Residency program conversation",
}
PITCH_KEYS = ("intro_prompt", "interest_prompt", "hope_prompt", "tip")
MIN_TIPS_PER_TOPIC = 5
MIN_QUESTIONS = 10
ENTRY_MAX = 600  # long enough for an example pitch


# The slots a personal question may have, by key; every other key is a list of note phrases.
PERSONAL_SLOTS = {"specialty": "specialty", "institution": "institution"}
NOTE_SLOT = "thing"
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class PersonalQuestion:
    """A question about the person: `slot` is filled from the contact ("thing": from a note
    that uses one of the `cues`, e.g. "runs" in "runs the echo research group")."""

    slot: str
    cues: tuple[str, ...]
    text: str
    determined: bool = False  # the note's phrase must start with "the", "a", "her"…


def parse_personal(entry: str) -> PersonalQuestion | str:
    """One `- key: question` line of personal.md, or what is wrong with it."""
    key, colon, text = entry.partition(":")
    key, text = key.strip(), text.strip()
    determined = key.startswith("*")
    key = key.removeprefix("*").strip()
    if not colon or not key or not text:
        return f"personal.md: “{entry[:60]}” is not “key: question”"
    slot = PERSONAL_SLOTS.get(key, NOTE_SLOT)
    cues = () if key in PERSONAL_SLOTS else tuple(c.strip().lower() for c in key.split(","))
    if any(not c for c in cues):
        return f"personal.md: an empty phrase in “{key[:60]}”"
    if _SLOT.findall(text) != [slot]:
        return f"personal.md: “{text[:60]}” must have the one slot {{{slot}}}"
    return PersonalQuestion(slot, cues, text, determined)


class CoachContentError(Exception):
    """The coaching content is missing or malformed; `problems` names each issue."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Tip:
    topic: str
    index: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.topic}:{self.index}"


def read_entries(path: Path) -> list[str]:
    return [
        line[2:].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- ")
    ]


class CoachLibrary:
    def __init__(
        self,
        tips: dict[str, list[str]],
        questions: dict[str, list[str]],
        checklists: dict[str, list[str]],
        reflection: list[str],
        pitch: dict[str, str],
        examples: list[str],
        personal: tuple[PersonalQuestion, ...] = (),
    ) -> None:
        self._tips = tips
        self.questions = questions
        self.checklists = checklists
        self.reflection = reflection
        self.pitch = pitch
        self.pitch_examples = examples
        self.personal = personal

    @classmethod
    def load(cls, folder: Path) -> CoachLibrary:
        problems: list[str] = []

        def entries(path: Path, minimum: int) -> list[str]:
            if not path.is_file():
                problems.append(f"missing {path.relative_to(folder.parent)}")
                return []
            found = read_entries(path)
            for n, entry in enumerate(found, 1):
                if not entry:
                    problems.append(f"{path.name}: entry {n} is empty")
                elif len(entry) > ENTRY_MAX:
                    problems.append(f"{path.name}: entry {n} is over {ENTRY_MAX} characters")
            if len(found) < minimum:
                problems.append(f"{path.name}: {len(found)} entries, at least {minimum} needed")
            return [e for e in found if e]

        tips = {t: entries(folder / "tips" / f"{t}.md", MIN_TIPS_PER_TOPIC) for t in TOPICS}
        questions = {
            k: entries(folder / "questions" / f"{k}.md", MIN_QUESTIONS) for k in MEETING_KINDS
        }
        checklists = {k: entries(folder / "checklists" / f"{k}.md", 3) for k in MEETING_KINDS}
        reflection = entries(folder / "reflection.md", 5)
        personal: list[PersonalQuestion] = []
        for entry in entries(folder / "questions" / "personal.md", len(PERSONAL_SLOTS) + 1):
            parsed = parse_personal(entry)
            if isinstance(parsed, str):
                problems.append(parsed)
            else:
                personal.append(parsed)
        pitch: dict[str, str] = {}
        examples: list[str] = []
        for entry in entries(folder / "pitch.md", len(PITCH_KEYS)):
            key, _, text = entry.partition(":")
            if key.strip() == "example":
                examples.append(text.strip())
            else:
                pitch[key.strip()] = text.strip()
        missing_keys = [k for k in PITCH_KEYS if not pitch.get(k)]
        if missing_keys:
            problems.append(f"pitch.md: missing {', '.join(missing_keys)}")
        problems.extend(
            _duplicates([*_flat(tips), *_flat(questions), *_flat(checklists), *reflection])
        )
        if problems:
            raise CoachContentError(problems)
        return cls(tips, questions, checklists, reflection, pitch, examples, tuple(personal))

    def tips(self, topic: str | None = None) -> list[Tip]:
        topics = [topic] if topic else list(TOPICS)
        return [Tip(t, n, text) for t in topics for n, text in enumerate(self._tips.get(t, []))]


def _flat(groups: dict[str, list[str]]) -> Iterable[str]:
    for values in groups.values():
        yield from values


def _duplicates(entries: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated = []
    for entry in entries:
        key = " ".join(entry.lower().split())
        if key in seen:
            repeated.append(f"duplicate entry: “{entry[:60]}”")
        seen.add(key)
    return repeated
