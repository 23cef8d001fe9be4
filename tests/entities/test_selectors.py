"""The pages' data: counts, months, variants, co-occurrence, article lists, quotes, lists — for each user."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.models import Annotation, Membership
from annotations.selectors import annotations_visible_to, speaker_shown_with
from annotations.services import annotation_update, annotations_moderate
from entities import selectors
from entities.models import Entity, EntityMention, SpeakerQuote
from entities.quote_selectors import QuoteFilter, quote_search, speakers_named
from entities.selectors import (
    entity_article_ids,
    entity_cooccurring,
    entity_list,
    entity_page,
    entity_summary,
)
from entities.keys import entity_key
from entities.visibility import counted_for
from newsreader.document import compose
from newsreader.services.articles import article_revise
from search.query import parse_query
from tests.factories import UserFactory


def entity_of(annotation) -> Entity:
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


# --- a small corpus with known answers ------------------------------------------------------


@pytest.fixture
def marked(user, articles, mark, say):
    """Biden in three articles (two months), Kadhimi in four, one quote each."""
    a = {}
    a["biden_visit"] = mark(user, articles["visit"], "بايدن", occurrence=1)
    a["biden_visit_2"] = mark(user, articles["visit"], "بايدن", occurrence=2)
    a["biden_wash"] = mark(user, articles["washington"], "بايدن", occurrence=1)
    a["kadhimi_visit"] = mark(user, articles["visit"], "الكاظمي")
    a["kadhimi_reception"] = mark(user, articles["reception"], "الكاظمي")
    a["kadhimi_wash"] = mark(user, articles["washington"], "بالكاظمي")
    a["kadhimi_undated"] = mark(user, articles["undated"], "الكاظمي")
    a["baghdad"] = mark(user, articles["visit"], "بغداد", label="LOC")
    a["un"] = mark(user, articles["reception"], "الأمم المتحدة", label="ORG")
    a["q_biden"] = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=a["biden_visit"])
    a["q_biden_2"] = say(
        user, articles["washington"], "أن القوات الأميركية لن تكون في مهمة قتالية في العراق مع نهاية العام",
        speaker=a["biden_wash"], quote_type="indirect",
    )  # fmt: skip
    a["q_kadhimi"] = say(
        user, articles["reception"], "إن الحكومة ملتزمة بإجراء الانتخابات في موعدها", speaker=a["kadhimi_reception"]
    )
    return a


def test_summary_counts_months_and_variants(marked):
    biden = entity_of(marked["biden_visit"])
    summary = entity_summary(None, biden)
    assert (summary.mentions, summary.articles, summary.quotes) == (3, 2, 2)
    assert [(m.month, m.articles, m.mentions) for m in summary.months] == [
        (date(2024, 1, 1), 1, 2),
        (date(2024, 2, 1), 0, 0),  # the gap is filled for the chart
        (date(2024, 3, 1), 1, 1),
    ]
    assert summary.undated is None and summary.peak == 1
    kadhimi = entity_summary(None, entity_of(marked["kadhimi_visit"]))
    assert (kadhimi.mentions, kadhimi.articles) == (4, 4)
    assert kadhimi.undated.articles == 1
    assert kadhimi.variants == [("الكاظمي", 3), ("بالكاظمي", 1)]


def test_articles_newest_first_and_paged(marked, articles):
    kadhimi = entity_of(marked["kadhimi_visit"]).pk
    order = [articles[n].pk for n in ("washington", "reception", "visit", "undated")]  # undated last
    assert entity_article_ids(None, kadhimi, limit=10) == order
    assert entity_article_ids(None, kadhimi, limit=2, offset=2) == order[2:]


def test_cooccurrence(marked, other_user, articles, mark):
    biden = entity_of(marked["biden_visit"])
    found, windowed = entity_cooccurring(None, biden.pk)
    names = [(c.name, c.label, c.articles) for c in found]
    assert names[0] == ("الكاظمي", "PER", 2)
    assert set(names[1:]) == {("بغداد", "LOC", 1)}
    assert not windowed
    # what counts for everyone is counted over the entity's newest articles, whatever the user's window
    assert entity_cooccurring(None, biden.pk, window=1)[0] == found
    # a user's own annotations are added within the entity's newest articles
    mark(other_user, articles["visit"], "العراق", label="LOC", visibility="private")
    mine, windowed = entity_cooccurring(other_user, biden.pk)
    assert windowed and ("العراق", 1) in [(c.name, c.articles) for c in mine]
    newest_only, _ = entity_cooccurring(other_user, biden.pk, window=1)  # the visit is Biden's older article
    assert "العراق" not in [c.name for c in newest_only]
    assert "العراق" not in [c.name for c in entity_cooccurring(None, biden.pk)[0]]
def test_cooccurrence_is_counted_in_the_newest_articles_only(marked, monkeypatch):
    """Counted when read, bounded: no table of pairs grows with the square of an article's entities."""
    from entities import selectors

    biden = entity_of(marked["biden_visit"])
    monkeypatch.setattr(selectors, "PUBLIC_COOCCURRENCE_ARTICLES", 1)
    found, _ = entity_cooccurring(None, biden.pk)
    # Biden's newest article is the one in Washington: only al-Kadhimi is there with him.
    assert [(c.name, c.articles) for c in found] == [("الكاظمي", 1)]


def test_sentences_around_mentions(marked, articles):
    biden = entity_of(marked["biden_visit"])
    page = entity_page(None, biden, page=1)
    assert page.name == "بايدن" and page.label.code == "PER"
    assert [a.article.pk for a in page.articles] == [articles["washington"].pk, articles["visit"].pk]
    visit = page.articles[1]
    assert visit.mentions == 2 and visit.more == 0
    assert [str(c.html) for c in visit.contexts] == [
        "وصل الرئيس الأميركي جو <mark>بايدن</mark> إلى بغداد اليوم.",
        "وقال <mark>بايدن</mark> إن العراق شريك مهم للولايات المتحدة.",
    ]
    assert [c.block for c in visit.contexts] == ["paragraph", "paragraph"]


def test_a_long_sentence_is_cut_around_the_mention(user, agency, mark):
    from tests.factories import make_article

    long_sentence = " ".join(["كلمة"] * 150) + " التقى ماكرون الوفد " + " ".join(["كلمة"] * 150) + "."
    article = make_article(source=agency, title="عنوان", body=long_sentence)
    macron = entity_of(mark(user, article, "ماكرون"))
    html = str(entity_page(None, macron).articles[0].contexts[0].html)
    assert html.startswith("… ") and html.endswith(" …") and "<mark>ماكرون</mark>" in html
    assert len(html) < selectors.CONTEXT_CHARS + 40


def test_contexts_escape_the_text(user, agency, mark):
    from tests.factories import make_article

    article = make_article(source=agency, title="عنوان", body="قال <b>سامي</b> & رحل.")
    sami = entity_of(mark(user, article, "سامي"))
    html = str(entity_page(None, sami).articles[0].contexts[0].html)
    # escaped; Latin runs isolated (<bdi>) so they keep their order in right-to-left text
    assert html == "قال &lt;<bdi>b</bdi>&gt;<mark>سامي</mark>&lt;/<bdi>b</bdi>&gt; &amp; رحل."


def test_an_entity_nobody_may_see_has_no_page(user, other_user, articles, mark):
    secret = entity_of(mark(user, articles["visit"], "بايدن", occurrence=1, visibility="private"))
    assert entity_page(other_user, secret) is None
    assert entity_page(None, secret) is None
    assert entity_page(user, secret).summary.mentions == 1


def test_entity_list_by_frequency_label_name_and_query(marked):
    listed = entity_list(None)
    assert [(e.name, e.articles) for e in listed.items][:2] == [("الكاظمي", 4), ("بايدن", 2)]
    assert listed.total == 4
    assert [e.name for e in entity_list(None, label="LOC").items] == ["بغداد"]
    assert [e.name for e in entity_list(None, sort="name").items] == sorted(e.name for e in listed.items)
    # searchable: any word of a name, the last one as a prefix, clitics and diacritics ignored
    assert [e.name for e in entity_list(None, query="والكاظمي").items] == ["الكاظمي"]
    assert [e.name for e in entity_list(None, query="الأمم المتح").items] == ["الأمم المتحدة"]
    assert [e.name for e in entity_list(None, query="بايد").items] == ["بايدن"]
    assert entity_list(None, query="!!").items == []
    page2 = entity_list(None, page=2, page_size=3)
    assert len(page2.items) == 1 and page2.total == 4 and page2.num_pages == 2


def test_speaker_list(marked):
    speakers = entity_list(None, speakers=True)
    assert [(s.name, s.quotes) for s in speakers.items] == [("بايدن", 2), ("الكاظمي", 1)]


def test_quote_search_by_speaker_and_words(marked):
    biden = entity_of(marked["biden_visit"])
    everything = quote_search(None, QuoteFilter())
    assert everything.total == 3
    about_iraq = quote_search(None, QuoteFilter(entity_ids=(biden.pk,), query=parse_query("والعراق")))
    assert about_iraq.total == 2
    assert "<mark>العراق</mark>" in str(about_iraq.items[0].html)
    indirect = quote_search(None, QuoteFilter(entity_ids=(biden.pk,), quote_type="indirect"))
    assert [i.annotation_id for i in indirect.items] == [marked["q_biden_2"].pk]
    elections = quote_search(None, QuoteFilter(query=parse_query("انتخابات")))
    assert [i.speaker_name for i in elections.items] == ["الكاظمي"]
    january = quote_search(None, QuoteFilter(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31)))
    assert january.total == 2
    assert quote_search(None, QuoteFilter(entity_ids=())).total == 0
    assert speakers_named(None, "بايدن")[0].id == biden.pk


def test_quote_html_is_escaped(user, agency, say):
    from tests.factories import make_article

    article = make_article(source=agency, title="عنوان", body='قال: "<script>x</script> العراق".')
    quote = say(user, article, "<script>x</script> العراق")
    html = str(quote_search(None, QuoteFilter(query=parse_query("العراق"))).items[0].html)
    assert html == "&lt;<bdi>script</bdi>&gt;<bdi>x</bdi>&lt;/<bdi>script</bdi>&gt; <mark>العراق</mark>" and quote


# --- every user sees exactly what annotations_visible_to lets them count ----------------------


@pytest.fixture
def crowd(articles, mark, say, group, staff_user):
    """Many annotations of every visibility, status and state, by several users, at random."""
    rng = random.Random(7)
    users = [UserFactory() for _ in range(3)]
    for member in users[:2]:  # the third is not in the group
        Membership.objects.create(group=group, user=member, role=Membership.Role.MEMBER)

    def visibility_for(creator, choices):
        visibility = rng.choice(choices)
        return "private" if visibility == "group" and creator == users[2] else visibility
    names = {
        "visit": ["بايدن", "الكاظمي", "بغداد", "جو بايدن"],
        "reception": ["الكاظمي", "الأمم المتحدة", "الحكومة"],
        "washington": ["بايدن", "بالكاظمي", "واشنطن", "جو بايدن"],
        "undated": ["الكاظمي", "وزير المالية"],
    }
    made = []
    for key, needles in names.items():
        for needle in needles:
            for creator in rng.sample(users, 2):
                visibility = visibility_for(creator, ["public", "public", "private", "group"])
                status = rng.choice(["human", "human", "accepted", "suggested", "rejected"])
                made.append(
                    mark(creator, articles[key], needle, label="PER" if needle != "بغداد" else "LOC",
                         visibility=visibility, group=group if visibility == "group" else None, status=status)
                )  # fmt: skip
    speakers = [a for a in made if a.label.code == "PER"]
    for key, needle in [("visit", "إن العراق شريك مهم"), ("reception", "إن الحكومة ملتزمة"), ("undated", "إن الموازنة جاهزة")]:
        for creator in users:
            sees = set(annotations_visible_to(creator).values_list("pk", flat=True))
            visibility = visibility_for(creator, ["public", "private", "group"])
            quote = {"visibility": visibility, "group_id": group.pk if visibility == "group" else None, "creator_id": creator.pk}
            # Only speakers the quote may name (everyone who sees the quote sees them).
            allowed = [
                s for s in speakers
                if s.article_id == articles[key].pk and s.pk in sees
                and speaker_shown_with(quote=quote, speaker={"visibility": s.visibility, "group_id": s.group_id,
                                                             "creator_id": s.creator_id, "hidden": s.hidden})
            ]  # fmt: skip
            speaker = rng.choice(allowed + [None])
            made.append(
                say(creator, articles[key], needle, speaker=speaker, speaker_name="" if speaker else "وزير المالية",
                    visibility=visibility, group=group if visibility == "group" else None)
            )  # fmt: skip
    # Speakers made private after quotes named them (a quote cannot name a private speaker; this
    # is how one comes to have one): those quotes count for fewer people.
    named = sorted({a.speaker_id for a in made if a.kind == "quote" and a.speaker_id})
    for speaker in Annotation.objects.filter(pk__in=named, visibility="public"):
        if speaker.creator != users[1]:
            annotation_update(user=speaker.creator, annotation_id=speaker.pk, expected_version=None, visibility="private")
    annotations_moderate(annotation_ids=[a.pk for a in rng.sample(made, 6)], hidden=True)
    # an edit orphans some annotations of one article
    article = articles["washington"]
    article_revise(
        article=article, document=compose(title="لقاء", body="التقى جو بايدن مسؤولين في نيويورك."),
        user=users[0], reason="test",
    )  # fmt: skip
    return users


def expected(viewer, entity_id):
    counted = set(counted_for(viewer).values_list("pk", flat=True))
    rows = [
        m for m in EntityMention.objects.filter(entity_id=entity_id).values("annotation_id", "article_id", "published_on", "name")
        if m["annotation_id"] in counted
    ]
    quotes = [
        q for q in SpeakerQuote.objects.filter(entity_id=entity_id).values("annotation_id", "speaker_annotation_id")
        if quote_counts(q, counted)
    ]
    return rows, quotes


def quote_counts(row, counted) -> bool:
    """A quote counts when it does, and its speaker (if any) counts too and is one the quote may show."""
    if row["annotation_id"] not in counted:
        return False
    if row["speaker_annotation_id"] is None:
        return True
    fields = ("visibility", "group_id", "creator_id", "hidden")
    quote = Annotation.objects.values(*fields).get(pk=row["annotation_id"])
    speaker = Annotation.objects.values(*fields).get(pk=row["speaker_annotation_id"])
    return row["speaker_annotation_id"] in counted and speaker_shown_with(quote=quote, speaker=speaker)


def viewers(crowd, group, staff_user):
    return [AnonymousUser(), *crowd, staff_user, UserFactory()]


@pytest.mark.parametrize("viewer_index", range(6))
def test_every_figure_matches_the_visibility_rule(crowd, group, staff_user, viewer_index):
    viewer = viewers(crowd, group, staff_user)[viewer_index]
    assert Annotation.objects.filter(visibility="private").exists() and Annotation.objects.filter(orphaned=True).exists()
    for entity in Entity.objects.all():
        rows, quotes = expected(viewer, entity.pk)
        summary = entity_summary(viewer, entity)
        assert summary.mentions == len(rows)
        assert summary.articles == len({r["article_id"] for r in rows})
        assert summary.quotes == len(quotes)
        assert dict(summary.variants) == dict(Counter(r["name"] for r in rows))
        ids = entity_article_ids(viewer, entity.pk, limit=100)
        assert set(ids) == {r["article_id"] for r in rows}
        page = entity_page(viewer, entity)
        assert (page is None) == (not rows and not quotes)
        # co-occurrence: articles of this entity where the other one counts too
        others: dict[int, set] = {}
        counted = set(counted_for(viewer).values_list("pk", flat=True))
        for m in EntityMention.objects.filter(article_id__in=ids).exclude(entity_id=entity.pk).values("annotation_id", "entity_id", "article_id"):
            if m["annotation_id"] in counted:
                others.setdefault(m["entity_id"], set()).add(m["article_id"])
        found, _ = entity_cooccurring(viewer, entity.pk, limit=100)
        assert {c.entity_id: c.articles for c in found} == {k: len(v) for k, v in others.items()}
    # lists: what everyone sees, and the entities only this viewer's annotations name, with their counts
    listed = {e.id: e for e in entity_list(viewer, page_size=1000).items}
    for entity in Entity.objects.exclude(label=""):
        rows, _ = expected(viewer, entity.pk)
        public = EntityMention.objects.filter(entity=entity, public=True, annotation__isnull=False)
        if public.exists():
            shown = (public.count(), public.values("article_id").distinct().count())
        else:
            shown = (len(rows), len({r["article_id"] for r in rows}))
        if shown[0]:
            assert (listed[entity.pk].mentions, listed[entity.pk].articles) == shown
        else:
            assert entity.pk not in listed
    speakers = {e.id: e.quotes for e in entity_list(viewer, speakers=True, page_size=1000).items}
    assert speakers == {
        e.pk: n for e in Entity.objects.all() if (n := e.public_quotes or len(expected(viewer, e.pk)[1]))
    }
    # the quote search
    counted = set(counted_for(viewer).values_list("pk", flat=True))
    visible_quotes = {
        q["annotation_id"] for q in SpeakerQuote.objects.values("annotation_id", "speaker_annotation_id")
        if quote_counts(q, counted)
    }  # fmt: skip
    assert {i.annotation_id for i in quote_search(viewer, QuoteFilter(), page_size=1000).items} == visible_quotes


def test_anonymous_visitors_have_nothing_beyond_what_counts_for_everyone(crowd):
    """The lists skip the per-user part for anonymous visitors: the rule gives them public annotations only."""
    assert counted_for(AnonymousUser()).exclude(visibility="public").count() == 0
    assert Annotation.objects.exclude(visibility="public").exists()


def test_the_crowd_makes_the_viewers_differ(crowd, group, staff_user):
    """Guards the test above against a corpus where everybody happens to see the same."""
    # What each viewer counts, entity by entity (a speaker made private after its quotes hides them from
    # everyone, its creator included, so sums alone come closer together).
    totals = [
        tuple((entity_summary(viewer, e).mentions, entity_summary(viewer, e).quotes) for e in Entity.objects.order_by("pk"))
        for viewer in viewers(crowd, group, staff_user)
    ]
    assert len(set(totals)) >= 4, totals
    assert EntityMention.objects.filter(public=True).exists() and EntityMention.objects.filter(public=False).exists()
    assert SpeakerQuote.objects.filter(public=False).exists()


def test_aggregates_match_a_rebuild_after_every_kind_of_change(crowd, staff_user, user, articles, mark):
    """The incremental upkeep (link hook) leaves exactly what a rebuild from the rows gives."""
    from annotations.services import annotation_delete, annotation_update
    from entities import aggregates
    from entities.models import EntityMonth, EntityVariant
    from entities.services import entity_merge, entity_split

    def snapshot():
        return (
            sorted(EntityMonth.objects.values_list("entity_id", "month", "articles", "mentions")),
            sorted(EntityVariant.objects.values_list("entity_id", "name", "mentions")),
        )

    # more changes: an update that moves a mention, a delete, a merge, a split
    moved = mark(user, articles["reception"], "الأمم المتحدة", label="PER")
    text = articles["reception"].current_revision.text
    start = text.index("الكاظمي")
    annotation_update(user=user, annotation_id=moved.pk, expected_version=None, start=start, end=start + 7, exact="الكاظمي")
    gone = mark(user, articles["visit"], "الكاظمي")
    annotation_delete(user=user, annotation_id=gone.pk, expected_version=None)
    biden = Entity.objects.get(label="PER", key=entity_key("بايدن"))
    joe = Entity.objects.get(label="PER", key=entity_key("جو بايدن"))
    entity_merge(user=staff_user, target=biden, sources=[joe])
    entity_split(user=staff_user, entity=biden, names=["جو بايدن"])
    kept = snapshot()
    assert kept[0] and kept[1]
    aggregates.rebuild()
    assert snapshot() == kept
    # and the stored totals are the sums of the months
    for entity in Entity.objects.all():
        months = EntityMonth.objects.filter(entity=entity)
        assert entity.public_mentions == sum(m.mentions for m in months)
        assert entity.public_articles == sum(m.articles for m in months)
