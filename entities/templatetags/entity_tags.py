"""Template filters of the entity pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def label_info(code: str, labels: dict):
    """The :class:`~entities.selectors.LabelInfo` of a label code (None when unknown)."""
    return labels.get(code) if labels else None


@register.filter
def percent_of(value: int, total: int) -> str:
    """``value`` as a percentage of ``total`` for a CSS-free bar length (SVG width), e.g. ``"37.5"``."""
    return f"{100 * value / total:.1f}" if total else "0"
