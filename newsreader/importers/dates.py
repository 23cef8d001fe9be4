"""Publication dates as Arabic news sites print them.

Understood (digits may be ASCII, Arabic-Indic ``٠-٩`` or Persian ``۰-۹``)::

    الثلاثاء 2021/07/27      2021-07-27      27/07/2021      27.07.2021
    الثلاثاء، 27 يوليو 2021    27 تموز 2021    27 يوليو/تموز 2021م    2021-07-27T10:00:00+03:00

Numeric dates are year-month-day when the year comes first, otherwise
day-month-year (the Arab convention; ``07/27/2021`` is refused, not guessed).
A weekday, when given, must match the date: a mismatch nearly always means the
date itself is wrong.
"""

from __future__ import annotations

import re
from datetime import date

from arabic.normalize import fold_text

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# Monday is 0, as date.weekday() counts.
_WEEKDAYS = {
    "الاثنين": 0,
    "الإثنين": 0,
    "الثلاثاء": 1,
    "الأربعاء": 2,
    "الخميس": 3,
    "الجمعة": 4,
    "السبت": 5,
    "الأحد": 6,
}
WEEKDAY_NAMES = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]

# Egyptian/Gulf, Levantine/Iraqi and Maghrebi month names.
_MONTHS = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7,
    "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8,
}  # fmt: skip

_WEEKDAY_KEYS = {fold_text(k): v for k, v in _WEEKDAYS.items()}
_MONTH_KEYS = {fold_text(k): v for k, v in _MONTHS.items()}


def _alternation(keys) -> str:
    # Longest first so that "كانون الثاني" wins over a shorter prefix.
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_WEEKDAY = _alternation(_WEEKDAY_KEYS)
_MONTH = _alternation(_MONTH_KEYS)

_NUMERIC = r"(?P<a>\d{1,4})\s*(?P<sep>[/.-])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*(?P<c>\d{1,4})"
_NAMED = rf"(?P<day>\d{{1,2}})\s+(?P<m1>{_MONTH})(?:\s*[/-]\s*(?P<m2>{_MONTH}))?\s*[،,]?\s*(?P<year>\d{{4}})"
_DATE = rf"(?:{_NUMERIC}|{_NAMED})(?:\s*م(?!\w))?"
_TIME = r"(?:\s*[-–،,|]?\s*(?:الساعه\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:ص|م|صباحا|مساء|am|pm))?)?"
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?")

_DATE_RE = re.compile(rf"{_DATE}{_TIME}")
_WEEKDAY_PREFIX_RE = re.compile(rf"^(?P<weekday>{_WEEKDAY})(?!\w)\s*[،,]?\s*")
# Something shaped like a numeric date, even an impossible one (2021/13/45).
_LOOSE_NUMERIC_RE = re.compile(r"\d+\s*([/.-])\s*\d+\s*\1\s*\d+")
# A weekday line longer than this is a sentence, not a date line.
_MAX_WEEKDAY_LINE_WORDS = 12
_SENTENCE_END = (".", "؟", "?", "!", "…")


class DateError(ValueError):
    """Text that is meant as a date but is not a valid one; the message says why."""


def _fold(text: str) -> str:
    return fold_text(text.translate(DIGITS)).strip()


def _build(match: re.Match, original: str) -> date:
    if match.group("a") is not None:
        a, b, c = match.group("a"), match.group("b"), match.group("c")
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        elif len(c) == 4:
            day, month, year = int(a), int(b), int(c)
        else:
            raise DateError(f"{original!r} is not a date: the year must have four digits")
    else:
        day, year = int(match.group("day")), int(match.group("year"))
        month = _MONTH_KEYS[match.group("m1")]
        if match.group("m2") and _MONTH_KEYS[match.group("m2")] != month:
            raise DateError(f"{original!r} names two different months")
    if not 1900 <= year <= 2100:
        raise DateError(f"{original!r} is not a date: year {year} is out of range")
    if not 1 <= month <= 12:
        raise DateError(f"{original!r} is not a date: month {month} must be between 1 and 12")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"{original!r} is not a date: month {month} of {year} has no day {day}") from None


def _check_weekday(value: date, weekday: int | None) -> date:
    if weekday is not None and value.weekday() != weekday:
        raise DateError(
            f"the weekday {WEEKDAY_NAMES[weekday]} does not match {value:%Y/%m/%d}, "
            f"which is a {WEEKDAY_NAMES[value.weekday()]}"
        )
    return value


def parse_date(text: str) -> date:
    """A date written in any of the styles above (a weekday is allowed); raises :class:`DateError`."""
    folded = _fold(text).lower()
    iso = _ISO_DATETIME.fullmatch(folded)
    if iso:
        folded = iso.group(1)
    weekday = None
    prefix = _WEEKDAY_PREFIX_RE.match(folded)
    if prefix:
        weekday = _WEEKDAY_KEYS[prefix.group("weekday")]
        folded = folded[prefix.end() :]
    match = _DATE_RE.fullmatch(folded)
    if match is None:
        raise DateError(f"{text.strip()!r} is not a date (write it like 2021-07-27, 27/07/2021 or 27 يوليو 2021)")
    return _check_weekday(_build(match, text.strip()), weekday)


def parse_date_line(line: str) -> date | None:
    """The date of a date line (``الثلاثاء 2021/07/27``), or ``None`` for any other line.

    ``None`` means the line is not a date line at all (a lede, a caption, a
    paragraph). A line that clearly *is* one but holds an impossible or
    unreadable date raises :class:`DateError`, so a typo is reported instead
    of the line being silently taken for text.
    """
    folded = _fold(line)
    weekday = None
    rest = folded
    prefix = _WEEKDAY_PREFIX_RE.match(folded)
    if prefix:
        weekday = _WEEKDAY_KEYS[prefix.group("weekday")]
        rest = folded[prefix.end() :]
    match = _DATE_RE.fullmatch(rest)
    if match is not None:
        return _check_weekday(_build(match, line.strip()), weekday)
    # A short weekday line that is not a sentence (a lede ends with a full stop).
    short = len(folded.split()) <= _MAX_WEEKDAY_LINE_WORDS
    if weekday is not None and short and not folded.endswith(_SENTENCE_END):
        # "الثلاثاء 17 ذو الحجة 1442 هـ - 27 يوليو 2021": take the first valid date in it.
        errors = []
        for candidate in _DATE_RE.finditer(rest):
            try:
                value = _build(candidate, line.strip())
            except DateError as exc:
                errors.append(exc)
                continue
            return _check_weekday(value, weekday)
        if errors:
            raise errors[0]
        if re.search(r"\d", rest) and len(folded.split()) <= 4:
            raise DateError(
                f"{line.strip()!r} starts with a weekday but holds no date this importer understands "
                "(expected e.g. الثلاثاء 2021/07/27)"
            )
        return None
    if _LOOSE_NUMERIC_RE.fullmatch(rest):
        raise DateError(f"{line.strip()!r} is not a date: write it like 2021/07/27 or 27/07/2021")
    return None
