"""Keeping the index up to date: creation, revision, re-import, reindex."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from newsreader.document import compose
from newsreader.services.articles import article_revise, article_save
from search.indexing import trigrams
from search.models import ArticleSearch, Term
from newsreader.textsearch.query import parse_query
from search.selectors import article_search
from search.services import search_index_article, search_reindex
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def found(q):
    return [h.article for h in article_search(query=parse_query(q), correct_misspellings=False).hits]


def vector_text(article) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector::text FROM search_articlesearch WHERE article_id = %s", [article.pk])
        return cursor.fetchone()[0]


def counts(*words):
    return {t.word: t.document_count for t in Term.objects.filter(word__in=words)}


def test_a_new_article_is_indexed_with_weights(source):
    article = make_article(
        source=source, title="الانتخابات", body="نص عن بغداد.", subtitle="قراءة في النتائج", published_on=date(2024, 1, 2)
    )
    row = ArticleSearch.objects.get(article=article)
    assert row.revision_id == article.current_revision_id
    assert row.source_id == source.pk and row.published_on == date(2024, 1, 2)
    # title A (1), subtitle B (2-4), body C (5-7); clitics and the article gone
    assert vector_text(article) == "'انتخابا':1A 'عن':6C 'غداد':7C 'في':3B 'قراء':2B 'نتاءج':4B 'نص':5C"


def test_vocabulary_counts_articles_not_occurrences(source):
    make_article(source=source, title="بغداد بغداد بغداد", body="نص أول")
    make_article(source=source, title="بغداد", body="نص ثان")
    # normalised words of three letters or more, once per article
    assert counts("بغداد", "اول", "ثان", "نص") == {"بغداد": 2, "اول": 1, "ثان": 1}


def test_revision_moves_the_index_to_the_new_text(article):
    assert found("تجريبي") == [article]
    old_revision = article.current_revision
    revision = article_revise(article=article, document=compose(title="عنوان مختلف", body="عن طهران"))
    row = ArticleSearch.objects.get(article=article)
    assert row.revision == revision != old_revision
    assert found("طهران") == [article]
    assert found("تجريبي") == []
    assert counts("تجريبي", "طهران") == {"تجريبي": 0, "طهران": 1}


def test_reimport_with_new_text_reindexes(source):
    a = article_save(source=source, title="عنوان", body="عن دمشق", source_url="https://example.org/a").article
    article_save(source=source, title="عنوان", body="عن عمان", source_url="https://example.org/a")
    assert found("عمان") == [a] and found("دمشق") == []


def test_failed_revision_leaves_the_index_alone(article, monkeypatch):
    import search.services

    def broken(*args, **kwargs):
        raise RuntimeError("indexing failed")

    monkeypatch.setattr(search.services.indexing, "upsert_vectors", broken)
    with pytest.raises(RuntimeError):
        article_revise(article=article, document=compose(title="عنوان آخر", body="عن القاهرة"))
    monkeypatch.undo()
    article.refresh_from_db()
    assert article.current_revision.title == "عنوان تجريبي"  # the whole revision rolled back
    assert found("القاهرة") == [] and found("تجريبي") == [article]


def test_index_is_a_no_op_when_nothing_changed(article, django_assert_num_queries):
    with django_assert_num_queries(1):  # just reading (and locking) the current row
        assert search_index_article(article) is False


def test_metadata_change_is_picked_up_on_reindexing_the_article(article):
    article.published_on = date(2020, 5, 5)
    article.save(update_fields=["published_on"])
    assert search_index_article(article) is True
    assert ArticleSearch.objects.get(article=article).published_on == date(2020, 5, 5)


def test_reindex_rebuilds_rows_and_vocabulary(source):
    a = make_article(source=source, title="الموصل", body="نص")
    b = make_article(source=source, title="البصرة", body="نص")
    ArticleSearch.objects.all().delete()
    Term.objects.all().delete()
    assert found("الموصل") == []
    assert search_reindex() == 2
    assert found("موصل") == [a] and found("البصرة") == [b]
    assert counts("الموصل", "البصره", "نص")["الموصل"] == 1
    assert ArticleSearch.objects.count() == 2
    # The vocabulary's trigrams come with it (the fuzzy fallback's index).
    assert Term.objects.get(word="الموصل").trigrams and all(
        sorted(t.trigrams) == trigrams(t.word) for t in Term.objects.all()
    )


def test_revised_words_get_their_trigrams(source):
    article = make_article(source=source, title="الموصل", body="نص")
    article_revise(article=article, document=compose(title="الرمادي", body="نص"))
    term = Term.objects.get(word="الرمادي")
    assert sorted(term.trigrams) == trigrams("الرمادي") and term.document_count == 1


def test_reindex_command(source, capsys):
    make_article(source=source, title="كركوك", body="نص")
    ArticleSearch.objects.all().delete()
    call_command("search_reindex")
    assert "Indexed 1 articles" in capsys.readouterr().out
    assert ArticleSearch.objects.count() == 1
