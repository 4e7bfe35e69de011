"""The draft linter: what a capable student would fix before sending a rendered draft.

`lint_draft` reads one rendered draft (subject, body, channel, tone, template) together with
the values it was rendered from, in the shape of docs/drafts.md (`me.*`, `them.*`). The values
are the truth about the people: who the addressee is (given and family name, role, whether the
student already knows them), not what the code made of what was typed, so a name split wrongly
on the way in shows up as a wrong greeting here.

Each defect has a stable code (`article`, `punct.doubled` …) for counting and a short message
quoting the text at fault. Rules are tuned to fire on real mistakes only: a rule that flags good
prose makes the figure meaningless, so each has negative examples in tests/content/test_lint.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.content.templates import CHANNEL_RULES, SUBJECT_MAX, word_floor

# Roles greeted "Dr. Surname" when no other form of address is known (docs/drafts.md).
PHYSICIAN_ROLES = frozenset(
    {"attending", "resident", "fellow", "program director", "faculty", "clinician"}
)
# Roles greeted by first name.
PEER_ROLES = frozenset({"classmate", "peer mentor"})
DOCTORAL = frozenset({"MD", "DO", "PhD", "MBBS", "MBChB", "DPhil", "DrPH", "PharmD"})
TITLES = r"(?:Dr|Doctor|Prof|Professor|Mr|Mrs|Ms|Mx|Miss)"
POST_NOMINALS = (
    r"(?:M\.?D|D\.?O|Ph\.?D|MBBS|MBChB|FACS|FACP|FACC|FRCP|FRCS|MPH|MSc|MS|MA|RN|NP|PA-C"
    r"|DPhil|DrPH|PharmD|Jr|Sr|II|III|IV)"
)
# Words after which a full stop belongs to an abbreviation, not a sentence end.
_ABBREVIATIONS = frozenset(
    [
        "dr",
        "drs",
        "mr",
        "mrs",
        "ms",
        "mx",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "al",
        "approx",
        "dept",
        "univ",
        "inc",
        "ltd",
        "co",
        "no",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "ph.d",
        "m.d",
        "d.o",
    ]
)
_GREETING = re.compile(
    r"\A\s*(?P<word>Dear|Hi|Hello|Hey|Good morning|Good afternoon|Good evening)\b"
    r"(?P<who>[^,!:\n]*)(?P<end>[,!:]|\n|\Z)"
)
_PLACEHOLDER = re.compile(
    r"\bNone\b|\bundefined\b|\bnull\b(?= *[,.;)])|\[[A-Z][^\]\n]*\]|\{\{|\}\}|\{%|%\}|\{#|#\}"
    r"|<[A-Z_]{2,}>"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_PREPOSITIONS = r"(?:for|at|in|on|of|from|to|about|by|since|after|before|during|with|over|since)"
_DATE_JOIN = re.compile(
    rf"\b{_PREPOSITIONS}\s+(?:on|in|at)\s+(?:{_DAYS}|{_MONTHS}|the \d|\d)"
    rf"|\b(?:on|in|at)\s+(?:yesterday|today|tomorrow)\b"
    rf"|\b(?:on|in|at)\s+last\s+(?:{_DAYS}|{_MONTHS}|week|month|year)\b",
)
# "4 November" is the UK order; US English (the default) says "November 4".
_UK_DATE = re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})\b")
_QUESTION_WORDS = (
    r"(?:Could|Would|Can|May|Might|Will|Is|Are|Do|Does|Did|Should|Shall|What|How|When|Why"
    r"|Where|Who|Which)"
)
_ASK_WRAPPED = re.compile(
    rf"\b(?:about|on|regarding|whether|if|that|to|for|with)\s+{_QUESTION_WORDS}\b(?=[^.?!\n]*\?)"
    r"|\b(?:thoughts|advice|question|ask(?:ed)?|talk|hear)\s+(?:about|on|regarding)\s+whether\b"
    r"|\babout\s+whether\b"
    r"|\bthoughts\s+(?:on|about)\s+(?:advice|guidance|help|an?)\b"
    r"|\badvice\s+(?:on|about)\s+advice\b"
    r"|\b(?:conversation|chat|talk|call|meeting)\s+(?:about|on)\s+(?:an?\s+)?(?:[\w-]+\s+)?"
    r"(?:call|chat|meeting|conversation)\b"
    r"|\b(?:conversation|chat|talk|call|meeting)\s+(?:about|on)\s+(?:advice|guidance|help)\b"
)
_THIRD_PERSON = re.compile(r"\b(?:she|he|her|his|him|hers|herself|himself)\b", re.I)
# Someone else a sentence may be about, so that "her" there is not the addressee.
_THIRD_PARTY = re.compile(
    r"\b(?:grand)?(?:mother|father|mom|dad|parents?)\b|\b(?:sister|brother|aunt|uncle|son"
    r"|daughter|wife|husband|partner|friend|patient|colleague|classmate|advisor|mentor|PI)s?\b",
    re.I,
)
_DOUBLED_WORD = re.compile(r"\b(\w+)[ \t]+\1\b", re.I)
_DOUBLED_OK = frozenset({"that", "had", "is", "very", "bye", "no"})
_INTRO = r"(?:I'm|I’m|I am|My name is|my name is|my name's|This is)"
# The NRMP Match Participation Agreement lets applicant and program express interest, but neither
# may commit to a ranking or ask about one: no "I will rank you first", no "where do I stand?".
# Every template is held to it, whatever its situation, so a variant can't slip one in.
_RANK_WORD = r"(?:rank|ranking|ranked)"
_PROPER_NAME = r"(?-i:[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*){0,4})"  # a program's name, capitalised
_RANKING = re.compile(
    rf"\b(?:I|we)(?:'ll| will| shall| plan to| intend to| am going to|'m going to|'d| would)"
    rf"(?: \w+ly)? {_RANK_WORD}\b"
    rf"|\b{_RANK_WORD} (?:you|your program|the program|it|{_PROPER_NAME})"
    r" (?:first|1st|#1|number one|highly|high|at the top|top|above)\b"
    r"|\b(?:first|top|number one|#1|high|highest)(?:[- ]ranked)? (?:on|of) my (?:rank )?list\b"
    r"|\bwhere (?:do )?I (?:stand|fall|rank)\b"
    r"|\bhow (?:high(?:ly)? )?(?:will|would|do|might) (?:you|the program|your program)"
    r"(?: be)? (?:rank|ranking)\b"
    rf"|\b(?:will|would|could) (?:you|the program|your program) {_RANK_WORD} me\b"
    rf"|\bmy (?:{_RANK_WORD}|position|place|standing) on (?:your|the program's) (?:rank )?list\b"
    r"|\b(?:rank order list|rank list) (?:position|standing)\b",
    re.I,
)
_LETTER_ASK = re.compile(
    r"\bletters?\b|\bLORs?\b|\bfavou?rs?\b"
    r"|\b(?:write|writing) (?:me )?a (?:recommendation|reference)"
    r"|\b(?:recommendation|reference)s? for (?:me|my)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Defect:
    """One thing to fix: `code` groups defects for counting, `message` quotes the text."""

    code: str
    message: str
    where: str = "body"  # "body" or "subject"
    start: int = -1
    end: int = -1

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# Codes in order of precedence: where two defects cover the same text, the earlier one stands
# (a sign-off "Warmly,," is one defect, not also a doubled comma).
CODES = (
    "placeholder",
    "greeting.empty",
    "greeting.title_postnominal",
    "greeting.title_given",
    "greeting.wrong_surname",
    "greeting.surname_only",
    "greeting.full_name",
    "greeting.lowercase",
    "signoff.punct",
    "ask.wrapped",
    "date.join",
    "date.uk_form",
    "pronoun.addressee",
    "article",
    "punct.doubled",
    "punct.space_before",
    "word.doubled",
    "sentence.capital",
    "intro.known",
    "linkedin.letter",
    "match.ranking",
    "nudge.sentences",
    "length.hard",
    "length.soft",
    "length.words",
    "layout.greeting",
    "layout.signoff",
    "layout.paragraph",
    "length.subject",
    "empty",
)
_RANK = {code: rank for rank, code in enumerate(CODES)}


# -- a / an ----------------------------------------------------------------------------------

# Letters whose spoken name starts with a vowel sound: "an MS2", "an FBI", "an RN".
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")
# Capitalised abbreviations said as a word, not letter by letter.
_SAID_AS_WORDS = frozenset(
    {
        "NASA",
        "NICU",
        "PICU",
        "MICU",
        "SICU",
        "CICU",
        "HIPAA",
        "COVID",
        "SOAP",
        "NATO",
        "FEMA",
        "MOOC",
        "LASIK",
        "SARS",
        "MERS",
        "HEDIS",
        "OSCE",
        "ERAS",
        "AIDS",
        "UNICEF",
        "USAID",
    }
)
_SILENT_H = re.compile(r"^(?:hour|honest|honou?r|heir|herb)", re.I)
_CONSONANT_VOWEL = re.compile(
    r"^(?:one\b|once|onesie|uni(?!n|mp|dent|mag|l)|use|usu|uti|ura|ure|uri(?!n)|uro|eu|ewe"
    r"|ufo|uk|ubiq|unanim|uvul)",
    re.I,
)


def ranking_phrase(text: str) -> str | None:
    """The first phrase that commits to a ranking or asks about one (the Match rules), if any."""
    found = _RANKING.search(text)
    return found.group() if found else None


def article_for(word: str) -> str | None:
    """'a' or 'an' for the word that follows, by sound; None when it can't be told."""
    word = word.strip("\"'“‘([")
    if not word:
        return None
    if word[0].isdigit():
        number = re.match(r"\d+", word)
        digits = number.group() if number else word
        if digits.startswith("8") or (digits[:2] in ("11", "18") and len(digits) in (2, 5, 6)):
            return "an"
        return "a"
    letters = re.match(r"[A-Za-z]+", word)
    if letters is None:
        return None
    head = letters.group()
    spelled = (
        (len(head) >= 2 and head.isupper() and head not in _SAID_AS_WORDS)
        or (len(head) == 1 and head.isupper() and len(word) > 1 and not word[1].isalpha())
        or (len(head) == 1 and word == head and head.isupper())
    )
    if spelled:
        return "an" if head[0] in _VOWEL_LETTERS else "a"
    if head.isupper() and head in _SAID_AS_WORDS:
        return "an" if head[0] in "AEIO" else "a"
    if _SILENT_H.match(head):
        return "an"
    if head[0].lower() in "aeiou":
        if _CONSONANT_VOWEL.match(word):
            return "a"
        if head.lower().startswith("u") and re.match(r"^u[bcdfgklmnprstvz][aeiou]", head.lower()):
            # "a unit", "a user", "a uterine": long u said "you"; "an umbrella" is taken care
            # of by the two consonants after it.
            return None
        return "an"
    return "a"


_ARTICLE = re.compile(r"\b(?P<article>[Aa]n?)\s+(?P<word>[\w\"'“‘(\[][\w./-]*)")


def _articles(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _ARTICLE.finditer(text):
        article = match["article"].lower()
        before = text[: match.start()].rstrip(" \t")
        if match["article"] == "A" and before and before[-1] not in '.?!:\n"“':
            # A capital "A" inside a sentence is a letter, not an article: "Plan A", "Vitamin A".
            continue
        expected = article_for(match["word"])
        if expected is not None and expected != article:
            word = match["word"].rstrip(".,;:?!")
            yield (
                match.start(),
                match.end(),
                f"“{match['article']} {word}” should be “{expected} {word}”",
            )


# -- helpers ---------------------------------------------------------------------------------


def _get(values: Mapping[str, Any], path: str) -> Any:
    node: Any = values
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _words(text: str | None) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text or "") if w]


def _name_pattern(name: str | None) -> str | None:
    """A pattern for a name, its words separated by any white space."""
    words = _words(name)
    if not words:
        return None
    return r"\s+".join(re.escape(w) for w in words)


def _around(text: str, match: re.Match[str], chars: int) -> str:
    return text[max(0, match.start() - chars) : match.end() + chars]


def _sentence_end_before(text: str, index: int) -> bool:
    """Whether the full stop at `index` ends a sentence (not an abbreviation or initial)."""
    start = index
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    token = text[start:index].lower().lstrip("(\"'“‘")
    if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
        return False
    # An initial ("J. Smith") or a dotted abbreviation ("U.S.", "a.m.").
    return not re.fullmatch(r"(?:[a-z]\.)*[a-z]", token)


# -- the rules -------------------------------------------------------------------------------


def _greeting_defects(body: str, values: Mapping[str, Any]) -> Iterable[Defect]:
    match = _GREETING.match(body)
    if match is None:
        return
    who = match["who"].strip()
    span = (match.start("who"), match.end("who"))
    if not who or re.fullmatch(rf"{TITLES}\.?", who):
        yield Defect("greeting.empty", f"empty greeting “{match.group().strip()}”", "body", *span)
        return
    title = re.match(rf"(?P<title>{TITLES})\.?\s+(?P<rest>.+)", who)
    given = _get(values, "them.first_name")
    family = _get(values, "them.family_name")
    role = (_get(values, "them.role") or "").lower()
    if title is not None:
        rest = title["rest"]
        if re.match(rf"{POST_NOMINALS}\b\.?", rest):
            yield Defect(
                "greeting.title_postnominal",
                f"a title with a post-nominal or suffix: “{who}”",
                "body",
                *span,
            )
            return
        if family and re.fullmatch(rf"{_name_pattern(family)}(?:,?\s+{POST_NOMINALS}\.?)*", rest):
            return
        if family and re.fullmatch(rf"{_name_pattern(family)}", rest, re.I):
            yield Defect("greeting.lowercase", f"name in lower case: “{who}”", "body", *span)
            return
        if given and re.match(rf"{_name_pattern(given)}\b", rest) and given != family:
            full = _name_pattern(f"{given} {family}") if family else None
            if full and re.match(full, rest):
                yield Defect(
                    "greeting.full_name", f"greeted by title and full name: “{who}”", "body", *span
                )
            else:
                yield Defect(
                    "greeting.title_given", f"a title with the given name: “{who}”", "body", *span
                )
            return
        if family:
            yield Defect(
                "greeting.wrong_surname",
                f"“{who}” is not their family name ({family})",
                "body",
                *span,
            )
        return
    family_only = _name_pattern(family)
    if family_only and given != family and re.fullmatch(family_only, who, re.I):
        yield Defect(
            "greeting.surname_only", f"greeted by family name alone: “{who}”", "body", *span
        )
        return
    if who[0].islower():
        yield Defect("greeting.lowercase", f"name in lower case: “{who}”", "body", *span)
    if given and family and given != family:
        full = _name_pattern(f"{given} {family}")
        reversed_ = _name_pattern(f"{family} {given}")
        is_full = any(p and re.fullmatch(p, who, re.I) for p in (full, reversed_))
        if is_full and (role in PHYSICIAN_ROLES or role in PEER_ROLES):
            yield Defect(
                "greeting.full_name",
                f"greets them ({role}) by full name: “{who}”",
                "body",
                *span,
            )


def _title_defects(text: str, where: str, values: Mapping[str, Any]) -> Iterable[Defect]:
    """A title with a post-nominal or given name anywhere (the greeting is judged apart)."""
    for match in re.finditer(rf"\b{TITLES}\.?\s+{POST_NOMINALS}\b\.?", text):
        yield Defect(
            "greeting.title_postnominal",
            f"a title with a post-nominal or suffix: “{match.group()}”",
            where,
            match.start(),
            match.end(),
        )
    for match in re.finditer(
        r"\b(?:Dr|Doctor)\.?\s+(?:[A-ZÀ-Þ][\w'’-]*\.?\s+){0,3}?[\w'’-]+,?\s+"
        r"(?:M\.D\.|MD|D\.O\.|DO|Ph\.D\.|PhD|MBBS)\b",
        text,
    ):
        yield Defect(
            "greeting.title_postnominal",
            f"a doctor's title and degree together: “{match.group()}”",
            where,
            match.start(),
            match.end(),
        )
    given = _get(values, "them.first_name")
    family = _get(values, "them.family_name")
    given_pattern = _name_pattern(given)
    if given_pattern and given != family:
        family_pattern = _name_pattern(family) or "(?!)"
        for match in re.finditer(
            rf"\b{TITLES}\.?\s+{given_pattern}\b(?!\s+{family_pattern})", text
        ):
            yield Defect(
                "greeting.title_given",
                f"a title with the given name: “{match.group()}”",
                where,
                match.start(),
                match.end(),
            )


def _signoff_defects(body: str) -> Iterable[Defect]:
    offset = 0
    for line in body.split("\n"):
        stripped = line.strip()
        if (
            len(stripped) <= 40
            and len(stripped.split()) <= 5
            and re.search(r"(?:[,.!?;:]\s*,|,\s*[.!?;:])\s*$", stripped)
        ):
            yield Defect(
                "signoff.punct",
                f"sign-off with doubled punctuation: “{stripped}”",
                "body",
                offset,
                offset + len(line),
            )
        offset += len(line) + 1


def _punctuation_defects(text: str, where: str) -> Iterable[Defect]:
    for match in re.finditer(r"[,;:]\s*[,.;:?!]|[?!]\s*[,;:.]|\?\s*\?|!\s*!|\?!|!\?", text):
        yield Defect(
            "punct.doubled", f"doubled punctuation “{match.group()}”", where, *match.span()
        )
    for match in re.finditer(r"(?<!\.)\.\.(?!\.)|\.{4,}", text):
        yield Defect("punct.doubled", f"doubled full stop “{match.group()}”", where, *match.span())
    for match in re.finditer(r"(?<![.\w])\.\s*[,;:?!]|(?<=\w)\.[,;:?!]", text):
        if match.group()[0] == "." and not _sentence_end_before(text, match.start()):
            continue  # "Jr., MD" or "e.g., …": an abbreviation's full stop before a comma
        yield Defect(
            "punct.doubled", f"doubled punctuation “{match.group()}”", where, *match.span()
        )
    for match in re.finditer(r"(?<=\S)[ \t]+[,.;:?!](?![\w.])", text):
        yield Defect(
            "punct.space_before",
            f"space before punctuation “{match.group().strip()}”",
            where,
            *match.span(),
        )


def _capital_defects(text: str, where: str) -> Iterable[Defect]:
    for match in re.finditer(r"(?P<stop>[.?!])[ \t]+(?P<next>[a-z])", text):
        if match["stop"] == "." and not _sentence_end_before(text, match.start()):
            continue
        yield Defect(
            "sentence.capital",
            f"a sentence starts in lower case: “…{_around(text, match, 12)}…”",
            where,
            *match.span(),
        )


def _masked(text: str, values: Mapping[str, Any]) -> str:
    """The text with the people's names blanked, so a surname like "He" is not a pronoun."""
    names = [
        _get(values, "them.name"),
        _get(values, "them.first_name"),
        _get(values, "them.family_name"),
        _get(values, "them.greeting"),
        _get(values, "me.name"),
    ]
    for name in names:
        pattern = _name_pattern(name)
        if pattern:
            text = re.sub(rf"\b{pattern}\b", lambda m: "_" * len(m.group()), text)
    return text


def _sentences(text: str) -> int:
    count = 0
    for match in re.finditer(r"[.?!]+(?=\s|$)", text):
        if match.group() == "." and not _sentence_end_before(text, match.start()):
            continue
        count += 1
    return count


def _core_text(body: str, values: Mapping[str, Any]) -> str:
    """The body without its greeting and sign-off: what a nudge's sentence count is about."""
    text = _GREETING.sub("", body, count=1)
    signoff = _get(values, "me.signoff")
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if signoff and line.strip().rstrip(",.!").strip() == signoff.strip().rstrip(",.!"):
            lines = lines[:index]
            break
    text = "\n".join(lines)
    # A direct message signs off with " - Maya" on the same line.
    return re.sub(r"\s+[-–—]\s*\S+\s*$", "", text)


def lint_draft(
    *,
    body: str,
    subject: str | None = None,
    channel: str,
    values: Mapping[str, Any],
    tone: str | None = None,
    template_id: str = "",
) -> list[Defect]:
    """Every defect in one rendered draft, at most one per stretch of text, in text order."""
    found: list[Defect] = []
    texts = [("body", body)] + ([("subject", subject)] if subject is not None else [])
    for where, text in texts:
        for match in _PLACEHOLDER.finditer(text):
            found.append(Defect("placeholder", f"leftover “{match.group()}”", where, *match.span()))
        found.extend(_title_defects(text, where, values))
        found.extend(_punctuation_defects(text, where))
        found.extend(_capital_defects(text, where))
        for start, end, message in _articles(text):
            found.append(Defect("article", message, where, start, end))
        for match in _DATE_JOIN.finditer(text):
            found.append(
                Defect("date.join", f"broken date phrase “{match.group()}”", where, *match.span())
            )
        if _get(values, "me.english") != "uk":
            for match in _UK_DATE.finditer(text):
                found.append(
                    Defect(
                        "date.uk_form",
                        f"a UK date form “{match.group()}” in US English",
                        where,
                        *match.span(),
                    )
                )
        for match in _ASK_WRAPPED.finditer(text):
            found.append(
                Defect(
                    "ask.wrapped",
                    f"an ask inside another sentence: “…{text[match.start() : match.end() + 20]}…”",
                    where,
                    *match.span(),
                )
            )
        for match in _DOUBLED_WORD.finditer(text):
            if match[1].lower() not in _DOUBLED_OK and not match[1].isdigit():
                found.append(
                    Defect("word.doubled", f"doubled word “{match.group()}”", where, *match.span())
                )
        masked = _masked(text, values)
        for match in _THIRD_PERSON.finditer(masked):
            sentence = re.split(r"[.?!]\s", masked[: match.start()])[-1]
            if _THIRD_PARTY.search(sentence):
                continue  # "my grandmother … her appointments": someone else, not them
            found.append(
                Defect(
                    "pronoun.addressee",
                    f"third person in a message to them: “…{_around(text, match, 20)}…”",
                    where,
                    *match.span(),
                )
            )
    found.extend(_greeting_defects(body, values))
    found.extend(_signoff_defects(body))
    if _get(values, "them.known"):
        me_name = _name_pattern(_get(values, "me.name"))
        me_first = _name_pattern(_get(values, "me.first_name"))
        intro = [r"\bintroduce myself\b"]
        if me_name:
            intro.append(rf"\b{_INTRO}\s+{me_name}\b")
        if me_first:
            intro.append(rf"\b{_INTRO}\s+{me_first}\b")
            intro.append(rf"\b{me_first}\s+here\b")
        introduced = re.search("|".join(intro), body)
        if introduced:
            found.append(
                Defect(
                    "intro.known",
                    f"introduces the student to someone they know: “{introduced.group()}”",
                    "body",
                    *introduced.span(),
                )
            )
    if channel == "linkedin":
        letter = _LETTER_ASK.search(body)
        if letter:
            found.append(
                Defect(
                    "linkedin.letter",
                    f"a request inside a LinkedIn note: “{letter.group()}”",
                    "body",
                    *letter.span(),
                )
            )
    for where, text in texts:
        ranking = _RANKING.search(_masked(text, values))
        if ranking:
            found.append(
                Defect(
                    "match.ranking",
                    f"a ranking commitment or question, against Match rules: “{ranking.group()}”",
                    where,
                    *ranking.span(),
                )
            )
    if template_id.endswith("nudge"):
        count = _sentences(_core_text(body, values))
        if count > 3:
            found.append(Defect("nudge.sentences", f"a nudge of {count} sentences; keep to 3"))
    if channel == "email":
        found.extend(_layout_defects(body, values))
    known = bool((values.get("them") or {}).get("known"))
    found.extend(_length_defects(body, subject, channel, tone, known, template_id))
    return _dedupe(found)


def _layout_defects(body: str, values: Mapping[str, Any]) -> Iterable[Defect]:
    """An e-mail opens with its greeting on a line of its own, and its sign-off stands apart
    from the last paragraph ("…your time.\nBest wishes," runs the two together)."""
    lines = body.split("\n")
    if len(lines) < 3 or lines[1].strip() or not lines[0].rstrip().endswith(","):
        yield Defect("layout.greeting", "the greeting is not on a line of its own")
    signoff = _get(values, "me.signoff")
    if not signoff:
        return
    end = next((n for n, line in enumerate(lines) if line.strip() == f"{signoff},"), len(lines))
    if 0 < end < len(lines) and lines[end - 1].strip():
        yield Defect("layout.signoff", f"“{signoff},” runs into the paragraph above")
    # Each paragraph of the message is one line with a blank line around it.
    for number in range(2, end - 1):
        if lines[number].strip() and lines[number + 1].strip():
            yield Defect("layout.paragraph", "two paragraphs run together without a blank line")
            break


def _length_defects(
    body: str,
    subject: str | None,
    channel: str,
    tone: str | None,
    known: bool = False,
    template_id: str = "",
) -> Iterable[Defect]:
    if not body.strip():
        yield Defect("empty", "renders empty")
        return
    rules = CHANNEL_RULES.get(channel)
    if rules is None:
        return
    chars, words = len(body), len(body.split())
    if rules.max_chars is not None and chars > rules.max_chars:
        yield Defect("length.hard", f"{chars} characters; the limit is {rules.max_chars}")
    elif rules.warn_chars is not None and chars > rules.warn_chars:
        yield Defect("length.soft", f"{chars} characters; {rules.warn_reason}")
    if rules.max_words is not None and words > rules.max_words:
        yield Defect("length.words", f"{words} words; aim for at most {rules.max_words}")
    least = word_floor(channel, tone, known, template_id)
    if least is not None and words < least:
        yield Defect("length.words", f"{words} words; write at least {least}")
    if subject is not None:
        if not subject.strip():
            yield Defect("empty", "the subject renders empty", "subject")
        elif len(subject) > SUBJECT_MAX:
            yield Defect(
                "length.subject",
                f"the subject is {len(subject)} characters; keep it under {SUBJECT_MAX}",
                "subject",
            )


def _dedupe(found: list[Defect]) -> list[Defect]:
    """One defect per stretch of text: the code earliest in CODES wins an overlap."""
    kept: list[Defect] = []
    for defect in sorted(found, key=lambda d: _RANK[d.code]):
        overlaps = any(
            other.where == defect.where
            and defect.start >= 0
            and other.start >= 0
            and defect.start < other.end
            and other.start < defect.end
            for other in kept
        )
        duplicate = any(
            other.code == defect.code and other.message == defect.message for other in kept
        )
        if not overlaps and not duplicate:
            kept.append(defect)
    return sorted(kept, key=lambda d: (d.where != "subject", d.start))
