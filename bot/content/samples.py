"""Sample draft contexts: what `coach templates check`, `/templates preview` and the golden
tests render every template with. Realistic values, in the shape the drafts service builds."""

from __future__ import annotations

from typing import Any

ME: dict[str, Any] = {
    "name": "Maya Chen",
    "first_name": "Maya",
    "school": "Riverside School of Medicine",
    "stage": "second-year medical student",
    "interests": "cardiology and health equity",
    "pitch": "I'm exploring cardiology through research on heart failure in rural clinics.",
    "signoff": "Best wishes",
    "contact_line": "maya.chen@riverside.edu",
}

ME_MINIMAL: dict[str, Any] = {
    "name": "Sam Ortiz",
    "first_name": "Sam",
    "school": "Northfield Medical School",
    "stage": "first-year medical student",
    "interests": None,
    "pitch": None,
    "signoff": "Best wishes",
    "contact_line": None,
}

THEM: dict[str, Any] = {
    "greeting": "Dr. Okafor",
    "name": "Amara Okafor",
    "first_name": "Amara",
    "title": "Dr.",
    "role": "attending",
    "specialty": "cardiology",
    "institution": "St Mary's Hospital",
}

PEER: dict[str, Any] = {
    "greeting": "Jordan",
    "name": "Jordan Lee",
    "first_name": "Jordan",
    "title": None,
    "role": "peer mentor",
    "specialty": None,
    "institution": None,
}

FULL_FIELDS: dict[str, Any] = {
    "event": "the cardiology interest group talk",
    "met_when": "last Thursday",
    "event_kind": "talk",
    "event_date": "19 November 2026",
    "discussed": "how your clinic follows up heart-failure patients after discharge",
    "ask": "whether I could sit in on one of your clinic sessions this spring",
    "topic": "remote monitoring after heart-failure discharge",
    "deadline": "1 March",
    "program": "the St Mary's internal medicine residency",
    "update": "I passed my Step 1 exam and started a research elective in cardiology",
    "sent_when": "on 3 November",
}

# Only what templates may require, so optional parts are exercised as missing.
REQUIRED_ONLY: dict[str, Any] = {
    "event": "the research symposium",
    "topic": "sepsis screening in the emergency department",
    "deadline": "15 January",
    "program": "the Riverside family medicine residency",
    "update": "I finished my first clinical rotation",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "full": {"me": ME, "them": THEM, **FULL_FIELDS},
    "optional fields missing": {"me": ME_MINIMAL, "them": THEM, **REQUIRED_ONLY},
    "peer, nothing optional": {"me": ME_MINIMAL, "them": PEER, **REQUIRED_ONLY},
}
