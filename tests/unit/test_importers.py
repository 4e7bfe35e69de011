"""The import parsers: every supported export and its quirks, and files that can't be read."""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.contact_csv import write_contacts_csv
from bot.core.errors import UnreadableFile
from bot.core.importers import ImportFormat, ParsedFile, parse_file
from bot.core.models import Contact, ContactDraft, Role

LINKEDIN = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    'https://www.linkedin.com/psettings/privacy/email. You can learn more here"\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Amara,Okafor,https://www.linkedin.com/in/amara-okafor,,St Mary's Hospital,"
    "Consultant Cardiologist,12 Mar 2024\r\n"
    "José,Núñez,https://www.linkedin.com/in/jose-nunez,jn@example.org,"
    '"Hospital Clínic, Barcelona",Resident Physician,03 Jan 2025\r\n'
    ",,https://www.linkedin.com/in/no-name,,,,01 Feb 2024\r\n"
)

GOOGLE_NEW_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,"
    "Phone 1 - Value,Website 1 - Label,Website 1 - Value"
)
GOOGLE_NEW = (
    GOOGLE_NEW_HEADER
    + "\r\n"
    + "Priya,K.,Raman,,,,Dr.,,,,Riverside Medical School,Associate Professor,Neurology,,"
    '"Met at the stroke symposium.\nAsked about research, summer 2026",,'
    "Mentors ::: * myContacts ::: * starred,* Work,p.raman@riverside.edu ::: priya@home.example,"
    ",,Mobile,+1 555 0100,Profile,https://lab.example.org/raman\r\n"
    ",,,,,,,,,,Nameless Org,,,,,,* myContacts,,nobody@example.org,,,,,,\r\n"
)

GOOGLE_OLD_HEADER = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,"
    "Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,"
    "Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,"
    "Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,"
    "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,"
    "Organization 1 - Title,Organization 1 - Department,Website 1 - Type,Website 1 - Value"
)
GOOGLE_OLD = (
    GOOGLE_OLD_HEADER + "\r\n" + "Sam Lee,Sam,,Lee,,,,,,,,,,,,,,,,,,,,,,Interested in peds,,,"
    "* My Contacts ::: Classmates,* Home,sam@example.edu,,,,Riverside,,Student,Pediatrics,,\r\n"
)

VCARD_3 = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Núñez;José;;Dr.;\r\n"
    "FN:Dr. José Núñez\r\n"
    "ORG:St Mary\\, London;Cardiology\r\n"
    "TITLE:Consultant\\; clinical lead\r\n"
    "EMAIL;TYPE=INTERNET:jn@example.org\r\n"
    "URL:https://www.linkedin.com/in/jose-nunez\r\n"
    "NOTE:Talked about heart failure\\, GUIDE-HF.\\nFollow up in spring with a very long \r\n"
    "  note that was folded onto a second line\r\n"
    "CATEGORIES:Mentor,cardio\r\n"
    "END:VCARD\r\n"
)
VCARD_4 = (
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:Zoë Ødegård\n"
    "N:Ødegård;Zoë;;;\n"
    "EMAIL;TYPE=work:zoe@example.no\n"
    "ORG:Universitetet i Oslo\n"
    "NOTE:a\\,b\\;c\\nd\n"
    "CATEGORIES:research,global health\n"
    "END:VCARD\n"
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "FN:王小明\n"
    "N:王;小明;;;\n"
    "END:VCARD\n"
)


def parse(text: str, encoding: str = "utf-8") -> ParsedFile:
    return parse_file(text.encode(encoding))


def only(parsed: ParsedFile, line: int) -> ContactDraft:
    found = [d for n, d in parsed.drafts if n == line]
    assert len(found) == 1, parsed.drafts
    return found[0]


# -- LinkedIn -----------------------------------------------------------------------------------


def test_linkedin_preamble_is_skipped_and_rows_are_mapped() -> None:
    """Connections.csv: the Notes preamble is skipped; Company, URL and Connected On map."""
    parsed = parse(LINKEDIN)
    assert parsed.format is ImportFormat.LINKEDIN
    amara = only(parsed, 5)
    assert amara == ContactDraft(
        name="Amara Okafor",
        role=Role.OTHER,
        institution="St Mary's Hospital",
        notes="Position: Consultant Cardiologist",
        profile_url="https://www.linkedin.com/in/amara-okafor",
        met_on=date(2024, 3, 12),
    )
    jose = only(parsed, 6)
    assert jose.institution == "Hospital Clínic, Barcelona"
    assert jose.email == "jn@example.org"
    assert jose.met_on == date(2025, 1, 3)


def test_linkedin_row_without_a_name_is_rejected_with_its_line() -> None:
    """A connection with no first or last name is skipped, naming line 7."""
    assert parse(LINKEDIN).rejected == ((7, "it has no name"),)


def test_linkedin_with_bom_and_lf_line_endings() -> None:
    """A BOM and Unix line endings read the same as LinkedIn's CRLF."""
    parsed = parse_file(b"\xef\xbb\xbf" + LINKEDIN.replace("\r\n", "\n").encode())
    assert [d.name for _, d in parsed.drafts] == ["Amara Okafor", "José Núñez"]


def test_format_is_recognised_by_content_not_by_name() -> None:
    """Columns in another order (and extra ones) are still LinkedIn's export."""
    text = (
        "URL,Connected On,Last Name,First Name,Extra\nhttps://x.example/in/a,1 Feb 2024,Ng,An,?\n"
    )
    parsed = parse(text)
    assert parsed.format is ImportFormat.LINKEDIN
    assert only(parsed, 2).name == "An Ng"


# -- Google ------------------------------------------------------------------------------------


def test_google_current_layout_with_bom() -> None:
    """The current Google header: prefix → title, department → specialty, labels → tags."""
    parsed = parse_file(b"\xef\xbb\xbf" + GOOGLE_NEW.encode())
    assert parsed.format is ImportFormat.GOOGLE
    priya = only(parsed, 2)
    assert priya.name == "Priya K. Raman"
    assert priya.title == "Dr."
    assert priya.institution == "Riverside Medical School"
    assert priya.specialty == "Neurology"
    assert priya.email == "p.raman@riverside.edu"  # the first of several
    assert priya.profile_url == "https://lab.example.org/raman"
    assert priya.notes == (
        "Position: Associate Professor\nMet at the stroke symposium.\n"
        "Asked about research, summer 2026"
    )
    assert priya.tags == ("mentors",)  # Google's own "* myContacts" / "* starred" dropped


def test_google_row_without_a_name_is_rejected() -> None:
    """A Google contact with only an organisation and e-mail is skipped with a reason."""
    assert parse(GOOGLE_NEW).rejected == ((4, "it has no name"),)


def test_google_older_layout_with_bom() -> None:
    """The older Google header ("Given Name", "Organization 1 - Name", "Group Membership")."""
    parsed = parse_file(b"\xef\xbb\xbf" + GOOGLE_OLD.encode())
    assert parsed.format is ImportFormat.GOOGLE
    assert only(parsed, 2) == ContactDraft(
        name="Sam Lee",
        institution="Riverside",
        specialty="Pediatrics",
        email="sam@example.edu",
        notes="Position: Student\nInterested in peds",
        tags=("classmates",),
    )


def test_semicolon_delimited_csv_is_sniffed() -> None:
    """A CSV re-saved by Excel with ';' separators is read by its header."""
    text = GOOGLE_OLD.replace(",", ";")
    assert only(parse(text), 2).name == "Sam Lee"


def test_utf16_export_is_decoded() -> None:
    """Outlook-style UTF-16 (with its BOM) is decoded before parsing."""
    assert only(parse(GOOGLE_OLD, "utf-16"), 2).email == "sam@example.edu"


# -- vCard -------------------------------------------------------------------------------------


def test_vcard_3_folding_escaping_and_structure() -> None:
    """vCard 3.0: folded NOTE, escaped , ; and newline, N prefix → title, ORG unit → specialty."""
    parsed = parse(VCARD_3)
    assert parsed.format is ImportFormat.VCARD
    assert parsed.drafts == (
        (
            1,
            ContactDraft(
                name="José Núñez",
                title="Dr.",
                institution="St Mary, London",
                specialty="Cardiology",
                email="jn@example.org",
                profile_url="https://www.linkedin.com/in/jose-nunez",
                notes="Position: Consultant; clinical lead\nTalked about heart failure, "
                "GUIDE-HF.\nFollow up in spring with a very long  note that was folded onto "
                "a second line",
                tags=("mentor", "cardio"),
            ),
        ),
    )


def test_vcard_4_several_cards_and_non_ascii_names() -> None:
    """vCard 4.0 with LF endings: each card is a contact, starting lines are kept."""
    parsed = parse(VCARD_4)
    assert [(line, d.name) for line, d in parsed.drafts] == [(1, "Zoë Ødegård"), (10, "王小明")]
    zoe = parsed.drafts[0][1]
    assert zoe.notes == "a,b;c\nd"
    assert zoe.institution == "Universitetet i Oslo"
    assert zoe.tags == ("research", "global health")


def test_vcard_without_any_name_is_rejected() -> None:
    """A card with neither FN nor N is skipped, naming the line it starts on."""
    text = VCARD_3 + "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@example.org\r\nEND:VCARD\r\n"
    assert parse(text).rejected == ((13, "it has no name"),)


def test_vcard_that_never_ends_names_its_line() -> None:
    """A card cut short (no END:VCARD) fails the file, naming the line it started on."""
    text = VCARD_3 + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n"
    with pytest.raises(UnreadableFile, match="starts on line 13 never ends"):
        parse(text)


def test_text_outside_a_vcard_names_its_line() -> None:
    """Stray text between cards fails the file with its line number."""
    with pytest.raises(UnreadableFile, match="Line 13 is outside any vCard"):
        parse(VCARD_3 + "garbage here\r\n")


# -- our own export ----------------------------------------------------------------------------


def test_own_csv_export_round_trips() -> None:
    """What /privacy export writes (write_contacts_csv) reads back field for field."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    drafts = [
        ContactDraft(
            name="Amara Okafor",
            role=Role.ATTENDING,
            title="Dr.",
            specialty="Cardiology",
            institution="St Mary's",
            met_event='Interest group, "heart" talk',
            met_on=date(2026, 2, 20),
            email="a.okafor@example.org",
            profile_url="https://www.linkedin.com/in/amara-okafor",
            notes="Line one, with a comma\nLine two",
            tags=("cardio", "mentor"),
            cadence_days=30,
        ),
        ContactDraft(name="Sam Lee"),
    ]
    contacts = [Contact(i, 1, d, at, at) for i, d in enumerate(drafts, 1)]
    parsed = parse(write_contacts_csv(contacts))
    assert parsed.format is ImportFormat.COACH
    assert [d for _, d in parsed.drafts] == drafts
    assert [line for line, _ in parsed.drafts] == [2, 4]  # the note spans lines 2-3


def test_own_csv_with_an_unknown_role_rejects_that_row() -> None:
    """A role that isn't one of ours skips the row with the reason."""
    text = "name,role,tags,email\nAda,surgeon,,\nBo,Attending,,\n"
    parsed = parse(text)
    assert parsed.rejected == ((2, "its role “surgeon” isn't one I know"),)
    assert only(parsed, 3).role is Role.ATTENDING  # labels are accepted too


# -- unreadable files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \r\n\n", "empty"),
        (bytes(range(256)) * 4, "isn't UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "isn't UTF-8"),
        (b"name\x00,x\n", "Line 1 contains binary data"),
        (b"Col A,Col B\n1,2\n", "couldn't find a header row"),
        (
            b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            b"Ada,Lee,https://x.example/in/ada,,,,\n"
            b'Bo,"Unterminated,https://x.example/in/bo,,,,\n'
            b"Cy,Ng,https://x.example/in/cy,,,,\n",
            "Line 3: a quoted value starts here and is never closed",
        ),
        (
            b'First Name,Last Name,URL,Connected On\n"Ada"x,Lee,,\n',
            "Line 2: a closing quote is followed by more text",
        ),
    ],
)
def test_unreadable_files_get_a_clear_error(data: bytes, message: str) -> None:
    """Binary junk, no known header and broken quoting raise UnreadableFile naming the problem."""
    with pytest.raises(UnreadableFile) as raised:
        parse_file(data)
    assert message in raised.value.user_message


def test_more_rows_than_the_limit_is_refused() -> None:
    """A file with more rows than max_rows is refused as a whole."""
    text = "name,role,tags\n" + "".join(f"P{i},,\n" for i in range(11))
    with pytest.raises(UnreadableFile, match="more than 10 contacts"):
        parse_file(text.encode(), max_rows=10)
    assert len(parse_file(text.encode(), max_rows=11).drafts) == 11


# -- noise -------------------------------------------------------------------------------------

_CSV_ALPHABET = st.sampled_from(list(',;\t"\r\n \\:=#*é王\ufeff') + list("abcAB01@./-"))
_HEADERS = [LINKEDIN.split("\r\n\r\n")[1].split("\r\n")[0], GOOGLE_NEW_HEADER, GOOGLE_OLD_HEADER]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(_HEADERS), noise=st.text(_CSV_ALPHABET, max_size=300))
def test_csv_noise_raises_only_our_error(header: str, noise: str) -> None:
    """Random CSV bodies under a real header parse or raise UnreadableFile, nothing else."""
    try:
        parsed = parse(header + "\n" + noise)
    except UnreadableFile:
        return
    assert all(line >= 2 for line, _ in (*parsed.drafts, *parsed.rejected))


_VCARD_LINES = st.sampled_from(
    [
        "BEGIN:VCARD",
        "END:VCARD",
        "VERSION:3.0",
        "VERSION:4.0",
        "FN:Ada",
        "N:Lee;Ada;;;",
        "N:;;;;;;;;",
        "ORG:;;;",
        "EMAIL:",
        "NOTE:a\\nb\\,c",
        " folded",
        "\tfolded",
        "CATEGORIES:,,",
        "PHOTO;ENCODING=b:!!!",
        "ADR:;;",
        'X-THING;TYPE="a:b":c',
        "BDAY:--0203",
        ":",
        ";;;",
        "N;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:=C3=A9=",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_VCARD_LINES | st.text(max_size=20), max_size=25))
def test_vcard_noise_raises_only_our_error(lines: list[str]) -> None:
    """Random vCard-ish lines after BEGIN:VCARD parse or raise UnreadableFile, nothing else."""
    with contextlib.suppress(UnreadableFile):
        parse("BEGIN:VCARD\r\n" + "\r\n".join(lines))


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400))
def test_binary_noise_raises_only_our_error(data: bytes) -> None:
    """Arbitrary bytes parse or raise UnreadableFile, nothing else."""
    with contextlib.suppress(UnreadableFile):
        parse_file(data)


FORMULAS = ('=HYPERLINK("http://x.example","hi")', "+1 555 0100", "-2+3", "@SUM(A1)")


@pytest.mark.parametrize("cell", [*FORMULAS, "\tTabbed", "\rReturn"])
def test_own_csv_export_neutralises_spreadsheet_formulas(cell: str) -> None:
    """A cell a spreadsheet would run as a formula is written as text (a leading ')."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    draft = ContactDraft(name="Ada", notes=cell, institution=cell)
    written = write_contacts_csv([Contact(1, 1, replace(draft, name=cell), at, at)])
    header, row = list(csv.reader(io.StringIO(written, newline="")))
    for column in ("name", "notes", "institution"):
        value = row[header.index(column)]
        assert value == "'" + cell, (column, value)


@pytest.mark.parametrize("cell", FORMULAS)
def test_own_csv_import_strips_the_text_mark_again(cell: str) -> None:
    """Exported and imported back, a formula-like value is what the student wrote."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    draft = ContactDraft(name=cell, notes=f"{cell}", specialty=cell)
    parsed = parse(write_contacts_csv([Contact(1, 1, draft, at, at)]))
    assert [d for _, d in parsed.drafts] == [draft]


def test_own_csv_import_reads_a_marked_cell_as_the_value_it_protects() -> None:
    """ "'=x" in our CSV is "=x"; a quote before anything else is the student's own."""
    parsed = parse("name,role,notes,specialty\n'=Ada,,'@home,'Quoted\n")
    assert only(parsed, 2) == ContactDraft(name="=Ada", notes="@home", specialty="'Quoted")
