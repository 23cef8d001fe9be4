"""A speaker's quotes as CSV: the columns and cell rules of the ``quotes-csv`` export.

Same file as ``annotations/exports/quotes_csv.py`` writes (its columns, UTF-8
with a byte-order mark, CRLF, formula-injection-safe cells through its
:func:`~annotations.exports.quotes_csv.safe`), for the quotes a user can see of
one speaker, filtered like the speaker page. Rows stream, a chunk of quotes at
a time: the number of queries grows with the chunks, never with each quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from django.utils.text import slugify

from annotations.exports.quotes_csv import BOM, COLUMNS, MEDIA_TYPE, safe
from annotations.models import Annotation
from entities.models import Entity
from entities.quote_selectors import QuoteFilter
from entities.selectors import fetch_all

__all__ = ["MEDIA_TYPE", "filename", "quotes_csv"]

CHUNK = 500


def filename(entity: Entity) -> str:
    name = slugify(entity.name or entity.key, allow_unicode=True) or "speaker"
    return f"quotes-{entity.pk}-{name}.csv"


def quotes_csv(user, quote_filter: QuoteFilter, *, article_url: Callable[[str], str]) -> Iterator[bytes]:
    """The CSV, as UTF-8 bytes, newest quote first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # excel dialect: CRLF line ends, quotes where needed
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    sql, params = quote_filter.sql(user, ["annotation_id", "speaker_name", "label"])
    rows = fetch_all(sql, params)
    for first in range(0, len(rows), CHUNK):
        chunk = rows[first : first + CHUNK]
        annotations = Annotation.objects.select_related("article__source", "article__current_revision", "revision", "creator").in_bulk(
            [annotation_id for annotation_id, _, _ in chunk]
        )
        for annotation_id, speaker_name, label in chunk:
            a = annotations.get(annotation_id)
            if a is None:  # deleted meanwhile
                continue
            cue = a.revision.text[a.cue_start : a.cue_end] if a.cue_start is not None else ""
            values = {
                "speaker": speaker_name,
                "quote": a.exact,
                "type": a.quote_type,
                "cue": cue,
                "article_title": a.article.title,
                "article_id": a.article_id,
                "date": a.article.published_on.isoformat() if a.article.published_on else "",
                "source": a.article.source.name,
                "speaker_label": label,
                "start": a.start,
                "end": a.end,
                "annotation_id": a.pk,
                "note": a.note,
                "creator": a.creator.get_username() if a.creator_id else "",
                "status": a.status,
                "article_url": article_url(a.article.get_absolute_url()),
            }
            writer.writerow([safe(values[name]) for name in COLUMNS])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
