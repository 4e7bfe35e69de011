"""How many drafts per second the template catalogue renders, template by template.

    .venv/bin/python -m bench.drafts [--runs 5] [--seconds 0.2]

Two figures per template, each the median of --runs runs:
- render/s: `TemplateCatalogue.render` alone (the sandboxed Jinja blocks of every channel and
  version in turn, with the "full" sample context), for --seconds per template and run;
- draft/s: `DraftService.start` end to end for one contact on a real SQLite file in a temporary
  folder (profile and contact read, template picked, draft row written, rendered), the path
  behind /followup and /outreach.
Then both overall, across the catalogue.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.content.samples import SAMPLES
from bot.content.templates import CHANNELS, TemplateCatalogue, TemplateInfo
from bot.core.contacts import ContactService
from bot.core.drafts import DraftRequest, DraftService
from bot.core.models import DRAFT_FIELDS, Channel, ContactDraft, Profile, Role
from bot.core.students import StudentService
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.students import SqliteStudentRepository
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[1]
STUDENT = 1_000_000_000_000_000_001
# What a student types for a draft: every situation field the service accepts.
FIELDS = DRAFT_FIELDS


def renders_per_second(catalogue: TemplateCatalogue, info: TemplateInfo, seconds: float) -> float:
    """Renders of every channel and version in turn, for `seconds`."""
    sample = SAMPLES["full"]
    cases = [
        (channel, version)
        for channel in CHANNELS
        for version in range(1, catalogue.versions(info.id, channel) + 1)
    ]
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for channel, version in cases:
            catalogue.render(info.id, channel, sample, version)
        count += len(cases)
    return count / (time.perf_counter() - started)


async def drafts_per_second(
    service: DraftService, contact_id: int, info: TemplateInfo, seconds: float
) -> float:
    """`DraftService.start` for one contact, channel after channel, for `seconds`."""
    fields = {name: str(SAMPLES["full"][name]) for name in FIELDS}
    channels = list(Channel)
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        request = DraftRequest(
            kind=info.kind,
            people=(contact_id,),
            template_id=info.id,
            channel=channels[count % len(channels)],
            fields=fields,
        )
        await service.start(STUDENT, request)
        count += 1
    return count / (time.perf_counter() - started)


async def main(runs: int, seconds: float) -> None:
    catalogue = TemplateCatalogue.load(ROOT / "templates")
    clock = FakeClock(datetime(2026, 11, 22, 12, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "bench.sqlite3")
        await migrate(db)
        pending = SqlitePendingRepository(db)
        students = StudentService(SqliteStudentRepository(db), clock)
        contacts = ContactService(SqliteContactRepository(db), pending, students, clock)
        profiles = SqliteProfileRepository(db)
        service = DraftService(
            contacts, profiles, SqliteDraftRepository(db), pending, catalogue, clock
        )
        await service.save_profile(
            STUDENT,
            {"name": "Maya Chen", "school": "Riverside School of Medicine", "stage": "MS2"},
        )
        assert isinstance(await profiles.get(STUDENT), Profile)
        outcome = await contacts.add(
            STUDENT,
            ContactDraft(
                name="Amara Okafor",
                role=Role.ATTENDING,
                title="Dr.",
                specialty="Cardiology",
                institution="St Mary's Hospital",
                email="a.okafor@example.org",
            ),
        )
        assert outcome.contact is not None
        renders: dict[str, list[float]] = {}
        drafts: dict[str, list[float]] = {}
        infos = sorted(catalogue.templates(), key=lambda i: i.id)
        for _ in range(runs):
            for info in infos:
                renders.setdefault(info.id, []).append(renders_per_second(catalogue, info, seconds))
                drafts.setdefault(info.id, []).append(
                    await drafts_per_second(service, outcome.contact.id, info, seconds)
                )
        await db.close()
    print(f"{len(infos)} templates, median of {runs} runs of {seconds:g} s each")
    print(f"{'template':<32} {'render/s':>10} {'draft/s':>10}")
    for info in infos:
        print(
            f"{info.id:<32} {statistics.median(renders[info.id]):>10,.0f} "
            f"{statistics.median(drafts[info.id]):>10,.0f}"
        )
    # Overall: a render of each template in turn, so the harmonic mean of the rates (an
    # arithmetic mean would let the fastest templates hide the slow ones).
    overall_render = statistics.harmonic_mean([statistics.median(v) for v in renders.values()])
    overall_draft = statistics.harmonic_mean([statistics.median(v) for v in drafts.values()])
    print(f"{'overall (catalogue)':<32} {overall_render:>10,.0f} {overall_draft:>10,.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.2, help="per template and run")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.seconds))
