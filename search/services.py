"""Keeping the search index in step with the articles.

:func:`search_index_article` runs as a text hook of
:mod:`newsreader.services.articles` (registered in :mod:`search.apps`) whenever an
article is created or gets a new revision, inside the same transaction, so search never shows text that was
rolled back and never lags behind what a reader sees.
"""

from __future__ import annotations

from django.db import connection, transaction

from newsreader.models import Article
from search import indexing
from search.models import ArticleSearch


# No savepoint: callers run inside their own transaction (article_save,
# article_revise), and a failure here must roll all of it back anyway.
@transaction.atomic(savepoint=False)
def search_index_article(article: Article) -> bool:
    """(Re)build the search row of ``article`` from its current revision.

    Also moves the vocabulary counts from the previously indexed revision's
    words to the new one's. Cheap when nothing changed (same revision, same
    source and date). Returns whether anything was written.
    """
    revision = article.current_revision
    if revision is None:
        return ArticleSearch.objects.filter(article=article).delete()[0] > 0
    previous = ArticleSearch.objects.select_for_update().select_related("revision").filter(article=article).first()
    if (
        previous is not None
        and previous.revision_id == revision.pk
        and previous.source_id == article.source_id
        and previous.published_on == article.published_on
    ):
        return False
    row = indexing.IndexRow(
        article_id=article.pk,
        revision_id=revision.pk,
        source_id=article.source_id,
        published_on=article.published_on,
        title=revision.title,
        subtitle=revision.subtitle,
        caption=revision.caption,
        body=revision.body,
    )
    with connection.cursor() as cursor:
        indexing.upsert_vectors(cursor, [row])
        if previous is None:
            indexing.terms_adjust(cursor, added=indexing.vocabulary(revision.text))
        elif previous.revision_id != revision.pk:
            old, new = indexing.vocabulary(previous.revision.text), indexing.vocabulary(revision.text)
            indexing.terms_adjust(cursor, added=new - old, removed=old - new)
    return True


def search_reindex(*, progress=None) -> int:
    """Rebuild every search row and the vocabulary; returns the number of articles indexed."""
    with transaction.atomic():
        return indexing.reindex_all(connection, progress=progress)
