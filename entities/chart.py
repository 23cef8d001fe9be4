"""The entity page's "over time" chart: months as bars, readable from one mention to thousands.

Pure data for :func:`entities.templatetags.entity_tags.month_chart`: at least MIN_SLOTS months are
shown (earlier months added before a short history, so one month is one narrow bar among a year's
slots, not a block filling the chart), the height axis goes up to a round number (1, 2, 5, 10, 20,
50 … so its labels are whole numbers), and up to four months carry a label (month name in the
interface language, and year; four fit a phone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import formats

MIN_SLOTS = 12
MAX_X_LABELS = 4


def nice_ceiling(n: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, 100 … that is at least ``n`` (and at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= n:
                return step * factor
        step *= 10


def _month_before(day: date, count: int) -> date:
    index = day.year * 12 + day.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Chart:
    width: int  # SVG units: 10 per month
    bars: list[dict]  # x, y, height, title (months with data or empty ones between them)
    y_ticks: list[int]  # top to bottom: the round maximum, its half when whole, 0
    x_labels: list[str]  # one per slot, "" where unlabelled


def month_chart(months) -> Chart:
    """``months``: :class:`entities.entity_page.Month` rows from the first to the last, gaps filled."""
    padding = max(0, MIN_SLOTS - len(months))
    first = months[0].month if months else date.today().replace(day=1)
    slots = [_month_before(first, padding - i) for i in range(padding)] + [m.month for m in months]
    top = nice_ceiling(max((m.articles for m in months), default=0))
    bars = []
    for i, m in enumerate(months):
        height = round(100 * m.articles / top, 2)
        label = formats.date_format(m.month, "F Y")
        bars.append({"x": (padding + i) * 10 + 1, "y": round(100 - height, 2), "height": height, "title": f"{label}: {m.articles}"})
    every = -(-len(slots) // MAX_X_LABELS)  # ceiling
    # Label the last month and every `every`-th one counting back from it (the newest is what readers look for).
    x_labels = [formats.date_format(day, "M Y") if (len(slots) - 1 - i) % every == 0 else "" for i, day in enumerate(slots)]
    y_ticks = [top, top // 2, 0] if top % 2 == 0 else [top, 0]
    return Chart(width=len(slots) * 10, bars=bars, y_ticks=y_ticks, x_labels=x_labels)
