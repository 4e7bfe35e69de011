"""The template catalogue: every situation the product promises, linted, and golden renders.

Golden files (tests/content/golden/<template id>.txt) hold every channel, version and tone
rendered through DraftService for three realistic students and contacts
(tests/content/realistic.py, GOLDEN_STUDENTS), each draft followed by the draft linter's
defects (lines starting "!"); they are read by people in review. After an intended wording change,
regenerate them with `UPDATE_GOLDEN=1 ./scripts/test tests/content` and read the diff.
"""

from __future__ import annotations

import asyncio
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.content.lint import lint_draft
from bot.content.samples import SAMPLES, dated_samples, sample_for
from bot.content.templates import CHANNELS, TemplateCatalogue
from bot.core.drafts import when_phrase
from bot.settings import PROJECT_ROOT
from tests.content.realistic import GOLDEN_STUDENTS, Render, render_scenario

GOLDEN = Path(__file__).parent / "golden"
FOLLOWUPS = {
    "followup_conference",
    "followup_talk",
    "followup_office_hours",
    "followup_shadowing",
    "followup_rotation",
    "followup_mentor_meeting",
    "followup_interview",
    "followup_nudge",
}
OUTREACH = {
    "outreach_research",
    "outreach_mentorship",
    "outreach_shadowing",
    "outreach_letter",
    "outreach_alumnus",
    "outreach_reconnect",
    "outreach_progress_update",
    "outreach_program_director",
}
# The residency season (issue 16): letters, the Match, away rotations and research years.
SEASON = {
    "outreach_letter_check",
    "outreach_letter_thanks",
    "outreach_match_outcome",
    "outreach_letter_of_intent",
    "outreach_away_rotation",
    "outreach_research_year",
}


@pytest.fixture(scope="module")
def catalogue() -> TemplateCatalogue:
    return TemplateCatalogue.load(PROJECT_ROOT / "templates")


@pytest.fixture(scope="module")
def golden_renders(catalogue: TemplateCatalogue) -> list[Render]:
    async def everything() -> list[Render]:
        out: list[Render] = []
        for case in GOLDEN_STUDENTS.values():
            out += await render_scenario(case, catalogue)
        return out

    return asyncio.run(everything())


def golden_table(renders: list[Render], template_id: str) -> str:
    """Every channel × version × tone for the three students, with the linter's verdict."""
    names = {case.seed: name for name, case in GOLDEN_STUDENTS.items()}
    parts = []
    for render in renders:
        draft = render.result.rendered
        if draft.template_id != template_id:
            continue
        size = f"{draft.words} words, {draft.chars} chars"
        student = names[render.scenario.seed]
        header = f"=== {draft.channel} v{draft.version} · {render.tone} · {student} · {size}"
        subject = f"Subject: {draft.subject}\n\n" if draft.subject is not None else ""
        verdict = "".join(f"! {defect}\n" for defect in render.defects)
        parts.append(f"{header}\n{subject}{draft.body}\n{verdict}")
    return "\n".join(parts)


def test_catalogue_covers_every_situation(catalogue: TemplateCatalogue) -> None:
    """All eight follow-ups, eight outreach situations and the season's six are in the
    catalogue, by kind."""
    assert {t.id for t in catalogue.templates("followup")} >= FOLLOWUPS
    assert {t.id for t in catalogue.templates("outreach")} >= OUTREACH | SEASON


def test_catalogue_renders_within_limits(catalogue: TemplateCatalogue) -> None:
    """Every template renders every channel and version within its limits, with no leftovers."""
    assert catalogue.check(SAMPLES, prose=False) == []


def test_catalogue_lints_clean(catalogue: TemplateCatalogue) -> None:
    """Every render of every sample, with dates as the drafts service says them, passes the
    draft linter: no doubled punctuation, wrapped ask, broken date phrase or other defect."""
    today = date(2026, 12, 4)
    samples = dated_samples(lambda days: when_phrase(today - timedelta(days=days), today))
    assert catalogue.check(samples) == []


def test_every_channel_has_another_version(catalogue: TemplateCatalogue) -> None:
    """'Another version' always has somewhere to go."""
    for info in catalogue.templates():
        for channel in CHANNELS:
            assert catalogue.versions(info.id, channel) >= 2, (info.id, channel)


def test_greets_by_title_and_surname_or_first_name(catalogue: TemplateCatalogue) -> None:
    """Drafts greet 'Dr. Okafor' when a title is known and a peer by first name."""
    for info in catalogue.templates():
        formal = catalogue.render(info.id, "email", SAMPLES["full"])
        peer = catalogue.render(info.id, "email", SAMPLES["peer, nothing optional"])
        assert "Dr. Okafor" in formal.body.split("\n")[0], info.id
        assert "Jordan" in peer.body.split("\n")[0], info.id


def test_event_and_discussion_are_named_when_known(catalogue: TemplateCatalogue) -> None:
    """Follow-ups name the event and what was discussed, when the student gave them."""
    full = SAMPLES["full"]
    for template_id in FOLLOWUPS - {"followup_nudge", "followup_interview"}:
        body = catalogue.render(template_id, "email", full).body
        assert full["discussed"] in body, template_id


@pytest.mark.parametrize("template_id", sorted(FOLLOWUPS | OUTREACH | SEASON))
def test_golden_renders(golden_renders: list[Render], template_id: str) -> None:
    """The drafts DraftService renders for three realistic students match the reviewed golden
    file (each draft followed by the linter's defects, marked "!")."""
    rendered = golden_table(golden_renders, template_id)
    path = GOLDEN / f"{template_id}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"no golden file; run UPDATE_GOLDEN=1 for {template_id}"
    assert rendered == path.read_text(encoding="utf-8")


MONTHS_LATER = {
    **SAMPLES["full"],
    "event": "the AAMC Annual Meeting",
    "met_when": "in March 2026",
    "event_kind": "conference",
    "event_date": "12 March 2026",
}


def test_reconnect_says_where_when_and_what_the_event_was(catalogue: TemplateCatalogue) -> None:
    """Months later, the reconnect names the event with its date, and what kind of event it
    was; without a kind it still reads cleanly."""
    for channel in CHANNELS:
        body = catalogue.render("outreach_reconnect", channel, MONTHS_LATER).body
        assert "the AAMC Annual Meeting in March 2026" in body, channel
    email = catalogue.render("outreach_reconnect", "email", MONTHS_LATER).body
    assert "since that conference" in email
    unknown = catalogue.render("outreach_reconnect", "email", {**MONTHS_LATER, "event_kind": None})
    assert "since that" not in unknown.body and "None" not in unknown.body


def test_follow_ups_say_when_they_met(catalogue: TemplateCatalogue) -> None:
    """Every follow-up after a meeting says when it was, in the words the drafts service gives."""
    for template_id in FOLLOWUPS - {"followup_nudge"}:
        versions = range(1, catalogue.versions(template_id, "email") + 1)
        bodies = [catalogue.render(template_id, "email", MONTHS_LATER, v).body for v in versions]
        assert any("in March 2026" in body for body in bodies), template_id


def test_season_previews_read_as_their_situation(catalogue: TemplateCatalogue) -> None:
    """The season's templates previewed with their own sample values (samples.sample_for):
    a Match outcome tells Match news, an away rotation names the rotation and its dates, and
    every variant of each passes the linter. Other templates keep the general sample."""
    full = SAMPLES["full"]
    assert sample_for("outreach_letter", full) == full
    assert (
        sample_for("outreach_research_year", SAMPLES["peer, nothing optional"]).get("ask") is None
    )
    found = []
    for template_id in sorted(SEASON):
        sample = sample_for(template_id, full)
        for channel, version, tone in catalogue.variants(template_id):
            draft = catalogue.render(template_id, channel, {**sample, "tone": tone}, version)
            defects = lint_draft(
                body=draft.body,
                subject=draft.subject,
                channel=channel,
                values=sample,
                tone=tone,
                template_id=template_id,
            )
            found += [(template_id, channel, version, tone, str(d)) for d in defects]
    assert found == []
    match = sample_for("outreach_match_outcome", full)
    outcome = catalogue.render("outreach_match_outcome", "email", match).body
    assert "I matched at the St Mary's internal medicine residency" in outcome
    away = sample_for("outreach_away_rotation", full)
    rotation = catalogue.render("outreach_away_rotation", "dm", away).body
    assert "for four weeks from July 6" in rotation and "sub-internship" in rotation
