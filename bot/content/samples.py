"""Sample draft contexts: what `coach templates check`, `/templates preview` and the golden
tests render every template with. Realistic values, in the shape the drafts service builds
(docs/drafts.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ME: dict[str, Any] = {
    "name": "Maya Chen",
    "first_name": "Maya",
    "school": "Riverside School of Medicine",
    "stage": "second-year medical student",
    "a_stage": "a second-year medical student",
    "interests": "cardiology and health equity",
    "pitch": "I'm exploring cardiology through research on heart failure in rural clinics.",
    "drew_me": "Seeing patients manage heart failure at home is what drew me to cardiology.",
    "signoff": "Kind regards",
    "contact_line": "maya.chen@riverside.edu",
}

ME_MINIMAL: dict[str, Any] = {
    "name": "Sam Ortiz",
    "first_name": "Sam",
    "school": "Northfield Medical School",
    "stage": "first-year osteopathic medical student",
    "a_stage": "a first-year osteopathic medical student",
    "interests": None,
    "pitch": None,
    "drew_me": None,
    "signoff": "Best wishes",
    "contact_line": None,
}

THEM: dict[str, Any] = {
    "greeting": "Dr. Okafor",
    "name": "Amara Okafor",
    "first_name": "Amara",
    "family_name": "Okafor",
    "title": "Dr.",
    "role": "attending",
    "specialty": "cardiology",
    "institution": "St Mary's Hospital",
    "known": False,
}

# A mentor the student already writes to: no self-introduction.
KNOWN: dict[str, Any] = {
    **THEM,
    "greeting": "Dr. García López",
    "name": "María José García López",
    "first_name": "María José",
    "family_name": "García López",
    "role": "faculty",
    "specialty": "internal medicine",
    "institution": "Riverside University Hospital",
    "known": True,
}

PEER: dict[str, Any] = {
    "greeting": "Jordan",
    "name": "Jordan Lee",
    "first_name": "Jordan",
    "family_name": "Lee",
    "title": None,
    "role": "peer mentor",
    "specialty": None,
    "institution": None,
    "known": False,
}

FULL_FIELDS: dict[str, Any] = {
    "event": "the cardiology interest group talk",
    "met_when": "on Thursday",
    "event_kind": "talk",
    "event_date": "November 19, 2026",
    "discussed": "how your clinic follows up heart-failure patients after discharge",
    "ask": "Could I sit in on one of your clinic sessions this spring?",
    "topic": "remote monitoring after heart-failure discharge",
    "finding": "the drop in readmissions when nurses called patients in the first week",
    "availability": "about ten hours a week from January",
    "deadline": "March 1",
    "program": "the St Mary's internal medicine residency",
    "update": "I passed Step 1 and started a research elective in cardiology",
    "sent_when": "on November 3",
    "paper": "“Nurse calls after heart-failure discharge” in JAMA Cardiology (2025)",
}

# Only what templates may require, so optional parts are exercised as missing.
REQUIRED_ONLY: dict[str, Any] = {
    "event": "the research symposium",
    "topic": "sepsis screening in the emergency department",
    "deadline": "January 15",
    "program": "the Riverside family medicine residency",
    "update": "I finished my first clinical rotation",
    "finding": "how often screening alerts fired without sepsis",
    "availability": "on Friday afternoons this spring",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "full": {"me": ME, "them": THEM, **FULL_FIELDS},
    "optional fields missing": {"me": ME_MINIMAL, "them": THEM, **REQUIRED_ONLY},
    "known mentor": {"me": ME, "them": KNOWN, **FULL_FIELDS, "met_when": None},
    "peer, nothing optional": {"me": ME_MINIMAL, "them": PEER, **REQUIRED_ONLY},
}

# What a student would type in the season's situations, where the general sample reads oddly
# (a Match outcome that says "I passed Step 1", an away rotation "about ten hours a week").
SITUATION_FIELDS: dict[str, dict[str, Any]] = {
    "outreach_match_outcome": {"update": "I matched at the St Mary's internal medicine residency"},
    "outreach_letter_of_intent": {
        "update": "I passed Step 2 CK and finished my sub-internship in internal medicine"
    },
    "outreach_letter_check": {"deadline": "September 1"},
    "outreach_away_rotation": {
        "program": "the cardiology sub-internship at St Mary's Hospital",
        "availability": "for four weeks from July 6",
        "ask": "Is housing available for visiting students?",
    },
    "outreach_research_year": {
        "availability": "from July 2027 for a full year",
        "ask": "Could we talk about what a research year in your group might involve?",
    },
}


def sample_for(template_id: str, sample: dict[str, Any]) -> dict[str, Any]:
    """`sample` with the situation's own values (SITUATION_FIELDS) where it has one: what a
    preview of that template should show. Fields the sample leaves empty stay empty."""
    own = SITUATION_FIELDS.get(template_id, {})
    return {**sample, **{k: v for k, v in own.items() if sample.get(k)}}


# How long ago the extra samples met: the day before, days, weeks, months and over a year, so
# every form the date code produces ("yesterday", "on Sunday", "on November 12", "in March",
# "last December", "in October 2025") passes through every template.
MET_AGES = (1, 3, 20, 120, 400)


def dated_samples(phrase: Callable[[int], str]) -> dict[str, dict[str, Any]]:
    """SAMPLES with `met_when` and `sent_when` as the date code says them.

    `phrase(days)` is the drafts service's own phrase for a day that many days ago (the CLI
    passes `when_phrase`; content does not import the core), so a sample can't hide a date form
    the code never produces.
    """
    out: dict[str, dict[str, Any]] = {}
    for name, sample in SAMPLES.items():
        out[name] = {
            **sample,
            "met_when": phrase(3) if sample.get("met_when") else None,
            "sent_when": phrase(10) if sample.get("sent_when") else None,
        }
    for days in MET_AGES:
        out[f"full, met {days} days ago"] = {
            **SAMPLES["full"],
            "met_when": phrase(days),
            "sent_when": phrase(max(1, days // 2)),
        }
    return out
