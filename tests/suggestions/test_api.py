"""The suggestions API: computing on demand, status, accept / reject / accept all, words."""

import pytest
from django.core.management import call_command

from annotations.models import Annotation
from annotations.services import annotation_create

S = Annotation.Status


@pytest.fixture
def with_biden(seed, user, run_on_commit):
    """A human marked the second بايدن; the matcher suggested the others."""
    text = seed.current_revision.text
    start = text.index("بايدن", 10)
    annotation_create(user=user, article=seed, kind="entity", start=start, end=start + 5, exact="بايدن", label="PER")
    return seed


def open_suggestions(article, **filters):
    return Annotation.objects.filter(article=article, status=S.SUGGESTED, **filters).order_by("start")


def test_suggest_on_demand(api, anon, with_biden, run_on_commit):
    assert not open_suggestions(with_biden, suggester="gazetteer").exists()
    assert anon.post(f"/api/articles/{with_biden.pk}/suggest/").status_code == 401
    response = run_on_commit(api.post, f"/api/articles/{with_biden.pk}/suggest/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["created"] == 6 and body["task"]
    assert open_suggestions(with_biden, suggester="gazetteer").count() == 6
    assert api.post("/api/articles/999999/suggest/").status_code == 404


def test_suggest_with_a_task_queue_says_whether_a_worker_will_run_it(api, with_biden, settings):
    """Queued with no live worker: the answer says so, instead of leaving the reader waiting for nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from ops.workers import heartbeat_beat

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    url = f"/api/articles/{with_biden.pk}/suggest/"
    response = api.post(url)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued" and response.json()["worker_alive"] is False

    heartbeat_beat(worker_id="w-1", queues="*")
    response = api.post(url)
    assert response.status_code == 202 and response.json()["worker_alive"] is True

    # A worker that stopped beating longer ago than WORKER_STALE_SECONDS does not count.
    from ops.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 5))
    assert api.post(url).json()["worker_alive"] is False


def test_suggesters_status(anon, db):
    response = anon.get("/api/suggesters/")
    assert response.status_code == 200
    by_name = {s["name"]: s for s in response.json()["suggesters"]}
    assert set(by_name) == {"gazetteer", "crf", "bert", "quotes"}
    assert by_name["bert"]["available"] is False and "not installed" in by_name["bert"]["detail"]
    assert by_name["crf"]["available"] is False and by_name["crf"]["version"] is None
    assert response.json()["morphology"]["available"] is False


def test_accept_and_reject(api, anon, client_other, with_biden):
    api.post(f"/api/articles/{with_biden.pk}/suggest/")
    first, second = open_suggestions(with_biden, suggester="gazetteer")[:2]
    assert anon.post(f"/api/annotations/{first.pk}/accept/").status_code == 401
    assert anon.post(f"/api/annotations/{first.pk}/reject/").status_code == 401

    response = api.post(f"/api/annotations/{first.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == first.pk and body["status"] == "accepted" and body["creator"]["username"] == api.handler._force_user.username
    assert body["can_edit"] is True and response["ETag"] == f'"{first.pk}-{first.version + 1}"'
    # Decided once: a second decision is a conflict.
    again = client_other.post(f"/api/annotations/{first.pk}/reject/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "not_a_suggestion"

    # Someone else rejects the next one, with a stale If-Match first.
    stale = client_other.post(f"/api/annotations/{second.pk}/reject/", HTTP_IF_MATCH=f'"{second.pk}-99"')
    assert stale.status_code == 412
    response = client_other.post(f"/api/annotations/{second.pk}/reject/", HTTP_IF_MATCH=f'"{second.pk}-{second.version}"')
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert response.json()["creator"] is None
    # Rejected: not suggested again.
    api.post(f"/api/articles/{with_biden.pk}/suggest/")
    assert not open_suggestions(with_biden, start=second.start, kind="entity").exists()


def test_accept_with_another_label(api, with_biden):
    api.post(f"/api/articles/{with_biden.pk}/suggest/")
    suggestion = open_suggestions(with_biden, suggester="gazetteer").first()
    response = api.post(f"/api/annotations/{suggestion.pk}/accept/", {"label": "ORG"}, format="json")
    assert response.status_code == 200 and response.json()["label_code"] == "ORG"
    bad = api.post(f"/api/annotations/{suggestion.pk}/accept/", {"colour": "red"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "unknown_field"


@pytest.mark.parametrize("label", [5, True, ["ORG"], {"code": "ORG"}])
def test_accept_takes_a_label_code_only(api, with_biden, label):
    """The schema says a string (a label code); anything else is a 400 naming the field, and the suggestion stays open."""
    api.post(f"/api/articles/{with_biden.pk}/suggest/")
    suggestion = open_suggestions(with_biden, suggester="gazetteer").first()
    response = api.post(f"/api/annotations/{suggestion.pk}/accept/", {"label": label}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "label"
    assert open_suggestions(with_biden, suggester="gazetteer").filter(pk=suggestion.pk).exists()


def test_accept_a_human_annotation_is_a_conflict(api, with_biden):
    human = Annotation.objects.get(article=with_biden, status=S.HUMAN)
    assert api.post(f"/api/annotations/{human.pk}/accept/").status_code == 409
    assert api.post("/api/annotations/999999/accept/").status_code == 404


def test_accept_all_of_one_label(api, anon, with_biden):
    api.post(f"/api/articles/{with_biden.pk}/suggest/")
    url = f"/api/articles/{with_biden.pk}/suggestions/accept-all/"
    assert anon.post(url + "?label=PER").status_code == 401
    quotes_before = open_suggestions(with_biden, kind="quote").count()
    response = api.post(url + "?label=PER")
    assert response.status_code == 200
    assert response.json()["accepted"] == 6 and len(response.json()["ids"]) == 6
    assert not open_suggestions(with_biden, kind="entity", label__code="PER").exists()
    assert open_suggestions(with_biden, kind="quote").count() == quotes_before  # other kinds untouched
    assert Annotation.objects.filter(article=with_biden, status=S.ACCEPTED, creator=api.handler._force_user).count() == 6
    assert api.post(url + "?kind=nonsense").status_code == 400


def test_words_not_installed(anon, db):
    response = anon.get("/api/words/analyse/", {"word": "كتاب"})
    assert response.status_code == 503
    error = response.json()["errors"][0]
    assert error["code"] == "not_installed" and "camel_data -i light" in error["message"]
    assert anon.get("/api/words/analyse/", {"word": "two words"}).status_code == 400
    assert anon.get("/api/words/analyse/").status_code == 400


def test_words_installed(anon, db, settings, tmp_path):
    from tests.arabic.test_morphology import write_db

    settings.SUGGESTIONS_MORPHOLOGY_DB = str(write_db(tmp_path / "camel"))
    response = anon.get("/api/words/analyse/", {"word": "والكتاب"})
    assert response.status_code == 200, response.content
    best = response.json()["best"]
    assert (best["lemma"], best["pos"], best["gloss"], best["diac"]) == ("كِتاب", "noun", "and+the+book", "وَالكِتاب")
    assert anon.get("/api/suggesters/").json()["morphology"]["available"] is True


def test_schema_has_no_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in ("/api/articles/{article_id}/suggest/", "/api/annotations/{id}/accept/", "/api/annotations/{id}/reject/",
                 "/api/articles/{article_id}/suggestions/accept-all/", "/api/suggesters/", "/api/words/analyse/"):
        assert path in text, path
