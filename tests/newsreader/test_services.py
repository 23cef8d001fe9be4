from newsreader.document import compose
from newsreader.models import Article
from newsreader.services import articles
from newsreader.services.articles import article_revise, article_save


def test_same_article_twice_is_one(source):
    first = article_save(source=source, title="عنوان", body="نص")
    second = article_save(source=source, title="عنوان", body="نص")
    assert first.created and not second.created
    assert Article.objects.count() == 1


def test_revise_keeps_old_revision(article):
    old = article.current_revision
    new = article_revise(article=article, document=compose(title="عنوان جديد", body="نص جديد"))
    article.refresh_from_db()
    assert article.current_revision == new and new.number == old.number + 1
    assert article.revisions.count() == 2
    old.refresh_from_db()
    assert old.title == "عنوان تجريبي"


def test_reimport_by_url_with_new_text_revises(source):
    a = article_save(source=source, title="عنوان", body="نص", source_url="https://example.org/a").article
    result = article_save(source=source, title="عنوان", body="نص معدل", source_url="https://example.org/a")
    assert result.revised and result.article == a
    # the old text again does not roll the article back
    again = article_save(source=source, title="عنوان", body="نص", source_url="https://example.org/a")
    assert not again.revised and not again.created
    a.refresh_from_db()
    assert "معدل" in a.current_revision.text


def test_deleting_an_article_takes_its_revisions_and_annotations(article, user):
    from annotations.models import Annotation, Label
    from annotations.services import annotation_create
    from newsreader.models import ArticleRevision
    import importlib
    from django.apps import apps

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    label = Label.objects.get(label_set__is_default=True, code="PER")
    article_revise(article=article, document=compose(title="عنوان تجريبي", body="فقرة أولى معدلة."))
    annotation_create(user=user, article=article, kind="entity", start=0, end=5, label=label)
    article.delete()
    assert not ArticleRevision.objects.exists()
    assert not Annotation.objects.exists()


def test_an_annotated_revision_cannot_be_deleted_alone(article, user):
    from django.db.models import RestrictedError
    import importlib
    from django.apps import apps
    import pytest

    from annotations.models import Label
    from annotations.services import annotation_create

    importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    label = Label.objects.get(label_set__is_default=True, code="PER")
    annotation_create(user=user, article=article, kind="entity", start=0, end=5, label=label)
    with pytest.raises(RestrictedError):
        article.current_revision.delete()


# --- text hooks: other apps follow an article's text without this module importing them ----------


def test_the_apps_follow_new_text_in_the_order_of_installed_apps():
    # Carry-over first (the annotations move to the new text), then the search row, then suggestions.
    assert articles.text_hooks() == ["annotations", "search", "suggestions"]


def test_the_hooks_get_the_article_and_both_revisions_inside_the_transaction(source, monkeypatch):
    from django.db import connection

    calls = []

    def hook(*, article, previous, revision):
        calls.append((article.pk, previous and previous.pk, revision.pk, connection.in_atomic_block))

    monkeypatch.setitem(articles._text_hooks, "probe", hook)
    article = article_save(source=source, title="عنوان", body="نص").article
    first = article.current_revision
    assert calls == [(article.pk, None, first.pk, True)]
    second = article_revise(article=article, document=compose(title="عنوان", body="نص آخر"))
    assert calls[1] == (article.pk, first.pk, second.pk, True)
    article_revise(article=article, document=compose(title="عنوان", body="نص آخر"))  # same text: no revision
    assert len(calls) == 2
