"""HttpPaperLookup: the core's PaperLookup port over HTTP, Crossref for DOIs and PubMed's
E-utilities for PubMed ids.

- Crossref: GET {crossref}/works/{doi} → `message`: `title`, `author` (given, family, sequence),
  `container-title`, `issued` / `published` date parts. 404: no such DOI.
- PubMed: GET {pubmed}/esummary.fcgi?db=pubmed&id={pmid}&retmode=json → `result[pmid]`:
  `title`, `authors` (name "Okafor A", authtype), `fulljournalname`, `pubdate` ("2024 Mar 5"),
  or an `error` for an unknown id.

aiohttp's own session (one per process, opened on first use inside the running loop) with a
short total timeout: a look-up never holds the loop, and a slow or absent network becomes
PaperLookupFailed, which the core turns into "drafted from what you typed". Answers are read up
to MAX_BYTES. The base URLs are settings, so the tests point them at local fakes on loopback.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.core.errors import PaperLookupFailed
from bot.core.papers import Paper, PaperId, PaperSource

log = logging.getLogger(__name__)

CROSSREF_URL = "https://api.crossref.org"
PUBMED_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TIMEOUT_SECONDS = 4.0  # inside the 15 minutes of a deferred answer; short enough to wait for
MAX_BYTES = 1_000_000  # a work's record is a few kB; a reference list can make it ~200 kB
# NCBI asks for at most 3 requests a second without an API key; Crossref's polite pool is
# generous, but one student's paste never needs more than one request in flight anyway.
CONCURRENCY = 3
_TAGS = re.compile(r"<[^>]{0,200}>")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _clean(text: object) -> str | None:
    """Markup (JATS, MathML) and entities out, spaces folded, a final full stop dropped."""
    if not isinstance(text, str):
        return None
    value = " ".join(html.unescape(_TAGS.sub("", text)).split())
    value = value.rstrip(".").strip()
    return value or None


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else value


def crossref_paper(paper_id: PaperId, message: dict[str, Any]) -> Paper | None:
    """A Crossref work's `message` as a Paper; None without a title."""
    title = _clean(_first(message.get("title")))
    if title is None:
        return None
    people = [a for a in message.get("author") or [] if isinstance(a, dict)]
    names = [n for n in (_crossref_name(a) for a in people) if n]
    first = next((_crossref_name(a) for a in people if a.get("sequence") == "first"), None) or (
        names[0] if names else None
    )
    senior = names[-1] if len(names) > 1 else None
    year = None
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (message.get(key) or {}).get("date-parts")
        head = _first(_first(parts))
        if isinstance(head, int):
            year = head
            break
    journal = _clean(_first(message.get("container-title")))
    return Paper(paper_id, title, first, senior, journal, year)


def _crossref_name(author: dict[str, Any]) -> str | None:
    given, family = _clean(author.get("given")), _clean(author.get("family"))
    if family:
        return f"{given} {family}" if given else family
    return _clean(author.get("name"))  # a consortium


def pubmed_paper(paper_id: PaperId, summary: dict[str, Any]) -> Paper | None:
    """An esummary record as a Paper; None for an `error` record or one without a title."""
    if summary.get("error"):
        return None
    title = _clean(summary.get("title"))
    if title is None:
        return None
    authors = [
        a["name"]
        for a in summary.get("authors") or []
        if isinstance(a, dict) and isinstance(a.get("name"), str) and a.get("authtype") == "Author"
    ]
    first = authors[0] if authors else _clean(summary.get("sortfirstauthor"))
    senior = authors[-1] if len(authors) > 1 else None
    journal = _clean(summary.get("fulljournalname")) or _clean(summary.get("source"))
    found = _YEAR.search(str(summary.get("pubdate") or summary.get("sortpubdate") or ""))
    return Paper(paper_id, title, first, senior, journal, int(found.group()) if found else None)


class HttpPaperLookup:
    """One aiohttp session per process; `close()` at shutdown."""

    def __init__(
        self,
        *,
        crossref_url: str = CROSSREF_URL,
        pubmed_url: str = PUBMED_URL,
        timeout: float = TIMEOUT_SECONDS,
        contact: str | None = None,
    ) -> None:
        self._crossref = crossref_url.rstrip("/")
        self._pubmed = pubmed_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._contact = contact
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    def _open(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        if self._session is None or self._session.closed:
            agent = "NetworkingCoach/0.1 (a Discord bot for medical students"
            # Crossref's etiquette: a contact address puts requests in its "polite" pool.
            agent += f"; mailto:{self._contact})" if self._contact else ")"
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, headers={"User-Agent": agent}
            )
            self._slots = asyncio.Semaphore(CONCURRENCY)
        assert self._slots is not None
        return self._session, self._slots

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def lookup(self, paper: PaperId) -> Paper | None:
        if paper.source is PaperSource.CROSSREF:
            body = await self._get(f"{self._crossref}/works/{quote(paper.value, safe='/')}", {})
            message = body.get("message") if isinstance(body, dict) else None
            return crossref_paper(paper, message) if isinstance(message, dict) else None
        params = {"db": "pubmed", "id": paper.value, "retmode": "json", "tool": "networking-coach"}
        if self._contact:
            params["email"] = self._contact
        body = await self._get(f"{self._pubmed}/esummary.fcgi", params)
        result = body.get("result") if isinstance(body, dict) else None
        summary = result.get(paper.value) if isinstance(result, dict) else None
        return pubmed_paper(paper, summary) if isinstance(summary, dict) else None

    async def _get(self, url: str, params: dict[str, str]) -> object:
        """The JSON body; {} for a 404 (unknown id); PaperLookupFailed for anything that is
        not an answer (network, timeout, 5xx, 429, a body too large or not JSON)."""
        session, slots = self._open()
        try:
            async with slots, session.get(url, params=params) as response:
                if response.status == 404:
                    return {}
                if response.status != 200:
                    raise PaperLookupFailed(f"HTTP {response.status}")
                raw = await response.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.info("paper look-up failed: %s", type(error).__name__)
            raise PaperLookupFailed(type(error).__name__) from error
        if len(raw) > MAX_BYTES:
            raise PaperLookupFailed("answer too large")
        try:
            return json.loads(raw)
        except ValueError as error:
            raise PaperLookupFailed("not JSON") from error
