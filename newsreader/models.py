"""Sources, articles and their text revisions.

An article's text is never edited in place: every change makes a new
:class:`ArticleRevision` and moves ``Article.current_revision``. Annotations
point into one revision, so an edit can never silently shift them. Create and
change articles through :mod:`newsreader.services`, never with ``save()`` alone.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

WORDS_PER_MINUTE = 180  # a comfortable Arabic reading pace


class Source(models.Model):
    """A publication an article comes from (a newspaper, an agency, a site)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    url = models.URLField(_("website"), blank=True)
    language = models.CharField(_("language"), max_length=12, default="ar")
    label_set = models.ForeignKey(
        "annotations.LabelSet",
        verbose_name=_("label set"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Labels offered when annotating this source's articles."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class Direction(models.TextChoices):
        RTL = "rtl", _("right to left")
        LTR = "ltr", _("left to right")

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="articles")
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    dateline = models.CharField(_("dateline"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=12, default="ar")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction, default=Direction.RTL)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    # SHA-256 of the current revision's text: the key that makes imports idempotent.
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    label_set = models.ForeignKey(
        "annotations.LabelSet",
        verbose_name=_("label set"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Overrides the source's label set."),
    )
    current_revision = models.OneToOneField(
        "ArticleRevision",
        verbose_name=_("current revision"),
        null=True,
        # RESTRICT, not PROTECT: the revision cannot be deleted on its own, but
        # it goes when its article is deleted (the revisions cascade with it).
        on_delete=models.RESTRICT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        # Matches article_newest_idx so the home page reads the index in order.
        ordering = [models.F("published_on").desc(nulls_last=True), "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(models.F("published_on").desc(nulls_last=True), models.F("id").desc(), name="article_newest_idx"),
            models.Index(
                models.F("source"),
                models.F("published_on").desc(nulls_last=True),
                models.F("id").desc(),
                name="article_source_newest_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"], condition=~Q(source_url=""), name="article_unique_source_url"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def title(self) -> str:
        return self.current_revision.title if self.current_revision_id else ""

    @property
    def subtitle(self) -> str:
        return self.current_revision.subtitle if self.current_revision_id else ""

    @property
    def reading_minutes(self) -> int:
        words = self.current_revision.word_count if self.current_revision_id else 0
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def get_absolute_url(self) -> str:
        return reverse("reader:article", args=[self.pk])


class ArticleRevision(models.Model):
    """One immutable version of an article's text (see :mod:`newsreader.document`)."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.TextField(_("title"))
    subtitle = models.TextField(_("subtitle"), blank=True)
    caption = models.TextField(_("image caption"), blank=True)
    body = models.TextField(_("body"))
    # The annotatable text and the spans of its parts: the offset contract.
    text = models.TextField(_("text"))
    blocks = models.JSONField(_("blocks"))
    text_hash = models.CharField(_("text hash"), max_length=64, db_index=True)
    word_count = models.PositiveIntegerField(_("words"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        # Read in the admin (an annotation's revision): words, not "8 r1".
        return gettext("revision %(number)d of article %(article)s") % {"number": self.number, "article": self.article_id}
