"""The /progress chart: contacts added and messages sent per week, as a PNG.

matplotlib renders off-screen (the Agg backend, no display needed). It is imported on first
use: loading it takes longer than everything else at start-up, and most runs never draw.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from types import ModuleType

from bot.core.progress import WeekCounts

TEAL = "#2B7A78"
SAND = "#E0B973"


@cache
def _pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: no GUI backend on a server
    import matplotlib.pyplot as plt

    return plt


ChartRows = tuple[tuple[str, int, int], ...]  # (week label, new contacts, exchanges), oldest first


def chart_rows(weeks: Sequence[WeekCounts]) -> ChartRows:
    """The plain data a chart is drawn from: what crosses to a worker process, and what the
    cache fingerprints."""
    return tuple((f"{w.start.day} {w.start:%b}", w.new_contacts, w.exchanges) for w in weeks)


def weekly_chart(weeks: Sequence[WeekCounts]) -> bytes:
    """A grouped bar chart of new contacts and exchanges for each week, oldest first."""
    return render_rows(chart_rows(weeks))


def render_rows(rows: ChartRows) -> bytes:
    """Draw the chart (CPU-bound: run it in a worker process, see chart_renderer)."""
    plt = _pyplot()
    labels = [label for label, _, _ in rows]
    positions = range(len(rows))
    figure, axes = plt.subplots(figsize=(8, 3.2), dpi=110)
    try:
        axes.bar(
            [p - 0.2 for p in positions],
            [new for _, new, _ in rows],
            width=0.4,
            label="New contacts",
            color=TEAL,
        )
        axes.bar(
            [p + 0.2 for p in positions],
            [exchanges for _, _, exchanges in rows],
            width=0.4,
            label="Messages and meetings",
            color=SAND,
        )
        axes.set_xticks(list(positions), labels, rotation=45, ha="right", fontsize=8)
        axes.set_title("Your last 12 weeks", fontsize=11)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False, fontsize=8)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return buffer.getvalue()
