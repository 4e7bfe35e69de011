"""Realistic input for drafts: what students type, weighted as they type it, and the truth.

`scenarios(seed, count)` makes students and contacts the way the bot meets them: most values
plain and well formed, a good share messy (names with titles, degrees, "Surname, Given",
particles, family name first, lower case; stages as "MS2" or "OMS-II"; sign-offs with their own
punctuation; asks typed as questions or as phrases; the addressee in the third person; updates
with a full stop). Each scenario also carries the truth the linter judges by (`values`): the
addressee's given and family name, role and whether the student already knows them, and the
student's own name and sign-off, in the shape of docs/drafts.md. Nothing here is derived from
the code under test.

`render_scenario` drives the real DraftService (with the unit-test fakes) for every template ×
channel × version × tone the service offers and returns each render with its defects.

Seeded and deterministic: the same seed gives the same scenarios.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.content.lint import Defect, lint_draft
from bot.content.templates import CHANNELS, DEFAULT_TONE, TONES, TemplateCatalogue
from bot.core.drafts import DraftRequest, DraftResult
from bot.core.meetings import EventKind
from bot.core.models import Channel, ContactDraft, ExchangeKind, Role
from tests.fakes import FakeClock, build_services

OWNER = 222_222_222_222_222_222
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


# -- people -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    """A person's name as the truth: given, family (with particles), degrees, suffix."""

    given: str
    family: str | None
    degrees: tuple[str, ...] = ()
    suffix: str | None = None
    family_first: bool = False  # written family name first in their own culture


NAMES = [
    Name("Helen", "Marsh", ("MD",)),
    Name("Amara", "Okafor", ("MD",)),
    Name("James", "Whitaker", ("MD",), "Jr."),
    Name("Robert", "Lee", (), "III"),
    Name("María José", "García López", ("MD", "PhD")),
    Name("Ana", "Fernández-García", ("MD",)),
    Name("Ludwig", "van Beethoven", ("PhD",)),
    Name("Anna", "Kowalski", ("PhD",)),
    Name("Wei", "Zhang", ("MD",), family_first=True),
    Name("Min-jun", "Kim", ("MD",), family_first=True),
    Name("Siobhán", "O'Brien", ("MBBS",)),
    Name("Priya", "Raman", ("DO",)),
    Name("Jordan", "Lee"),
    Name("Sam", "Ortiz"),
    Name("Chloé", "Dubois", ("MD",)),
    Name("Kwame", "Mensah-Bonsu", ("MD", "MPH")),
    Name("Elena", "de la Cruz", ("MD",)),
    Name("Tomás", "Núñez", ("DO",)),
    Name("Grace", "Liu"),
    Name("Amara", None),  # a single name, as a classmate might be saved
]


def typed_name(rng: random.Random, name: Name) -> tuple[str, str | None]:
    """The name as a student types it, and what they put in the separate title option."""
    plain = f"{name.given} {name.family}" if name.family else name.given
    if name.suffix:
        plain = f"{plain} {name.suffix}"
    if name.family is None:
        return pick(rng, [(plain, 8), (plain.lower(), 2)]), None
    degrees = ", ".join(name.degrees)
    forms: list[tuple[tuple[str, str | None], float]] = [
        ((plain, None), 40),
        ((plain, "Dr."), 10 if name.degrees else 0),
        ((f"Dr. {plain}", None), 8 if name.degrees else 0),
        ((f"Dr {plain}", None), 4 if name.degrees else 0),
        ((f"{plain}, {degrees}", None), 10 if degrees else 0),
        ((f"{plain} {(name.degrees or ('',))[0]}", None), 4 if degrees else 0),
        ((f"Dr. {plain}, {degrees}", None), 2 if degrees else 0),
        ((f"{name.family}, {name.given}", None), 8),
        ((plain.lower(), None), 4),
        ((f"Prof. {plain}", None), 3 if "PhD" in name.degrees else 0),
        ((f"Professor {plain}", None), 2 if "PhD" in name.degrees else 0),
    ]
    if name.family_first:
        forms += [
            ((f"{name.family.upper()} {name.given}", None), 20),
            ((f"{name.family}, {name.given}", None), 20),
        ]
        forms = [(f, w) for f, w in forms if f[0] != plain or w == 0] + [((plain, None), 10)]
    return pick(rng, [(f, w) for f, w in forms if w])


PHYSICIANS = [Role.ATTENDING, Role.RESIDENT, Role.FACULTY, Role.PROGRAM_DIRECTOR, Role.CLINICIAN]
ROLE_WEIGHTS = [
    (Role.ATTENDING, 25),
    (Role.RESIDENT, 12),
    (Role.FACULTY, 12),
    (Role.PROGRAM_DIRECTOR, 5),
    (Role.CLINICIAN, 4),
    (Role.RESEARCHER, 10),
    (Role.ALUMNUS, 6),
    (Role.SPEAKER, 5),
    (Role.TUTOR, 3),
    (Role.CLASSMATE, 6),
    (Role.PEER_MENTOR, 6),
    (Role.OTHER, 4),
]
SPECIALTIES = [
    ("Cardiology", 5),
    ("internal medicine", 4),
    ("Emergency Medicine", 3),
    ("pediatrics", 3),
    ("Ob/Gyn", 2),
    ("cardio-oncology", 1),
    (None, 4),
]
INSTITUTIONS = [
    ("St Mary's Hospital", 4),
    ("Riverside University Hospital", 4),
    ("UCSF", 2),
    ("Mass General", 2),
    ("the VA", 1),
    (None, 5),
]

# -- the student --------------------------------------------------------------------------------

STUDENTS = [
    ("Maya Chen", "Maya"),
    ("Luis Ortega", "Luis"),
    ("Priya Natarajan", "Priya"),
    ("Ethan Brooks", "Ethan"),
    ("Aisha Bello", "Aisha"),
    ("Noah Kim", "Noah"),
]
SCHOOLS = [
    ("Riverside School of Medicine", 5),
    ("Northfield College of Osteopathic Medicine", 3),
    ("the University of Lakeside", 2),
    ("UCSF", 1),
]
STAGES = [
    ("second-year medical student", 20),
    ("first-year medical student", 10),
    ("third-year medical student", 8),
    ("MS2", 10),
    ("MS-1", 3),
    ("M3", 5),
    ("MS4", 4),
    ("OMS-II", 6),
    ("OMS II", 2),
    ("second year", 5),
    ("4th year med student", 3),
    ("MD/PhD student", 5),
    ("fourth-year student", 3),
]
SIGNOFFS = [
    (None, 20),
    ("Best,", 15),
    ("Best wishes", 10),
    ("Kind regards,", 15),
    ("Thank you,", 8),
    ("Thanks!", 6),
    ("Warmly,,", 3),
    ("Sincerely", 8),
    ("Best regards,", 8),
    ("Many thanks.", 3),
]
INTERESTS = [
    (None, 4),
    ("cardiology and health equity", 4),
    ("emergency medicine", 2),
    ("pediatric oncology, global health", 2),
    ("Cardiology.", 1),
]
PITCHES = [
    (None, 4),
    ("I'm exploring cardiology through research on heart failure in rural clinics.", 3),
    ("Growing up translating for my grandmother at her appointments got me into medicine", 2),
]

# -- the situation ------------------------------------------------------------------------------

EVENTS = [
    ("the cardiology interest group talk", 10),
    ("Cardiology Interest Group talk", 5),
    ("grand rounds", 4),
    ("the AAMC conference", 4),
    ("SNMA regional conference", 3),
    ("office hours", 3),
    ("shadowing in the cath lab", 3),
    ("the residency fair", 3),
    ("the IM interest group mixer.", 2),
    ("Research Day", 2),
]
# The kind a student picks when they log the event with /event log.
EVENT_KINDS = {
    "the cardiology interest group talk": EventKind.TALK,
    "Cardiology Interest Group talk": EventKind.INTEREST_GROUP,
    "grand rounds": EventKind.TALK,
    "the AAMC conference": EventKind.CONFERENCE,
    "SNMA regional conference": EventKind.CONFERENCE,
    "office hours": EventKind.OFFICE_HOURS,
    "shadowing in the cath lab": EventKind.SHADOWING,
    "the residency fair": EventKind.SOCIAL,
    "the IM interest group mixer.": EventKind.SOCIAL,
    "Research Day": EventKind.OTHER,
}
DISCUSSED = [
    (None, 15),
    ("how your clinic follows up heart-failure patients", 15),
    ("your path into cardio-oncology", 8),
    ("her heart-failure clinic", 8),
    ("his path into cardio-oncology", 6),
    ("how she balances research and clinic", 4),
    ("the GUIDE-HF trial", 6),
    ("applying to residency.", 4),
    ("matching into EM as a DO student", 3),
    ("point-of-care ultrasound", 5),
]
ASKS = [
    (None, 12),
    ("Could I shadow one of your clinics?", 12),
    ("could I shadow you sometime?", 4),
    ("Would you be open to a 15-minute call?", 8),
    ("shadowing your clinic", 8),
    ("advice on applying to cardiology", 8),
    ("whether I could join your research group", 6),
    ("a 15-minute call", 6),
    ("Would you have time to meet this month??", 2),
    ("an hour of your time to talk about research", 3),
]
TOPICS = [
    ("remote monitoring after heart-failure discharge", 5),
    ("your 2025 paper on sepsis screening", 3),
    ("SGLT2 inhibitors in HFpEF.", 2),
    ("AI in radiology", 2),
]
FINDINGS = [
    (None, 3),
    ("the drop in readmissions with nurse calls", 3),
    ("that women were under-referred to cardiac rehab.", 2),
]
# What a DOI or PubMed look-up fills (bot.core.papers.cite), or nothing typed.
PAPERS = [
    (None, 3),
    ("“Nurse calls after heart-failure discharge” in JAMA Cardiology (2025)", 2),
    ("“Does early sepsis screening save lives? A stepped-wedge trial” (2024)", 1),
    ("“AI triage of chest radiographs”", 1),
]
AVAILABILITY = [
    (None, 3),
    ("about ten hours a week from January", 3),
    ("Summer 2027", 2),
    ("10 hrs/week.", 1),
]
DEADLINES = [("March 1", 4), ("Jan 15th", 2), ("next Friday", 2), ("October 1, 2027", 2)]
PROGRAMS = [
    ("the St Mary's internal medicine residency", 4),
    ("Riverside's summer research program", 3),
    ("a summer research program", 2),
    ("the Cardiology Scholars Program.", 1),
]
UPDATES = [
    ("I passed Step 1.", 4),
    ("I passed Step 1 and started a research elective in cardiology", 4),
    ("matched into a summer research program!", 2),
    ("I finished my first clinical rotation", 3),
    ("my abstract got accepted at AHA", 2),
]
# The residency season's own situations: what a student types for each, in place of the
# general values above (a letter check's program is where the letter goes, a Match outcome's
# news is the Match). Drawn from a generator of their own, so the scenarios above are unchanged.
SEASON_FIELDS: dict[str, dict[str, list[tuple[str | None, float]]]] = {
    "outreach_letter_check": {
        "deadline": [("August 31", 3), ("Sept 1st", 2), ("next Friday", 2), ("2026-09-03", 1)],
        "program": [
            (None, 3),
            ("the St Mary's internal medicine residency", 2),
            ("St Mary's IM residency", 1),
            ("emergency medicine programs", 1),
        ],
    },
    "outreach_letter_thanks": {
        "program": [
            (None, 3),
            ("the St Mary's internal medicine residency", 2),
            ("pediatrics residency programs", 1),
        ],
    },
    "outreach_match_outcome": {
        "update": [
            ("I matched at the St Mary's internal medicine residency", 4),
            ("Matched into emergency medicine at Riverside University Hospital!", 2),
            ("I matched! I'll be starting pediatrics at UCSF in July.", 1),
            ("I didn't match this year, and I'm applying through SOAP", 2),
            ("I did not match and will spend the year in research before reapplying.", 1),
        ],
    },
    "outreach_letter_of_intent": {
        "program": [
            ("the St Mary's internal medicine residency", 3),
            ("Riverside's pediatrics residency", 2),
            ("UCSF emergency medicine", 1),
        ],
        "update": [
            (None, 3),
            ("I passed Step 2 CK", 2),
            ("my abstract on sepsis screening was accepted at SHM", 2),
            ("Finished my sub-internship in internal medicine.", 1),
        ],
    },
    "outreach_away_rotation": {
        "program": [
            ("the cardiology sub-internship at St Mary's Hospital", 3),
            ("your emergency medicine away rotation", 2),
            ("UCSF pediatric sub-I", 1),
            ("the MICU elective at Riverside University Hospital", 1),
        ],
        "availability": [
            ("in July", 3),
            ("for four weeks from August 3", 2),
            ("September 2027", 1),
            ("I'm free any 4-week block from July to October", 1),
        ],
        "ask": [
            (None, 4),
            ("Are there still spots open for visiting students?", 2),
            ("Is housing available for visiting students?", 1),
            ("Could I do a shift in the ED before the rotation starts", 1),
        ],
    },
    "outreach_research_year": {
        "availability": [
            (None, 2),
            ("from July 2027 for a full year", 2),
            ("full time starting next summer", 1),
        ],
        "ask": [
            (None, 3),
            ("Could we talk about a research year in your lab?", 1),
            ("whether you take research-year students", 1),
        ],
    },
}


def season_fields(case_seed: int, template_id: str) -> dict[str, str | None]:
    """What the student typed for one of the season's situations (None: left empty)."""
    choices = SEASON_FIELDS.get(template_id, {})
    rng = random.Random(f"{case_seed}:{template_id}")
    return {name: pick(rng, weighted) for name, weighted in sorted(choices.items())}


NOTES = [
    (None, 6),
    ("Asked about her heart-failure clinic; she suggested reading the GUIDE-HF trial", 3),
    ("runs the echo research group", 2),
    ("Very kind, said to email him about research", 2),
]


def met_days(rng: random.Random) -> int:
    """How long ago they met: mostly days or weeks, some months, a few over a year."""
    return pick(
        rng,
        [
            (rng.randint(0, 1), 15),
            (rng.randint(2, 6), 25),
            (rng.randint(7, 44), 25),
            (rng.randint(45, 200), 20),
            (rng.randint(201, 400), 15),
        ],
    )


@dataclass(slots=True)
class Scenario:
    """One student writing to one person: what they typed, and the truth about the people."""

    seed: int
    profile: dict[str, Any]
    contact: ContactDraft
    fields: dict[str, str]
    met_days: int
    sent_days: int | None  # when the student last e-mailed them, or None
    values: dict[str, Any] = field(default_factory=dict)
    # Met through an event logged with /event log and its add-people form (with a note).
    event_note: str | None = None
    via_event: bool = False


def scenario(seed: int) -> Scenario:
    rng = random.Random(seed)
    me_name, me_first = rng.choice(STUDENTS)
    signoff = pick(rng, SIGNOFFS)
    profile = {
        "name": me_name,
        "school": pick(rng, SCHOOLS),
        "stage": pick(rng, STAGES),
        "interests": pick(rng, INTERESTS),
        "pitch": pick(rng, PITCHES),
        "signoff": signoff,
        "contact_line": pick(rng, [(None, 1), (f"{me_first.lower()}@riverside.edu", 1)]),
    }
    name = rng.choice(NAMES)
    role = pick(rng, ROLE_WEIGHTS)
    if name.family is None:
        role = rng.choice([Role.CLASSMATE, Role.PEER_MENTOR])
    if not name.degrees and role in PHYSICIANS:
        role = rng.choice([Role.CLASSMATE, Role.PEER_MENTOR, Role.ALUMNUS])
    typed, title = typed_name(rng, name)
    if title is None and name.degrees and not typed.lower().startswith(("dr", "prof")):
        # The title option filled in beside a name that may carry it already ("Helen Marsh, MD").
        title = pick(rng, [(None, 3), ("Dr.", 1), ("Dr", 0.3)])
    days = met_days(rng)
    event = pick(rng, EVENTS)
    known = rng.random() < 0.3
    sent = rng.randint(days // 2, days) if known and days >= 2 else None
    contact = ContactDraft(
        name=typed,
        role=role,
        title=title,
        specialty=pick(rng, SPECIALTIES),
        institution=pick(rng, INSTITUTIONS),
        met_event=event,
        met_on=TODAY - timedelta(days=days),
        notes=pick(rng, NOTES),
    )
    optional = {
        "discussed": pick(rng, DISCUSSED),
        "ask": pick(rng, ASKS),
        "finding": pick(rng, FINDINGS),
        "availability": pick(rng, AVAILABILITY),
    }
    fields = {
        "event": event if rng.random() < 0.5 else None,
        **optional,
        "topic": pick(rng, TOPICS),
        "deadline": pick(rng, DEADLINES),
        "program": pick(rng, PROGRAMS),
        "update": pick(rng, UPDATES),
        "paper": pick(rng, PAPERS),
    }
    values = {
        "me": {
            "name": me_name,
            "first_name": me_first,
            "signoff": (signoff or "Best wishes").rstrip(",.!").strip(),
        },
        "them": {
            "name": f"{name.given} {name.family}" if name.family else name.given,
            "first_name": name.given,
            "family_name": name.family,
            "role": role.label.lower(),
            "known": sent is not None,
            "post_nominals": name.degrees,
        },
    }
    via_event = rng.random() < 0.3
    return Scenario(
        seed=seed,
        profile=profile,
        contact=contact,
        fields={k: v for k, v in fields.items() if v},
        met_days=days,
        sent_days=sent,
        values=values,
        event_note=pick(rng, NOTES) if via_event else None,
        via_event=via_event,
    )


def scenarios(seed: int, count: int) -> list[Scenario]:
    return [scenario(seed * 100_003 + index) for index in range(count)]


# -- rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Render:
    """One draft as the service rendered it, with the linter's verdict."""

    scenario: Scenario
    result: DraftResult
    tone: str
    defects: list[Defect]


def service_tones() -> tuple[str, ...]:
    """The tones DraftService takes (all three once a request carries a tone)."""
    names = {f.name for f in dataclasses.fields(DraftRequest)}
    return TONES if "tone" in names else (DEFAULT_TONE,)


def _request(info_id: str, kind: str, contact_id: int, channel: str, fields, tone: str):
    extra = {"tone": tone} if "tone" in {f.name for f in dataclasses.fields(DraftRequest)} else {}
    return DraftRequest(
        kind=kind,
        people=(contact_id,),
        template_id=info_id,
        channel=Channel(channel),
        fields=fields,
        **extra,
    )


async def render_scenario(case: Scenario, catalogue: TemplateCatalogue) -> list[Render]:
    """Every template × channel × version × tone for one scenario, each linted."""
    services = build_services(FakeClock(NOW), catalogue=catalogue)
    await services.drafts.save_profile(OWNER, case.profile)
    outcome = await services.contacts.add(OWNER, case.contact, allow_duplicate=True)
    assert outcome.contact is not None
    contact_id = outcome.contact.id
    if case.via_event and case.contact.met_event:
        # Logged with /event log, then the person named in its add-people form: the drafts
        # take the day and kind from the event record.
        event = await services.events.log(
            OWNER,
            case.contact.met_event,
            EVENT_KINDS.get(case.contact.met_event, EventKind.OTHER),
            when=(TODAY - timedelta(days=case.met_days)).isoformat(),
        )
        line = case.contact.name + (f" — {case.event_note}" if case.event_note else "")
        [linked] = await services.events.add_people(OWNER, event.id, [line])
        assert linked.id == contact_id
    if case.sent_days is not None:
        when = (TODAY - timedelta(days=case.sent_days)).isoformat()
        await services.contacts.log_exchange(
            OWNER, contact_id, ExchangeKind.EMAILED, when=when, note=None
        )
    renders: list[Render] = []
    for info in catalogue.templates():
        fields = dict(case.fields)
        for name, typed in season_fields(case.seed, info.id).items():
            fields.pop(name, None)
            if typed:
                fields[name] = typed
        for name in info.requires:
            if name == "event" and case.contact.met_event:
                continue  # where they met is the event (as /followup knows it)
            fields.setdefault(name, _FALLBACK[name])
        for channel in CHANNELS:
            for tone in service_tones():
                request = _request(info.id, info.kind, contact_id, channel, fields, tone)
                [result] = await services.drafts.start(OWNER, request)
                for step in range(catalogue.versions(info.id, channel)):
                    if step:
                        result = await services.drafts.next_version(OWNER, result.draft.id)
                    renders.append(_linted(case, result, tone))
    return renders


_FALLBACK = {
    "event": "the cardiology interest group talk",
    "topic": "remote monitoring after heart-failure discharge",
    "deadline": "March 1",
    "program": "the St Mary's internal medicine residency",
    "update": "I passed Step 1",
    "finding": "the drop in readmissions when nurses called in the first week",
    "availability": "about ten hours a week from January",
}


def _linted(case: Scenario, result: DraftResult, tone: str) -> Render:
    rendered = result.rendered
    defects = lint_draft(
        body=rendered.body,
        subject=rendered.subject,
        channel=rendered.channel,
        values=case.values,
        tone=tone,
        template_id=rendered.template_id,
    )
    return Render(case, result, tone, defects)


def met_on(case: Scenario) -> date:
    return TODAY - timedelta(days=case.met_days)


# -- three students for the golden files --------------------------------------------------------


def _golden(
    seed: int,
    profile: dict[str, Any],
    contact: ContactDraft,
    truth: Name,
    fields: dict[str, str],
    days: int,
    sent: int | None,
) -> Scenario:
    signoff = (profile.get("signoff") or "Best wishes").rstrip(",.!").strip()
    values = {
        "me": {
            "name": profile["name"],
            "first_name": profile["name"].split()[0],
            "signoff": signoff,
        },
        "them": {
            "name": f"{truth.given} {truth.family}",
            "first_name": truth.given,
            "family_name": truth.family,
            "role": contact.role.label.lower(),
            "known": sent is not None,
            "post_nominals": truth.degrees,
        },
    }
    contact = dataclasses.replace(contact, met_on=TODAY - timedelta(days=days))
    return Scenario(seed, profile, contact, fields, days, sent, values)


GOLDEN_STUDENTS: dict[str, Scenario] = {
    "MS2 to an attending met yesterday": _golden(
        1,
        {"name": "Maya Chen", "school": "Riverside School of Medicine", "stage": "MS2"},
        ContactDraft(
            name="Helen Marsh, MD",
            role=Role.ATTENDING,
            specialty="cardiology",
            institution="St Mary's Hospital",
            met_event="the cardiology interest group talk",
        ),
        Name("Helen", "Marsh", ("MD",)),
        {
            "discussed": "how your clinic follows up heart-failure patients",
            "ask": "shadowing your clinic",
        },
        days=1,
        sent=None,
    ),
    "OMS-II to a faculty mentor they know": _golden(
        2,
        {
            "name": "Luis Ortega",
            "school": "Northfield College of Osteopathic Medicine",
            "stage": "OMS-II",
            "signoff": "Kind regards,",
            "interests": "internal medicine and sepsis care",
        },
        ContactDraft(
            name="García López, María José",
            role=Role.FACULTY,
            specialty="internal medicine",
            institution="Riverside University Hospital",
            met_event="the IM interest group mixer",
        ),
        Name("María José", "García López", ("MD", "PhD")),
        {
            "discussed": "your research on sepsis screening",
            "ask": "advice on applying to internal medicine",
            "topic": "sepsis screening in the emergency department",
        },
        days=60,
        sent=20,
    ),
    "fourth-year to a peer resident": _golden(
        3,
        {
            "name": "Aisha Bello",
            "school": "the University of Lakeside",
            "stage": "fourth-year medical student",
            "signoff": "Best,",
        },
        ContactDraft(
            name="Sam Ortiz",
            role=Role.PEER_MENTOR,
            specialty="emergency medicine",
            met_event="the residency fair",
        ),
        Name("Sam", "Ortiz"),
        {"ask": "Would you be open to a 15-minute call about the match?"},
        days=10,
        sent=None,
    ),
}
