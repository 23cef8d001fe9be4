"""Entities across articles, the mentions that name them, and the quotes they said.

An *entity* (a person, an organisation, a place ...) is what entity
annotations in different articles have in common: the same label and names
with the same key (:mod:`entities.keys`). Its **aliases** are the (label, key)
pairs that resolve to it; staff merge entities (aliases move to one entity)
and split them (some aliases move to a new one).

:class:`EntityMention` and :class:`SpeakerQuote` are *derived* rows, one per
entity annotation and one per quote annotation, kept in step with the
annotations by :func:`entities.services.entity_link_annotations` (called from
``annotations.services.log_change``, in the same transaction) and rebuilt
by ``manage.py entities_relink``. They copy what the entity pages group and
order by (entity, article, date, name) so those pages read one narrow index
instead of thousands of annotation rows.

Visibility: every query of the pages starts from
``annotations.selectors.annotations_visible_to(user)``. ``public`` caches
one answer of it: whether the annotation *counts* for an anonymous visitor
(visible to them, not hidden, not orphaned, status human or accepted). Such
a mention counts for every user, so pages read those rows straight from the
index and ask ``annotations_visible_to(user)`` about the other rows only
(:mod:`entities.selectors`). The flag is recomputed, through that same
selector, whenever an annotation changes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entities.keys import MAX_KEY_LENGTH

# Text search configuration of quote texts (the one search uses: newsreader.textsearch.tsquery.CONFIG).
SEARCH_CONFIG = "arabic"


class Entity(models.Model):
    """One person, organisation, place ... named in many articles."""

    label = models.CharField(
        _("label"),
        max_length=16,
        blank=True,
        help_text=_("Label code (PER, ORG, LOC ...). Empty for a speaker only ever named in a quote's speaker field."),
    )
    name = models.CharField(_("name"), max_length=MAX_KEY_LENGTH, blank=True)
    name_locked = models.BooleanField(
        _("name chosen by staff"),
        default=False,
        help_text=_("Otherwise the name is the spelling most often marked in public annotations."),
    )
    # The key of the name this entity was first created for (its first alias).
    key = models.CharField(_("key"), max_length=MAX_KEY_LENGTH)
    # What every visitor sees (public mentions and quotes, see the module notes),
    # recounted by the services: the order of the entity and speaker lists.
    public_mentions = models.PositiveIntegerField(_("public mentions"), default=0)
    public_articles = models.PositiveIntegerField(_("articles (public)"), default=0)
    public_quotes = models.PositiveIntegerField(_("quotes (public)"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-public_articles", "id"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [
            models.Index(F("public_articles").desc(), F("id"), name="entity_frequent_idx"),
            models.Index(F("label"), F("public_articles").desc(), F("id"), name="entity_label_frequent_idx"),
            models.Index(
                F("public_quotes").desc(), F("id"), condition=Q(public_quotes__gt=0), name="entity_speaker_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or '—'} · {self.name or self.key}"

    def get_absolute_url(self) -> str:
        return reverse("entities:entity", args=[self.pk])

    def get_speaker_url(self) -> str:
        return reverse("entities:speaker", args=[self.pk])


class EntityAlias(models.Model):
    """A (label, key) pair that resolves to an entity. Each pair belongs to exactly one entity."""

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="aliases")
    label = models.CharField(_("label"), max_length=16, blank=True)
    key = models.CharField(_("key"), max_length=MAX_KEY_LENGTH)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["entity_id", "label", "key"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["label", "key"], name="entity_alias_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="entity_alias_key_not_empty"),
        ]
        # Finding aliases by key alone (free-text speakers, the lookup page).
        indexes = [models.Index(fields=["key"], name="entity_alias_key_idx")]

    def __str__(self) -> str:
        return f"{self.label or '—'} · {self.key}"


class EntityRedirect(models.Model):
    """An entity merged into another: its old pages and API URLs lead to the one it became."""

    old_id = models.BigIntegerField(_("old entity id"), primary_key=True)
    entity = models.ForeignKey(Entity, verbose_name=_("merged into"), on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(_("merged"), auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("merged entity")
        verbose_name_plural = _("merged entities")

    def __str__(self) -> str:
        return f"{self.old_id} → {self.entity_id}"


class EntityMention(models.Model):
    """An entity annotation and the entity it names (derived: see the module notes)."""

    # SET_NULL: deleting an annotation leaves the row (never counted: the
    # queries want an annotation) for the services to recount and delete.
    annotation = models.OneToOneField(
        "annotations.Annotation",
        verbose_name=_("annotation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="entity_mention",
    )
    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="mentions")
    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Copy of the article's date, so counts over time and the newest-first list read this table alone.
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=16)
    key = models.CharField(_("key"), max_length=MAX_KEY_LENGTH)
    # The words as marked (white space collapsed): the entity's name variants.
    name = models.CharField(_("name"), max_length=MAX_KEY_LENGTH)
    public = models.BooleanField(_("counts for everyone"))
    # Copies of the annotation's creator and group (plain ids: no constraint, no cascade). For a
    # row that does not count for everyone they narrow whom to ask the visibility rule about
    # (entities.selectors.may_count_for): the rule still decides.
    creator_id = models.BigIntegerField(_("creator"), null=True, blank=True)
    group_id = models.BigIntegerField(_("group"), null=True, blank=True)

    class Meta:
        verbose_name = _("entity mention")
        verbose_name_plural = _("entity mentions")
        indexes = [
            # The entity page: its articles newest first, counts per month and
            # name variants, all from this index alone (index-only scans).
            models.Index(
                F("entity"),
                F("published_on").desc(nulls_last=True),
                F("article").desc(),
                include=["name"],
                condition=Q(public=True, annotation__isnull=False),
                name="mention_entity_public_idx",
            ),
            # The few rows that need annotations_visible_to(user), narrowed by creator and group first.
            models.Index(
                F("entity"),
                F("published_on").desc(nulls_last=True),
                include=["creator_id", "group_id", "annotation", "article", "name"],
                condition=Q(public=False),
                name="mention_entity_other_idx",
            ),
            # Co-occurrence and the search filters: the entities of some articles.
            models.Index(
                fields=["article", "entity"],
                include=["label"],
                condition=Q(public=True, annotation__isnull=False),
                name="mention_article_public_idx",
            ),
            models.Index(
                fields=["article"],
                include=["entity", "creator_id", "group_id", "annotation", "name"],
                condition=Q(public=False),
                name="mention_article_other_idx",
            ),
            # The lists: a user's own rows and their groups' rows among those.
            models.Index(fields=["creator_id"], condition=Q(public=False), name="mention_creator_other_idx"),
            models.Index(fields=["group_id"], condition=Q(public=False), name="mention_group_other_idx"),
            # Split and merge re-point mentions by alias.
            models.Index(fields=["label", "key"], name="mention_alias_idx"),
            # Rows of deleted annotations, cleaned up by the services.
            models.Index(fields=["id"], condition=Q(annotation__isnull=True), name="mention_detached_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.entity_id}"


class SpeakerQuote(models.Model):
    """A quote annotation and who said it (derived: see the module notes).

    The speaker is the entity of the quote's speaker annotation, or, for a
    speaker only named in the quote's ``speaker_name``, the entity that name
    resolves to (alias label ``""``). ``entity`` is empty for a quote with no
    speaker at all (still found by the quote search).
    """

    annotation = models.OneToOneField(
        "annotations.Annotation",
        verbose_name=_("quote annotation"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="speaker_quote",
    )
    # The speaker annotation, when there is one: the quote counts for a user
    # only when this one does too (its attribution is someone's annotation).
    speaker_annotation = models.ForeignKey(
        "annotations.Annotation",
        verbose_name=_("speaker annotation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    entity = models.ForeignKey(
        Entity, verbose_name=_("speaker"), null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    label = models.CharField(_("speaker label"), max_length=16, blank=True)
    key = models.CharField(_("speaker key"), max_length=MAX_KEY_LENGTH, blank=True)
    speaker_name = models.CharField(_("speaker as written"), max_length=MAX_KEY_LENGTH, blank=True)
    quote_type = models.CharField(_("quote type"), max_length=8)
    # The quote's words as search keys (arabic.search_terms.search_text), and
    # their vector in the configuration search uses: the quote search.
    search_text = models.TextField(_("search text"))
    vector = models.GeneratedField(
        expression=SearchVector("search_text", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    public = models.BooleanField(_("counts for everyone"))

    class Meta:
        verbose_name = _("speaker quote")
        verbose_name_plural = _("speaker quotes")
        indexes = [
            models.Index(
                F("entity"),
                F("published_on").desc(nulls_last=True),
                F("id").desc(),
                condition=Q(public=True, annotation__isnull=False),
                name="quote_entity_public_idx",
            ),
            models.Index(fields=["entity"], condition=Q(public=False), name="quote_entity_other_idx"),
            models.Index(
                F("published_on").desc(nulls_last=True),
                F("id").desc(),
                condition=Q(public=True, annotation__isnull=False),
                name="quote_newest_public_idx",
            ),
            models.Index(fields=["id"], condition=Q(public=False), name="quote_other_idx"),
            GinIndex(fields=["vector"], name="quote_vector_gin"),
            models.Index(fields=["label", "key"], name="quote_alias_idx"),
            models.Index(fields=["speaker_annotation"], condition=Q(speaker_annotation__isnull=False), name="quote_speaker_annotation_idx"),
            models.Index(fields=["id"], condition=Q(annotation__isnull=True), name="quote_detached_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_name or '?'}: {self.search_text[:40]}"


# --- Public aggregates -------------------------------------------------------------------------
#
# What the entity pages count for everyone (rows with ``public``), kept per
# entity so that a page reads a few dozen rows however often the entity is
# mentioned. Derived data: entities.aggregates maintains them with every change
# of the mention rows, and rebuilds them (entities_relink, merge, split).


class EntityMonth(models.Model):
    """Articles and mentions of an entity per month of publication (public mentions)."""

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), null=True, blank=True, help_text=_("First day of the month; empty: undated articles."))
    articles = models.IntegerField(_("articles"), default=0)
    mentions = models.IntegerField(_("mentions"), default=0)

    class Meta:
        verbose_name = _("entity month")
        verbose_name_plural = _("entity months")
        constraints = [
            models.UniqueConstraint(fields=["entity", "month"], nulls_distinct=False, name="entity_month_unique"),
        ]


class EntityVariant(models.Model):
    """How often an entity is marked with one spelling (public mentions)."""

    entity = models.ForeignKey(Entity, verbose_name=_("entity"), on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=MAX_KEY_LENGTH)
    mentions = models.IntegerField(_("mentions"), default=0)

    class Meta:
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        constraints = [models.UniqueConstraint(fields=["entity", "name"], name="entity_variant_unique")]
        indexes = [models.Index(F("entity"), F("mentions").desc(), name="entity_variant_top_idx")]
