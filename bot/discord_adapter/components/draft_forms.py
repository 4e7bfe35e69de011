"""The forms drafts need: the missing details of a template, a draft's details, the profile."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.core.drafts import FIELD_LABELS, FIELD_LIMITS, PROFILE_LIMITS, DraftResult
from bot.core.models import Profile
from bot.discord_adapter import presenters
from bot.discord_adapter.components.custom_ids import ID, checked
from bot.discord_adapter.components.forms import detached, text_input

PROFILE_FORM = re.compile(rf"profile:form:(?P<pending>{ID})")  # 0: no draft waiting
DRAFT_FIELDS_FORM = re.compile(rf"draft:fields:(?P<pending>{ID})")
DRAFT_EDIT_FORM = re.compile(rf"draft:editform:(?P<id>{ID})")

FIELD_PLACEHOLDERS = {
    "event": "the cardiology interest group talk",
    "discussed": "how your clinic follows up patients after discharge",
    "ask": "Could I shadow one of your clinics?",
    "topic": "the paper or research topic that caught your eye",
    "deadline": "March 1",
    "program": "the St Mary's internal medicine residency",
    "update": "what you've done since you last spoke",
    "finding": "the drop in readmissions when nurses called in week one",
    "availability": "about 8 hours a week from January",
}

# Profile form field ids (inside a modal they only need to be unique to that modal).
F_NAME, F_SCHOOL, F_STAGE, F_INTERESTS, F_PITCH = "name", "school", "stage", "interests", "pitch"

# (field id, profile attribute, label, placeholder, required)
_PROFILE_FIELDS = (
    (F_NAME, "name", "Your name, as you sign messages", "Maya Chen", True),
    (F_SCHOOL, "school", "School", "Riverside School of Medicine", True),
    (F_STAGE, "stage", "Year or stage", "second-year medical student", True),
    (
        F_INTERESTS,
        "interests",
        "Interests and target specialties",
        "cardiology and health equity",
        False,
    ),
    (
        F_PITCH,
        "pitch",
        "Your elevator pitch",
        "Who you are, what draws you to it, what you hope to learn (/pitch helps)",
        False,
    ),
)


def profile_form(profile: Profile | None, pending_id: int = 0) -> discord.ui.Modal:
    """The student's profile; `pending_id` names a draft waiting for it (0: none)."""
    title = "Your profile" if pending_id == 0 else "First, a little about you"
    modal = discord.ui.Modal(
        title=title, custom_id=checked(f"profile:form:{pending_id}"), timeout=None
    )
    for field_id, attribute, label, placeholder, required in _PROFILE_FIELDS:
        modal.add_item(
            discord.ui.Label(
                text=label,
                component=text_input(
                    field_id,
                    default=getattr(profile, attribute) if profile else None,
                    max_length=PROFILE_LIMITS[attribute],
                    required=required,
                    paragraph=attribute == "pitch",
                    placeholder=placeholder,
                ),
            )
        )
    return detached(modal)


def _field_input(name: str, default: str | None, *, required: bool) -> discord.ui.Label[Any]:
    return discord.ui.Label(
        text=FIELD_LABELS[name],
        component=text_input(
            name,
            default=default,
            max_length=FIELD_LIMITS[name],
            required=required,
            paragraph=FIELD_LIMITS[name] > 150,
            placeholder=FIELD_PLACEHOLDERS.get(name),
        ),
    )


def missing_fields_form(pending_id: int, fields: Sequence[str], title: str) -> discord.ui.Modal:
    """Asks for what a template needs before it can be written."""
    modal = discord.ui.Modal(
        title=presenters.clip(title, 45),
        custom_id=checked(f"draft:fields:{pending_id}"),
        timeout=None,
    )
    for name in list(fields)[:5]:
        modal.add_item(_field_input(name, None, required=True))
    return detached(modal)


def draft_details_form(result: DraftResult) -> discord.ui.Modal:
    """Edit a draft's situation: the common fields plus what its template asks for."""
    names = ["event", "discussed", "ask"]
    for name in (*result.template.requires, *result.template.uses):
        if name in FIELD_LIMITS and name not in names:
            names.append(name)
    modal = discord.ui.Modal(
        title="Edit details",
        custom_id=checked(f"draft:editform:{result.draft.id}"),
        timeout=None,
    )
    fields = result.draft.fields
    for name in names[:5]:
        default = fields.get(name)
        if name == "event" and not default:
            default = result.contact.draft.met_event
        modal.add_item(_field_input(name, default, required=name in result.template.requires))
    return detached(modal)
