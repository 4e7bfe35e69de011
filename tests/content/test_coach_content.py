"""The shipped coaching content (prompts/coach) and CoachLibrary's validation of broken copies."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import build_app
from bot.content.coach import (
    MEETING_KINDS,
    PITCH_KEYS,
    TOPICS,
    CoachContentError,
    CoachLibrary,
    read_entries,
)
from bot.settings import PROJECT_ROOT, load_settings
from tests.fakes import FakeClock

PROMPTS = PROJECT_ROOT / "prompts"
COACH = PROMPTS / "coach"
FORBIDDEN = ("{{", "}}", "{%", "[", "TODO")


@pytest.fixture(scope="module")
def library() -> CoachLibrary:
    return CoachLibrary.load(COACH)


def all_files() -> list[Path]:
    return sorted(COACH.rglob("*.md"))


def everything(library: CoachLibrary) -> list[str]:
    """Every entry the library holds, pitch words and examples included."""
    return [
        *(tip.text for tip in library.tips()),
        *(q for qs in library.questions.values() for q in qs),
        *(c for cs in library.checklists.values() for c in cs),
        *library.reflection,
        *library.pitch.values(),
        *library.pitch_examples,
    ]


def norm(text: str) -> str:
    return " ".join(text.lower().split())


# -- the shipped content ------------------------------------------------------------------------


def test_shipped_content_loads(library: CoachLibrary) -> None:
    """prompts/coach loads without a CoachContentError."""
    assert library.tips()


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_topic_has_at_least_five_tips(library: CoachLibrary, topic: str) -> None:
    """Each topic the /tip command offers has five or more tips, all about that topic."""
    tips = library.tips(topic)
    assert len(tips) >= 5
    assert {t.topic for t in tips} == {topic}
    assert [t.index for t in tips] == list(range(len(tips)))


def test_at_least_sixty_tips_in_total(library: CoachLibrary) -> None:
    """The tip library holds 60 or more tips across all topics."""
    assert len(library.tips()) >= 60
    assert len({t.key for t in library.tips()}) == len(library.tips())


@pytest.mark.parametrize("kind", sorted(MEETING_KINDS))
def test_every_meeting_kind_has_questions_and_checklist(library: CoachLibrary, kind: str) -> None:
    """Each meeting kind has ≥ 10 questions, each ending with "?", and a checklist."""
    questions = library.questions[kind]
    assert len(questions) >= 10
    assert all(q.endswith("?") for q in questions), [q for q in questions if not q.endswith("?")]
    assert len(library.checklists[kind]) >= 3


def test_reflection_has_entries(library: CoachLibrary) -> None:
    """The after-event reflection questions are there."""
    assert len(library.reflection) >= 5


def test_pitch_has_every_key_and_an_example(library: CoachLibrary) -> None:
    """pitch.md has every PITCH_KEYS key with text, and at least one example pitch."""
    for key in PITCH_KEYS:
        assert library.pitch.get(key), key
    assert library.pitch_examples and all(library.pitch_examples)


def test_no_empty_entries_in_any_file() -> None:
    """No "- " line in any coach file is empty (read raw, before the loader filters)."""
    files = all_files()
    # + reflection.md, pitch.md and questions/personal.md
    assert len(files) == len(TOPICS) + 2 * len(MEETING_KINDS) + 3
    for path in files:
        entries = read_entries(path)
        assert entries, path
        assert all(e.strip() for e in entries), path


def test_no_duplicates_anywhere(library: CoachLibrary) -> None:
    """No entry appears twice, across files and including pitch words and examples."""
    entries = [norm(e) for e in everything(library)]
    repeated = sorted({e for e in entries if entries.count(e) > 1})
    assert repeated == []


def test_no_template_syntax_or_placeholders(library: CoachLibrary) -> None:
    """No entry carries template syntax, brackets or TODO markers."""
    bad = [e for e in everything(library) if any(mark in e for mark in FORBIDDEN)]
    assert bad == []
    raw = [
        line
        for path in all_files()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- ") and any(mark in line for mark in FORBIDDEN)
    ]
    assert raw == []


# -- broken copies ------------------------------------------------------------------------------


def broken_copy(tmp_path: Path, damage: Callable[[Path], None]) -> Path:
    """A copy of the whole prompts/ folder with `damage` applied to its coach/ folder."""
    copy = tmp_path / "prompts"
    shutil.copytree(PROMPTS, copy)
    damage(copy / "coach")
    return copy


def remove_topic(coach: Path) -> None:
    (coach / "tips" / "balance.md").unlink()


def add_empty_entry(coach: Path) -> None:
    path = coach / "tips" / "events.md"
    path.write_text(path.read_text(encoding="utf-8") + "- \n", encoding="utf-8")


def add_duplicate(coach: Path) -> None:
    source = coach / "tips" / "talks.md"
    first = read_entries(source)[0]
    path = coach / "questions" / "conference.md"
    # Different case and spacing still count as the same entry.
    text = path.read_text(encoding="utf-8") + f"-   {first.upper()}\n"
    path.write_text(text, encoding="utf-8")


def remove_pitch_key(coach: Path) -> None:
    path = coach / "pitch.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(line for line in lines if not line.startswith("- hope_prompt:")) + "\n",
        encoding="utf-8",
    )


def too_few_questions(coach: Path) -> None:
    path = coach / "questions" / "shadowing.md"
    path.write_text("- Only one question?\n", encoding="utf-8")


def personal_wrong_slot(coach: Path) -> None:
    path = coach / "questions" / "personal.md"
    text = path.read_text(encoding="utf-8") + "- specialty: How is {institution} to work at?\n"
    path.write_text(text, encoding="utf-8")


def remove_personal(coach: Path) -> None:
    (coach / "questions" / "personal.md").unlink()


BROKEN = [
    pytest.param(remove_topic, "missing coach/tips/balance.md", id="missing-topic-file"),
    pytest.param(add_empty_entry, "events.md: entry", id="empty-entry"),
    pytest.param(add_duplicate, "duplicate entry", id="duplicate-entry"),
    pytest.param(remove_pitch_key, "pitch.md: missing hope_prompt", id="missing-pitch-key"),
    pytest.param(too_few_questions, "shadowing.md: 1 entries", id="too-few-questions"),
    pytest.param(personal_wrong_slot, "the one slot {specialty}", id="personal-wrong-slot"),
    pytest.param(remove_personal, "missing coach/questions/personal.md", id="personal-missing"),
]


@pytest.mark.parametrize(("damage", "expected"), BROKEN)
def test_broken_copy_raises_naming_the_problem(
    tmp_path: Path, damage: Callable[[Path], None], expected: str
) -> None:
    """CoachLibrary.load on a damaged copy raises CoachContentError naming the problem."""
    coach = broken_copy(tmp_path, damage) / "coach"
    with pytest.raises(CoachContentError) as raised:
        CoachLibrary.load(coach)
    assert any(expected in problem for problem in raised.value.problems), raised.value.problems
    assert expected in str(raised.value)


def test_intact_copy_loads(tmp_path: Path) -> None:
    """An undamaged copy loads (so the broken-copy failures come from the damage alone)."""
    coach = broken_copy(tmp_path, lambda _: None) / "coach"
    assert len(CoachLibrary.load(coach).tips()) == len(CoachLibrary.load(COACH).tips())


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    """Several kinds of damage are all named in one error, not just the first."""

    def damage(coach: Path) -> None:
        remove_topic(coach)
        remove_pitch_key(coach)

    with pytest.raises(CoachContentError) as raised:
        CoachLibrary.load(broken_copy(tmp_path, damage) / "coach")
    text = str(raised.value)
    assert "balance.md" in text and "hope_prompt" in text


async def test_startup_fails_fast_on_broken_coaching_content(tmp_path: Path) -> None:
    """build_app with PROMPTS_DIR pointing at broken coaching content raises CoachContentError."""
    prompts = broken_copy(tmp_path, add_empty_entry)
    settings = load_settings(
        {
            "DISCORD_TOKEN": "MTIz.x.y",
            "DATABASE_PATH": str(tmp_path / "coach.sqlite3"),
            "PROMPTS_DIR": str(prompts),
        }
    )
    assert settings.content.prompts_dir == prompts
    with pytest.raises(CoachContentError) as raised:
        await build_app(settings, clock=FakeClock(), start_scheduler=False)
    assert "events.md" in str(raised.value)
