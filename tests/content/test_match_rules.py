"""The NRMP Match rules hold in the templates' own words, whatever the student types.

Every template, channel, version and tone is rendered with values that invite a slip: each
field the student types says "I will rank you first" or asks where they stand. A ranking
commitment may then appear in the draft, but only inside the student's own words: with every
typed value blanked out, no ranking phrase is left, so the template text never carries one
(nor completes one around a value). The linter's `match.ranking` rule (bot/content/lint.py)
flags what the student typed, so they see it before sending.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from bot.content.lint import lint_draft, ranking_phrase
from bot.content.samples import SAMPLES
from bot.content.templates import FIELDS, TemplateCatalogue
from bot.settings import PROJECT_ROOT

# Each field in the shape docs/drafts.md gives it, carrying a ranking commitment or question.
SLIPS: dict[str, str] = {
    "event": "the interview day where I said I would rank you first",
    "discussed": "where I stand on your rank list",
    "ask": "Where do I stand on your rank list?",
    "topic": "how you will rank me",
    "finding": "that I will rank your program first",
    "availability": "whenever you rank me highly",
    "program": "the program I will rank first",
    "update": "I will rank you first",
    "deadline": "the day I rank you first",
}
# The student's profile is their own words too: a pitch sentence, interests.
ME_SLIPS: dict[str, str] = {
    "drew_me": "I will rank your program first.",
    "interests": "where I stand on your rank list",
}
BLANK = "‹typed›"
# Stricter than the linter for the template's own words: naming a program a "first choice" is a
# ranking statement too, whatever the student then does with their list.
CHOICE = re.compile(r"\b(?:first|top|number one|#1|1st) choice\b", re.I)


def slipped(sample: Mapping[str, Any]) -> dict[str, Any]:
    """The sample with every value the student gave replaced by its slip."""
    out = dict(sample)
    for name, slip in SLIPS.items():
        if out.get(name):
            out[name] = slip
    me = dict(out["me"])
    for name, slip in ME_SLIPS.items():
        if me.get(name):
            me[name] = slip
    out["me"] = me
    return out


def typed_words(context: Mapping[str, Any]) -> list[str]:
    """Everything in the context the student typed, longest first (so none hides another)."""
    words = [v for k, v in context.items() if k in FIELDS and isinstance(v, str) and v]
    words += [v for k, v in context["me"].items() if k in ME_SLIPS and v]
    return sorted(set(words), key=len, reverse=True)


def template_slip(text: str, context: Mapping[str, Any]) -> str | None:
    """A ranking phrase left in `text` once every typed value is blanked out: one the template's
    own words carry (or complete around a value)."""
    for words in typed_words(context):
        text = text.replace(words, BLANK)
    choice = CHOICE.search(text)
    return ranking_phrase(text) or (choice.group() if choice else None)


def renders(
    catalogue: TemplateCatalogue,
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(label, context, subject + body) for every template × variant × tone × slipped sample."""
    for info in catalogue.templates():
        for name, sample in SAMPLES.items():
            context = slipped(sample)
            if any(not context.get(f) for f in info.requires):
                continue
            for channel, version, tone in catalogue.variants(info.id):
                draft = catalogue.render(info.id, channel, {**context, "tone": tone}, version)
                label = f"{info.id} {channel} v{version} {tone} ({name})"
                yield label, context, f"{draft.subject or ''}\n{draft.body}"


@pytest.fixture(scope="module")
def catalogue() -> TemplateCatalogue:
    return TemplateCatalogue.load(PROJECT_ROOT / "templates")


def test_the_check_finds_a_template_slip() -> None:
    """The check this file relies on: a commitment in the template's own words is found, one
    inside the student's words is not, and a template can't complete one around a value."""
    context = {**slipped(SAMPLES["full"]), "update": "I passed Step 2"}
    assert template_slip("Thank you. I will rank you first.", context) == "I will rank"
    own = "I wanted to share that I will rank you first."
    assert template_slip(own, slipped(SAMPLES["full"])) is None
    completed = "I wanted to say I will rank the program I will rank first highly."
    assert template_slip(completed, slipped(SAMPLES["full"])) is not None
    assert template_slip("You are my first choice.", context) == "first choice"


def test_no_template_commits_to_a_ranking_in_its_own_words(catalogue: TemplateCatalogue) -> None:
    """With every field typed as a ranking slip, blanking the student's words leaves no
    ranking commitment or question in any template, variant, tone or channel."""
    found = [
        (label, phrase)
        for label, context, text in renders(catalogue)
        if (phrase := template_slip(text, context))
    ]
    assert found == []


def test_the_slips_reach_every_template(catalogue: TemplateCatalogue) -> None:
    """The test above is not vacuous: every template puts some of the student's words into
    its drafts, so the slips are rendered, and the linter flags them for the student."""
    carried: set[str] = set()
    flagged: set[str] = set()
    for label, context, text in renders(catalogue):
        template_id = label.split(" ", 1)[0]
        if ranking_phrase(text):
            carried.add(template_id)
            subject, body = text.split("\n", 1)
            channel = label.split(" ")[1]
            defects = lint_draft(
                body=body, subject=subject or None, channel=channel, values=context
            )
            if any(d.code == "match.ranking" for d in defects):
                flagged.add(template_id)
    every = {info.id for info in catalogue.templates()}
    assert carried == every
    assert flagged == every
