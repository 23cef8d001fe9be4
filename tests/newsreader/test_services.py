from newsreader.document import compose
from newsreader.models import Article
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
