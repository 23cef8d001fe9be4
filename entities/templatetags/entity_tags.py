"""Template filters of the entity pages."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsreader.templatetags.reader import digits

register = template.Library()


@register.filter
def label_info(code: str, labels: dict):
    """The :class:`~entities.selectors.LabelInfo` of a label code (None when unknown)."""
    return labels.get(code) if labels else None


@register.simple_tag(takes_context=True)
def month_chart(context, chart) -> str:
    """The "over time" chart (entities/chart.py): height axis, bars with gridlines, month axis.

    Text stays out of the SVG (stretched to the width, it would distort letters); the axes are lists
    laid out by CSS beside and below it, one item per month so labels sit under their bars.
    """
    style = context.get("reader_digits", "")
    y_axis = "".join(f"<li>{digits(str(n), style)}</li>" for n in chart.y_ticks)
    lines = "".join(
        f'<line x1="0" x2="{chart.width}" y1="{y}" y2="{y}" vector-effect="non-scaling-stroke"></line>'
        for y in ([0, 50, 100] if len(chart.y_ticks) == 3 else [0, 100])
    )
    rects = "".join(
        f'<rect x="{b["x"]}" y="{b["y"]}" width="8" height="{b["height"]}"><title>{escape(digits(b["title"], style))}</title></rect>'
        for b in chart.bars
    )
    x_axis = "".join(f"<li>{escape(digits(label, style))}</li>" for label in chart.x_labels)
    return mark_safe(
        f'<div class="month-chart__plot"><ol class="month-chart__y" data-num aria-hidden="true">{y_axis}</ol>'
        f'<svg class="month-chart__bars" viewBox="0 0 {chart.width} 100" preserveAspectRatio="none" role="img" '
        f'aria-labelledby="time-caption">{lines}{rects}</svg>'
        f'<ol class="month-chart__x" data-num aria-hidden="true">{x_axis}</ol></div>'
    )


@register.simple_tag(takes_context=True)
def month_rows(context, bars) -> str:
    """The month chart's numbers as table rows, in the reader's digits."""
    style = context.get("reader_digits", "")
    return mark_safe(
        "".join(
            f'<tr><th scope="row" data-num>{digits(b["label"], style)}</th><td data-num>{digits(b["articles"], style)}</td>'
            f'<td data-num>{digits(b["mentions"], style)}</td></tr>'
            for b in bars
        )
    )
