"""People's names as students type them: one parser, and how to greet the person it names.

Every name that enters the bot (a contact's, the student's own) goes through `parse_name`, so
"Dr. Helen Marsh", "Helen Marsh, MD" and "Marsh, Helen" are the same person to duplicate
detection and are all greeted "Dr. Marsh".

Why our own parser and not the `nameparser` package: its title list is several hundred words
long and includes ones that are also given names (a "Dean" or a "Judge" loses their first name),
it has no rule for Iberian double surnames or for family names written first in capitals, and
its suffix list lacks most clinical credentials (PA-C, FACS, MBBS…). The rules a medical student
needs fit in this module and are tested here, so core owns them outright.

The rules, in order (pronouns such as "(she/her)" and a bracketed aside at the end, such as
"(cardiology)", are set aside first: the typed form keeps them, the parts never do):
1. Text after a comma that is only credentials or suffixes ("Helen Marsh, MD", "Amara Okafor
   MD, PhD", "Marsh, Helen, MD") is post-nominal; otherwise "A, B" is "Family, Given".
2. Leading honorifics (Dr, Dr., Prof., Professor, Mr, Ms, Mrs, Mx, Miss) become the title,
   normalised ("Dr.", "Prof."); trailing "Jr.", "Sr.", "II".."IV" the suffix; trailing
   credentials (MD, DO, PhD, M.D., PA-C, FACS…) the post-nominals. "DO", "PA" and "MA" count
   only in capitals, because "Do" is also a family name.
3. A first word in capitals before a word that is not ("ZHANG Wei") is a family name written
   first.
4. Otherwise the family name is the last word, with any particles before it ("van
   Beethoven", "de la Cruz", "García y López"). Hyphenated names are one word.
5. Exactly four words with a Spanish or Portuguese letter (á, ñ, ç, ã…) and no particles or
   initials are two given names and two surnames ("María José García López"). Four English
   words ("Mary Ann Elizabeth Smith") and every three-word name keep one family name: if the
   guess is wrong the greeting uses a surname the person does have ("Dr. López"), never a given
   name after a title ("Dr. José García"). The per-contact "address as" fixes the rest.
6. A single word ("Madonna") is kept as the given name; it is greeted as typed, never with a
   title, because it may be a given name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import clean_line, fold

_HONORIFICS = {
    "dr": "Dr.",
    "doctor": "Dr.",
    "prof": "Prof.",
    "professor": "Prof.",
    "mr": "Mr.",
    "mister": "Mr.",
    "ms": "Ms.",
    "mrs": "Mrs.",
    "mx": "Mx.",
    "miss": "Miss",
}
_SUFFIXES = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}

# Degrees after which a careful student writes "Dr." (and never the degree with the title).
DOCTORAL = frozenset(
    {
        "MD", "DO", "PHD", "MBBS", "MBCHB", "MBBCH", "BMBS", "DPHIL", "DMD", "DDS", "DSC",
        "SCD", "DRPH", "EDD", "PSYD", "PHARMD", "DNP", "DVM", "DPT", "MDPHD",
    }
)  # fmt: skip
_CREDENTIALS = DOCTORAL | {
    "MPH", "MS", "MSC", "MA", "MBA", "MHA", "MED", "MSED", "MSW", "MPHIL", "MRES", "MMED",
    "BS", "BSC", "BA", "BSN", "MSN", "RN", "NP", "APRN", "FNP", "FNPBC", "CNM", "CRNA", "PA",
    "PAC", "PT", "OT", "OTR", "LCSW", "RD", "CCRP", "FACS", "FACP", "FACC", "FACEP", "FAAP",
    "FAHA", "FASE", "FACOG", "FRCS", "FRCP", "FRCPC", "FRCSC", "MRCP", "MRCS", "FHM", "FCCP",
    "FAAFP", "FASA", "FIDSA", "ABIM", "MSCR", "MSCI", "MHS", "MPP", "JD",
}  # fmt: skip
# Credentials that are also ordinary words or names: counted only when typed in capitals.
_CASE_SENSITIVE = frozenset({"DO", "PA", "MA", "MS", "MED", "RD", "PT", "OT", "BA", "JD"})
_PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "del", "della", "dei", "di", "da", "du", "la", "le",
        "dos", "das", "do", "ter", "ten", "bin", "ibn", "al", "el", "y", "e", "zu", "st.",
    }
)  # fmt: skip
_IBERIAN_LETTERS = set("áéíóúñçãõâêôàüÁÉÍÓÚÑÇÃÕÂÊÔÀÜ")
_EDGE = re.compile(r"^[^\w]+|[^\w.'’]+$")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A parsed name: the typed form (for display) and its parts (for greetings and matching)."""

    typed: str
    title: str | None = None
    given: str = ""
    middle: str = ""
    family: str = ""
    suffix: str | None = None
    post_nominals: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What duplicate detection compares: given and family name, folded."""
        core = " ".join(p for p in (self.given, self.family) if p)
        return fold(core or self.typed)

    @property
    def has_doctorate(self) -> bool:
        return any(_credential_key(p) in DOCTORAL for p in self.post_nominals)

    @property
    def post_nominals_text(self) -> str | None:
        return ", ".join(self.post_nominals) or None


def _credential_key(token: str) -> str:
    return re.sub(r"[.\-\s]", "", token).upper()


def _is_credential(token: str) -> bool:
    key = _credential_key(token)
    if key not in _CREDENTIALS:
        return False
    if key in _CASE_SENSITIVE:
        return token.replace(".", "").replace("-", "").isupper()
    return True


def _bare(token: str) -> str:
    return token.casefold().rstrip(".")


def normalise_title(text: str | None) -> str | None:
    """'dr' → 'Dr.', 'professor' → 'Prof.'; an unknown title is kept as typed."""
    value = clean_line(text)
    if value is None:
        return None
    return _HONORIFICS.get(_bare(value), value)


def _clean_tokens(text: str) -> list[str]:
    """Words with markdown, emoji and stray symbols trimmed from their edges ("@everyone")."""
    tokens = []
    words = text.split()
    for raw in words:
        if raw.startswith("@") and len(words) > 1:
            continue  # "@everyone", "@helen": a mention, not part of the name
        token = _EDGE.sub("", raw)
        if any(ch.isalnum() for ch in token):
            tokens.append(token)
    return tokens


def _capitalised(word: str) -> str:
    """'marsh' and 'MARSH' → 'Marsh', per hyphen and apostrophe part; 'McDonald' unchanged."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or not (all(c.islower() for c in letters) or all(c.isupper() for c in letters)):
        return word
    if len(letters) == 1:
        return word.upper()
    return re.sub(r"[^\W\d_]+", lambda m: m[0][0].upper() + m[0][1:].lower(), word)


def _is_upper_word(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _is_initial(token: str) -> bool:
    return len(token.rstrip(".")) == 1


def _strip_ends(tokens: list[str]) -> tuple[str | None, list[str], str | None, list[str]]:
    """(title, words, suffix, post-nominals): honorifics off the front, the rest off the end."""
    title = None
    while len(tokens) > 1 and _bare(tokens[0]) in _HONORIFICS:
        title = title or _HONORIFICS[_bare(tokens[0])]
        tokens = tokens[1:]
    suffix = None
    post: list[str] = []
    while len(tokens) > 1:
        last = tokens[-1]
        if _bare(last) in _SUFFIXES and (len(tokens) > 2 or _bare(last) in ("jr", "sr")):
            suffix = suffix or _SUFFIXES[_bare(last)]
        elif _is_credential(last):
            post.insert(0, last)
        else:
            break
        tokens = tokens[:-1]
    return title, tokens, suffix, post


def _split_given_family(words: list[str]) -> tuple[str, str, str]:
    """(given, middle, family) of words in given-name-first order."""
    if len(words) == 1:
        return words[0], "", ""
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in _PARTICLES:
        start -= 1
    if start == len(words) - 1 and len(words) == 4:
        iberian = any(ch in _IBERIAN_LETTERS for ch in "".join(words))
        if iberian and not any(_is_initial(w) for w in words):
            return " ".join(words[:2]), "", " ".join(words[2:])
    return words[0], " ".join(words[1:start]), " ".join(words[start:])


# Pronouns ("she/her", "(they/them)") and a bracketed aside at the end ("(cardiology)") are
# common in names copied from Discord or LinkedIn; they are kept in the typed form only.
_PRONOUNS = re.compile(
    r"[(\[]?\b(?:she|he|they|ze|xe)\s*/\s*(?:her|hers|him|his|them|theirs|they|she|he|"
    r"zir|xem)\b(?:\s*/\s*\w+)?[)\]]?",
    re.IGNORECASE,
)
_TRAILING_ASIDE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _without_asides(text: str) -> str:
    stripped = _PRONOUNS.sub(" ", text)
    while _TRAILING_ASIDE.search(stripped):
        stripped = _TRAILING_ASIDE.sub("", stripped)
    stripped = " ".join(stripped.split()).strip(" ,")
    return stripped if any(ch.isalpha() for ch in stripped) else text


def parse_name(typed: str, title: str | None = None) -> PersonName:
    """Parse a name as typed; `title` is a separately entered honorific, which wins."""
    text = clean_line(typed) or ""
    segments = [s.strip() for s in _without_asides(text).split(",")]
    post: list[str] = []
    suffix: str | None = None
    # Trailing segments that are only credentials or suffixes: "Helen Marsh, MD, FACS".
    while len(segments) > 1 and _clean_tokens(" ".join(segments[:-1])):
        words = _clean_tokens(segments[-1])
        if words and all(_is_credential(w) or _bare(w) in _SUFFIXES for w in words):
            for word in reversed(words):  # segments are read from the end
                if _bare(word) in _SUFFIXES:
                    suffix = suffix or _SUFFIXES[_bare(word)]
                else:
                    post.insert(0, word)
            segments.pop()
            continue
        if not words:
            segments.pop()
            continue
        break
    post_front: list[str] = []
    if len(segments) == 2 and _clean_tokens(segments[0]) and _clean_tokens(segments[1]):
        # "Marsh, Helen" (or "Marsh, Dr. Helen"): family name first.
        name_title, given_words, end_suffix, more = _strip_ends(_clean_tokens(segments[1]))
        family_words = _clean_tokens(segments[0])
        while len(given_words) > 1 and given_words[-1].casefold() in _PARTICLES:
            family_words.insert(0, given_words.pop())  # "Beethoven, Ludwig van"
        post_front = more
        suffix = suffix or end_suffix
        given, middle = given_words[0], " ".join(given_words[1:])
        family = " ".join(family_words)
    else:
        name_title, words, end_suffix, more = _strip_ends(_clean_tokens(" ".join(segments)))
        post_front = more
        suffix = suffix or end_suffix
        if not words:
            words = [text or "?"]
        # A credential or suffix left between the names ("Helen MD Marsh") is still one.
        post_front = post_front + [w for w in words[1:] if _is_credential(w)]
        for word in words[1:]:
            if _bare(word) in ("jr", "sr"):
                suffix = suffix or _SUFFIXES[_bare(word)]
        words = words[:1] + [
            w for w in words[1:] if not _is_credential(w) and _bare(w) not in ("jr", "sr")
        ]
        if (
            len(words) > 1
            and _is_upper_word(words[0])
            and not all(map(_is_upper_word, words))
            and _bare(words[1]) not in _HONORIFICS
        ):
            family, given, middle = words[0], words[1], " ".join(words[2:])  # "ZHANG Wei"
        elif len(words) == 1 and (name_title or normalise_title(title)):
            given, middle, family = "", "", words[0]  # "Dr. Marsh"
        else:
            given, middle, family = _split_given_family(words)
    if given and not middle and _bare(given) in _HONORIFICS:
        # "0, Dr." or "Marsh, Dr": the given name is a title, so there is no given name.
        name_title, given = name_title or _HONORIFICS[_bare(given)], ""
    return PersonName(
        typed=text,
        title=normalise_title(title) or name_title,
        given=" ".join(_capitalised(w) for w in given.split()),
        middle=middle,
        family=" ".join(
            w if w.casefold() in _PARTICLES else _capitalised(w) for w in family.split()
        ),
        suffix=suffix,
        post_nominals=tuple(_normalise_credential(p) for p in post_front + post),
    )


def _normalise_credential(token: str) -> str:
    """'md' → 'MD', 'phd' → 'PhD'; 'M.D.' is kept as the student wrote it."""
    if "." in token:
        return token
    key = _credential_key(token)
    return {"PHD": "PhD", "DPHIL": "DPhil", "MBCHB": "MBChB", "PHARMD": "PharmD"}.get(
        key, token if token.isupper() else token.upper()
    )


def first_name(name: str) -> str:
    """The given name(s): 'Dr. Maya Chen' → 'Maya', 'María José García López' → 'María José'."""
    parsed = parse_name(name)
    return parsed.given or parsed.typed or name


def surname(name: str) -> str:
    """The family name ('van Beethoven'); a one-word name is its own surname."""
    parsed = parse_name(name)
    return parsed.family or parsed.given or parsed.typed or name


def honorific_greeting(title: str, family: str) -> str:
    """'Prof.' is written out in a greeting: "Dear Professor Kowalski"."""
    word = "Professor" if title in ("Prof.", "Professor") else title
    return f"{word} {family}"


# Roles greeted "Dr. Surname" when no title is known (values of models.Role; this module sits
# below models so that Contact can parse its own name).
DOCTOR_ROLES = frozenset({"attending", "resident", "fellow", "program_director", "faculty"})
# Peers and students: greeted by first name.
PEER_ROLES = frozenset({"classmate", "peer_mentor", "tutor"})


def greeting_for(name: PersonName, role: str, address_as: str | None = None) -> str:
    """How a careful student opens a message to this person.

    The student's "address as" wins; then a known title with the family name ("Dr. Marsh",
    "Professor Kowalski"); peers by first name; a doctorate after the name, or a physician's or
    faculty role, "Dr. Surname"; anyone else (a nurse, a speaker, an alumnus without a doctorate)
    given and family name. Never a title with a given name or a credential, never empty.
    """
    chosen = clean_line(address_as)
    if chosen:
        return chosen
    family = name.family
    if not family:  # one word: may be a given name, so no title in front of it
        return name.given if any(ch.isalpha() for ch in name.given) else "there"
    if name.title:
        return honorific_greeting(name.title, family)
    if not name.given:
        return family
    if role in PEER_ROLES:
        return name.given
    if name.has_doctorate or role in DOCTOR_ROLES:
        return f"Dr. {family}"
    return f"{name.given} {family}"


def default_address(name: PersonName, role: str) -> str:
    """The greeting without an "address as": shown on the card as the suggestion."""
    return greeting_for(name, role)


def display_name(name: PersonName, title: str | None) -> str:
    """The typed name, with the separately entered title in front unless it is already there."""
    typed = name.typed
    if not title:
        return typed
    first = typed.split(maxsplit=1)[0] if typed.split() else ""
    if normalise_title(first) == normalise_title(title) or _bare(first) in _HONORIFICS:
        return typed
    return f"{title} {typed}"
