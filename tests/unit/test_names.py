"""The name parser (bot/core/names.py) on names as students type them, and the greetings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.names import (
    PersonName,
    display_name,
    first_name,
    greeting_for,
    normalise_title,
    parse_name,
    surname,
)

# typed → (title, given, family, suffix, post-nominals)
PARSED = [
    ("Helen Marsh", (None, "Helen", "Marsh", None, ())),
    ("Helen Marsh, MD", (None, "Helen", "Marsh", None, ("MD",))),
    ("Marsh, Helen", (None, "Helen", "Marsh", None, ())),
    ("Marsh, Helen, MD", (None, "Helen", "Marsh", None, ("MD",))),
    ("Dr. Helen Marsh", ("Dr.", "Helen", "Marsh", None, ())),
    ("Dr Helen Marsh", ("Dr.", "Helen", "Marsh", None, ())),
    ("dr. jane doe", ("Dr.", "Jane", "Doe", None, ())),
    ("DR. JANE DOE", ("Dr.", "Jane", "Doe", None, ())),
    ("Doctor Jane Doe", ("Dr.", "Jane", "Doe", None, ())),
    ("James Whitaker Jr.", (None, "James", "Whitaker", "Jr.", ())),
    ("James Whitaker, Jr.", (None, "James", "Whitaker", "Jr.", ())),
    ("James Whitaker jr", (None, "James", "Whitaker", "Jr.", ())),
    ("John Smith III", (None, "John", "Smith", "III", ())),
    ("Robert Tan II, MD", (None, "Robert", "Tan", "II", ("MD",))),
    ("María José García López", (None, "María José", "García López", None, ())),
    ("Dr. María José García López", ("Dr.", "María José", "García López", None, ())),
    ("Lucía Fernández García", (None, "Lucía", "García", None, ())),
    ("Fernández-García, Lucía", (None, "Lucía", "Fernández-García", None, ())),
    ("Lucía Fernández-García", (None, "Lucía", "Fernández-García", None, ())),
    ("Dr Ludwig van Beethoven", ("Dr.", "Ludwig", "van Beethoven", None, ())),
    ("Beethoven, Ludwig van", (None, "Ludwig", "van Beethoven", None, ())),
    ("Vincent van der Berg", (None, "Vincent", "van der Berg", None, ())),
    ("Maria de la Cruz", (None, "Maria", "de la Cruz", None, ())),
    ("João dos Santos", (None, "João", "dos Santos", None, ())),
    ("Prof. Anna Kowalski", ("Prof.", "Anna", "Kowalski", None, ())),
    ("Professor Anna Kowalski", ("Prof.", "Anna", "Kowalski", None, ())),
    ("Amara Okafor MD, PhD", (None, "Amara", "Okafor", None, ("MD", "PhD"))),
    ("Amara Okafor, MD, PhD", (None, "Amara", "Okafor", None, ("MD", "PhD"))),
    ("Amara Okafor MD PhD FACC", (None, "Amara", "Okafor", None, ("MD", "PhD", "FACC"))),
    ("Helen Marsh M.D.", (None, "Helen", "Marsh", None, ("M.D.",))),
    ("Helen Marsh, md", (None, "Helen", "Marsh", None, ("MD",))),
    ("Sam Patel, DO", (None, "Sam", "Patel", None, ("DO",))),
    ("Anh Do", (None, "Anh", "Do", None, ())),
    ("Anh Do, DO", (None, "Anh", "Do", None, ("DO",))),
    ("Jane Smith PA-C", (None, "Jane", "Smith", None, ("PA-C",))),
    ("Priya Nair, MBBS, FRCS", (None, "Priya", "Nair", None, ("MBBS", "FRCS"))),
    ("Chris Lee RN, BSN", (None, "Chris", "Lee", None, ("RN", "BSN"))),
    ("Kate Jones MPH", (None, "Kate", "Jones", None, ("MPH",))),
    ("ZHANG Wei", (None, "Wei", "Zhang", None, ())),
    ("Zhang Wei", (None, "Zhang", "Wei", None, ())),
    ("Madonna", (None, "Madonna", "", None, ())),
    ("Dr. Marsh", ("Dr.", "", "Marsh", None, ())),
    ("Ms. Kim Lee", ("Ms.", "Kim", "Lee", None, ())),
    ("Mx Alex Rivera", ("Mx.", "Alex", "Rivera", None, ())),
    ("Mary Ann Elizabeth Smith", (None, "Mary", "Smith", None, ())),
    ("Dean Smith", (None, "Dean", "Smith", None, ())),
    ("Seán O'Brien", (None, "Seán", "O'Brien", None, ())),
    ("Ian McDonald", (None, "Ian", "McDonald", None, ())),
    ("**Helen** Marsh", (None, "Helen", "Marsh", None, ())),
    ("Helen Marsh @everyone", (None, "Helen", "Marsh", None, ())),
    ("🩺 Amara Okafor 🌟", (None, "Amara", "Okafor", None, ())),
    ("  Helen   Marsh  ", (None, "Helen", "Marsh", None, ())),
]


@pytest.mark.parametrize(("typed", "expected"), PARSED)
def test_parse_name(typed: str, expected: tuple) -> None:
    """Each realistic spelling splits into the parts a careful reader would see."""
    parsed = parse_name(typed)
    assert (
        parsed.title,
        parsed.given,
        parsed.family,
        parsed.suffix,
        parsed.post_nominals,
    ) == expected


def test_the_table_is_large_enough() -> None:
    """The brief asks for at least forty realistic names."""
    assert len(PARSED) >= 40


def test_typed_form_is_kept_for_display() -> None:
    """The parsed name keeps the typed form (white space tidied), never a rebuilt one."""
    assert parse_name("Marsh, Helen, MD").typed == "Marsh, Helen, MD"


@pytest.mark.parametrize(
    "spellings",
    [
        ("Dr. Helen Marsh", "Helen Marsh, MD", "Marsh, Helen", "helen marsh", "HELEN MARSH"),
        ("María José García López", "maria josé garcía lópez", "Dr. María José García López"),
        ("Ludwig van Beethoven", "Beethoven, Ludwig van", "Prof. Ludwig van Beethoven"),
    ],
)
def test_spellings_of_one_person_share_a_key(spellings: tuple[str, ...]) -> None:
    """Duplicate detection compares given and family name, whatever the decoration."""
    assert len({parse_name(s).key for s in spellings}) == 1


def test_four_unaccented_words_keep_one_surname() -> None:
    """Without a Spanish or Portuguese letter four words are read the English way: the guess
    may pick the second surname ("Dr. Lopez"), never a given name after the title."""
    parsed = parse_name("Maria Jose Garcia Lopez")
    assert (parsed.given, parsed.family) == ("Maria", "Lopez")
    assert greeting_for(parsed, "attending") == "Dr. Lopez"


def test_different_people_keep_different_keys() -> None:
    """'Helen Marsh' and 'Helen Marshall' are two people."""
    assert parse_name("Helen Marsh").key != parse_name("Helen Marshall").key


def test_title_option_wins_and_is_normalised() -> None:
    """A separately typed title replaces one in the name; 'prof' is written 'Prof.'."""
    assert parse_name("Dr. Anna Kowalski", "prof").title == "Prof."
    assert parse_name("Anna Kowalski", "Dr").title == "Dr."
    assert normalise_title("professor") == "Prof."
    assert normalise_title("Rev.") == "Rev."
    assert normalise_title("  ") is None


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("Dr. Maya Chen", "Maya", "Chen"),
        ("María José García López", "María José", "García López"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Chen, Maya", "Maya", "Chen"),
        ("Madonna", "Madonna", "Madonna"),
        ("maya chen", "Maya", "Chen"),
    ],
)
def test_first_name_and_surname(typed: str, first: str, last: str) -> None:
    """first_name and surname come from the parser, not from splitting on spaces."""
    assert (first_name(typed), surname(typed)) == (first, last)


ROLES = (
    "classmate",
    "peer_mentor",
    "tutor",
    "faculty",
    "researcher",
    "resident",
    "fellow",
    "attending",
    "clinician",
    "program_director",
    "alumnus",
    "speaker",
    "other",
)
# Greeting of "Helen Marsh" (no title, no credentials) by role.
BY_ROLE = {
    "classmate": "Helen",
    "peer_mentor": "Helen",
    "tutor": "Helen",
    "faculty": "Dr. Marsh",
    "researcher": "Helen Marsh",
    "resident": "Dr. Marsh",
    "fellow": "Dr. Marsh",
    "attending": "Dr. Marsh",
    "clinician": "Helen Marsh",
    "program_director": "Dr. Marsh",
    "alumnus": "Helen Marsh",
    "speaker": "Helen Marsh",
    "other": "Helen Marsh",
}


@pytest.mark.parametrize("role", ROLES)
def test_greeting_by_role_without_title(role: str) -> None:
    """Physicians and faculty "Dr. Surname", peers by first name, others by full name."""
    assert greeting_for(parse_name("Helen Marsh"), role) == BY_ROLE[role]


@pytest.mark.parametrize("role", ("researcher", "clinician", "alumnus", "speaker", "other"))
@pytest.mark.parametrize("typed", ("Helen Marsh, MD", "Helen Marsh PhD", "Helen Marsh, DO"))
def test_doctorate_after_the_name_means_dr(role: str, typed: str) -> None:
    """A researcher, alumnus or speaker with an MD, PhD or DO is greeted "Dr. Marsh"."""
    assert greeting_for(parse_name(typed), role) == "Dr. Marsh"


@pytest.mark.parametrize(
    ("typed", "title", "role", "expected"),
    [
        ("Prof. Anna Kowalski", None, "faculty", "Professor Kowalski"),
        ("Anna Kowalski", "Prof.", "researcher", "Professor Kowalski"),
        ("Dr Ludwig van Beethoven", None, "attending", "Dr. van Beethoven"),
        ("María José García López", None, "program_director", "Dr. García López"),
        ("James Whitaker Jr.", None, "attending", "Dr. Whitaker"),
        ("Dr. Helen Marsh", "Dr.", "attending", "Dr. Marsh"),
        ("Ms. Kim Lee", None, "clinician", "Ms. Lee"),
        ("Jane Smith RN", None, "clinician", "Jane Smith"),
        ("Jane Smith PA-C", None, "clinician", "Jane Smith"),
        ("ZHANG Wei", None, "attending", "Dr. Zhang"),
        ("Madonna", None, "attending", "Madonna"),
        ("Madonna", "Dr.", "speaker", "Dr. Madonna"),
        ("Dr. Marsh", None, "classmate", "Dr. Marsh"),
        ("Jordan Lee", None, "classmate", "Jordan"),
        ("Amara Okafor MD, PhD", None, "classmate", "Amara"),
    ],
)
def test_greeting_table(typed: str, title: str | None, role: str, expected: str) -> None:
    """Titles, particles, suffixes and credentials each land in the right greeting."""
    assert greeting_for(parse_name(typed, title), role) == expected


def test_address_as_wins() -> None:
    """What the student chose is used as typed (tidied), whatever the role or title."""
    name = parse_name("Dr. María José García López")
    assert greeting_for(name, "attending", "  Dr.  García López ") == "Dr. García López"
    assert greeting_for(name, "attending", "   ") == "Dr. García López"


@pytest.mark.parametrize(
    ("typed", "title", "shown"),
    [
        ("Helen Marsh", "Dr.", "Dr. Helen Marsh"),
        ("Dr. Helen Marsh", "Dr.", "Dr. Helen Marsh"),
        ("dr helen marsh", "Dr.", "dr helen marsh"),
        ("Prof. Anna Kowalski", "Dr.", "Prof. Anna Kowalski"),
        ("Helen Marsh", None, "Helen Marsh"),
    ],
)
def test_display_name_never_doubles_the_title(typed: str, title: str | None, shown: str) -> None:
    """The card shows "Dr. Helen Marsh", never "Dr. Dr. Helen Marsh"."""
    assert display_name(parse_name(typed, title), title) == shown


_CREDENTIAL_WORDS = {"MD", "DO", "PhD", "MBBS", "FACS", "MPH", "RN", "NP", "PA-C", "M.D.", "Jr."}
_TITLES = {"Dr.", "Prof.", "Professor", "Mr.", "Ms.", "Mrs.", "Mx.", "Miss"}
_name_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60
) | st.lists(
    st.sampled_from(
        [
            "Dr.", "dr", "Prof.", "Helen", "Marsh", "María", "José", "García", "López", "van",
            "de", "la", "MD", "PhD", "DO", "Do", "Jr.", "III", ",", "ZHANG", "Wei", "@everyone",
            "**", "🌟", "M.D.", "PA-C", "-", "'",
        ]
    ),
    min_size=1,
    max_size=7,
).map(" ".join)  # fmt: skip


def _visible(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@given(typed=_name_text, title=st.none() | st.sampled_from(["Dr.", "prof", "Ms"]))
def test_any_name_parses_and_greets(typed: str, title: str | None) -> None:
    """Whatever is typed: no exception, a non-empty greeting, never title + given name."""
    parsed = parse_name(typed, title)
    assert isinstance(parsed, PersonName)
    for role in ROLES:
        text = greeting_for(parsed, role)
        assert text.strip()
        words = text.split()
        if words[0] in _TITLES or words[0] == "Professor":
            rest = " ".join(words[1:])
            assert rest == parsed.family  # a title is only ever followed by the family name
        assert not any(word in _CREDENTIAL_WORDS for word in words[1:] if len(words) > 1) or (
            " ".join(words[1:]) == parsed.family
        )


def test_a_title_after_the_comma_is_a_title_not_a_given_name() -> None:
    """'Marsh, Dr' (and hypothesis's '0,DR.') greet 'Dr. Marsh', never a bare 'Dr.'."""
    parsed = parse_name("Marsh, Dr")
    assert (parsed.title, parsed.given, parsed.family) == ("Dr.", "", "Marsh")
    assert greeting_for(parsed, "classmate") == "Dr. Marsh"
