"""Project queries: the queue, progress (time from activity), and the data agreement is computed on."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from annotations.models import Annotation
from projects import selectors, services
from projects.models import ProjectArticle


def _entries(team, project, articles, n=2):
    services.articles_add(user=team["owner"], project=project, articles=articles[:n])
    entries = list(ProjectArticle.objects.filter(project=project).order_by("id"))
    for entry in entries:
        services.assign(user=team["owner"], project=project, entry=entry, annotators=[team["ali"], team["badr"]])
    return entries


def test_queue_puts_started_work_first(team, project, articles):
    first, second = _entries(team, project, articles)
    services.assignment_start(user=team["ali"], entry=second)
    assert [row.entry_id for row in selectors.queue(team["ali"])] == [second.pk, first.pk]
    services.assignment_finish(user=team["ali"], entry=second)
    assert [row.entry_id for row in selectors.queue(team["ali"])] == [first.pk, second.pk]


def test_time_spent_counts_stretches_of_activity():
    t = timezone.now()
    minutes = lambda *ms: [t + timedelta(minutes=m) for m in ms]  # noqa: E731
    assert selectors._activity_seconds([]) == 0
    assert selectors._activity_seconds(minutes(0)) == 60  # one action counts a minute
    assert selectors._activity_seconds(minutes(0, 4, 7)) == 60 + 7 * 60  # gaps under 10 minutes count
    assert selectors._activity_seconds(minutes(0, 60)) == 120  # a long pause does not


def test_progress_counts_statuses_and_marks_of_assigned_annotators(team, project, articles, mark):
    first, second = _entries(team, project, articles)
    services.assignment_finish(user=team["ali"], entry=first)
    mark(team["ali"], first.article, "بغداد", "LOC")
    mark(team["ali"], first.article, "جو بايدن", "PER")
    mark(team["carim"], first.article, "العراق", "LOC")  # not assigned there: not counted
    progress = selectors.progress(project)
    ali = next(a for a in progress.annotators if a.username == "ali")
    assert (ali.assigned, ali.statuses["finished"], dict(ali.marks)) == (2, 1, {"LOC": 1, "PER": 1})
    assert ali.seconds >= 60
    carim = next(a for a in progress.annotators if a.username == "carim")
    assert carim.assigned == 0 and not carim.marks


def test_agreement_docs_in_four_queries(team, project, articles, mark, django_assert_num_queries):
    first, _ = _entries(team, project, articles)
    mark(team["ali"], first.article, "بغداد", "LOC")
    mark(team["badr"], first.article, "بغداد", "ORG")
    mark(team["carim"], first.article, "العراق", "LOC")  # not assigned
    start = first.article.current_revision.text.index("العراق")
    Annotation.objects.filter(creator=team["badr"]).update(status="rejected")  # rejected marks are no version
    with django_assert_num_queries(4):
        docs, names = selectors.agreement_docs(project)
    by_key = {doc.key: doc for doc in docs}
    doc = by_key[first.article_id]
    assert set(doc.marks) == {"ali", "badr"} and doc.marks["badr"] == []
    assert [(m.label, m.start) for m in doc.marks["ali"]] == [("LOC", first.article.current_revision.text.index("بغداد"))]
    assert len(doc.tokens) > 10 and start > 0


def test_articles_matching(team, articles):
    source = articles[0].source
    assert selectors.articles_matching(source=source).count() == 6
    assert selectors.articles_matching(query="بغداد العراق").count() == 6
    assert selectors.articles_matching(query="لندن").count() == 0
