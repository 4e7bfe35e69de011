"""ChartRenderer: drawn in a worker process, cached per student per ISO week by fingerprint."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

from bot.core.progress import WeekCounts
from bot.discord_adapter.chart_renderer import ChartRenderer
from bot.discord_adapter.charts import weekly_chart
from bot.workers import ExecutorOffload, InlineOffload

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
MONDAY = date(2026, 3, 2)


def weeks(new: int) -> list[WeekCounts]:
    return [
        WeekCounts(start=MONDAY - timedelta(weeks=n), new_contacts=new + n, follow_ups=n)
        for n in reversed(range(12))
    ]


async def test_cached_per_student_per_week_until_the_figures_change() -> None:
    renderer = ChartRenderer(InlineOffload())
    first = await renderer.weekly_png(A, weeks(1), MONDAY)
    assert first == weekly_chart(weeks(1))
    assert await renderer.weekly_png(A, weeks(1), MONDAY + timedelta(days=6)) == first
    assert renderer.drawn == 1  # same student, same ISO week, same figures
    await renderer.weekly_png(B, weeks(1), MONDAY)  # another student
    await renderer.weekly_png(A, weeks(2), MONDAY)  # the figures changed
    await renderer.weekly_png(A, weeks(2), MONDAY + timedelta(days=7))  # a new week
    assert renderer.drawn == 4


async def test_the_cache_is_bounded() -> None:
    renderer = ChartRenderer(InlineOffload(), entries=2)
    for student in (1, 2, 3):
        await renderer.weekly_png(student, weeks(1), MONDAY)
    await renderer.weekly_png(1, weeks(1), MONDAY)  # evicted (oldest): drawn again
    assert renderer.drawn == 4


async def test_drawn_in_a_worker_process_from_plain_data() -> None:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        png = await ChartRenderer(ExecutorOffload(pool)).weekly_png(A, weeks(3), MONDAY)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == weekly_chart(weeks(3))  # the same picture as drawn in this process
