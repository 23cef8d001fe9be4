"""annotations.selectors: the one visibility rule and the queries built on it."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

from annotations.models import LabelSet
from annotations.selectors import (
    _compile_page_query,
    _short_columns,
    annotation_counts,
    annotation_page,
    annotation_rows,
    annotations_for_article,
    annotations_visible_to,
    groups_visible_to,
    label_set_for_article,
    replies_visible_to,
)
from annotations.services import annotation_set_hidden, reply_create, reply_set_hidden
from tests.factories import UserFactory, make_article


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_visibility_rule(user, other_user, member, moderator, staff_user, group, make_entity):
    public = make_entity(user)
    private = make_entity(user, needle="الكاظمي", visibility="private")
    shared = make_entity(member, needle="بغداد", visibility="group", group=group)
    hidden = make_entity(member, needle="واشنطن", visibility="public", group=group)
    annotation_set_hidden(user=moderator, annotation_id=hidden.pk, hidden=True)
    assert ids(annotations_visible_to(None)) == {public.pk}
    assert ids(annotations_visible_to(AnonymousUser())) == {public.pk}
    assert ids(annotations_visible_to(user)) == {public.pk, private.pk}
    assert ids(annotations_visible_to(other_user)) == {public.pk}
    assert ids(annotations_visible_to(member)) == {public.pk, shared.pk, hidden.pk}  # its creator sees it hidden
    assert ids(annotations_visible_to(moderator)) == {public.pk, shared.pk, hidden.pk}
    assert ids(annotations_visible_to(staff_user)) == {public.pk, shared.pk, hidden.pk}
    outsider_member = UserFactory()
    group.memberships.create(user=outsider_member, role="member")
    assert ids(annotations_visible_to(outsider_member)) == {public.pk, shared.pk}  # hidden: not for plain members


def test_visibility_is_one_query_with_subqueries(user, group, member, make_entity, django_assert_num_queries):
    make_entity(member, visibility="group", group=group)
    with django_assert_num_queries(1):
        assert len(list(annotations_visible_to(member))) == 1


def test_counts_per_article(user, other_user, make_entity, seed_article):
    make_entity(user)
    make_entity(user, needle="الكاظمي", visibility="private")
    empty = make_article(title="خبر", body="نص")
    assert annotation_counts(user=user, article_ids=[seed_article.pk, empty.pk]) == {seed_article.pk: 2}
    assert annotation_counts(user=other_user, article_ids=[seed_article.pk]) == {seed_article.pk: 1}
    assert annotation_counts(user=None, article_ids=[seed_article.pk], orphaned=True) == {}


def test_rows_know_who_can_edit(user, other_user, moderator, member, group, staff_user, make_entity):
    mine = make_entity(user)
    theirs = make_entity(member, needle="بغداد", visibility="group", group=group)
    reply_create(user=other_user, annotation_id=mine.pk, text="سؤال")

    def can_edit(viewer):
        return {row["id"]: row["can_edit"] for row in annotation_rows(annotations_visible_to(viewer), viewer)}

    assert can_edit(user) == {mine.pk: True}
    assert can_edit(moderator) == {mine.pk: False, theirs.pk: True}
    assert can_edit(staff_user) == {mine.pk: True, theirs.pk: True}
    assert can_edit(None) == {mine.pk: False}
    row = annotation_rows(annotations_visible_to(user).filter(pk=mine.pk), user).get()
    assert row["reply_count"] == 1 and row["label__code"] == "PER" and row["creator__username"] == user.username


def test_for_article_in_reading_order(user, make_entity, seed_article):
    later = make_entity(user, needle="داعش")
    first = make_entity(user)
    assert list(annotations_for_article(user=user, article_id=seed_article.pk).values_list("pk", flat=True)) == [first.pk, later.pk]


def test_hidden_replies(user, other_user, moderator, member, group, make_entity):
    annotation = make_entity(member, visibility="public", group=group)
    reply = reply_create(user=other_user, annotation_id=annotation.pk, text="إعلان")
    reply_set_hidden(user=moderator, reply_id=reply.pk, hidden=True)
    assert ids(replies_visible_to(user)) == set()
    assert ids(replies_visible_to(other_user)) == {reply.pk}  # the author still sees it
    assert ids(replies_visible_to(moderator)) == {reply.pk}


def test_groups_are_visible_to_members_only(user, member, group, staff_user):
    assert ids(groups_visible_to(member)) == {group.pk}
    assert ids(groups_visible_to(user)) == set()
    assert ids(groups_visible_to(None)) == set()
    assert ids(groups_visible_to(staff_user)) == {group.pk}


def test_label_set_for_article(default_labels, source):
    article = make_article(source=source, title="خبر", body="نص")
    assert label_set_for_article(article).is_default
    sports = LabelSet.objects.create(name="رياضة")
    source.label_set = sports
    source.save()
    article.refresh_from_db()
    assert label_set_for_article(article) == sports


def test_fast_page_gives_the_orm_rows(user, other_user, member, moderator, staff_user, group, make_entity, make_quote, seed_article):
    """annotation_page() (SQL compiled once per kind of caller) returns what the ORM path returns."""
    make_entity(user)
    make_entity(user, needle="الكاظمي", visibility="private", note="سر")
    make_entity(member, needle="بغداد", visibility="group", group=group)
    hidden = make_entity(member, needle="واشنطن", visibility="public", group=group)
    annotation_set_hidden(user=moderator, annotation_id=hidden.pk, hidden=True)
    make_quote(other_user, speaker_name="مسؤول")
    for viewer in (None, user, other_user, member, moderator, staff_user):
        for w3c in (False, True):
            queryset = annotations_for_article(user=viewer, article_id=seed_article.pk)
            for offset, limit in ((0, 100), (1, 2), (10, 5)):
                expected = list(annotation_rows(queryset, viewer, w3c=w3c, with_total=True)[offset : offset + limit])
                got = annotation_page(user=viewer, article_id=seed_article.pk, w3c=w3c, offset=offset, limit=limit)
                assert got == expected, (viewer, w3c, offset)
    assert annotation_page(user=None, article_id=seed_article.pk + 1000) == []


@pytest.mark.parametrize("kind", ["anonymous", "user", "staff"])
@pytest.mark.parametrize("w3c", [False, True])
def test_page_sql_is_short_enough_for_psycopg_to_cache(kind, w3c):
    # psycopg converts a statement's %s placeholders in Python and caches the result only for statements of at
    # most MAX_CACHED_STATEMENT_LENGTH characters: a reader's W3C page was 4,583 and converted on every request.
    sql, slots, _names = _compile_page_query(kind, w3c)
    assert len(sql) <= MAX_CACHED_STATEMENT_LENGTH and len(slots) <= MAX_CACHED_STATEMENT_PARAMS
    # The outer annotations table is "a" (the derived page inside keeps the table's own name).
    assert ' INNER JOIN "annotations_annotation" "a" ON ("a"."id" = "annotation_page"."id")' in sql


def test_short_columns_keeps_renamed_columns():
    sql = '"a"."id", "a"."start" AS "begin", T4."exact" AS "exact", "a"."end" AS "end"'
    assert _short_columns(sql) == '"a"."id", "a"."start" AS "begin", T4."exact" AS "exact", "a"."end"'


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


def test_fast_page_joins_only_the_page_rows(user, other_user, make_entity, make_quote, seed_article):
    """The visible rows are filtered, counted and paged before any join: the joins see the page only.

    Before, label, creator, modified_by (and speaker, article, revision for
    W3C) were joined to every visible row of the article, then the window
    count and the LIMIT threw most of them away.
    """
    text = seed_article.current_revision.text
    speaker = make_entity(other_user, needle="بايدن")
    make_quote(user, speaker=speaker)
    for needle in ("الكاظمي", "بغداد", "واشنطن", "العراق"):
        for occurrence in range(3):
            start = -1
            for _ in range(occurrence + 1):
                start = text.find(needle, start + 1)
            if start >= 0:
                make_entity(user, needle=needle, occurrence=occurrence)
    visible = annotations_for_article(user=user, article_id=seed_article.pk).count()
    assert visible > 9  # enough rows for a page of 3 in the middle
    for w3c in (False, True):
        with CaptureQueriesContext(connection) as captured:
            rows = annotation_page(user=user, article_id=seed_article.pk, w3c=w3c, offset=3, limit=3)
        assert len(rows) == 3 and {row["total"] for row in rows} == {visible}
        (query,) = captured.captured_queries
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        joins = [n for n in _plan_nodes(plan[0]["Plan"]) if n["Node Type"] in ("Nested Loop", "Hash Join", "Merge Join")]
        assert joins, "the page is joined to its labels and users"
        assert max(n["Actual Rows"] * n["Actual Loops"] for n in joins) <= 3, w3c
