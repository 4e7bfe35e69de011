"""The core speaks of students, messages and idempotency keys, never of how a platform carries
them: no DM channels, nonces, pacing of a platform's rate limit or a store's locks. The import
rules (lint-imports) keep discord and aiosqlite out; this keeps their ideas out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "bot" / "core"
PLATFORM_IDEAS = re.compile(
    r"nonce|open_dm|dm_channel|channel_id|pacer|enforce_|_db_turn|50 ?(/s|requests)", re.I
)
# Upgrading a version 2 export drops the old students table's columns (dm_channel_id among them).
EXCEPTIONS = {"export_upgrade.py": {"dm_channel_id"}}


@pytest.mark.parametrize("module", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_names_no_platform_idea(module: Path) -> None:
    allowed = EXCEPTIONS.get(module.name, set())
    found = [
        (number, match.group(0))
        for number, line in enumerate(module.read_text().splitlines(), 1)
        for match in PLATFORM_IDEAS.finditer(line)
        if not any(word in line for word in allowed)
    ]
    assert found == []
