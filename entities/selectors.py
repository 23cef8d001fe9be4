"""What the entity, speaker and quote pages show, for the user who asks.

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
PostgreSQL pushes the outer conditions into both branches). Anonymous visitors
have no second part.

Query counts do not grow with the number of mentions: an entity page is a
fixed handful of statements (:func:`entity_page`).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import Lookup
from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Annotation, Label
from annotations.selectors import member_group_ids, speaker_shown_expression
from arabic.clean import neutralise_bidi
from arabic.sentences import split_sentences
from entities.keys import entity_key, key_words
from entities.models import Entity, EntityAlias, EntityMention, EntityRedirect, SpeakerQuote
from entities.visibility import counted_for, is_signed_in
from newsreader.models import Article
from search.snippets import render

PAGE_SIZE = 20
LIST_PAGE_SIZE = 50
# Co-occurrence is counted over the entity's newest articles (all of them when fewer): like search's
# rank window, this keeps the page fast for an entity in tens of thousands of articles.
COOCCURRENCE_WINDOW: int = getattr(settings, "ENTITY_COOCCURRENCE_WINDOW", 500)
COOCCURRING = 12
# Co-occurrence is counted over an entity's newest this many articles (read time, bounded).
PUBLIC_COOCCURRENCE_ARTICLES: int = getattr(settings, "ENTITY_COOCCURRENCE_ARTICLES", 2000)
VARIANTS = 20
# Name variants read from the aggregates before the user's own are added.
VARIANT_CANDIDATES = 60
# Sentences shown per article on an entity page, and the longest stretch of a sentence shown.
CONTEXTS_PER_ARTICLE = 3
CONTEXT_CHARS = 360

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


def _may_count_for(user) -> Q | None:
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


def _branches(model, user, filters: Q) -> tuple[QuerySet, QuerySet | None]:
    public = model.objects.filter(filters, public=True, annotation__isnull=False)
    if model is EntityMention:
        narrow = _may_count_for(user)
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
    return _union_sql(_branches(EntityMention, user, filters), columns)


def quote_rows(user, columns: Sequence[str], filters: Q = Q()) -> tuple[str, list]:
    """SQL of the quotes that count for ``user`` (``columns`` of :class:`SpeakerQuote`)."""
    return _union_sql(_branches(SpeakerQuote, user, filters), columns)


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


@dataclass(frozen=True)
class Month:
    month: date | None  # first day of the month; None for undated articles
    articles: int
    mentions: int


@dataclass
class Summary:
    mentions: int = 0
    articles: int = 0
    quotes: int = 0
    months: list[Month] = field(default_factory=list)
    undated: Month | None = None
    variants: list[tuple[str, int]] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        return bool(self.mentions or self.quotes)

    @property
    def peak(self) -> int:
        return max((m.articles for m in self.months), default=0)

    @property
    def bars(self) -> list[dict]:
        """The months as bars of an SVG chart 10 units wide each, 100 high (articles per month).

        Labels and numbers are strings already: a chart of ten years has 120
        bars, and formatting them in the template cost more than the queries.
        """
        peak = self.peak or 1
        bars = []
        for i, m in enumerate(self.months):
            height = round(96 * m.articles / peak, 2)
            bars.append(
                {
                    "label": f"{m.month.year}/{m.month.month:02d}",
                    "articles": str(m.articles),
                    "mentions": str(m.mentions),
                    "x": i * 10 + 1,
                    "y": round(100 - height, 2),
                    "height": height,
                }
            )
        return bars

    @property
    def chart_width(self) -> int:
        return max(10, len(self.months) * 10)

    @property
    def chart(self):
        """The "over time" chart (entities/chart.py)."""
        from entities.chart import month_chart  # formats dates in the active language: only when drawn

        return month_chart(self.months)


def entity_summary(user, entity: Entity) -> Summary:
    """Counts of an entity for ``user``: mentions, articles, per month, name variants and quotes.

    The public part comes from the aggregates (one query, a few dozen rows);
    a signed-in user's own and group annotations that do not count for everyone
    are added from their rows (four more queries).
    """
    rows = fetch_all(
        """(SELECT TRUE, month, NULL::text, articles, mentions FROM entities_entitymonth WHERE entity_id = %s)
           UNION ALL
           (SELECT FALSE, NULL::date, name, 0, mentions FROM entities_entityvariant WHERE entity_id = %s
            ORDER BY mentions DESC, name LIMIT %s)""",
        [entity.pk, entity.pk, VARIANT_CANDIDATES],
    )
    months: dict[date | None, list[int]] = {}
    variants: Counter = Counter()
    for is_month, month, name, articles, mentions in rows:
        if is_month:
            months[month] = [articles, mentions]
        else:
            variants[name] = mentions
    quotes = entity.public_quotes
    narrow = _may_count_for(user)
    if narrow is not None:
        # The user's own and group mentions of it that do not count for everyone: read from the
        # index, then asked about all at once (annotations_visible_to); an article counts once,
        # and not again if it is counted publicly.
        candidates = list(
            EntityMention.objects.filter(narrow, entity_id=entity.pk, public=False).values_list(
                "annotation_id", "article_id", "published_on", "name"
            )
        )
        counting = counting_ids(user, [c[0] for c in candidates])
        extra = [c for c in candidates if c[0] in counting]
        public = {row[0] for row in fetch_all(_PUBLICLY_IN, [sorted({c[1] for c in extra}), entity.pk])} if extra else set()
        seen: set[int] = set()
        for _, article_id, published_on, name in extra:
            counts = months.setdefault(published_on.replace(day=1) if published_on else None, [0, 0])
            counts[1] += 1
            if article_id not in public and article_id not in seen:
                counts[0] += 1
            seen.add(article_id)
            variants[name] += 1
        _, other_quotes = _branches(SpeakerQuote, user, Q(entity_id=entity.pk))
        quotes += other_quotes.count()
    summary = Summary(quotes=quotes, variants=sorted(variants.items(), key=lambda v: (-v[1], v[0]))[:VARIANTS])
    summary.undated = Month(None, *months[None]) if None in months else None
    summary.months = _fill_months([Month(m, *months[m]) for m in sorted(m for m in months if m is not None)])
    summary.mentions = sum(n for _, n in months.values())
    # An article has one date, so its month's count counts it once overall.
    summary.articles = sum(a for a, _ in months.values())
    return summary


# Which of these articles mention the entity publicly: one index probe per article.
_PUBLICLY_IN = """
    SELECT a.id FROM unnest(%s::bigint[]) AS a(id)
    WHERE EXISTS (SELECT 1 FROM entities_entitymention m WHERE m.article_id = a.id AND m.entity_id = %s
                  AND m.public AND m.annotation_id IS NOT NULL)
"""


def _fill_months(months: list[Month]) -> list[Month]:
    """Every month from the first to the last, the empty ones with zeros (a chart needs the gaps)."""
    if not months:
        return []
    by_month = {m.month: m for m in months}
    first, last = months[0].month, months[-1].month
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = date(year, month, 1)
        out.append(by_month.get(day, Month(day, 0, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


_NEWEST = (F("published_on").desc(nulls_last=True), F("article_id").desc())


def entity_article_ids(user, entity_id: int, *, limit: int, offset: int = 0) -> list[int]:
    """The articles that mention the entity for ``user``, newest first (a page of them).

    The public rows are read in index order and stop after ``offset + limit``
    articles; the user's other rows are read only as far back as the last of
    those (older ones cannot be on the page).
    """
    wanted = offset + limit
    public, other = _branches(EntityMention, user, Q(entity_id=entity_id))
    rows = list(public.values_list("published_on", "article_id").distinct().order_by(*_NEWEST)[:wanted])
    if other is not None:
        if len(rows) == wanted and rows[-1][0] is not None:
            other = other.filter(published_on__gte=rows[-1][0])
        rows = sorted(
            set(rows) | set(other.values_list("published_on", "article_id").distinct()),
            key=lambda r: (r[0] is None, -(r[0].toordinal() if r[0] else 0), -r[1]),
        )
    return [article_id for _, article_id in rows[offset:wanted]]


@dataclass(frozen=True)
class Cooccurring:
    entity_id: int
    label: str
    name: str
    articles: int


def entity_cooccurring(
    user, entity_id: int, *, limit: int = COOCCURRING, window: int = COOCCURRENCE_WINDOW, window_ids: list[int] | None = None
) -> tuple[list[Cooccurring], bool]:
    """The entities most often in the same articles as this one, for ``user``.

    Counted over what counts for everyone in the entity's newest
    ``PUBLIC_COOCCURRENCE_ARTICLES`` articles (at read time, from the mention index),
    plus, for a signed-in user, their own and their groups' annotations in the
    entity's newest ``window`` articles. Returns them and whether such a window
    applied (the user has annotations of their own there).
    """
    extra: Counter = Counter()
    names: dict[int, str] = {}
    if is_signed_in(user):
        article_ids = window_ids if window_ids is not None else entity_article_ids(user, entity_id, limit=window)
        _, other = _branches(EntityMention, user, Q(article__any=article_ids))
        mine = list(other.values_list("entity_id", "article_id", "name")) if article_ids else []
        if mine:
            touched = sorted({a for _, a, _ in mine})
            public = set(
                EntityMention.objects.filter(public=True, annotation__isnull=False, article__any=touched)
                .values_list("entity_id", "article_id")
                .distinct()
            )
            by_article: dict[int, set[int]] = {}
            for e, a in public:
                by_article.setdefault(a, set()).add(e)
            for e, a, name in mine:
                by_article.setdefault(a, set()).add(e)
                names.setdefault(e, name)
            for a in touched:
                x_public = (entity_id, a) in public
                for other_id in by_article[a] - {entity_id}:
                    if not (x_public and (other_id, a) in public):
                        extra[other_id] += 1
    # Computed when read, from the mention index (no table of pairs, which grew with the square of an
    # article's entities): the other entities of this one's newest articles that count for everyone.
    rows = fetch_all(
        """WITH mine AS (
               SELECT article_id FROM entities_entitymention
                WHERE entity_id = %s AND public AND annotation_id IS NOT NULL
                GROUP BY article_id ORDER BY max(published_on) DESC NULLS LAST, article_id DESC LIMIT %s),
           counted AS (
               SELECT m.entity_id, count(DISTINCT m.article_id) AS articles
                 FROM entities_entitymention m JOIN mine USING (article_id)
                WHERE m.public AND m.annotation_id IS NOT NULL AND m.entity_id <> %s
                GROUP BY m.entity_id)
           SELECT e.id, e.label, e.name, COALESCE(c.articles, 0)
             FROM entities_entity e LEFT JOIN counted c ON c.entity_id = e.id
            WHERE e.id IN (SELECT entity_id FROM counted ORDER BY articles DESC, entity_id LIMIT %s)
               OR e.id = ANY(%s::bigint[])""",
        [entity_id, PUBLIC_COOCCURRENCE_ARTICLES, entity_id, limit, sorted(extra)],
    )
    found = [
        Cooccurring(pk, label, name or names.get(pk, ""), articles + extra.get(pk, 0)) for pk, label, name, articles in rows
    ]
    found.sort(key=lambda c: (-c.articles, c.entity_id))
    return [c for c in found if c.articles > 0][:limit], bool(extra)


@dataclass(frozen=True)
class Context:
    """A sentence around a mention: HTML with the mention(s) in ``<mark>``."""

    html: SafeString
    block: str  # title, subtitle, caption or paragraph
    marks: int = 1  # mentions marked in it


@dataclass
class ArticleMentions:
    article: Article
    contexts: list[Context]
    mentions: int  # how many times the entity is marked in it

    @property
    def more(self) -> int:
        return max(0, self.mentions - sum(c.marks for c in self.contexts))


def entity_article_mentions(user, entity_id: int, article_ids: Sequence[int]) -> list[ArticleMentions]:
    """The articles (in the given order) with the sentences around the entity's mentions (two queries)."""
    if not article_ids:
        return []
    rows_sql, params = mention_rows(
        user,
        ["article_id", "annotation__start", "annotation__end", "annotation__revision_id"],
        Q(entity_id=entity_id, article_id__in=list(article_ids)),
    )
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for article_id, start, end, revision_id in fetch_all(f"SELECT * FROM ({rows_sql}) v", params):
        spans.setdefault(article_id, []).append((start, end, revision_id))
    articles = Article.objects.select_related("source", "current_revision").in_bulk(list(article_ids))
    out = []
    for article_id in article_ids:
        article = articles.get(article_id)
        if article is None or article.current_revision is None:
            continue
        marks = sorted(spans.get(article_id, []))
        out.append(ArticleMentions(article, mention_contexts(article.current_revision, marks), len(marks)))
    return out


def mention_contexts(revision, marks: Iterable[tuple[int, int, int]], limit: int = CONTEXTS_PER_ARTICLE) -> list[Context]:
    """The sentences of ``revision`` holding these (start, end, revision id) spans, each once, the spans marked.

    Sentences never cross a block (title, paragraph ...), so only the blocks with
    a mention are split.
    """
    text, blocks = revision.text, revision.blocks
    marks = sorted((s, e) for s, e, r in marks if r == revision.pk and 0 <= s < e <= len(text))
    grouped: dict[tuple[int, int], list[tuple[int, int]]] = {}
    kinds: dict[tuple[int, int], str] = {}
    split: dict[int, list] = {}
    for start, end in marks:
        block = next((b for b in blocks if b["start"] <= start < b["end"]), None)
        lo, hi = (block["start"], block["end"]) if block else (0, len(text))
        if lo not in split:
            split[lo] = [(lo + s.start, lo + s.end) for s in split_sentences(text[lo:hi])]
        sentence = next(((a, b) for a, b in split[lo] if a <= start < b), None)
        if sentence is None:
            continue
        grouped.setdefault(sentence, []).append((start, min(end, sentence[1])))
        kinds[sentence] = block["kind"] if block else "paragraph"
        if len(grouped) > limit:
            break
    contexts = []
    for sentence in sorted(grouped)[:limit]:
        (lo, hi), spans = sentence, grouped[sentence]
        start, end = _window(text, lo, hi, spans[0][0], spans[-1][1])
        html = render(text, start, end, spans)
        if start > lo:
            html = "… " + html
        if end < hi:
            html += " …"
        # Safe: search.snippets.render escapes the text and adds only <mark> and <bdi>.
        contexts.append(Context(mark_safe(html), kinds[sentence], len(spans)))
    return contexts


def _window(text: str, lo: int, hi: int, first: int, last: int) -> tuple[int, int]:
    """At most :data:`CONTEXT_CHARS` of ``text[lo:hi]`` around ``[first, last)``, cut at spaces."""
    if hi - lo <= CONTEXT_CHARS:
        return lo, hi
    room = max(0, CONTEXT_CHARS - (last - first)) // 2
    start, end = max(lo, first - room), min(hi, last + room)
    if start > lo:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    if end < hi:
        space = text.rfind(" ", last, end)
        end = space if space != -1 else end
    return start, end


@dataclass
class EntityPage:
    entity: Entity
    name: str
    label: LabelInfo | None
    summary: Summary
    articles: list[ArticleMentions]
    cooccurring: list[Cooccurring]
    cooccurrence_capped: bool
    page: int
    num_pages: int

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def display_name(entity: Entity, summary: Summary | None = None, quoted_as: Sequence[str] = ()) -> str:
    """The name to show: staff's choice, else the spelling most often marked (that this user can see).

    Without bidi controls: rows saved before the rule may still hold them (entities migration 0008).
    """
    if entity.name_locked and entity.name:
        return neutralise_bidi(entity.name)
    if summary and summary.variants:
        return neutralise_bidi(summary.variants[0][0])
    return neutralise_bidi(next((n for n in quoted_as if n), "") or entity.name or entity.key)


def entity_page(user, entity: Entity, *, page: int = 1, page_size: int = PAGE_SIZE) -> EntityPage | None:
    """Everything an entity page shows, or None when nothing about it counts for ``user`` (then: 404)."""
    summary = entity_summary(user, entity)
    if not summary.visible:
        return None
    num_pages = max(1, math.ceil(summary.articles / page_size))
    page = min(max(1, page), num_pages)
    offset = (page - 1) * page_size
    window = None
    if is_signed_in(user):
        # The newest articles for the co-occurrence window, which usually hold the page too.
        window = entity_article_ids(user, entity.pk, limit=COOCCURRENCE_WINDOW)
    if window is not None and (offset + page_size <= len(window) or len(window) < COOCCURRENCE_WINDOW):
        ids = window[offset : offset + page_size]
    else:
        ids = entity_article_ids(user, entity.pk, limit=page_size, offset=offset)
    cooccurring, windowed = entity_cooccurring(user, entity.pk, window_ids=window)
    names = [] if summary.variants else speaker_names(user, entity.pk)
    return EntityPage(
        entity=entity,
        name=display_name(entity, summary, names),
        label=label_infos().get(entity.label),
        summary=summary,
        articles=entity_article_mentions(user, entity.pk, ids),
        cooccurring=cooccurring,
        cooccurrence_capped=windowed,
        page=page,
        num_pages=num_pages,
    )


def speaker_names(user, entity_id: int) -> list[str]:
    sql, params = quote_rows(user, ["speaker_name"], Q(entity_id=entity_id))
    return [row[0] for row in fetch_all(f"SELECT v.speaker_name, count(*) n FROM ({sql}) v GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1", params)]


def entity_lookup(user, *, name: str, label: str = "") -> Entity | None:
    """The entity a name (and label) resolves to, if the user may see something of it."""
    key = entity_key(name)
    if not key:
        return None
    aliases = EntityAlias.objects.filter(key=key)
    if label:
        aliases = aliases.filter(label=label.strip().upper())
    # A person before an organisation before anything else, then the most mentioned.
    candidates = list(aliases.select_related("entity").order_by("-entity__public_articles", "entity_id"))
    candidates.sort(key=lambda a: {"PER": 0, "ORG": 1}.get(a.label, 2))
    for alias in candidates:
        if entity_summary(user, alias.entity).visible:
            return alias.entity
    return None


# --- lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedEntity:
    id: int
    label: str
    name: str
    articles: int
    mentions: int
    quotes: int


@dataclass
class EntityList:
    items: list[ListedEntity]
    total: int
    page: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


FREQUENCY, NAME = "frequency", "name"


def _name_condition(query: str) -> tuple[str, list] | None:
    """SQL on ``e`` (entities): an alias key holds every word of ``query`` (the last one as a prefix)."""
    words = key_words(query)
    if not words:
        return None
    patterns = [r"(^| )" + re.escape(w) + r"( |$)" for w in words[:-1]] + [r"(^| )" + re.escape(words[-1])]
    conditions = " AND ".join("a.key ~ %s" for _ in patterns)
    return f"EXISTS (SELECT 1 FROM entities_entityalias a WHERE a.entity_id = e.id AND {conditions})", patterns


def entity_list(
    user, *, label: str = "", query: str = "", sort: str = FREQUENCY, speakers: bool = False, page: int = 1,
    page_size: int = LIST_PAGE_SIZE,
) -> EntityList:  # fmt: skip
    """Entities (``speakers``: those with quotes) with their counts, most frequent first or by name.

    The counts are what everyone can see (stored on each entity); a signed-in
    user also gets the entities only their own or their groups' annotations
    name (:func:`_extras_sql`). Entity pages count everything that counts for
    the user.
    """
    extras = _extras_sql(user, speakers)
    if extras is None:
        extras_sql, params = "SELECT NULL::bigint AS entity_id, 0 AS articles, 0 AS mentions, 0 AS quotes, NULL::text AS name WHERE FALSE", []
    else:
        extras_sql, params = extras
    where, where_params = ["TRUE"], []
    if speakers:
        where.append("(e.public_quotes > 0 OR x.quotes > 0)")
    else:
        where.append("e.label <> ''")
        where.append("(e.public_mentions > 0 OR x.mentions > 0)")
    if label:
        where.append("e.label = %s")
        where_params.append(label)
    condition = _name_condition(query) if query else None
    if query and condition is None:
        return EntityList([], 0, 1, page_size)
    if condition:
        where.append(condition[0])
        where_params += condition[1]
    count_column = "quotes" if speakers else "articles"
    name = "COALESCE(NULLIF(e.name, ''), x.name, e.key)"
    order = f"{count_column} DESC, e.id" if sort != NAME else f'{name} COLLATE "C", e.id'
    rows = fetch_all(
        f"""WITH x AS ({extras_sql})
            SELECT e.id, e.label, {name} AS name,
                   e.public_articles + COALESCE(x.articles, 0) AS articles,
                   e.public_mentions + COALESCE(x.mentions, 0) AS mentions,
                   e.public_quotes + COALESCE(x.quotes, 0) AS quotes,
                   count(*) OVER () AS total
            FROM entities_entity e LEFT JOIN x ON x.entity_id = e.id
            WHERE {" AND ".join(where)}
            ORDER BY {order} LIMIT %s OFFSET %s""",
        [*params, *where_params, page_size, (max(1, page) - 1) * page_size],
    )
    total = rows[0][-1] if rows else _count_only(user, label=label, query=query, speakers=speakers) if page > 1 else 0
    # Names without bidi controls: rows saved before the rule may still hold them (entities migration 0008).
    items = [ListedEntity(row[0], row[1], neutralise_bidi(row[2]), *row[3:-1]) for row in rows]
    return EntityList(items, total, max(1, page), page_size)


def _count_only(user, **kwargs) -> int:
    return entity_list(user, page=1, page_size=1, **kwargs).total


def _extras_sql(user, speakers: bool) -> tuple[str, list] | None:
    """Entities nobody can see publicly that count for this signed-in user (their own or their groups'
    annotations), with their counts. None: there are none to look for (anonymous visitors).

    Only such entities: counting a user's own and group annotations into every
    entity of a list would read all of them (tens of thousands for a busy group)
    for each list page. So the lists show what everyone can see, plus these;
    an entity's page shows everything that counts for the user.
    """
    if not is_signed_in(user):
        return None
    if speakers:
        _, quotes = _branches(SpeakerQuote, user, Q(entity__public_quotes=0))
        quotes_sql, params = quotes.order_by().values("entity_id", "speaker_name").query.sql_with_params()
        return (
            f"""SELECT q.entity_id, 0 AS articles, 0 AS mentions, count(*) AS quotes, min(q.speaker_name) AS name
                FROM ({quotes_sql}) q WHERE q.entity_id IS NOT NULL GROUP BY q.entity_id""",
            list(params),
        )
    _, mentions = _branches(EntityMention, user, Q(entity__public_articles=0))
    mentions_sql, params = mentions.order_by().values("entity_id", "article_id", "name").query.sql_with_params()
    return (
        f"""SELECT m.entity_id, count(DISTINCT m.article_id) AS articles, count(*) AS mentions, 0 AS quotes,
                   min(m.name) AS name
            FROM ({mentions_sql}) m GROUP BY m.entity_id""",
        list(params),
    )


# --- search filters ----------------------------------------------------------------------------


def article_conditions(user, *, labels: Sequence[str] = (), entity_ids: Sequence[int] = ()) -> tuple[tuple[str, tuple], ...]:
    """SQL conditions on ``s.article_id`` for the article search: mentions every entity, and one of the labels.

    Only mentions that count for ``user`` decide.
    """
    out = []
    for entity_id in entity_ids:
        sql, params = mention_rows(user, ["article_id"], Q(entity_id=entity_id))
        out.append((f"EXISTS (SELECT 1 FROM ({sql}) m WHERE m.article_id = s.article_id)", tuple(params)))
    if labels:
        sql, params = mention_rows(user, ["article_id"], Q(label__in=list(labels)))
        out.append((f"EXISTS (SELECT 1 FROM ({sql}) m WHERE m.article_id = s.article_id)", tuple(params)))
    return tuple(out)
