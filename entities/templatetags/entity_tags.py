"""Template filters of the entity pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from newsreader.templatetags.reader import digits

register = template.Library()


@register.filter
def label_info(code: str, labels: dict):
    """The :class:`~entities.selectors.LabelInfo` of a label code (None when unknown)."""
    return labels.get(code) if labels else None


@register.simple_tag(takes_context=True)
def month_bars(context, bars) -> str:
    """The bars of the month chart as SVG ``rect`` elements (numbers and labels only: nothing to escape).

    Built here rather than with template tags per bar: ten years are 120 bars.
    """
    return mark_safe(
        "".join(
            f'<rect x="{b["x"]}" y="{b["y"]}" width="8" height="{b["height"]}"><title>{b["label"]}: {b["articles"]}</title></rect>'
            for b in bars
        )
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
