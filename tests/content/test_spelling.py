"""UK spelling touches the templates' own words only, never their Jinja code."""

from __future__ import annotations

from bot.content.spelling import template_to_uk, to_uk


def test_words_turn_with_their_case() -> None:
    assert to_uk("The program center") == "The programme centre"
    assert to_uk("Program ORGANIZED") == "Programme ORGANISED"
    assert to_uk("programmer") == "programmer"  # whole words only


def test_jinja_code_and_values_are_untouched() -> None:
    source = "{# program #}Your program{% if program %} at {{ program }}{% endif %} center"
    assert template_to_uk(source) == (
        "{# program #}Your programme{% if program %} at {{ program }}{% endif %} centre"
    )
