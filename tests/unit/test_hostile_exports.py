"""Hostile exports to restore: each is refused with a clear message, holds nothing, and is
read only within bounds (a zip bomb is never unpacked past the largest export)."""

from __future__ import annotations

import zlib

import pytest

from bot.core import restore
from bot.core.errors import InvalidInput
from bot.core.export_reader import unzipped_export
from tests.fakes import InMemoryPendingRepository, PicklingOffload, build_services
from tests.hostile_files import HOSTILE_EXPORTS, MB, zip_bomb

OWNER = 111


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPORTS))
async def test_a_hostile_export_is_refused_and_nothing_is_held(name: str) -> None:
    """Through the import's preview: a clear message, nothing pending, parsed in the worker."""
    build, phrase = HOSTILE_EXPORTS[name]
    pending = InMemoryPendingRepository()
    offload = PicklingOffload()
    services = build_services(pending=pending, offload=offload)
    with pytest.raises(InvalidInput) as refused:
        await services.imports.preview(OWNER, build())
    assert phrase in refused.value.user_message
    assert refused.value.user_message.endswith("Nothing was imported.")
    assert pending.rows == {}
    assert offload.ran == ["check_upload"]


def test_a_zip_bomb_is_refused_by_its_header_before_unpacking() -> None:
    """The declared size alone refuses it: not a byte is inflated."""
    bomb = zip_bomb(2 * MB)
    with pytest.raises(InvalidInput, match="unpacked; I can restore up to 1 MB"):
        unzipped_export(bomb, limit=1 * MB)


def test_parts_are_bounded_together_like_one_export(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part under the cap, together over it: refused while unpacking, before parsing."""
    monkeypatch.setattr(restore, "MAX_EXPORT_BYTES", 1 * MB)
    part = zlib.compress(b" " * (MB // 2 + 1))
    with pytest.raises(InvalidInput, match="Those parts make an export over 1 MB"):
        restore.check_parts([part, part])
