"""Clients racing each other, each on its own thread and database connection."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from annotations.models import Annotation
from annotations.services import annotation_create
from newsreader.document import compose
from newsreader.services.articles import article_revise
from tests.annotations.conftest import seed_parts, span_of
from tests.factories import UserFactory

# Transactional: each thread has its own connection and must see committed rows. The
# flush afterwards removes the default label set; tests/annotations/api/conftest.py puts it back.
pytestmark = pytest.mark.django_db(transaction=True)


def race(requests):
    """Run each ``request()`` on its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except Exception as exc:  # surfaced by the assertions below
            results[index] = exc
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def shared(seed_article, group, per):
    """A group annotation that its creator and two moderators may all edit."""
    from annotations.models import Membership

    creator, *moderators = UserFactory(), UserFactory(), UserFactory()
    Membership.objects.create(group=group, user=creator)
    for user in moderators:
        Membership.objects.create(group=group, user=user, role="moderator")
    text = seed_article.current_revision.text
    start, end = span_of(text, "الكاظمي")
    annotation = annotation_create(
        user=creator, article=seed_article, kind="entity", start=start, end=end, label=per, visibility="group", group=group
    )
    return annotation, [creator, *moderators]


def test_two_clients_same_if_match_exactly_one_wins(shared):
    annotation, users = shared
    path, tag = f"/api/annotations/{annotation.pk}/", f'"{annotation.pk}-1"'
    responses = race(
        [lambda u=u, n=n: client(u).patch(path, {"note": n}, format="json", HTTP_IF_MATCH=tag) for u, n in zip(users[:2], ["A", "B"])]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 412], responses
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 412).json()
    annotation.refresh_from_db()
    assert annotation.version == 2 and annotation.note == winner["note"]
    # nothing lost: the loser is told what is stored now and can re-apply its change on top
    assert loser["current"]["note"] == winner["note"] and loser["current_version"] == 2


def test_ten_concurrent_patches_one_200_nine_412(shared):
    annotation, users = shared
    path, tag = f"/api/annotations/{annotation.pk}/", f'"{annotation.pk}-1"'
    requests = [
        lambda i=i: client(users[i % 3]).patch(path, {"note": f"client {i}"}, format="json", HTTP_IF_MATCH=tag)
        for i in range(10)
    ]
    responses = race(requests)
    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [200] + [412] * 9, statuses
    winner = statuses.index(200)
    annotation.refresh_from_db()
    assert annotation.note == f"client {winner}" and annotation.version == 2


def test_patch_and_delete_race(shared):
    annotation, users = shared
    path, tag = f"/api/annotations/{annotation.pk}/", f'"{annotation.pk}-1"'
    patch, delete = race(
        [
            lambda: client(users[0]).patch(path, {"note": "kept?"}, format="json", HTTP_IF_MATCH=tag),
            lambda: client(users[1]).delete(path, HTTP_IF_MATCH=tag),
        ]
    )
    stored = Annotation.objects.filter(pk=annotation.pk).first()
    if delete.status_code == 204:
        assert patch.status_code in (404, 412) and stored is None
    else:
        assert (patch.status_code, delete.status_code) == (200, 412)
        assert stored.note == "kept?" and stored.version == 2


def test_same_duplicate_created_twice_at_once(seed_article):
    user = UserFactory()
    text = seed_article.current_revision.text
    start, end = span_of(text, "بغداد")
    payload = {"kind": "entity", "start": start, "end": end, "label": "LOC"}
    path = f"/api/articles/{seed_article.pk}/annotations/"
    responses = race([lambda: client(user).post(path, payload, format="json") for _ in range(4)])
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409], responses
    assert Annotation.objects.count() == 1


def test_creating_while_the_text_is_revised_never_leaves_a_stale_annotation(seed_article):
    users = [UserFactory() for _ in range(3)]
    text = seed_article.current_revision.text
    words = ["الكاظمي", "بغداد", "واشنطن", "العراق", "داعش", "بايدن"]
    path = f"/api/articles/{seed_article.pk}/annotations/"

    def creator(user):
        def run():
            codes = []
            for word in words:
                start, end = span_of(text, word)
                codes.append(client(user).post(path, {"kind": "entity", "start": start, "end": end, "label": "MISC", "revision": seed_article.current_revision_id}, format="json").status_code)
            return codes

        return run

    def reviser():
        parts = seed_parts()
        parts.pop("published_on")
        parts["body"] = ["فقرة أضيفت أثناء التعليق.", *parts["body"]]
        from newsreader.models import Article

        article_revise(article=Article.objects.get(pk=seed_article.pk), document=compose(**parts))
        return "revised"

    results = race([creator(u) for u in users] + [reviser])
    assert results[-1] == "revised"
    assert all(code == 201 for codes in results[:-1] for code in codes), results
    seed_article.refresh_from_db()
    current = seed_article.current_revision
    assert Annotation.objects.count() == len(users) * len(words)
    for annotation in Annotation.objects.all():
        # every annotation is on the current text (created after, or carried over), none left behind
        assert annotation.revision_id == current.pk and not annotation.orphaned
        assert current.text[annotation.start : annotation.end] == annotation.exact
