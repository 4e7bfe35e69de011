"""What every form shares: its text inputs, detaching it, and reading a submission back."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_adapter.components.routing import Interaction, raw_data

FormValues = dict[str, str | list[str]]


def text_input(
    field_id: str,
    *,
    default: str | None,
    max_length: int,
    required: bool = False,
    paragraph: bool = False,
    placeholder: str | None = None,
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        custom_id=field_id,
        default=default,
        required=required,
        max_length=max_length,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        placeholder=placeholder,
    )


def detached(modal: discord.ui.Modal) -> discord.ui.Modal:
    # A stopped modal is sent but not kept in discord.py's in-memory store: its submission is
    # routed by custom_id (routing.Router) instead, so a form opened before a restart still works.
    modal.stop()
    return modal


def form_values(interaction: Interaction) -> FormValues:
    """Field id → submitted value (text inputs) or values (selects), for either layout."""
    values: FormValues = {}

    def walk(component: dict[str, Any]) -> None:
        if "component" in component:  # Label (type 18)
            walk(component["component"])
        for child in component.get("components", ()):  # action row (legacy layout)
            walk(child)
        if "custom_id" in component:
            if "values" in component:
                values[component["custom_id"]] = list(component["values"])
            elif "value" in component:
                values[component["custom_id"]] = component["value"]

    for top in raw_data(interaction).get("components", []):
        walk(top)
    return values


def text_value(values: FormValues, key: str) -> str | None:
    """A text field's value, or None when it was left empty (or is not a text field)."""
    value = values.get(key)
    return value if isinstance(value, str) and value.strip() else None


def text_fields(values: FormValues) -> dict[str, str]:
    """Every text field of a submission (a template's details, keyed by field name)."""
    return {key: value for key, value in values.items() if isinstance(value, str)}
