"""What an export contains: which articles, which of their annotations, read once.

Every format works on the same :class:`ArticleDoc` stream, so the rules of
what is exported live here, once:

* **visibility** — annotations come from
  :func:`annotations.selectors.annotations_visible_to`: private annotations of
  other people never appear, anonymous callers get public ones only;
* **current text only** — an export pairs annotations with the text their
  offsets refer to, the article's current revision. Orphaned annotations (left
  on an older revision by an edit) are not exported;
* **hidden** annotations (hidden by a moderator) are never exported;
* **status** — by default ``human`` and ``accepted`` annotations: what people
  made or reviewed. Unreviewed machine suggestions (``suggested``) and
  ``rejected`` ones only when asked for;
* a quote's **speaker** link is kept only when the speaker entity is exported
  too; otherwise the quote keeps just its free-text ``speaker_name`` (so a
  public quote never reveals a private speaker annotation).

Reading is chunked: one query for a chunk of articles (with source and
current revision) and one for all their annotations, however many there are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from django.db.models import QuerySet

from annotations.models import Annotation
from annotations.selectors import W3C_VALUES, annotations_visible_to, speaker_shown_expression
from annotations.w3c import Urls
from newsreader.models import Article, Source

DEFAULT_STATUSES = (Annotation.Status.HUMAN, Annotation.Status.ACCEPTED)
ALL_STATUSES = tuple(Annotation.Status.values)
# Articles read per round trip to the database.
CHUNK_SIZE = 100

def dumps(data) -> bytes:
    """Compact UTF-8 JSON (datetimes as RFC 3339 with "Z")."""
    return orjson.dumps(data, option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)


# The columns every format may use: the W3C ones plus what the file formats need.
ROW_VALUES = W3C_VALUES + ("group__slug", "speaker__label__code")


@dataclass
class ExportQuery:
    """Which articles and annotations to export, and for whom (``user``: None is anonymous)."""

    user: Any = None
    article_ids: list[int] | None = None
    sources: list[Source] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    statuses: tuple[str, ...] = DEFAULT_STATUSES

    def articles(self) -> QuerySet[Article]:
        queryset = Article.objects.filter(current_revision__isnull=False)
        if self.article_ids is not None:
            queryset = queryset.filter(pk__in=self.article_ids)
        if self.sources:
            queryset = queryset.filter(source__in=self.sources)
        if self.date_from is not None:
            queryset = queryset.filter(published_on__gte=self.date_from)
        if self.date_to is not None:
            queryset = queryset.filter(published_on__lte=self.date_to)
        return queryset.order_by("published_on", "id")

    def annotations(self) -> QuerySet[Annotation]:
        return annotations_visible_to(self.user).filter(
            orphaned=False, hidden=False, status__in=list(self.statuses)
        )


@dataclass(frozen=True)
class ExportContext:
    """How an export names things: ``urls`` for IRIs, ``collection_id`` for the export itself."""

    urls: Urls
    collection_id: str
    label: str = "newsreader annotations"
    generated: datetime | None = None


@dataclass
class ArticleDoc:
    """One article's current text and the annotations exported with it (plain dict rows)."""

    article_id: int
    title: str
    subtitle: str
    source_name: str
    source_slug: str
    published_on: date | None
    source_url: str
    author: str
    language: str
    direction: str
    revision_id: int
    revision_number: int
    revision_created: datetime | None
    text: str
    blocks: list[dict]
    text_hash: str
    rows: list[dict] = field(default_factory=list)

    @property
    def entities(self) -> list[dict]:
        return [row for row in self.rows if row["kind"] == Annotation.Kind.ENTITY]

    @property
    def quotes(self) -> list[dict]:
        return [row for row in self.rows if row["kind"] == Annotation.Kind.QUOTE]

    def speaker_name(self, quote: dict) -> str:
        """Who said it: the speaker entity's words, else the free-text name."""
        if quote["speaker_id"] is not None and quote.get("speaker__exact"):
            return quote["speaker__exact"]
        return quote["speaker_name"] or ""


def _doc(article: Article) -> ArticleDoc:
    revision = article.current_revision
    return ArticleDoc(
        article_id=article.pk,
        title=revision.title,
        subtitle=revision.subtitle,
        source_name=article.source.name,
        source_slug=article.source.slug,
        published_on=article.published_on,
        source_url=article.source_url,
        author=article.author,
        language=article.language,
        direction=article.direction,
        revision_id=revision.pk,
        revision_number=revision.number,
        revision_created=revision.created_at,
        text=revision.text,
        blocks=list(revision.blocks),
        text_hash=revision.text_hash,
    )


def _unlink_unexported_speakers(rows: list[dict]) -> None:
    """Drop speaker links to entities that are not in the export (see the module notes)."""
    exported = {row["id"] for row in rows if row["kind"] == Annotation.Kind.ENTITY}
    for row in rows:
        if row["speaker_id"] is not None and row["speaker_id"] not in exported:
            row["speaker_id"] = None
            row["speaker__exact"] = None
            row["speaker__label__code"] = None


def iter_documents(query: ExportQuery, *, chunk_size: int = CHUNK_SIZE) -> Iterator[ArticleDoc]:
    """The selected articles in publication order, each with its exported annotations in reading order."""
    ids = list(query.articles().values_list("pk", flat=True))
    for offset in range(0, len(ids), chunk_size):
        chunk = ids[offset : offset + chunk_size]
        articles = Article.objects.filter(pk__in=chunk).select_related("source", "current_revision")
        by_id = {article.pk: _doc(article) for article in articles}
        rows = (
            query.annotations()
            .filter(revision_id__in=[doc.revision_id for doc in by_id.values()])
            .order_by("article_id", "start", "end", "id")
            .annotate(speaker_shown=speaker_shown_expression())
            .values(*ROW_VALUES, "speaker_shown")
        )
        for row in rows:
            if row["speaker_id"] is not None and not row["speaker_shown"]:
                # A speaker not everyone who sees the quote may see: left out of every format.
                row.update(speaker_id=None, speaker__exact=None, speaker__label__code=None)
            by_id[row["article_id"]].rows.append(row)
        for pk in chunk:
            doc = by_id.get(pk)
            if doc is None:  # deleted between the two queries
                continue
            _unlink_unexported_speakers(doc.rows)
            yield doc


# --- the article as exports describe it ------------------------------------------------------


def text_sha256(text: str) -> str:
    """The fingerprint imports find an article by (same as ``ArticleRevision.text_hash``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_descriptor(doc: ArticleDoc, urls: Urls, *, text: bool = True) -> dict:
    """What an import needs to find this article again, or to recreate it in an empty database.

    ``text_sha256`` finds the article (any of its revisions) in a database that
    has it; ``text`` and ``blocks`` (title, subtitle, caption and paragraphs as
    spans of ``text``) recreate it where it is missing.
    """
    descriptor = {
        "id": urls.article(doc.article_id),
        "title": doc.title,
        "source": {"name": doc.source_name, "slug": doc.source_slug},
        "published_on": doc.published_on.isoformat() if doc.published_on else None,
        "source_url": doc.source_url,
        "author": doc.author,
        "language": doc.language,
        "direction": doc.direction,
        "revision": urls.revision(doc.revision_id),
        "revision_number": doc.revision_number,
        "text_sha256": doc.text_hash,
        "blocks": doc.blocks,
    }
    if text:
        descriptor["text"] = doc.text
    return descriptor


def labels_used(docs: Iterable[ArticleDoc]) -> list[str]:
    seen: dict[str, None] = {}
    for doc in docs:
        for row in doc.rows:
            if row["label__code"]:
                seen.setdefault(row["label__code"])
    return list(seen)
