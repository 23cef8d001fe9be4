"""The article search's entity filters (entities/search_filters.py): only mentions that count for the searcher decide."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from entities.search_filters import article_conditions
from tests.entities.conftest import entity_of


def matching(conditions) -> set[int]:
    """The articles every condition holds for (the conditions are on ``s.article_id``, as in the search query)."""
    where = " AND ".join(sql for sql, _ in conditions) or "TRUE"
    params = [p for _, ps in conditions for p in ps]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.article_id FROM (SELECT id AS article_id FROM newsreader_article) s WHERE {where}", params)
        return {row[0] for row in cursor.fetchall()}


def test_entities_and_labels_narrow_the_articles(marked, articles):
    biden, kadhimi = entity_of(marked["biden_visit"]), entity_of(marked["kadhimi_visit"])
    assert matching(article_conditions(None, entity_ids=[biden.pk])) == {articles["visit"].pk, articles["washington"].pk}
    assert matching(article_conditions(None, entity_ids=[biden.pk, kadhimi.pk])) == {articles["visit"].pk, articles["washington"].pk}
    assert matching(article_conditions(None, labels=["ORG"])) == {articles["reception"].pk}
    assert matching(article_conditions(None, labels=["LOC", "ORG"], entity_ids=[kadhimi.pk])) == {
        articles["visit"].pk, articles["reception"].pk,
    }  # fmt: skip
    assert article_conditions(None) == ()


def test_a_private_mention_counts_for_its_creator_only(user, other_user, articles, mark):
    secret = mark(user, articles["undated"], "وزير المالية", label="ORG", visibility="private")
    minister = entity_of(secret).pk
    assert matching(article_conditions(user, entity_ids=[minister])) == {articles["undated"].pk}
    assert matching(article_conditions(user, labels=["ORG"])) == {articles["undated"].pk}
    for stranger in (other_user, AnonymousUser(), None):
        assert matching(article_conditions(stranger, entity_ids=[minister])) == set()
        assert matching(article_conditions(stranger, labels=["ORG"])) == set()
