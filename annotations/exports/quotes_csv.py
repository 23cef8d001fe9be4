"""A CSV of quotes: who said what, where and when. One row per quote.

Columns: ``speaker``, ``quote``, ``type`` (direct, indirect, partial), ``cue``
(the reporting verb), ``article_title``, ``article_id``, ``date`` (the
article's publication date, YYYY-MM-DD), ``source``, then ``speaker_label``
(the speaker entity's label, empty for a free-text name), ``start`` and
``end`` (the quote's offsets in the article's text), ``annotation_id``,
``note``, ``creator``, ``status`` and ``article_url``.

The file is UTF-8 with a byte-order mark, so spreadsheet programs open the
Arabic correctly; rows end with CRLF (RFC 4180). A cell that starts with
``=``, ``+``, ``-``, ``@`` or a tab or carriage return gets a leading
apostrophe, so a spreadsheet shows it as text instead of running it as a
formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from annotations.exports.selection import ArticleDoc, ExportContext

NAME = "quotes-csv"
MEDIA_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
BOM = "\ufeff"
COLUMNS = (
    "speaker",
    "quote",
    "type",
    "cue",
    "article_title",
    "article_id",
    "date",
    "source",
    "speaker_label",
    "start",
    "end",
    "annotation_id",
    "note",
    "creator",
    "status",
    "article_url",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value) -> str:
    """A cell value that a spreadsheet will not take for a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(doc: ArticleDoc, ctx: ExportContext) -> Iterator[list[str]]:
    for row in doc.quotes:
        cue = doc.text[row["cue_start"] : row["cue_end"]] if row["cue_start"] is not None else ""
        values = {
            "speaker": doc.speaker_name(row),
            "quote": row["exact"],
            "type": row["quote_type"],
            "cue": cue,
            "article_title": doc.title,
            "article_id": doc.article_id,
            "date": doc.published_on.isoformat() if doc.published_on else "",
            "source": doc.source_name,
            "speaker_label": row.get("speaker__label__code") or "" if row["speaker_id"] is not None else "",
            "start": row["start"],
            "end": row["end"],
            "annotation_id": row["id"],
            "note": row["note"],
            "creator": row.get("creator__username") or "",
            "status": row["status"],
            "article_url": ctx.urls.article(doc.article_id),
        }
        yield [safe(values[name]) for name in COLUMNS]


def export(docs: Iterable[ArticleDoc], ctx: ExportContext) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # excel dialect: CRLF line ends, quotes where needed
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    for doc in docs:
        for row in rows(doc, ctx):
            writer.writerow(row)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
