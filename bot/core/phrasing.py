"""Student-typed values made to fit a draft's sentences (docs/drafts.md is the contract).

Students type the way they talk: "Kind regards,", "MS2", "I passed Step 1.", an ask as a
question or as a phrase, a note about "her clinic". Each function here takes one such value and
returns it in the one shape the templates are written for, so a template never has to guess
whether a value ends in a full stop or needs an article. The functions are pure, idempotent
(normalising a normalised value changes nothing) and never raise on text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- trimming -------------------------------------------------------------------------------------

_QUOTE_PAIRS = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "`": "`", "„": "“"}
_QUOTES = "\"'“”‘’«»`„"
_END_PUNCTUATION = ".,;:!?…-–—"
_SPACES = re.compile(r"\s+")


def trim(text: str | None) -> str | None:
    """Spaces folded, surrounding quotes and trailing punctuation removed; None when empty.

    A full stop that belongs to an abbreviation at the end ("Jr.", "St.", "etc.") is kept.
    """
    if text is None:
        return None
    value = _SPACES.sub(" ", text).strip()
    while value:
        before = value
        first, last = value[0], value[-1]
        if len(value) >= 2 and _QUOTE_PAIRS.get(first) == last:
            value = value[1:-1].strip()
        elif first in _QUOTES and value.count(first) == 1:
            value = value[1:].strip()
        elif last in _QUOTES and value.count(last) == 1 and last not in "'’":
            value = value[:-1].strip()
        value = _strip_end(value)
        if value == before:
            break
    return value or None


_ABBREVIATION_END = re.compile(r"(?:\b(?:Jr|Sr|St|Dr|Mr|Mrs|Ms|Prof|etc|Inc|Ltd|Co)|\b[A-Z])\.$")


def _strip_end(value: str) -> str:
    while value and value[-1] in _END_PUNCTUATION:
        if value[-1] == "." and _ABBREVIATION_END.search(value) and not value.endswith(".."):
            break
        value = value[:-1].rstrip()
    return value


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_COMMON_FIRST_WORDS = _words(
    """a an the your his her their my our this that these those how what why when where which
    who whether if some any one two three more most research work working ideas idea advice
    tips tip applying application applications training career careers clinic clinics
    patients patient ways way treating treatment managing management using use getting life
    balance being becoming shadowing residency residencies matching match medicine surgery
    time lessons lesson challenges challenge interest interests opportunities opportunity
    questions question"""
)


def lower_first(text: str) -> str:
    """'How your clinic…' → 'how your clinic…', but 'GUIDE-HF' and 'Amara Okafor' stay."""
    first, _, rest = text.partition(" ")
    if first.casefold() in _COMMON_FIRST_WORDS and first[1:].islower():
        return first.lower() + (" " + rest if rest else "")
    return text


# -- articles -------------------------------------------------------------------------------------

# Letters whose spoken name starts with a vowel sound: "an MS2", "an FBI agent", "an RN".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
_AN_WORDS = ("hour", "honor", "honour", "honest", "heir")
_A_WORDS = ("uni", "use", "usu", "uti", "eu", "one", "once", "ure", "uro", "ubi")


def article(phrase: str) -> str:
    """'a' or 'an', by how the phrase's first word is said."""
    word = re.split(r"[\s/-]", phrase.strip(), maxsplit=1)[0].strip("\"'“‘(")
    if not word:
        return "a"
    letters = re.sub(r"[^A-Za-z0-9]", "", word)
    if letters[:1].isdigit():
        # Numbers by their name: "an 8-week elective", "an 18-month study", "a 3rd-year".
        digits = re.sub(r"\D.*", "", letters)  # the leading number
        return "an" if digits[0] == "8" or digits in ("11", "18") else "a"
    if len(letters) > 1 and letters.isupper():
        # An abbreviation is read letter by letter: "an MS2", "a PGY-1".
        return "an" if letters[0] in _VOWEL_SOUND_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(_AN_WORDS):
        return "an"
    if lower.startswith(_A_WORDS):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


# -- the student's stage --------------------------------------------------------------------------

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6}
_WORD_YEARS = {v: k for k, v in _ORDINALS.items()} | {
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "6th": 6,
    "final": 4,
}
_ABBREVIATED_STAGE = re.compile(
    r"^(?P<kind>oms|ms|m|y|year|med|md|do)[\s-]*(?P<year>[1-6]|i{1,3}|iv|vi?)"
    r"(?:\s+(?:student|med student|medical student))?$",
    re.I,
)
_SPELLED_STAGE = re.compile(
    r"^(?P<year>first|second|third|fourth|fifth|sixth|final|[1-6](?:st|nd|rd|th))[\s-]*year"
    r"(?:\s+(?P<rest>.+))?$",
    re.I,
)
_STUDENT_WORDS = ("student", "med", "medical", "osteopathic")


@dataclass(frozen=True, slots=True)
class Stage:
    """How the student describes their stage: without and with its article."""

    noun: str
    with_article: str


def stage(text: str | None) -> Stage | None:
    """'MS2' → second-year medical student; 'OMS-II' → second-year osteopathic medical student;
    anything else is kept as typed, with the right article."""
    value = trim(text)
    if value is None:
        return None
    value = re.sub(r"^(?:an?|the)\s+", "", value, flags=re.I)
    noun = _written_out(value) or value
    return Stage(noun, with_article(noun))


def _written_out(value: str) -> str | None:
    abbreviated = _ABBREVIATED_STAGE.match(value)
    if abbreviated:
        kind = abbreviated["kind"].lower()
        year_text = abbreviated["year"].lower()
        year = int(year_text) if year_text.isdigit() else _ROMAN[year_text]
        if year not in _ORDINALS:
            return None
        osteopathic = kind in ("oms", "do")
        return f"{_ORDINALS[year]}-year {'osteopathic ' if osteopathic else ''}medical student"
    spelled = _SPELLED_STAGE.match(value)
    if spelled:
        year = _WORD_YEARS[spelled["year"].lower()]
        rest = (spelled["rest"] or "").strip()
        ordinal = "final" if spelled["year"].lower() == "final" else _ORDINALS[year]
        if not rest or rest.lower() in ("student", "med student", "medic", "med"):
            rest = "medical student"
        elif not any(w in rest.lower() for w in _STUDENT_WORDS):
            return None
        rest = re.sub(r"\bmed\b(?! school)", "medical", rest, flags=re.I)
        return f"{ordinal}-year {rest.lower() if rest[1:].islower() else rest}"
    return None


# -- sign-off -------------------------------------------------------------------------------------


def signoff(text: str | None) -> str | None:
    """'Kind regards,' → 'Kind regards'; '— Maya' and 'Warmly,,' lose their marks too."""
    value = trim(text)
    if value is None:
        return None
    value = value.lstrip("-–—~ ").strip()
    value = _strip_end(value)
    return _capitalise(value) if value else None


# -- the ask --------------------------------------------------------------------------------------

_QUESTION_WORDS = _words(
    """could would can may might will do does did is are was were should shall what how when
    where who which why have has am"""
)
_AUXILIARIES = _words("do does did is are was were have has am")
_AUXILIARY_SUBJECTS = _words("you i we there it they your any this that these those he she my our")
_WE_VERBS = _words("meet chat talk speak catch connect discuss grab")
_I_VERBS = _words(
    """shadow join observe visit attend help volunteer learn get have spend sit work ask send
    share contribute assist come follow present rotate apply do read take schedule set book
    interview email call write"""
)
_STATEMENT_OPENERS = re.compile(
    r"^(?:i|i'm|i’m|i'd|i’d|i'll|i’ll|i've|i’ve|please|let me|it would|it'd|my|we)\b", re.I
)


def ask_sentence(text: str | None) -> str | None:
    """The ask as one whole sentence, ending in its own '?' or '.'.

    A question stays the question; a phrase is wrapped so that it reads: "shadowing your
    clinic" → "Would you be open to me shadowing your clinic?".
    """
    value = trim(text)
    if value is None:
        return None
    was_question = text is not None and text.rstrip().rstrip(_QUOTES + " ").endswith("?")
    value, _changed = second_person(value)
    first, _, rest = value.partition(" ")
    key = first.lower().strip(",")
    second = rest.partition(" ")[0].lower()
    # "do you…" asks; "do a project with you" is something the student would like to do.
    if (
        key in _QUESTION_WORDS
        and (was_question or rest)
        and (key not in _AUXILIARIES or was_question or second in _AUXILIARY_SUBJECTS)
    ):
        return _capitalise(value) + "?"
    if was_question:
        return _capitalise(value) + "?"
    if _STATEMENT_OPENERS.match(value):
        return _capitalise(value) + "."
    body = lower_first(value)
    if key in ("whether", "if"):
        return f"I wanted to ask {body}."
    if key == "to" and rest:
        return f"Would it be possible for me {body}?"
    if key == "about":
        return f"Could I ask you {body}?"
    if key in _WE_VERBS:
        return f"Could we {body}?"
    if key in _I_VERBS:
        return f"Could I {body}?"
    if key.endswith("ing") and len(key) > 4 and key not in ("thing", "something", "anything"):
        return f"Would you be open to me {body}?"
    if key in ("advice", "guidance", "thoughts", "your", "tips", "insight", "insights"):
        noun = re.sub(r"^your\s+", "", body)
        return f"Could I ask your {noun}?"
    if key in ("feedback",):
        return f"Would you be willing to give me {body}?"
    if re.search(r"\bletters?\b", body) and key in ("a", "an", "letter"):
        return f"Would you be willing to write {body if key != 'letter' else 'a ' + body} for me?"
    if key in ("a", "an", "one", "some", "the"):
        return f"Would you be open to {body}?"
    return f"Could I ask you about {body}?"


# -- the second person ----------------------------------------------------------------------------

_TO_YOUR = re.compile(r"\b(?:her|his)\b(?=\s+(?!(?:about|to|for|with|and|or|at|in|on)\b)\w)", re.I)
_TO_YOU = re.compile(r"\b(?:him|her)\b", re.I)
_TO_YOURS = re.compile(r"\b(?:hers)\b", re.I)
_TO_YOURSELF = re.compile(r"\b(?:herself|himself)\b", re.I)
_SUBJECT = re.compile(r"\b(?:she|he)\b(?:'s|’s)?", re.I)


_SUBJECT_VERB = re.compile(r"\b(she|he)(?:\s+|(?='|’))('s|’s|[a-z]+)\b", re.I)
_YOU_FORMS = {
    "is": "are",
    "'s": "'re",
    "’s": "’re",
    "was": "were",
    "has": "have",
    "does": "do",
    "doesn't": "don't",
}
_PAST_IRREGULAR = _words(
    """said told gave made took thought felt showed knew saw went came led ran wrote got
    found sent spent taught brought meant put set began built kept"""
)
_MODALS = _words("can could will would should might may must did didn't can't won't")


def _you_verb(match: re.Match[str], keep_case: Callable[[str, str], str]) -> str:
    """'she runs' → 'you run', 'he suggested' → 'you suggested', 'she's' → 'you're'."""
    pronoun, verb = match.group(1), match.group(2)
    lower = verb.lower()
    you = keep_case(pronoun, "you")
    if lower in _YOU_FORMS:
        joiner = "" if lower.startswith(("'", "’")) else " "
        return f"{you}{joiner}{_YOU_FORMS[lower]}"
    if lower in _MODALS or lower.endswith("ed") or lower in _PAST_IRREGULAR:
        return f"{you} {verb}"  # the same form for "you"
    base = _base_form(lower, "the")
    return f"{you} {base}" if base else match.group()


def second_person(text: str) -> tuple[str, bool]:
    """'her clinic' → 'your clinic', 'asked him' → 'asked you'. Returns the text and whether a
    subject pronoun ('she suggested…') is left that can't be turned safely: the caller flags it.
    """

    def keep_case(word: str, replacement: str) -> str:
        return replacement.capitalize() if word[:1].isupper() else replacement

    value = _SUBJECT_VERB.sub(lambda m: _you_verb(m, keep_case), text)
    value = _TO_YOURSELF.sub(lambda m: keep_case(m.group(), "yourself"), value)
    value = _TO_YOURS.sub(lambda m: keep_case(m.group(), "yours"), value)
    value = _TO_YOUR.sub(lambda m: keep_case(m.group(), "your"), value)
    value = _TO_YOU.sub(lambda m: keep_case(m.group(), "you"), value)
    return value, bool(_SUBJECT.search(value))


def third_person_left(text: str | None) -> bool:
    """Whether text still speaks of someone as 'she'/'he'/'her'/'his' (for a warning)."""
    return bool(text and re.search(r"\b(?:she|he|her|his|him|hers)\b", text, re.I))


# -- what was talked about ------------------------------------------------------------------------

_LEAD_INS = re.compile(
    r"^(?:(?:we|i)\s+)?(?:talked|chatted|spoke|asked(?:\s+(?:her|him|them))?|discussed|"
    r"learned|learnt|heard|mentioned|explained|described|shared|told\s+me(?:\s+about)?|"
    r"showed\s+me|walked\s+me\s+through|talked\s+me\s+through)(?:\s+(?:about|on|of))?\s+|"
    r"^about\s+",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase for a draft, and whether it still refers to the addressee as 'she'/'he'."""

    text: str
    needs_check: bool = False


_YOU_CLAUSE = re.compile(r"^you(\s+are|\s+were|'re|’re)?\s+(\S+)", re.I)
# "suggested reading the GUIDE-HF trial" → "your suggestion of reading the GUIDE-HF trial".
_ADVICE = re.compile(r"^(?:(?:she|he)\s+)?(suggested|recommended)\s+(?!that\b)", re.I)
_ADVICE_NOUNS = {"suggested": "suggestion", "recommended": "recommendation"}


def noun_phrase(text: str | None) -> Phrase | None:
    """What was talked about, or a note about the person, as a second-person noun phrase that
    fits "about …". Only the first clause of a longer note is used."""
    value = trim(text)
    if value is None:
        return None
    value = re.split(r"\s*(?:;|\.\s|\n|\s[-–—]\s)\s*", value, maxsplit=1)[0]
    value = trim(_LEAD_INS.sub("", value)) or value
    value = _ADVICE.sub(lambda m: f"your {_ADVICE_NOUNS[m.group(1).lower()]} of ", value)
    value = _what_you_do(value)
    value, subject_left = second_person(value)
    clause = _YOU_CLAUSE.match(value)
    if clause:
        # A clause about them ("she's building a clinic" → "you're building …") reads as
        # "about how you're building …"; "you are lovely" can't be said back to them.
        if clause.group(1) and not clause.group(2).lower().endswith("ing"):
            return Phrase(value, True)
        value = "how " + value[0].lower() + value[1:]
    value = trim(lower_first(value)) or value
    return Phrase(value, subject_left)


_SUBJECT_START = re.compile(r"^(?:she|he)\s+", re.I)
_BASE_FORMS = {"has": "have", "does": "do", "goes": "go"}


def _what_you_do(text: str) -> str:
    """A note that says what the person does ('runs the echo research group', 'she leads a
    clinic') becomes 'how you run the echo research group', which fits "about …"."""
    value = _SUBJECT_START.sub("", text)
    first, _, rest = value.partition(" ")
    base = _base_form(first.lower(), rest.partition(" ")[0].lower())
    return f"how you {base} {rest}" if rest and base else text


_KNOWN_VERBS = _words(
    """run lead study teach direct manage work research head chair oversee coordinate
    supervise mentor train see treat specialize specialise focus write edit build use
    organize organise host practice practise operate perform review publish"""
)


def _base_form(verb: str, following: str) -> str | None:
    """'runs' → 'run', 'studies' → 'study', 'focuses' → 'focus'; None if not a verb in -s.

    A known verb counts whatever follows; another word in -s only before an article or a
    possessive ("chairs the committee"), so "patients with heart failure" stays a noun."""
    if verb in _BASE_FORMS:
        return _BASE_FORMS[verb]
    if not verb.isalpha() or not verb.endswith("s") or verb.endswith("ss") or len(verb) < 4:
        return None
    candidates = (verb[:-1], verb[:-2], verb[:-3] + "y")
    known = next((c for c in candidates if c in _KNOWN_VERBS), None)
    if known is not None:
        return known
    if following in ("the", "a", "an", "her", "his", "their") and not verb.endswith("ies"):
        return verb[:-1]
    return None


# -- other fields ---------------------------------------------------------------------------------

_PAST_FIRST = re.compile(r"^[A-Za-z]+ed$")
_IRREGULAR_PAST = _words(
    """got began won took wrote made met found became gave ran led saw did had sat
    went"""
)


def update_clause(text: str | None) -> str | None:
    """News in the first person without its final stop: 'Passed Step 1!' → 'I passed Step 1'."""
    value = trim(text)
    if value is None:
        return None
    first, _, rest = value.partition(" ")
    if first.lower() in ("i", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d"):
        return "I" + first[1:] + (" " + rest if rest else "")
    if _PAST_FIRST.match(first) or first.lower() in _IRREGULAR_PAST:
        return f"I {first.lower()}" + (" " + rest if rest else "")
    if first.lower() in ("my", "our", "the", "we"):
        return first.lower() + (" " + rest if rest else "")
    return value


_DETERMINERS = re.compile(
    r"^(?:the|a|an|your|my|our|their|his|her|this|that|last|next|yesterday'?s?|today'?s?|"
    r"tonight'?s?)\b",
    re.I,
)
_POSSESSIVE_START = re.compile(r"^\S+(?:\s\S+)?(?:'s|’s)\b")


def with_the(text: str | None) -> str | None:
    """A name of an occasion or program with its article: 'AAMC Annual Meeting' → 'the AAMC
    Annual Meeting'; 'Dr. Lee's lecture' and 'our journal club' are left alone."""
    value = trim(text)
    if value is None:
        return None
    if _DETERMINERS.match(value) or _POSSESSIVE_START.match(value):
        return re.sub(r"^(The|A|An|Your|My|Our)\b", lambda m: m.group().lower(), value)
    return f"the {value}"


_TOPIC_LEAD = re.compile(
    r"^(?:your\s+)?(?:recent\s+)?(?:work|paper|research|study|article|publication|talk)\s+"
    r"(?:on|about|into|in)\s+",
    re.I,
)


def topic(text: str | None) -> str | None:
    """'your paper on remote monitoring' → 'remote monitoring'."""
    value = trim(text)
    if value is None:
        return None
    stripped = _TOPIC_LEAD.sub("", value)
    return lower_first(trim(stripped) or value)


def finding(text: str | None) -> str | None:
    """What caught the student's eye, as a noun phrase: 'your finding that X' → 'the finding
    that X'; 'I liked how X' → 'how X'."""
    value = trim(text)
    if value is None:
        return None
    value = re.sub(r"^i\s+(?:liked|loved|was struck by|noticed|enjoyed)\s+", "", value, flags=re.I)
    value = re.sub(r"^your\s+", "the ", value, flags=re.I)
    value, _ = second_person(value)
    return lower_first(value)


def availability(text: str | None) -> str | None:
    """'I'm available 10 hours a week.' → '10 hours a week'."""
    value = trim(text)
    if value is None:
        return None
    value = re.sub(r"^(?:i\s*(?:'m|’m|am)\s+)?(?:available|free)\s+", "", value, flags=re.I)
    return lower_first(value)


# -- dates ----------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH_NAME = r"(?P<month>[A-Za-z]{3,9}\.?)"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# "Jan 15th", "January 15, 2027", "15 Jan", "15th of January": written the student's way.
_MONTH_DAY = re.compile(rf"^{_MONTH_NAME}\s+{_DAY}{_YEAR}$")
_DAY_MONTH = re.compile(rf"^{_DAY}(?:\s+of)?\s+{_MONTH_NAME}{_YEAR}$")


def day_month(day: date, english: str = "us") -> str:
    """'March 1' (US) or '1 March' (UK)."""
    return f"{day.day} {day:%B}" if english == "uk" else f"{day:%B} {day.day}"


def date_phrase(text: str | None, english: str = "us") -> str | None:
    """A typed deadline: ISO dates written out; anything else trimmed."""
    value = trim(text)
    if value is None:
        return None
    iso = _ISO_DATE.match(value)
    if iso:
        try:
            return day_month(date(int(iso[1]), int(iso[2]), int(iso[3])), english)
        except ValueError:
            return value
    typed = _MONTH_DAY.match(value) or _DAY_MONTH.match(value)
    if typed:
        month = _MONTHS.get(typed["month"].lower().rstrip(".")[:3])
        day = int(typed["day"])
        if month and 1 <= day <= 31:
            name = date(2000, month, 1).strftime("%B")
            written = f"{day} {name}" if english == "uk" else f"{name} {day}"
            if not typed["year"]:
                return written
            return (
                f"{written} {typed['year']}" if english == "uk" else f"{written}, {typed['year']}"
            )
    return value
