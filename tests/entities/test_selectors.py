"""The rows a user may count (entities/selectors.py), seen through every page built on them: each user
sees exactly what ``annotations_visible_to`` lets them count — counts, months, variants, co-occurrence,
article lists, lists, quotes."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.models import Annotation, Membership
from annotations.selectors import annotations_visible_to, speaker_shown_with
from annotations.services import annotation_update, annotations_moderate
from entities.entity_page import entity_article_ids, entity_cooccurring, entity_page, entity_summary
from entities.keys import entity_key
from entities.lists import entity_list
from entities.models import Entity, EntityMention, SpeakerQuote
from entities.quote_selectors import QuoteFilter, quote_search
from entities.visibility import counted_for
from newsreader.document import compose
from newsreader.services.articles import article_revise
from tests.factories import UserFactory


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
