"""Stand-ins for the paper look-ups: `FakePaperLookup`, the PaperLookup port's hand-written fake
for unit tests, and `FakePaperServices`, a local Crossref and PubMed E-utilities on loopback
(one aiohttp app) that the real HTTP client and the end-to-end tests talk to.

The fake services answer with the shapes of the real ones (Crossref's `/works/{doi}` message,
PubMed's `esummary.fcgi?retmode=json` result), record every request, and can be told to answer
with an error status, slowly, or with a body that is not JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.core.errors import PaperLookupFailed
from bot.core.papers import Paper, PaperId


class FakePaperLookup:
    """Answers from `papers`; `fail` makes every look-up raise; `gate` holds each one until
    set; `calls` counts the look-ups asked."""

    def __init__(self, papers: dict[PaperId, Paper] | None = None) -> None:
        self.papers = dict(papers or {})
        self.fail = False
        self.gate: asyncio.Event | None = None
        self.calls: list[PaperId] = []

    async def lookup(self, paper: PaperId) -> Paper | None:
        self.calls.append(paper)
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise PaperLookupFailed("the fake is down")
        return self.papers.get(paper)


def crossref_work(
    title: str = "Nurse calls after <i>heart-failure</i> discharge: a randomized trial.",
    authors: tuple[tuple[str, str], ...] = (
        ("Amara", "Okafor"),
        ("Ben", "Roy"),
        ("Helen", "Marsh"),
    ),
    journal: str = "JAMA Cardiology",
    year: int = 2025,
) -> dict[str, Any]:
    """A Crossref `/works/{doi}` body with the fields the client reads (and some it doesn't)."""
    return {
        "status": "ok",
        "message-type": "work",
        "message": {
            "title": [title],
            "author": [
                {"given": given, "family": family, "sequence": "first" if n == 0 else "additional"}
                for n, (given, family) in enumerate(authors)
            ],
            "container-title": [journal],
            "issued": {"date-parts": [[year, 3, 5]]},
            "reference-count": 31,
            "type": "journal-article",
        },
    }


def pubmed_summary(
    pmid: str, title: str = "Sepsis screening in the emergency department."
) -> dict[str, Any]:
    """A PubMed `esummary.fcgi?retmode=json` body for one id."""
    return {
        "header": {"type": "esummary", "version": "0.3"},
        "result": {
            "uids": [pmid],
            pmid: {
                "uid": pmid,
                "pubdate": "2024 Mar 5",
                "source": "Ann Emerg Med",
                "fulljournalname": "Annals of emergency medicine",
                "title": title,
                "authors": [
                    {"name": "Lee A", "authtype": "Author"},
                    {"name": "Gomez M", "authtype": "Author"},
                    {"name": "Sepsis Study Group", "authtype": "CollectiveName"},
                    {"name": "Marsh H", "authtype": "Author"},
                ],
            },
        },
    }


@dataclass
class FakePaperServices:
    """Crossref and PubMed on one loopback port: `crossref_url`, `pubmed_url`."""

    works: dict[str, Any] = field(default_factory=dict)  # doi → Crossref body
    summaries: dict[str, Any] = field(default_factory=dict)  # pmid → PubMed body
    status: int = 200  # answer every request with this status instead
    delay: float = 0.0  # seconds before answering
    not_json: bool = False
    requests: list[str] = field(default_factory=list)
    base: str = ""

    @property
    def crossref_url(self) -> str:
        return f"{self.base}/crossref"

    @property
    def pubmed_url(self) -> str:
        return f"{self.base}/eutils"

    async def _answer(self, request: web.Request, body: Any | None) -> web.Response:
        self.requests.append(request.path_qs)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.json_response({"status": "error"}, status=self.status)
        if self.not_json:
            return web.Response(text="<html>maintenance</html>", content_type="text/html")
        if body is None:
            return web.Response(text="Resource not found.", status=404)
        return web.json_response(body)

    async def _work(self, request: web.Request) -> web.Response:
        return await self._answer(request, self.works.get(request.match_info["doi"].lower()))

    async def _summary(self, request: web.Request) -> web.Response:
        pmid = request.query.get("id", "")
        body = self.summaries.get(pmid) or {
            "result": {"uids": [pmid], pmid: {"uid": pmid, "error": "cannot get document summary"}}
        }
        return await self._answer(request, body)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[FakePaperServices]:
        app = web.Application()
        app.router.add_get("/crossref/works/{doi:.+}", self._work)
        app.router.add_get("/eutils/esummary.fcgi", self._summary)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        try:
            yield self
        finally:
            await runner.cleanup()
