"""What an export holds: filters, statuses, current text only, and a fixed number of queries."""

from __future__ import annotations

import json
from datetime import date

import pytest

from annotations.exports.selection import ExportQuery, iter_documents
from annotations.models import Annotation
from annotations.services import annotation_create, annotation_update
from newsreader.document import compose
from newsreader.services.articles import article_revise
from tests.annotations.conftest import seed_parts
from tests.annotations.exports.conftest import run_export
from tests.factories import SourceFactory, make_article

pytestmark = pytest.mark.django_db


def exported_texts(**query) -> list[str]:
    return [row["exact"] for doc in iter_documents(ExportQuery(**query)) for row in doc.rows]


def test_statuses(seed_article, make_entity, user, per):
    make_entity(user, "جو بايدن")
    text = seed_article.current_revision.text
    for needle, status in (("بغداد", "suggested"), ("واشنطن", "accepted"), ("إيران", "rejected")):
        start = text.index(needle)
        annotation_create(
            user=None, article=seed_article, kind="entity", start=start, end=start + len(needle), label=per, status=status
        )
    assert sorted(exported_texts()) == sorted(["جو بايدن", "واشنطن"])  # default: human and accepted
    assert exported_texts(statuses=("suggested",)) == ["بغداد"]
    assert len(exported_texts(statuses=tuple(Annotation.Status.values))) == 4


def test_only_the_current_text(seed_article, make_entity, user):
    kept = make_entity(user, "جو بايدن")
    gone = make_entity(user, "مصطفى الكاظمي")
    parts = seed_parts()
    parts["body"] = [p.replace("مصطفى الكاظمي", "رئيس الحكومة") for p in parts["body"]]
    article_revise(
        article=seed_article,
        document=compose(title=parts["title"], subtitle=parts["subtitle"], caption=parts["caption"], body=parts["body"]),
    )
    gone.refresh_from_db()
    assert gone.orphaned
    (doc,) = iter_documents(ExportQuery())
    assert [row["id"] for row in doc.rows] == [kept.pk]
    assert doc.text == seed_article.current_revision.__class__.objects.get(pk=doc.revision_id).text
    assert doc.revision_number == 2


def test_filters_by_source_date_and_article(user, per):
    agency, paper = SourceFactory(), SourceFactory()
    old = make_article(source=agency, title="قديم", published_on=date(2020, 1, 5))
    new = make_article(source=agency, title="جديد", published_on=date(2021, 7, 27))
    other = make_article(source=paper, title="آخر", published_on=date(2021, 7, 28))
    undated = make_article(source=agency, title="بلا تاريخ")

    def ids(**query):
        return [doc.article_id for doc in iter_documents(ExportQuery(**query))]

    assert ids(sources=[agency]) == [old.pk, new.pk, undated.pk]  # publication order, undated last
    assert ids(sources=[agency], date_from=date(2021, 1, 1)) == [new.pk]
    assert ids(date_to=date(2021, 7, 27)) == [old.pk, new.pk]
    assert ids(date_from=date(2021, 7, 27), date_to=date(2021, 7, 28)) == [new.pk, other.pk]
    assert ids(article_ids=[other.pk, old.pk]) == [old.pk, other.pk]
    assert ids(sources=[agency, paper]) == [old.pk, new.pk, other.pk, undated.pk]


def test_speaker_link_needs_the_speaker_in_the_export(seed_article, make_entity, make_quote, user, other_user):
    speaker = make_entity(user, "بايدن", occurrence=3)
    make_quote(user, speaker=speaker.pk)
    # Rejecting the speaker leaves it out of a default export: the quote keeps the speaker's words as a name.
    annotation_update(user=user, annotation_id=speaker.pk, expected_version=None, status="rejected")
    (doc,) = iter_documents(ExportQuery(user=user))
    (row,) = doc.rows
    assert row["speaker_id"] is None and doc.speaker_name(row) == ""
    line = json.loads(run_export("doccano", user=user))
    assert line["relations"] == []


def test_the_number_of_queries_does_not_grow_with_articles(django_assert_num_queries, user, per):
    source = SourceFactory()

    def annotate(article):
        text = article.current_revision.text
        for needle in ("فقرة", "أولى"):
            start = text.index(needle)
            annotation_create(user=user, article=article, kind="entity", start=start, end=start + len(needle), label=per)

    annotate(make_article(source=source, title="واحد"))
    # ids, articles of the chunk, their annotations (+ brat's label colours)
    with django_assert_num_queries(3):
        run_export("doccano", user=user, sources=[source])
    for n in range(5):
        annotate(make_article(source=source, title=f"مقال {n}", body=f"فقرة أولى {n}."))
    with django_assert_num_queries(3):
        data = run_export("doccano", user=user, sources=[source])
    assert len(data.splitlines()) == 6
    with django_assert_num_queries(5):
        run_export("brat", user=user, sources=[source])


def test_chunks(db):
    source = SourceFactory()
    for n in range(5):
        make_article(source=source, title=f"مقال {n}", body=f"فقرة {n}.")
    docs = list(iter_documents(ExportQuery(sources=[source]), chunk_size=2))
    assert len(docs) == 5 and len({d.article_id for d in docs}) == 5
