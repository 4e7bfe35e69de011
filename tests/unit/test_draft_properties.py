"""Property tests: whatever a student types, every template renders cleanly in every channel.

Values are random profile and contact details (Unicode with right-to-left text and emoji,
markdown, mentions, quotes, template-like syntax, text up to each field's limit), and students
and contacts from the realistic-input generator (tests/content/realistic.py). Each example is
drafted through DraftService for EVERY template × channel × version.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content.templates import CHANNEL_RULES, CHANNELS, SUBJECT_MAX, TemplateCatalogue
from bot.core.drafts import FIELD_LIMITS, PROFILE_LIMITS, DraftRequest, DraftResult
from bot.core.models import Channel, ContactDraft, Role
from bot.core.text import clean_line
from bot.core.validation import INSTITUTION_MAX, NAME_MAX, SPECIALTY_MAX, TITLE_MAX
from bot.settings import PROJECT_ROOT
from tests.content.realistic import render_scenario, scenario, service_tones
from tests.fakes import FakeClock, build_services

OWNER = 111_111_111_111_111_111
CATALOGUE = TemplateCatalogue.load(PROJECT_ROOT / "templates")
TODAY = date(2026, 3, 8)

# What a template must never leave behind. Random values are built without these, so any
# occurrence in a draft came from the template or the renderer, not the student.
LEFTOVER = re.compile(r"\bNone\b|\bundefined\b|\{\{|\}\}|\{%|%\}")
EDGE = "{}%"  # a value starting or ending with these could join the template's text into one

FRAGMENTS = [
    # markdown
    "**bold**",
    "__under__",
    "~~strike~~",
    "`code`",
    "> quote",
    "||spoiler||",
    "# heading",
    # mentions
    "@everyone",
    "@here",
    "<@123>",
    "<@&456>",
    "<#789>",
    # template-like syntax that is not a leftover marker
    "{# note #}",
    "{ 7*7 }",
    "${HOME}",
    "% for x in y %",
    "[Name]",
    "<NAME>",
    "\\n",
    # quotes
    '"',
    "'",
    "“quoted”",
    "‘single’",
    "«guillemets»",
    # right-to-left text and marks
    "مرحبا بالعالم",
    "שלום עולם",
    "\u200f",
    # emoji, with skin tones, joiners and flags
    "🩺",
    "👩🏽‍⚕️",
    "🇳🇬",
    "❤️",
    # accents, CJK and combining marks
    "José Núñez",
    "Zoë",
    "田中",
    "e\u0301",
    " ",
    "  ",
]

_chars = st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn"), exclude_characters="{}%")
_piece = st.one_of(st.text(_chars, min_size=1, max_size=12), st.sampled_from(FRAGMENTS))


def _clip(text: str, limit: int) -> str | None:
    cleaned = clean_line(text)
    if cleaned is None:
        return None
    return clean_line(cleaned[:limit])


def _acceptable(value: str | None) -> bool:
    return (
        value is not None
        and not LEFTOVER.search(value)
        and value[0] not in EDGE
        and value[-1] not in EDGE
    )


def typed(limit: int) -> st.SearchStrategy[str]:
    """Text as a student might type it, cleaned as the bot cleans it, at most `limit` long."""
    short = st.lists(_piece, min_size=1, max_size=8).map("".join)
    long = st.tuples(st.lists(_piece, min_size=1, max_size=4), st.integers(5, 400)).map(
        lambda parts: "".join(parts[0]) * parts[1]
    )
    return st.one_of(short, short, long).map(lambda text: _clip(text, limit)).filter(_acceptable)


def optional(limit: int) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), typed(limit))


profiles = st.fixed_dictionaries(
    {
        "name": typed(PROFILE_LIMITS["name"]),
        "school": typed(PROFILE_LIMITS["school"]),
        "stage": typed(PROFILE_LIMITS["stage"]),
        "interests": optional(PROFILE_LIMITS["interests"]),
        "pitch": optional(PROFILE_LIMITS["pitch"]),
        "signoff": optional(PROFILE_LIMITS["signoff"]),
        "contact_line": optional(PROFILE_LIMITS["contact_line"]),
        "follow_up_delay_days": st.integers(2, 30),
    }
)
contacts = st.builds(
    ContactDraft,
    name=typed(NAME_MAX),
    role=st.sampled_from(list(Role)),
    title=optional(TITLE_MAX),
    specialty=optional(SPECIALTY_MAX),
    institution=optional(INSTITUTION_MAX),
    met_event=optional(FIELD_LIMITS["event"]),
    met_on=st.one_of(st.none(), st.dates(date(2019, 1, 1), TODAY)),
)
situations = st.fixed_dictionaries({key: optional(limit) for key, limit in FIELD_LIMITS.items()})


def assert_within_limits_or_reported(result: DraftResult) -> None:
    """Each limit the draft breaks is among the warnings the student sees."""
    rendered = result.rendered
    rules = CHANNEL_RULES[rendered.channel]
    problems = " | ".join(rendered.problems())
    if rules.max_chars is not None and rendered.chars > rules.max_chars:
        assert f"the limit is {rules.max_chars}" in problems
    elif rules.warn_chars is not None and rendered.chars > rules.warn_chars:
        assert f"{rendered.chars} characters" in problems
    if rules.max_words is not None and rendered.words > rules.max_words:
        assert f"at most {rules.max_words}" in problems
    if rendered.subject is not None and len(rendered.subject) > SUBJECT_MAX:
        assert "the subject" in problems
    if not problems:
        assert rules.max_chars is None or rendered.chars <= rules.max_chars
        assert rendered.subject is None or len(rendered.subject) <= SUBJECT_MAX


async def draft_everything(
    profile: dict[str, Any], contact: ContactDraft, fields: dict[str, str | None]
) -> list[DraftResult]:
    """Drafts every template × channel × version for one random student and contact."""
    services = build_services(FakeClock(), catalogue=CATALOGUE)
    await services.drafts.save_profile(OWNER, profile)
    outcome = await services.contacts.add(OWNER, contact, allow_duplicate=True)
    assert outcome.contact is not None
    given_fields = {k: v for k, v in fields.items() if v}
    results: list[DraftResult] = []
    for info in CATALOGUE.templates():
        needed = {name: f"the {name}" for name in info.requires if name not in given_fields}
        for channel in CHANNELS:
            request = DraftRequest(
                kind=info.kind,
                people=(outcome.contact.id,),
                template_id=info.id,
                channel=Channel(channel),
                fields={**given_fields, **needed},
            )
            [result] = await services.drafts.start(OWNER, request)
            results.append(result)
            for _ in range(CATALOGUE.versions(info.id, channel) - 1):
                result = await services.drafts.next_version(OWNER, result.draft.id)
                results.append(result)
    return results


def expected_count() -> int:
    return sum(
        CATALOGUE.versions(info.id, channel)
        for info in CATALOGUE.templates()
        for channel in CHANNELS
    )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(profile=profiles, contact=contacts, fields=situations)
def test_every_template_renders_cleanly_for_any_input(
    profile: dict[str, Any], contact: ContactDraft, fields: dict[str, str | None]
) -> None:
    """Any profile, contact and details render every draft with no leftovers, within limits."""
    results = asyncio.run(draft_everything(profile, contact, fields))
    assert len(results) == expected_count()
    seen = set()
    for result in results:
        rendered = result.rendered
        seen.add((rendered.template_id, rendered.channel, rendered.version))
        assert rendered.body.strip()
        assert not LEFTOVER.search(rendered.body), rendered.body
        if rendered.channel == "email":
            assert rendered.subject
            assert not LEFTOVER.search(rendered.subject), rendered.subject
        else:
            assert rendered.subject is None
        assert_within_limits_or_reported(result)
    assert len(seen) == expected_count()


# -- real template syntax, typed by the student -----------------------------------------------

JINJA = [
    "{{ 7*7 }}",
    "{% for x in y %}",
    "{% endfor %}",
    "{{ me.name }}",
    "{{ them.__class__ }}",
    "{% raw %}",
    "{{",
    "}}",
    "{%",
    "%}",
    "None",
    "undefined",
]
WORDS = ["Grand", "rounds", "Núñez", "שלום", "🩺", "**md**", "@everyone"]


def hostile(limit: int) -> st.SearchStrategy[str]:
    return (
        st.lists(st.sampled_from(JINJA + WORDS), min_size=1, max_size=6)
        .map(" ".join)
        .map(lambda text: _clip(text, limit))
        .filter(lambda value: value is not None)
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=hostile(PROFILE_LIMITS["name"]),
    contact_name=hostile(NAME_MAX),
    event=hostile(FIELD_LIMITS["event"]),
    discussed=hostile(FIELD_LIMITS["discussed"]),
    ask=hostile(FIELD_LIMITS["ask"]),
)
def test_typed_template_syntax_is_only_data(
    name: str, contact_name: str, event: str, discussed: str, ask: str
) -> None:
    """Template syntax a student types is printed, never run: only their own text carries it."""
    profile = {"name": name, "school": "Riverside", "stage": "MS2", "pitch": discussed}
    contact = ContactDraft(name=contact_name, title="Dr.", met_event=event)
    fields: dict[str, str | None] = {"event": event, "discussed": discussed, "ask": ask}
    for result in asyncio.run(draft_everything(profile, contact, fields)):
        for text in (result.rendered.body, result.rendered.subject or ""):
            assert "49" not in text
            assert "<class" not in text
            remaining = text
            for snippet in sorted(JINJA, key=len, reverse=True):
                remaining = remaining.replace(snippet, "")
            assert not LEFTOVER.search(remaining), text


# -- realistic input, as students type it ----------------------------------------------------

MENTION = re.compile(r"@everyone|@here|<@[!&]?\d+>|<#\d+>")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_realistic_input_renders_every_draft_cleanly(seed: int) -> None:
    """Students and contacts from the realistic-input generator (tests/content/realistic.py):
    every template × channel × version × tone renders, with no exception, no mention and no
    evaluated or leftover template syntax."""
    case = scenario(seed)
    renders = asyncio.run(render_scenario(case, CATALOGUE))
    per_student = sum(
        CATALOGUE.versions(info.id, channel) * len(service_tones())
        for info in CATALOGUE.templates()
        for channel in CHANNELS
    )
    assert len(renders) == per_student
    for render in renders:
        rendered = render.result.rendered
        for text in (rendered.body, rendered.subject or ""):
            assert not LEFTOVER.search(text), text
            assert not MENTION.search(text), text
        assert rendered.body.strip()
        assert (rendered.subject is not None) == (rendered.channel == "email")
        assert_within_limits_or_reported(render.result)
