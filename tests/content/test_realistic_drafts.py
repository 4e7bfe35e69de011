"""Drafts for what students really type: every template × channel × version × tone, linted.

The realistic-input generator (tests/content/realistic.py) drives the real DraftService with the
unit-test fakes; the draft linter reads every render. The target is no defect at all. The
figure per 1,000 renders, by rule and template, is `python -m bench.drafts_quality`.
"""

from __future__ import annotations

import asyncio
import collections

import pytest

from bot.content.templates import CHANNELS, TemplateCatalogue
from bot.core.meetings import EventKind
from bot.settings import PROJECT_ROOT
from tests.content.realistic import (
    NOW,
    OWNER,
    Render,
    render_scenario,
    scenarios,
    service_tones,
)
from tests.fakes import FakeClock, build_services

CATALOGUE = TemplateCatalogue.load(PROJECT_ROOT / "templates")
STUDENTS = 12  # × every template, channel, version and tone: over 1,000 renders


async def render_all() -> list[Render]:
    out: list[Render] = []
    for case in scenarios(seed=7, count=STUDENTS):
        out += await render_scenario(case, CATALOGUE)
    return out


@pytest.fixture(scope="module")
def renders() -> list[Render]:
    return asyncio.run(render_all())


def test_every_variant_is_rendered_for_every_student(renders: list[Render]) -> None:
    """The generator covers the whole catalogue: nothing is left out of the figure."""
    per_student = sum(
        CATALOGUE.versions(info.id, channel) * len(service_tones())
        for info in CATALOGUE.templates()
        for channel in CHANNELS
    )
    assert len(renders) == STUDENTS * per_student >= 1000
    seen = {(r.result.rendered.template_id, r.result.rendered.channel) for r in renders}
    assert len(seen) == len(CATALOGUE.templates()) * len(CHANNELS)


def test_the_generator_is_deterministic_and_varied() -> None:
    """The same seed gives the same students; the inputs include the messy kinds."""
    assert scenarios(3, 20) == scenarios(3, 20)
    many = scenarios(1, 300)
    names = [case.contact.name for case in many]
    assert any("," in n for n in names) and any(n.startswith("Dr") for n in names)
    assert any(n == n.lower() for n in names)
    stages = {case.profile["stage"] for case in many}
    assert {"MS2", "OMS-II"} <= stages
    assert any(case.profile["signoff"] == "Warmly,," for case in many)
    asks = [case.fields.get("ask") or "" for case in many]
    assert any(a.endswith("?") for a in asks) and any(a and not a.endswith("?") for a in asks)
    assert max(case.met_days for case in many) > 300
    assert min(case.met_days for case in many) <= 1
    assert any(case.via_event and case.event_note for case in many)


def test_realistic_drafts_have_no_defects(renders: list[Render]) -> None:
    """No draft has a defect a student would have to fix before sending it."""
    defects = [(r, d) for r in renders for d in r.defects]
    by_rule = collections.Counter(d.code for _, d in defects)
    examples = {}
    for r, d in defects:
        examples.setdefault(
            d.code, f"{r.result.rendered.template_id} {r.result.rendered.channel}: {d}"
        )
    assert not defects, (
        f"{1000 * len(defects) / len(renders):.0f} defects per 1,000 renders: "
        f"{by_rule.most_common()}\n" + "\n".join(examples.values())
    )


# -- five people met at one event -------------------------------------------------------------

EVENT_PEOPLE = {
    # the line typed in the event form → a phrase of the note its draft must carry
    "Dr Amara Okafor — runs the echo research group": "echo research group",
    "Helen Marsh, MD: suggested reading the GUIDE-HF trial": "GUIDE-HF",
    "Marsh, Peter - works on sepsis screening in the ED": "sepsis screening",
    "Priya Raman, DO — leads the student-run free clinic": "free clinic",
    "James Whitaker Jr. — told me about rural EM rotations": "rural EM rotations",
}


async def test_five_people_from_one_event_get_their_own_drafts() -> None:
    """Drafting everyone met at one event: each draft carries that person's note from the
    event form, and no two read alike once the names are taken out."""
    services = build_services(FakeClock(NOW), catalogue=CATALOGUE)
    await services.drafts.save_profile(
        OWNER, {"name": "Maya Chen", "school": "Riverside School of Medicine", "stage": "MS2"}
    )
    event = await services.events.log(
        OWNER, "SNMA regional conference", EventKind.CONFERENCE, when="2 days ago"
    )
    people = await services.events.add_people(OWNER, event.id, list(EVENT_PEOPLE))
    request = await services.events.followup_request(OWNER, event.id)
    results = await services.drafts.start(OWNER, request)
    assert len(results) == len(people) == 5
    problems = []
    stripped = set()
    for result, detail in zip(results, EVENT_PEOPLE.values(), strict=True):
        body = result.rendered.body
        if detail.lower() not in body.lower():
            problems.append(f"{result.contact.name}: the note ({detail}) is not in the draft")
        for word in result.contact.name.replace(",", " ").split():
            body = body.replace(word, "X")
        stripped.add(body)
    if len(stripped) < len(results):
        problems.append(f"{len(stripped)} distinct texts for {len(results)} people")
    assert not problems, "\n".join(problems)


def test_season_drafts_carry_what_students_type_for_them(renders: list[Render]) -> None:
    """The season's situations get their own realistic values (tests/content/realistic.py,
    SEASON_FIELDS), so the figure covers them as students use them: Match news both ways,
    away rotations named with their dates, letter checks with a deadline."""
    bodies: dict[str, list[str]] = collections.defaultdict(list)
    for r in renders:
        bodies[r.result.rendered.template_id].append(r.result.rendered.body)
    outcomes = " ".join(bodies["outreach_match_outcome"])
    assert "I matched" in outcomes and "SOAP" in outcomes
    assert any(
        "sub-internship" in b or "away rotation" in b for b in bodies["outreach_away_rotation"]
    )
    assert all("Step 1" not in b for b in bodies["outreach_match_outcome"])
    assert any("September" in b or "August 31" in b for b in bodies["outreach_letter_check"])
