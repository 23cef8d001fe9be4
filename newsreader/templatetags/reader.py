"""Template filters of the reading pages: digits, dates and article blocks.

``block_html`` is the one place an article block becomes HTML. Whatever it
adds (an emphasised dateline, bidi isolation around Latin words) is markup
only: the element's text content stays exactly ``text[start:end]`` of the
revision, which is what maps a browser selection back to offsets.
"""

from __future__ import annotations

import re
from datetime import date

from django import template
from django.template.defaultfilters import stringfilter
from django.utils import dateformat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ARABIC_INDIC = "arab"
_TO_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# A run of Latin words (with digits and inner punctuation: COVID-19, F-16, 5G,
# Pfizer/BioNTech, iPhone 12 Pro) inside right-to-left text. Left alone, the
# bidi algorithm lets a Latin word swallow the numbers after it (rule W7): in
# "فاز فريق Real Madrid 3-1 على برشلونة" the score is drawn to the right of the
# team, so an Arabic reader meets it first. Isolating the run in <bdi> keeps
# every piece in reading order (checked in tests/browser/test_reader.py).
_LATIN = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"  # letters, not × ÷
_LATIN_WORD = rf"(?:[0-9]+[{_LATIN}]|[{_LATIN}])[{_LATIN}0-9]*(?:[-./+&_:'’@#%]+[{_LATIN}0-9]+)*"
# Bare numbers join a run only between two Latin words ("iPhone 12 Pro"): a
# number after the last Latin word belongs to the Arabic sentence as often as not.
LATIN_RUN = re.compile(rf"{_LATIN_WORD}(?:(?: +[0-9]+)* +{_LATIN_WORD})*")


@register.filter
@stringfilter
def digits(value: str, style: str = "") -> str:
    """Show ASCII digits as Arabic-Indic ones (٠١٢٣) when ``style`` is ``"arab"``."""
    if style == ARABIC_INDIC:
        return value.translate(_TO_ARABIC_INDIC)
    return value


@register.filter
def weekday_date(value: date | None) -> str:
    """``الثلاثاء 2021/07/27`` (weekday in the active language, then the date)."""
    if not value:
        return ""
    return dateformat.format(value, "l Y/m/d")


def block_segments(text: str, dateline: str = "") -> list[tuple[str, str]]:
    """Split a block's text into ``(kind, text)`` segments that join back to ``text``.

    Kinds: ``dateline`` (the dateline opening the block), ``latin`` (a run to
    isolate), ``text``.
    """
    segments: list[tuple[str, str]] = []
    rest_start = 0
    dateline = dateline.strip()
    if dateline and text.startswith(dateline):
        segments.append(("dateline", dateline))
        rest_start = len(dateline)
    position = rest_start
    for match in LATIN_RUN.finditer(text, rest_start):
        if match.start() > position:
            segments.append(("text", text[position : match.start()]))
        segments.append(("latin", match.group()))
        position = match.end()
    if position < len(text):
        segments.append(("text", text[position:]))
    return segments


def _segments_html(segments) -> SafeString:
    parts = []
    for kind, text in segments:
        if kind == "dateline":
            parts.append(f'<b class="dateline">{escape(text)}</b>')
        elif kind == "latin":
            parts.append(f"<bdi>{escape(text)}</bdi>")
        else:
            parts.append(escape(text))
    return mark_safe("".join(parts))


@register.filter
def block_html(block, dateline: str = "") -> SafeString:
    """The inner HTML of one article block (escaped; text content unchanged)."""
    return _segments_html(block_segments(block.text, dateline or ""))


@register.filter
def isolate_latin(value) -> SafeString:
    """Any Arabic text (a title or lede in a list), escaped, its Latin runs isolated."""
    return _segments_html(block_segments(str(value)))
