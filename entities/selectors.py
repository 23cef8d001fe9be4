"""The rows of entity mentions and quotes a user may count: the core the entity pages build on.

What a user counts is made of two parts (:mod:`entities.visibility`):

* the rows whose annotations count for **everyone** (``public``): read straight
  from partial indexes, or summed up in advance (:mod:`entities.aggregates`:
  counts per month, name variants, co-occurrence), so a page reads a few dozen
  rows whatever the entity's size;
* for a signed-in user, **their other rows**: their own and their groups'
  (narrowed by the copies of creator and group on each row), each decided by
  ``annotations.selectors.annotations_visible_to(user)`` — either all at once
  (:func:`counting_ids`) or row by row inside a query (:func:`_counted_here`, a
  scalar subquery compiled by the ORM from that selector).

:func:`mention_rows` and :func:`quote_rows` give both parts as one SQL relation
(``UNION ALL``) for queries that wrap them (``SELECT ... FROM (<rows>) v``;
PostgreSQL pushes the outer conditions into both branches); :func:`counting_branches`
gives them as two querysets. Anonymous visitors have no second part.

Built on this module, one direction (none of them is imported here):
:mod:`entities.entity_page` (an entity's counts, articles, sentences and co-occurring
entities), :mod:`entities.lists` (the entity and speaker lists),
:mod:`entities.quote_selectors` (the quote search) and :mod:`entities.search_filters`
(the article search's entity filters).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Lookup
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from annotations.models import Annotation, Label
from annotations.selectors import member_group_ids, speaker_shown_expression
from entities.models import Entity, EntityMention, EntityRedirect, SpeakerQuote
from entities.visibility import counted_for, is_signed_in

# Articles of an entity page, quotes of a quote page.
PAGE_SIZE = 20

PUBLIC = Annotation.Visibility.PUBLIC


class AnyOf(Lookup):
    """``article__any=[ids]``: ``= ANY(%s)`` with one array parameter (a long ``IN`` list costs more to build and send)."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(v) for v in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.rhs]


EntityMention._meta.get_field("article").register_lookup(AnyOf)


# --- the rows a user may count ------------------------------------------------------------


# The probe "does this annotation count for the user?" compiled once per user by the ORM from
# counted_for(user) (the visibility rule), with a stand-in id where the row's column goes.
_STAND_IN = -7_000_000_003
_probes: dict[tuple, tuple[str, tuple]] = {}


def _probe(user) -> tuple[str, tuple]:
    key = (user.pk, bool(user.is_staff)) if is_signed_in(user) else ("anonymous",)
    cached = _probes.get(key)
    if cached is None:
        sql, params = counted_for(user).filter(pk=_STAND_IN).order_by().values("pk")[:1].query.sql_with_params()
        parts = sql.split("%s")
        i = list(params).index(_STAND_IN)
        template = "%s".join(parts[: i + 1]) + "{column}" + "%s".join(parts[i + 1 :])
        if len(_probes) > 1000:
            _probes.clear()
        cached = _probes[key] = (template, tuple(params[:i]) + tuple(params[i + 1 :]))
    return cached


def _counted_here(user, model, column: str) -> RawSQL:
    """Does the annotation in ``column`` count for ``user``? Asked row by row (a scalar subquery, which
    PostgreSQL never turns into a join over the whole annotation table)."""
    template, params = _probe(user)
    reference = f'"{model._meta.db_table}"."{column}"'
    return RawSQL(f"({template.replace('{column}', reference)}) IS NOT NULL", params, output_field=BooleanField())


def counting_ids(user, annotation_ids: Sequence[int]) -> set[int]:
    """Which of these annotations count for ``user`` (one query through the visibility rule)."""
    if not annotation_ids:
        return set()
    ids = RawSQL('"annotations_annotation"."id" = ANY(%s::bigint[])', [list(annotation_ids)], output_field=BooleanField())
    return set(counted_for(user).filter(ids).order_by().values_list("pk", flat=True))


def may_count_for(user) -> Q | None:
    """Mention rows not counting for everyone that may still count for ``user`` (None: no row may).

    What the rule implies (``annotations.selectors.visibility_q``): an annotation
    one sees that everyone does not is one's own or shared with a group one
    belongs to (staff: any group), and anonymous visitors see public ones only.
    It narrows the rows to ask about, using the copies of creator and group on
    the row; the rule itself (:func:`_counted_here`) still decides each of them.
    """
    if not is_signed_in(user):
        return None
    groups = Q(group_id__isnull=False) if user.is_staff else Q(group_id__in=member_group_ids(user))
    return Q(creator_id=user.pk) | groups


def counting_branches(model, user, filters: Q) -> tuple[QuerySet, QuerySet | None]:
    """The rows of ``model`` (mentions or quotes) matching ``filters`` that count for ``user``, as two
    querysets: those that count for everyone, and the user's others (None: there can be none)."""
    public = model.objects.filter(filters, public=True, annotation__isnull=False)
    if model is EntityMention:
        narrow = may_count_for(user)
        if narrow is None:
            return public, None
        other = model.objects.filter(filters, narrow, public=False)
    elif not is_signed_in(user):
        # Anonymous visitors see public annotations only (annotations_visible_to): what counts
        # for them counts for everyone (a test holds it), so no other row can.
        return public, None
    else:
        other = model.objects.filter(filters, public=False)
    other = other.filter(_counted_here(user, model, "annotation_id"))
    if model is SpeakerQuote:
        # A quote counts when its speaker annotation (if any) counts too: who said it is an annotation as well.
        # And only under a speaker the quote may show (annotations.selectors' rule, as the API applies it):
        # a speaker made private or shared with a group after a public quote named it is left out for
        # everyone, its creator and the group included. (Public rows pass: both count for everyone.)
        other = other.filter(
            Q(speaker_annotation__isnull=True)
            | (Q(_counted_here(user, model, "speaker_annotation_id")) & Q(_speaker_shown_here()))
        )
    return public, other


def _speaker_shown_here() -> Exists:
    """Does the quote of the row (``annotation_id``) still name its speaker annotation, and may it show it?"""
    return Exists(
        Annotation.objects.filter(pk=OuterRef("annotation_id"), speaker_id=OuterRef("speaker_annotation_id")).filter(
            speaker_shown_expression()
        )
    )


def _union_sql(branches: tuple[QuerySet, QuerySet | None], columns: Sequence[str]) -> tuple[str, list]:
    public, other = branches
    public = public.order_by().values(*columns)
    combined = public if other is None else public.union(other.order_by().values(*columns), all=True)
    sql, params = combined.query.sql_with_params()
    return sql, list(params)


def mention_rows(user, columns: Sequence[str], filters: Q = Q()) -> tuple[str, list]:
    """SQL of the entity mentions that count for ``user`` (``columns`` of :class:`EntityMention`)."""
    return _union_sql(counting_branches(EntityMention, user, filters), columns)


def quote_rows(user, columns: Sequence[str], filters: Q = Q()) -> tuple[str, list]:
    """SQL of the quotes that count for ``user`` (``columns`` of :class:`SpeakerQuote`)."""
    return _union_sql(counting_branches(SpeakerQuote, user, filters), columns)


def fetch_all(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- labels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelInfo:
    code: str
    name_ar: str
    name_en: str
    color: str

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_ar if (get_language() or "ar").startswith("ar") else self.name_en


_LABELS_TTL = 60.0
_labels_cache: tuple[float, dict] = (0.0, {})


def label_infos() -> dict[str, LabelInfo]:
    """Label codes with their names (the default set's first, then any set's).

    Read at most once a minute per process (labels rarely change; the search
    page and every entity page show them): one query, or none.
    """
    global _labels_cache
    now = time.monotonic()
    if now - _labels_cache[0] < _LABELS_TTL and _labels_cache[1]:
        return _labels_cache[1]
    infos: dict[str, LabelInfo] = {}
    rows = Label.objects.order_by("-label_set__is_default", "label_set_id", "order").values_list(
        "code", "name_ar", "name_en", "color"
    )
    for code, name_ar, name_en, color in rows:
        infos.setdefault(code, LabelInfo(code, name_ar, name_en, color))
    _labels_cache = (now, infos)
    return infos


def clear_label_cache() -> None:
    global _labels_cache
    _labels_cache = (0.0, {})


# --- one entity -----------------------------------------------------------------------------


def entity_or_redirect(entity_id: int) -> tuple[Entity | None, int | None]:
    """The entity, or (None, id of the entity it was merged into), or (None, None)."""
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is not None:
        return entity, None
    return None, EntityRedirect.objects.filter(old_id=entity_id).values_list("entity_id", flat=True).first()
