"""The `/progress` chart, drawn off the event loop and cached per student per ISO week.

matplotlib holds the GIL while it draws (100–300 ms for our chart), so a thread would still
stall every other interaction: the chart is drawn in a worker process (bot/workers.py; the pool
is made in the composition root and shut down on close). Plain data crosses to the worker and
PNG bytes come back. A student who asks again the same week with the same figures gets the cached
image: the key is (student, ISO week), the entry holds a fingerprint of the data drawn.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

from bot.core.ports import Offload
from bot.core.progress import WeekCounts
from bot.discord_adapter.charts import ChartRows, chart_rows, render_rows

CACHE_ENTRIES = 2048  # ~30 KB each: about 60 MB at most, one per active student this week


def fingerprint(rows: ChartRows) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class ChartRenderer:
    def __init__(self, offload: Offload, *, entries: int = CACHE_ENTRIES) -> None:
        self._offload = offload  # the bot's worker processes; inline in tests and tools
        self._entries = entries
        self._cache: OrderedDict[tuple[int, int, int], tuple[str, bytes]] = OrderedDict()
        self.drawn = 0  # charts actually drawn (not served from the cache)

    async def weekly_png(self, student_id: int, weeks: Sequence[WeekCounts], today: date) -> bytes:
        rows = chart_rows(weeks)
        year, week, _ = today.isocalendar()
        key = (student_id, year, week)
        mark = fingerprint(rows)
        cached = self._cache.get(key)
        if cached is not None and cached[0] == mark:
            self._cache.move_to_end(key)
            return cached[1]
        png = await self._offload.run(render_rows, rows)
        self.drawn += 1
        self._cache[key] = (mark, png)
        self._cache.move_to_end(key)
        while len(self._cache) > self._entries:
            self._cache.popitem(last=False)
        return png
