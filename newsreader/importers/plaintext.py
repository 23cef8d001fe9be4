"""Plain-text articles, one per file, in the layout of Arabic newspaper exports.

::

    بايدن يحدّد موعد نهاية "المهمّة القتالية" للأميركيين في العراق   <- headline
    الرئيس الأميركي يؤكد خلال لقائه ...                              <- lede (optional)
    الثلاثاء 2021/07/27                                             <- date line (optional)
    استمرار دعم العراق استخباراتيا                                   <- image caption (optional)
    واشنطن – وقع الرئيس الأميركي ...                                 <- body: one paragraph a line,
    ...                                                               the first may open with a dateline

Blank lines mean nothing: every non-blank line is one paragraph. Lines are
counted as in the file (blank ones included) for error messages.

How the optional parts are told apart:

* The **date line** is looked for as the 2nd or 3rd non-blank line; what lies
  between the headline and it is the lede. A line shaped like a date line
  but holding an impossible date (``الثلاثاء 2021/13/45``) is an error, not text.
* The line after the date line is the **caption** unless it opens with a
  dateline, is the last line, or is longer than :data:`CAPTION_MAX_WORDS`
  words (then it is the first body paragraph).
* **Without a date line** the 2nd line is the lede unless it opens with a
  dateline (then the body starts there), and the line after the lede is a
  caption only if the line after *it* opens with a dateline (the strongest
  sign left that the short line is not body text).
"""

from __future__ import annotations

from arabic.clean import clean_line, unify_newlines
from newsreader.importers.base import ArticleData, ArticleImportError, decode_text
from newsreader.importers.datelines import find_dateline, starts_with_dateline
from newsreader.importers.dates import DateError, parse_date_line

CAPTION_MAX_WORDS = 25
EXTENSIONS = (".txt",)


def parse(data: bytes) -> list[ArticleData]:
    return [parse_text(decode_text(data))]


def parse_text(text: str) -> ArticleData:
    lines = [(n, clean_line(raw)) for n, raw in enumerate(unify_newlines(text).split("\n"), start=1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise ArticleImportError("the file is empty: expected a headline on the first line")

    title_line, title = lines[0]
    if _date_of(title_line, title) is not None:
        raise ArticleImportError(
            "expected the headline on the first line, found a date line", line=title_line, field="title"
        )
    rest = lines[1:]
    if not rest:
        raise ArticleImportError("the article has a headline but no body text after it", line=title_line, field="body")

    subtitle = caption = ""
    published_on = None
    # The date line is the 2nd line (no lede) or the 3rd (after the lede).
    for index in (0, 1):
        if index < len(rest) and not (index == 1 and starts_with_dateline(rest[0][1])):
            published_on = _date_of(*rest[index])
            if published_on is not None:
                subtitle = rest[0][1] if index == 1 else ""
                rest = rest[index + 1 :]
                if rest and _is_caption(rest):
                    caption, rest = rest[0][1], rest[1:]
                break
    else:
        if not starts_with_dateline(rest[0][1]) and len(rest) > 1:
            subtitle, rest = rest[0][1], rest[1:]
            if len(rest) > 1 and _is_caption(rest) and starts_with_dateline(rest[1][1]):
                caption, rest = rest[0][1], rest[1:]

    if not rest:
        last_line = lines[-1][0]
        raise ArticleImportError(
            "the article has no body text: expected paragraphs after this line", line=last_line, field="body"
        )
    body = tuple(line for _, line in rest)
    return ArticleData(
        title=title,
        subtitle=subtitle,
        caption=caption,
        published_on=published_on,
        dateline=find_dateline(body[0]),
        body=body,
        line=title_line,
    )


def _date_of(number: int, line: str):
    try:
        return parse_date_line(line)
    except DateError as exc:
        raise ArticleImportError(f"bad date: {exc}", line=number, field="published_on") from None


def _is_caption(rest: list[tuple[int, str]]) -> bool:
    line = rest[0][1]
    return len(rest) > 1 and not starts_with_dateline(line) and len(line.split()) <= CAPTION_MAX_WORDS
