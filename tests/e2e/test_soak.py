"""The soak (bench/soak.py) in miniature, so that its code path cannot rot: the real `coach run`
process for eight seconds with every fault but the one-minute retries, and all its checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak import SoakConfig, run_soak

pytestmark = pytest.mark.e2e


async def test_short_soak_keeps_every_invariant(tmp_path: Path) -> None:
    """Digests due a few seconds in (one while the bot is killed), drops, 5xx/429, kill -9."""
    config = SoakConfig(seconds=8, students=6, rate=5, digests=12, poll=0.2, settle=15)
    report = await run_soak(config, tmp_path)
    text = "\n".join(f"{name}: {value}" for name, value in report.figures)
    assert report.failures == [], f"{report.failures}\n{text}"
