"""UK spelling for the templates' own words.

Templates are written in US English. A student who picks UK English gets the same templates
with these words turned, in the template's literal text only: what the student typed (a
program's name, "Center for …") is never changed, because it is a value, not template text.
"""

from __future__ import annotations

import re

# US → UK, lower case; capitalised and upper-case forms follow the same map.
UK_WORDS: dict[str, str] = {
    "program": "programme",
    "programs": "programmes",
    "organize": "organise",
    "organized": "organised",
    "organizing": "organising",
    "organization": "organisation",
    "organizations": "organisations",
    "center": "centre",
    "centers": "centres",
    "color": "colour",
    "favor": "favour",
    "favorite": "favourite",
    "honor": "honour",
    "honored": "honoured",
    "behavior": "behaviour",
    "realize": "realise",
    "realized": "realised",
    "recognize": "recognise",
    "recognized": "recognised",
    "prioritize": "prioritise",
    "specialize": "specialise",
    "specialized": "specialised",
    "summarize": "summarise",
    "apologize": "apologise",
    "practicing": "practising",
    "pediatrics": "paediatrics",
    "pediatric": "paediatric",
    "anesthesia": "anaesthesia",
    "gynecology": "gynaecology",
    "skeptical": "sceptical",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
}
_WORD = re.compile(r"\b(" + "|".join(sorted(UK_WORDS, key=len, reverse=True)) + r")\b", re.I)
# Jinja's own syntax: expressions, statements and comments are code, not prose.
_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)


def _uk_word(match: re.Match[str]) -> str:
    word = match.group()
    uk = UK_WORDS[word.lower()]
    if word.isupper() and len(word) > 1:
        return uk.upper()
    if word[0].isupper():
        return uk.capitalize()
    return uk


def to_uk(text: str) -> str:
    """Prose in UK spelling."""
    return _WORD.sub(_uk_word, text)


def template_to_uk(source: str) -> str:
    """A template's source with its literal text in UK spelling and its Jinja code untouched."""
    parts = _JINJA.split(source)
    return "".join(part if _JINJA.fullmatch(part) else to_uk(part) for part in parts)
