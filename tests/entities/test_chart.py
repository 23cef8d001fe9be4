"""The entity page's month chart (entities/chart.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from entities.chart import MIN_SLOTS, month_chart, nice_ceiling
from entities.entity_page import Month


@pytest.mark.parametrize(
    ("n", "expected"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (51, 100), (999, 1000), (1001, 2000)]
)
def test_nice_ceiling(n, expected):
    assert nice_ceiling(n) == expected


def test_one_month_is_one_narrow_bar_among_a_year_with_arabic_month_names():
    with translation.override("ar"):
        chart = month_chart([Month(date(2021, 7, 1), 1, 3)])
    assert chart.width == MIN_SLOTS * 10
    (bar,) = chart.bars
    assert (bar["x"], bar["height"], bar["y"]) == (111, 100.0, 0.0)  # the last slot, full height (1 of 1)
    assert chart.y_ticks == [1, 0]
    assert chart.x_labels[-1] == "يوليو 2021"
    # Every third month is labelled, counting back from the newest: October 2020, January, April, July 2021.
    assert [i for i, label in enumerate(chart.x_labels) if label] == [2, 5, 8, 11]
    assert chart.x_labels[2] == "أكتوبر 2020"


def test_a_thousand_articles_and_ten_years():
    months = [Month(date(2015 + i // 12, i % 12 + 1, 1), 1000 if i == 60 else i, i) for i in range(120)]
    chart = month_chart(months)
    assert chart.width == 1200 and len(chart.bars) == 120
    assert chart.y_ticks == [1000, 500, 0]
    assert max(b["height"] for b in chart.bars) == 100.0
    assert sum(1 for label in chart.x_labels if label) == 4
