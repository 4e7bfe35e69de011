"""The export of an account at the caps goes back in: 5,000 contacts (the cap) with every text
field at its longest, 20,000 exchanges with the longest notes, drafts, reminders, events and
links; exported within a 10 MiB attachment limit, uploaded as sent, restored into an empty
account with every row equal. Slow (tens of seconds): the rows go in by bulk SQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.export_files import ARCHIVE_NAME, JSON_NAME, Packing
from bot.core.export_reader import MAX_EXPORT_BYTES
from bot.core.imports import MAX_RESTORE_BYTES
from bot.core.restore import RestorePreview, RestoreResult
from bot.core.services import Services
from bot.storage.backends import postgres_repositories, sqlite_repositories
from tests.exports import (
    HeavyShape,
    PostgresAsSqlite,
    normalised,
    seed_heavy_account,
    store_services,
)
from tests.fakes import FakeClock, PicklingOffload
from tests.storage.stores import SQLITE, open_store

pytestmark = [pytest.mark.storage, pytest.mark.timeout(400)]

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
LIMIT = 10 * 1024 * 1024  # Discord's attachment_size_limit outside boosted servers


# SQLite only: the same export and restore code runs on PostgreSQL in the restore contract
# (tests/storage/test_restore_repository_contract.py) and the e2e journeys, at smaller sizes;
# at the caps it took three minutes of CI's fifteen, for no code path of its own.
@pytest.fixture(params=[SQLITE])
async def services(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Services, PicklingOffload]]:
    store = await open_store(request.param, request, tmp_path)
    repos = (sqlite_repositories if store.kind == SQLITE else postgres_repositories)(store.handle)
    clock = FakeClock()
    offload = PicklingOffload()
    built = store_services(repos, clock, offload=offload)
    if store.kind == SQLITE:
        await seed_heavy_account(store.handle, A, clock.now(), HeavyShape(longest=True))
    else:
        async with store.handle.acquire() as connection:
            seeder = PostgresAsSqlite(connection)
            await seed_heavy_account(seeder, A, clock.now(), HeavyShape(longest=True))
    yield built, offload
    await store.close()


async def test_an_account_at_the_caps_exports_within_the_limit_and_restores_exactly(
    services: tuple[Services, PicklingOffload],
) -> None:
    """The JSON zipped under 10 MiB, built in the worker; uploaded as it is into an empty
    account, it restores every row (the same document again, but for ids); the JSON is under
    the restore cap."""
    built, offload = services
    export = await built.privacy.export(A, max_file_bytes=LIMIT)
    assert export.packing in (Packing.ARCHIVE, Packing.ARCHIVES)
    for message in export.messages:
        assert sum(len(data) for _, data in message) <= LIMIT
    name, upload = export.messages[0][0]
    assert name == ARCHIVE_NAME and len(upload) <= LIMIT <= MAX_RESTORE_BYTES
    with zipfile.ZipFile(io.BytesIO(upload)) as archive:
        raw = archive.read(JSON_NAME)
    document = json.loads(raw)
    assert len(document["contacts"]) == 5000 and len(document["exchanges"]) == 20_000
    assert (len(document["letters"]), len(document["interviews"])) == (30, 50)
    print(f"at the caps: JSON {len(raw):,} bytes, zip {len(upload):,} bytes")  # the report's
    assert len(raw) <= MAX_EXPORT_BYTES
    preview = await built.imports.preview(B, upload)
    assert isinstance(preview, RestorePreview) and preview.pending_id is not None
    assert preview.counts["contacts"] == 5000 and preview.counts["exchanges"] == 20_000
    result = await built.imports.confirm(B, preview.pending_id)
    assert isinstance(result, RestoreResult)
    again = json.loads(dict((await built.privacy.export(B)).files)[JSON_NAME])
    assert normalised(again) == normalised(document)
    assert offload.ran == ["build_export", "check_upload", "read_held", "build_export"]
