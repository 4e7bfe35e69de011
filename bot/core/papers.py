"""Research papers by DOI or PubMed id: what `/outreach kind: research paper:` fills in.

Pure rules here (reading an identifier as a student pastes it, the citation a draft names, the
draft fields a paper fills) and `PaperService`, which asks the `PaperLookup` port (Crossref and
PubMed over HTTP, outside the core) at most once per paper at a time and remembers the answer:
a second draft about the same paper, or a retry, costs no request. A look-up that fails (no
network, a timeout, the service down) is not an error for the student: the draft is written from
what they typed, and they are told why nothing was filled.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.drafts import FIELD_LIMITS
from bot.core.errors import InvalidInput, PaperLookupFailed
from bot.core.ports import Clock, PaperLookup

FOUND_FOR = timedelta(days=7)  # a paper's details do not change; a week bounds a correction
NOT_FOUND_FOR = timedelta(hours=1)  # a DOI registered minutes ago may appear soon
CACHE_SIZE = 1024  # papers remembered (each a few hundred bytes)
_DOI = re.compile(r"^10\.\d{4,9}/\S{1,200}$")
_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|https?://(?:www\.)?doi\.org/)", re.I
)
_PUBMED_URL = re.compile(
    r"^https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?$",
    re.I,
)
_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.I)
UNREADABLE = (
    "I couldn't read “{typed}” as a DOI (like 10.1001/jama.2024.1234) or a PubMed id (like "
    "38123456). Nothing was drafted; paste either one, or leave `paper:` empty."
)


class PaperSource(StrEnum):
    CROSSREF = "Crossref"
    PUBMED = "PubMed"


@dataclass(frozen=True, slots=True)
class PaperId:
    """A DOI (lower-cased: DOIs are case-insensitive) or a PubMed id."""

    source: PaperSource
    value: str

    @property
    def shown(self) -> str:
        return f"doi:{self.value}" if self.source is PaperSource.CROSSREF else f"PMID {self.value}"


@dataclass(frozen=True, slots=True)
class Paper:
    id: PaperId
    title: str
    first_author: str | None = None
    senior_author: str | None = None  # the last author, when there is more than one
    journal: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class PaperFound:
    """A look-up's outcome: the paper, or why there is none (`failed`: the service could not be
    asked or did not answer in time; else it does not know the identifier)."""

    id: PaperId
    paper: Paper | None
    failed: bool = False


def parse_paper_id(text: str) -> PaperId:
    """A DOI or PubMed id as a student pastes it: a bare DOI, doi:…, a doi.org link, a PMID,
    "PMID: 123", or a PubMed link. InvalidInput for anything else."""
    value = " ".join(text.split()).strip().rstrip(".")
    if not value:
        raise InvalidInput(UNREADABLE.format(typed=""))
    doi = _DOI_PREFIX.sub("", value)
    if _DOI.match(doi):
        return PaperId(PaperSource.CROSSREF, doi.lower())
    for pattern in (_PUBMED_URL, _PMID):
        found = pattern.match(value)
        if found and int(found.group(1)) > 0:
            return PaperId(PaperSource.PUBMED, str(int(found.group(1))))
    raise InvalidInput(UNREADABLE.format(typed=value[:80]))


def cite(paper: Paper) -> str:
    """The paper as a draft names it (docs/drafts.md, `paper`): its title in quotes, then the
    journal and the year when known: “Title” in Journal (2024)."""
    text = f"“{paper.title}”"
    if paper.journal:
        text += f" in {paper.journal}"
    if paper.year:
        text += f" ({paper.year})"
    return text


def _fits(value: str, limit: int) -> str | None:
    return value if len(value) <= limit else None


def paper_fields(paper: Paper, typed: Mapping[str, str]) -> dict[str, str]:
    """The draft fields a paper fills: `paper` (the citation) and, unless the student typed one,
    `topic` (the title). What the student typed always wins; a value too long for its field
    is left out rather than cut mid-word."""
    fields = dict(typed)
    citation = _fits(cite(paper), FIELD_LIMITS["paper"])
    if citation and "paper" not in fields:
        fields["paper"] = citation
    topic = _fits(paper.title, FIELD_LIMITS["topic"])
    if topic and "topic" not in fields:
        fields["topic"] = topic
    return fields


class PaperService:
    """Look papers up through the port: cached, one request per paper at a time."""

    def __init__(self, lookup: PaperLookup, clock: Clock, *, cache_size: int = CACHE_SIZE) -> None:
        self._lookup = lookup
        self._clock = clock
        self._size = cache_size
        self._cache: OrderedDict[PaperId, tuple[datetime, Paper | None]] = OrderedDict()
        self._flying: dict[PaperId, asyncio.Task[Paper | None]] = {}

    async def find(self, paper_id: PaperId) -> PaperFound:
        now = self._clock.now()
        cached = self._cache.get(paper_id)
        if cached is not None:
            until, paper = cached
            if now < until:
                self._cache.move_to_end(paper_id)
                return PaperFound(paper_id, paper)
            del self._cache[paper_id]
        task = self._flying.get(paper_id)
        if task is None:
            # Shielded: a student who gives up (the interaction times out) does not cancel the
            # look-up another student with the same paper is waiting for.
            task = asyncio.ensure_future(self._lookup.lookup(paper_id))
            self._flying[paper_id] = task
            task.add_done_callback(lambda done: self._landed(paper_id, done))
        try:
            paper = await asyncio.shield(task)
        except PaperLookupFailed:
            return PaperFound(paper_id, None, failed=True)  # not remembered: try again next time
        keep = FOUND_FOR if paper is not None else NOT_FOUND_FOR
        self._cache[paper_id] = (self._clock.now() + keep, paper)
        self._cache.move_to_end(paper_id)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return PaperFound(paper_id, paper)

    def _landed(self, paper_id: PaperId, task: asyncio.Task[Paper | None]) -> None:
        self._flying.pop(paper_id, None)
        if not task.cancelled():
            task.exception()  # retrieved, even when every student waiting for it gave up
