"""What search stores: one search vector per article, and the vocabulary.

Both are derived data: :mod:`search.services` rebuilds them from the articles'
current revisions, and ``manage.py search_reindex`` rebuilds everything. Never
edit them by hand.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from newsreader.models import Article, ArticleRevision, Source


class ArticleSearch(models.Model):
    """The search vector of an article's *current* revision.

    One row per article (not per revision): search only ever looks at the text a
    reader sees now, and one row per article keeps the index as small as the
    collection. ``revision`` records which revision the vector was built from, so
    a stale row is a plain comparison with ``Article.current_revision``.

    ``source`` and ``published_on`` are copies of the article's, kept here so that
    a search filters and orders by them on this one table (and its indexes)
    without a join; the indexing service refreshes them on every re-index.
    """

    article = models.OneToOneField(
        Article, verbose_name=_("article"), primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    revision = models.ForeignKey(
        ArticleRevision, verbose_name=_("revision"), on_delete=models.CASCADE, related_name="+"
    )
    # db_index off: search_source_newest_idx starts with source and serves its look-ups.
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    # Search keys (arabic.search_terms) stemmed with the `arabic` configuration;
    # weights: title A, subtitle B, caption and body C.
    vector = SearchVectorField(_("search vector"))
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("article search entry")
        verbose_name_plural = _("article search entries")
        indexes = [
            GinIndex(fields=["vector"], name="search_vector_gin"),
            # Newest matches first: the order both sorts use to pick candidates.
            models.Index(F("published_on").desc(nulls_last=True), F("article").desc(), name="search_newest_idx"),
            models.Index(
                F("source"), F("published_on").desc(nulls_last=True), F("article").desc(), name="search_source_newest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"search: {self.article_id} r{self.revision_id}"


class Term(models.Model):
    """A word of the collection (normalised, clitics kept) and how many articles use it.

    The vocabulary the "did you mean" fallback corrects misspelt query words
    against (:mod:`search.fuzzy`). ``trigrams`` are the word's character
    trigrams as ``pg_trgm`` pads them; the database computes them (SQL function
    ``search_term_trigrams``, migration 0004), so every writer of the table keeps
    them right, and a built-in GIN index on the array finds words sharing
    trigrams on any server, with or without the ``pg_trgm`` extension.
    """

    word = models.CharField(_("word"), max_length=64, primary_key=True)
    document_count = models.PositiveIntegerField(_("articles"), default=0)
    trigrams = models.GeneratedField(
        expression=Func(F("word"), function="search_term_trigrams"),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
        verbose_name=_("trigrams"),
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        indexes = [GinIndex(fields=["trigrams"], name="search_term_trigrams_gin")]
        constraints = [
            models.CheckConstraint(condition=Q(document_count__gte=0), name="search_term_count_not_negative"),
        ]

    def __str__(self) -> str:
        return self.word
