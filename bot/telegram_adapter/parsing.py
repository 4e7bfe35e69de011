"""The one-line forms: parts separated by `|` ("Amara Okafor | attending | grand rounds")."""

from __future__ import annotations

from bot.core.errors import InvalidInput
from bot.core.models import Role

ROLES = ", ".join(role.value for role in Role)


def parts(text: str, most: int) -> list[str | None]:
    """Exactly `most` parts, None where a part was left out or empty."""
    found = [part.strip() for part in text.split("|")]
    if len(found) > most:
        raise InvalidInput(f"At most {most} parts separated by |, please.")
    found += [""] * (most - len(found))
    return [part or None for part in found]


def role_of(text: str | None) -> Role:
    if not text:
        return Role.OTHER
    key = text.strip().casefold().replace(" ", "_").replace("-", "_")
    for role in Role:
        if key in (role.value, role.label.casefold().replace(" ", "_")):
            return role
    raise InvalidInput(f"I don't know the role “{text[:40]}”. Roles: {ROLES}.")
