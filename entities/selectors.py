"""What the entity, speaker and quote pages show, for the user who asks.

Every query here reads the derived rows through :func:`mention_rows` or
:func:`quote_rows`, which are the visibility rule applied to them: the rows
whose annotations count for everyone (``public``, straight from the partial
indexes) **plus** the other rows whose annotations
``annotations.selectors.annotations_visible_to(user)`` returns and that count
(:mod:`entities.visibility`). Both are SQL built by the ORM from those
selectors; the queries here wrap them (``SELECT ... FROM (<rows>) v``) and
PostgreSQL pushes the outer conditions into both branches.

Query counts do not grow with the number of mentions: an entity page is a
fixed handful of statements (:func:`entity_page`).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.safestring import SafeString, mark_safe

from annotations.models import Annotation, Label
from annotations.selectors import member_group_ids
from arabic.search_terms import tokenize
from arabic.sentences import split_sentences
from entities.keys import entity_key, key_words
from entities.models import Entity, EntityAlias, EntityMention, EntityRedirect, SpeakerQuote
from entities.visibility import counted_for, is_signed_in
from newsreader.models import Article
from search.lexemes import lexemes
from search.query import ParsedQuery
from search.selectors import tsquery_sql
from search.snippets import render

PAGE_SIZE = 20
LIST_PAGE_SIZE = 50
# Co-occurrence is counted over the entity's newest articles (all of them when fewer): like search's
# rank window, this keeps the page fast for an entity in tens of thousands of articles.
COOCCURRENCE_WINDOW: int = getattr(settings, "ENTITY_COOCCURRENCE_WINDOW", 1000)
COOCCURRING = 12
VARIANTS = 20
# Sentences shown per article on an entity page, and the longest stretch of a sentence shown.
CONTEXTS_PER_ARTICLE = 3
CONTEXT_CHARS = 360

PUBLIC = Annotation.Visibility.PUBLIC


# --- the rows a user may count ------------------------------------------------------------


def _counted_here(user, column: str):
    """Does the annotation in ``column`` count for ``user``? Asked row by row (a scalar subquery, which
    PostgreSQL never turns into a join over the whole annotation table)."""
    return Subquery(counted_for(user).filter(pk=OuterRef(column)).values("pk")[:1])


def _may_count_for(user, *, inline_groups: bool = False) -> Q | None:
    """Mention rows not counting for everyone that may still count for ``user`` (None: no row may).

    What the rule implies (``annotations.selectors.visibility_q``): an annotation
    one sees that everyone does not is one's own or shared with a group one
    belongs to (staff: any group), and anonymous visitors see public ones only.
    It narrows the rows to ask about, using the copies of creator and group on
    the row; the rule itself (:func:`_counted_here`) still decides each of them.
    ``inline_groups`` reads the user's groups first (one query) so that an index
    can serve the condition.
    """
    if not is_signed_in(user):
        return None
    if user.is_staff:
        groups = Q(group_id__isnull=False)
    elif inline_groups:
        groups = Q(group_id__in=list(member_group_ids(user).values_list("group_id", flat=True)))
    else:
        groups = Q(group_id__in=member_group_ids(user))
    return Q(creator_id=user.pk) | groups


def _branches(model, user, filters: Q, *, inline_groups: bool = False) -> tuple[QuerySet, QuerySet | None]:
    public = model.objects.filter(filters, public=True, annotation__isnull=False)
    if model is EntityMention:
        narrow = _may_count_for(user, inline_groups=inline_groups)
        if narrow is None:
            return public, None
        other = model.objects.filter(filters, narrow, public=False)
    else:
        other = model.objects.filter(filters, public=False)
    other = other.alias(_counts=_counted_here(user, "annotation_id")).filter(_counts__isnull=False)
    if model is SpeakerQuote:
        # A quote counts when its speaker annotation (if any) counts too: who said it is an annotation as well.
        other = other.alias(_speaker_counts=_counted_here(user, "speaker_annotation_id")).filter(
            Q(speaker_annotation__isnull=True) | Q(_speaker_counts__isnull=False)
        )
    return public, other


def _union_sql(branches: tuple[QuerySet, QuerySet | None], columns: Sequence[str]) -> tuple[str, list]:
    public, other = branches
    public = public.order_by().values(*columns)
    combined = public if other is None else public.union(other.order_by().values(*columns), all=True)
    sql, params = combined.query.sql_with_params()
    return sql, list(params)


def mention_rows(user, columns: Sequence[str], filters: Q = Q(), *, inline_groups: bool = False) -> tuple[str, list]:
    """SQL of the entity mentions that count for ``user`` (``columns`` of :class:`EntityMention`)."""
    return _union_sql(_branches(EntityMention, user, filters, inline_groups=inline_groups), columns)


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
        """The months as bars of an SVG chart 10 units wide each, 100 high (articles per month)."""
        peak = self.peak or 1
        bars = []
        for i, m in enumerate(self.months):
            height = round(96 * m.articles / peak, 2)
            bars.append({"month": m, "x": i * 10 + 1, "y": round(100 - height, 2), "height": height})
        return bars

    @property
    def chart_width(self) -> int:
        return max(10, len(self.months) * 10)


def entity_summary(user, entity_id: int) -> Summary:
    """Counts of an entity for ``user``: mentions, articles, per month, name variants and quotes (three queries)."""
    rows_sql, params = mention_rows(user, ["article_id", "published_on", "name"], Q(entity_id=entity_id))
    months = fetch_all(
        f"""SELECT date_trunc('month', v.published_on)::date AS month, count(DISTINCT v.article_id), count(*)
            FROM ({rows_sql}) v GROUP BY 1 ORDER BY 1 NULLS LAST""",
        params,
    )
    variants = fetch_all(
        f"SELECT v.name, count(*) AS n FROM ({rows_sql}) v GROUP BY v.name ORDER BY n DESC, v.name LIMIT %s",
        [*params, VARIANTS],
    )
    quotes_sql, quote_params = quote_rows(user, ["id"], Q(entity_id=entity_id))
    quotes = fetch_all(f"SELECT count(*) FROM ({quotes_sql}) v", quote_params)[0][0]
    summary = Summary(quotes=quotes, variants=[(name, n) for name, n in variants])
    dated = [Month(m, a, n) for m, a, n in months if m is not None]
    summary.undated = next((Month(None, a, n) for m, a, n in months if m is None), None)
    summary.months = _fill_months(dated)
    summary.mentions = sum(n for _, _, n in months)
    # An article has one date, so its month's distinct count counts it once overall.
    summary.articles = sum(a for _, a, _ in months)
    return summary


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


def entity_article_ids(user, entity_id: int, *, limit: int, offset: int = 0) -> list[int]:
    """The articles that mention the entity for ``user``, newest first (a page of them)."""
    rows_sql, params = mention_rows(user, ["article_id", "published_on"], Q(entity_id=entity_id))
    rows = fetch_all(
        f"""SELECT DISTINCT v.published_on, v.article_id FROM ({rows_sql}) v
            ORDER BY v.published_on DESC NULLS LAST, v.article_id DESC LIMIT %s OFFSET %s""",
        [*params, limit, offset],
    )
    return [article_id for _, article_id in rows]


@dataclass(frozen=True)
class Cooccurring:
    entity_id: int
    label: str
    name: str
    articles: int


def entity_cooccurring(user, entity_id: int, *, limit: int = COOCCURRING, window: int = COOCCURRENCE_WINDOW) -> tuple[list[Cooccurring], bool]:
    """The entities most often in the same articles, counted over the newest ``window`` articles.

    Returns them and whether the window was full (then the counts are over the
    newest ``window`` articles only). Two queries.
    """
    article_ids = entity_article_ids(user, entity_id, limit=window + 1)
    capped = len(article_ids) > window
    article_ids = article_ids[:window]
    if not article_ids:
        return [], False
    rows_sql, params = mention_rows(
        user, ["entity_id", "article_id", "name"], Q(article_id__in=article_ids) & ~Q(entity_id=entity_id)
    )
    rows = fetch_all(
        f"""SELECT t.entity_id, e.label, COALESCE(NULLIF(e.name, ''), t.name), t.n
            FROM (SELECT v.entity_id, count(DISTINCT v.article_id) AS n, min(v.name) AS name
                  FROM ({rows_sql}) v GROUP BY v.entity_id ORDER BY n DESC, v.entity_id LIMIT %s) t
            JOIN entities_entity e ON e.id = t.entity_id
            ORDER BY t.n DESC, t.entity_id""",
        [*params, limit],
    )
    return [Cooccurring(*row) for row in rows], capped


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
    """The sentences of ``revision`` holding these (start, end, revision id) spans, each once, the spans marked."""
    text, blocks = revision.text, revision.blocks
    marks = [(s, e) for s, e, r in marks if r == revision.pk and 0 <= s < e <= len(text)]
    if not marks:
        return []
    sentences = split_sentences(text)
    grouped: dict[int, list[tuple[int, int]]] = {}
    for start, end in marks:
        index = next((i for i, s in enumerate(sentences) if s.start <= start < s.end), None)
        if index is not None:
            grouped.setdefault(index, []).append((start, min(end, sentences[index].end)))
    contexts = []
    for index in sorted(grouped)[:limit]:
        sentence, spans = sentences[index], grouped[index]
        start, end = _window(text, sentence.start, sentence.end, spans[0][0], spans[-1][1])
        html = render(text, start, end, spans)
        if start > sentence.start:
            html = "… " + html
        if end < sentence.end:
            html += " …"
        kind = next((b["kind"] for b in blocks if b["start"] <= sentence.start < b["end"]), "paragraph")
        # Safe: search.snippets.render escapes the text and adds only <mark> and <bdi>.
        contexts.append(Context(mark_safe(html), kind, len(spans)))
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
    """The name to show: staff's choice, else the spelling most often marked (that this user can see)."""
    if entity.name_locked and entity.name:
        return entity.name
    if summary and summary.variants:
        return summary.variants[0][0]
    return next((n for n in quoted_as if n), "") or entity.name or entity.key


def entity_page(user, entity: Entity, *, page: int = 1, page_size: int = PAGE_SIZE) -> EntityPage | None:
    """Everything an entity page shows, or None when nothing about it counts for ``user`` (then: 404)."""
    summary = entity_summary(user, entity.pk)
    if not summary.visible:
        return None
    num_pages = max(1, math.ceil(summary.articles / page_size))
    page = min(max(1, page), num_pages)
    ids = entity_article_ids(user, entity.pk, limit=page_size, offset=(page - 1) * page_size)
    cooccurring, capped = entity_cooccurring(user, entity.pk)
    names = [] if summary.variants else speaker_names(user, entity.pk)
    return EntityPage(
        entity=entity,
        name=display_name(entity, summary, names),
        label=label_infos().get(entity.label),
        summary=summary,
        articles=entity_article_mentions(user, entity.pk, ids),
        cooccurring=cooccurring,
        cooccurrence_capped=capped,
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
        if entity_summary(user, alias.entity_id).visible:
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
    """Entities (``speakers``: those with quotes) with their counts for ``user``, most frequent first or by name.

    Counts are the public ones stored on each entity plus, for a signed-in
    user, what only they can see (their own and their groups' annotations).
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
    return EntityList([ListedEntity(*row[:-1]) for row in rows], total, max(1, page), page_size)


def _count_only(user, **kwargs) -> int:
    return entity_list(user, page=1, page_size=1, **kwargs).total


def _extras_sql(user, speakers: bool) -> tuple[str, list] | None:
    """Per entity, what counts for this user and not for everyone: articles not already counted
    publicly and mentions (entity lists), or quotes (speaker lists). None: nothing (anonymous)."""
    if not is_signed_in(user):
        return None
    if speakers:
        # The quote or its speaker annotation is the user's or their groups' (a public quote whose
        # speaker only this user can see counts for them too); both must count.
        mine = _extra_annotations(user).values("pk")
        quotes = (
            SpeakerQuote.objects.filter(public=False, entity__isnull=False)
            .filter(Q(annotation__in=mine) | Q(speaker_annotation__in=mine))
            .alias(_counts=_counted_here(user, "annotation_id"), _speaker_counts=_counted_here(user, "speaker_annotation_id"))
            .filter(_counts__isnull=False)
            .filter(Q(speaker_annotation__isnull=True) | Q(_speaker_counts__isnull=False))
        )
        quotes_sql, params = quotes.values("entity_id", "speaker_name").query.sql_with_params()
        return (
            f"""SELECT q.entity_id, 0 AS articles, 0 AS mentions, count(*) AS quotes, min(q.speaker_name) AS name
                FROM ({quotes_sql}) q GROUP BY q.entity_id""",
            list(params),
        )
    _, mentions = _branches(EntityMention, user, Q(), inline_groups=True)
    mentions_sql, params = mentions.order_by().values("entity_id", "article_id", "name").query.sql_with_params()
    return (
        f"""SELECT m.entity_id,
                   count(DISTINCT m.article_id) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM entities_entitymention p WHERE p.article_id = m.article_id
                       AND p.entity_id = m.entity_id AND p.public AND p.annotation_id IS NOT NULL)) AS articles,
                   count(*) AS mentions, 0 AS quotes, min(m.name) AS name
            FROM ({mentions_sql}) m GROUP BY m.entity_id""",
        list(params),
    )


def _extra_annotations(user) -> QuerySet[Annotation]:
    """Annotations of a signed-in user that may count for them and not for everyone: their own and
    their groups' (narrowed as in :func:`_may_count_for`, so that the creator and group indexes serve)."""
    return counted_for(user).exclude(visibility=PUBLIC).filter(
        Q(creator_id=user.pk) | Q(group__isnull=False)
        if user.is_staff
        else Q(creator_id=user.pk) | Q(group_id__in=list(member_group_ids(user).values_list("group_id", flat=True)))
    )


# --- quotes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteItem:
    annotation_id: int
    html: SafeString  # the quote, escaped, with the searched words in <mark>
    quote_type: str
    speaker_id: int | None
    speaker_name: str
    article: Article
    published_on: date | None


@dataclass
class QuoteResults:
    items: list[QuoteItem]
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


QUOTE_TYPES = tuple(Annotation.QuoteType.values)


@dataclass(frozen=True)
class QuoteFilter:
    """Which quotes: by speakers (entity ids; None: anyone), words, type and dates."""

    entity_ids: tuple[int, ...] | None = None
    query: ParsedQuery | None = None
    quote_type: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def sql(self, user, columns: Sequence[str]) -> tuple[str, list]:
        """SQL of the matching quote rows that count for ``user``, newest first."""
        filters = Q(entity_id__in=list(self.entity_ids)) if self.entity_ids is not None else Q()
        needed = [*columns, *(c for c in ("id", "vector", "published_on", "quote_type") if c not in columns)]
        rows_sql, params = quote_rows(user, needed, filters)
        where = ["TRUE"]
        if self.query:
            ts, ts_params = tsquery_sql(self.query)
            where.append(f"v.vector @@ {ts}")
            params += ts_params
        if self.quote_type:
            where.append("v.quote_type = %s")
            params.append(self.quote_type)
        if self.date_from:
            where.append("v.published_on >= %s")
            params.append(self.date_from)
        if self.date_to:
            where.append("v.published_on <= %s")
            params.append(self.date_to)
        return (
            f"SELECT {', '.join('v.' + c for c in columns)} FROM ({rows_sql}) v WHERE {' AND '.join(where)} "
            "ORDER BY v.published_on DESC NULLS LAST, v.id DESC",
            params,
        )


_ITEM_COLUMNS = ["annotation_id", "entity_id", "article_id", "published_on", "quote_type", "speaker_name"]


def quote_search(user, quote_filter: QuoteFilter, *, page: int = 1, page_size: int = PAGE_SIZE) -> QuoteResults:
    """A page of quotes that count for ``user``, newest first, with the words searched for marked (four queries)."""
    if quote_filter.entity_ids is not None and not quote_filter.entity_ids:
        return QuoteResults([], 0, 1, page_size)
    page = max(1, page)
    sql, params = quote_filter.sql(user, _ITEM_COLUMNS)
    rows = fetch_all(f"SELECT q.*, count(*) OVER () FROM ({sql}) q LIMIT %s OFFSET %s", [*params, page_size, (page - 1) * page_size])
    if not rows and page > 1:
        total = fetch_all(f"SELECT count(*) FROM ({sql}) q", params)[0][0]
        return QuoteResults([], total, page, page_size)
    texts = dict(Annotation.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "exact"))
    articles = Article.objects.select_related("source", "current_revision").in_bulk({r[2] for r in rows})
    marker = _Marker(quote_filter.query, texts.values())
    items = [
        QuoteItem(annotation_id, marker.html(texts.get(annotation_id, "")), quote_type, entity_id, speaker_name, articles[article_id], published_on)
        for annotation_id, entity_id, article_id, published_on, quote_type, speaker_name, _ in rows
        if article_id in articles
    ]
    return QuoteResults(items, rows[0][-1] if rows else 0, page, page_size)


class _Marker:
    """Marks the words of a quote that match the query (same lexemes as the search index)."""

    def __init__(self, query: ParsedQuery | None, texts: Iterable[str]):
        self.words: list[frozenset[str]] = []
        if not query:
            self.lexemes_of = {}
            return
        tokens = {t.key for text in texts for t in tokenize(text)}
        query_keys = {k for term in query.terms for k in term.keys}
        self.lexemes_of = lexemes(tokens | query_keys)
        self.words = [self.lexemes_of.get(k, frozenset()) for k in query_keys]

    def html(self, text: str) -> SafeString:
        spans = []
        if self.words:
            for token in tokenize(text):
                found = self.lexemes_of.get(token.key, frozenset())
                if any(found & word for word in self.words):
                    spans.append((token.start, token.end))
        # Safe: render escapes the text and adds only <mark> and <bdi>.
        return mark_safe(render(text, 0, len(text), spans))


def speakers_named(user, text: str, *, limit: int = 50) -> list[ListedEntity]:
    """Speakers whose names hold the words of ``text`` (``speaker=`` of the quote search), most quoted first."""
    return entity_list(user, query=text, speakers=True, page_size=limit).items


def speaker_choice(user, text: str) -> tuple[list[ListedEntity] | None, tuple[int, ...] | None]:
    """``speaker=`` of the quote search: (speakers matched by name or None, entity ids or None for anyone).

    A number is an entity id; words are matched against the speakers' names.
    """
    text = text.strip()
    if not text:
        return None, None
    if text.isdigit():
        return None, (int(text),)
    speakers = speakers_named(user, text)
    return speakers, tuple(s.id for s in speakers)


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
