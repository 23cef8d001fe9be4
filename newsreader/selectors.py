"""Queries of the reading pages.

Each page asks the database a small, fixed number of questions whatever the
size of the corpus (the tests pin the exact counts): the home page one for the
sources, one to count the articles and one for the page of articles; the
article page one. Views call these and stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Left, NullIf

from newsreader.models import Article, ArticleRevision, Source

# Characters of the body read for a lede when an article has no subtitle; the
# template trims them to whole words.
LEDE_FALLBACK_CHARS = 400


def source_list() -> list[Source]:
    """Sources that have readable articles, by name, each with ``article_count``."""
    return list(
        Source.objects.annotate(
            article_count=Count("articles", filter=Q(articles__current_revision__isnull=False))
        )
        .filter(article_count__gt=0)
        .only("id", "name", "slug")
        .order_by("name")
    )


def article_list(*, source: Source | None = None) -> QuerySet[Article]:
    """Readable articles, newest first, with what a list entry shows.

    Only the short fields are loaded (never the text): title, lede, word count
    for the reading time, source name and slug. ``lede`` is the subtitle or,
    without one, the start of the body.
    """
    articles = Article.objects.filter(current_revision__isnull=False)
    if source is not None:
        articles = articles.filter(source=source)
    return (
        articles.select_related("source", "current_revision")
        .only(
            "id",
            "published_on",
            "dateline",
            "language",
            "direction",
            "source__name",
            "source__slug",
            "current_revision__title",
            "current_revision__word_count",
        )
        .annotate(
            lede=Coalesce(
                NullIf("current_revision__subtitle", Value("")),
                Left("current_revision__body", LEDE_FALLBACK_CHARS),
                output_field=TextField(),
            )
        )
    )


def article_for_reading(*, pk: int) -> Article | None:
    """One article with its source and current revision (one query), or None."""
    return (
        Article.objects.filter(current_revision__isnull=False)
        .select_related("source", "current_revision")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class Block:
    """One part of a revision's text: ``text == revision.text[start:end]``."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ArticleBlocks:
    title: Block | None
    subtitle: Block | None
    caption: Block | None
    paragraphs: list[Block]


def revision_blocks(revision: ArticleRevision) -> ArticleBlocks:
    """Cut a revision's text into its blocks (the offset contract, no query)."""
    text = revision.text
    found: dict[str, Block] = {}
    paragraphs: list[Block] = []
    for raw in revision.blocks:
        block = Block(kind=raw["kind"], start=raw["start"], end=raw["end"], text=text[raw["start"] : raw["end"]])
        if block.kind == "paragraph":
            paragraphs.append(block)
        else:
            found.setdefault(block.kind, block)
    return ArticleBlocks(
        title=found.get("title"),
        subtitle=found.get("subtitle"),
        caption=found.get("caption"),
        paragraphs=paragraphs,
    )
