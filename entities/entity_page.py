"""An entity's page for the user who asks: counts per month, name variants, its articles with the
sentences around its mentions, and the entities most often beside it.

Split from :mod:`entities.selectors` and built on it (the rows a user may count, the labels): one
direction. Query counts do not grow with the number of mentions: an entity page is a fixed handful
of statements (:func:`entity_page`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import F, Q
from django.utils.safestring import SafeString, mark_safe

from arabic.clean import neutralise_bidi
from arabic.sentences import split_sentences
from entities.keys import entity_key
from entities.models import Entity, EntityAlias, EntityMention, SpeakerQuote
from entities.selectors import (
    PAGE_SIZE,
    LabelInfo,
    counting_branches,
    counting_ids,
    fetch_all,
    label_infos,
    may_count_for,
    mention_rows,
    quote_rows,
)
from entities.visibility import is_signed_in
from newsreader.models import Article
from newsreader.textsearch.snippets import render
from newsreader.paging import PageLinks, page_count

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
    narrow = may_count_for(user)
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
        _, other_quotes = counting_branches(SpeakerQuote, user, Q(entity_id=entity.pk))
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
    public, other = counting_branches(EntityMention, user, Q(entity_id=entity_id))
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
        _, other = counting_branches(EntityMention, user, Q(article__any=article_ids))
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
        # Safe: newsreader.textsearch.snippets.render escapes the text and adds only <mark> and <bdi>.
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
class EntityPage(PageLinks):
    entity: Entity
    name: str
    label: LabelInfo | None
    summary: Summary
    articles: list[ArticleMentions]
    cooccurring: list[Cooccurring]
    cooccurrence_capped: bool
    page: int
    num_pages: int


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
    num_pages = page_count(summary.articles, page_size)
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
