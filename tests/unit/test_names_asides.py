"""Names copied with pronouns or a bracketed aside ("Helen Marsh, MD (she/her)"): the aside stays
in the typed form and never becomes a surname, a given name or a greeting."""

from __future__ import annotations

import pytest

from bot.core.names import greeting_for, parse_name


@pytest.mark.parametrize(
    ("typed", "given", "family", "post"),
    [
        ("Helen Marsh (she/her)", "Helen", "Marsh", ()),
        ("Helen Marsh, MD (she/her)", "Helen", "Marsh", ("MD",)),
        ("Helen Marsh, MD, she/her/hers", "Helen", "Marsh", ("MD",)),
        ("Helen Marsh he/him", "Helen", "Marsh", ()),
        ("Marsh, Helen (they/them)", "Helen", "Marsh", ()),
        ("Helen Marsh (cardiology)", "Helen", "Marsh", ()),
        ("Helen Marsh [Riverside]", "Helen", "Marsh", ()),
        ("Sheryl Heron", "Sheryl", "Heron", ()),  # "she"/"he" inside a word is a name
    ],
)
def test_asides_are_set_aside(typed: str, given: str, family: str, post: tuple[str, ...]) -> None:
    name = parse_name(typed)
    assert (name.given, name.family, name.post_nominals) == (given, family, post)
    assert name.typed == typed  # shown as the student typed it
    assert greeting_for(name, "attending") == f"Dr. {family}"
    assert greeting_for(name, "classmate") == given


def test_a_nickname_in_brackets_mid_name_keeps_the_surname() -> None:
    name = parse_name("Helen (Nell) Marsh")
    assert (name.given, name.family) == ("Helen", "Marsh")


def test_only_an_aside_is_still_a_greeting() -> None:
    """Nothing but pronouns: kept as typed rather than left empty."""
    assert greeting_for(parse_name("(she/her)"), "attending").strip()
