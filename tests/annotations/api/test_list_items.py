"""The plain list's one-loop items (annotation_dicts) are annotation_dict's, byte for byte.

The list builds its page in one loop from the database tuples (annotations.api.serializers
.annotation_dicts) instead of one annotation_dict call per row; the single annotation, the
bulk answer and the 412's ``current`` still use annotation_dict. These tests hold the two
equal (keys, their order, values) over annotations that take every branch: entities and
quotes, a speaker shown and one left out, speaker names and notes with directional
controls, private, group and hidden ones, replies (a hidden one not counted), another
editor, a machine suggestion without creator, an orphan; seen by every kind of caller.
"""

from __future__ import annotations

import orjson
import pytest
from django.utils import timezone
from django.utils.http import urlencode

from annotations.api.renderers import dumps
from annotations.api.serializers import (
    LIST_COLUMNS,
    AnnotationDocSerializer,
    annotation_dict,
    annotation_dicts,
)
from annotations.api.views import ArticleAnnotationsView
from annotations.models import Annotation
from annotations.selectors import (
    annotation_page_values,
    annotation_rows,
    annotations_for_article,
)
from annotations.services import (
    annotation_set_hidden,
    annotation_update,
    reply_create,
    reply_set_hidden,
)
from tests.annotations.api.conftest import W3C
from tests.annotations.conftest import span_of

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"


@pytest.fixture
def varied(user, other_user, member, moderator, staff_user, group, make_entity, make_quote, text, seed_article):
    """Annotations that take every branch of annotation_dict."""
    speaker = make_entity(user, occurrence=3)
    cue = span_of(text, "وقال بايدن للصحافيين")
    make_quote(user, speaker=speaker, cue_start=cue[0], cue_end=cue[0] + 4, note="قالها في البيت الأبيض")
    # A quote whose (then public) speaker became private: the speaker is left out of the public quote.
    drifting = make_entity(other_user, "بايدن", occurrence=1)
    named = make_quote(other_user, "قتاليّة", speaker=drifting, speaker_name="مسؤول أمريكي")
    annotation_update(user=other_user, annotation_id=drifting.pk, expected_version=None, visibility="private")
    secret = make_entity(user, needle="الكاظمي", visibility="private", note="سر")
    # Directional controls stored before the services refused them: neutralised where shown.
    Annotation.objects.filter(pk=named.pk).update(speaker_name=f"{RLO}مسؤول{PDI} أمريكي")
    Annotation.objects.filter(pk=secret.pk).update(note=f"سر {LRI}txt.exe{PDI}")
    shared = make_entity(member, needle="بغداد", visibility="group", group=group, note="<b>مهم</b>")
    hidden = make_entity(member, needle="واشنطن", visibility="public", group=group)
    annotation_set_hidden(user=moderator, annotation_id=hidden.pk, hidden=True)
    # Changed by another person: modified_by is not the creator.
    annotation_update(user=moderator, annotation_id=shared.pk, expected_version=None, note="راجعته")
    # A machine suggestion: no creator, no modifier, a confidence.
    suggestion = make_entity(None, needle="العراق", status="suggested", suggester="crf", confidence=0.8125)
    Annotation.objects.filter(pk=suggestion.pk).update(modified_by=None)
    orphan = make_entity(user, needle="داعش")
    Annotation.objects.filter(pk=orphan.pk).update(orphaned=True, orphaned_at=timezone.now())
    first = make_entity(other_user, occurrence=2)
    reply_create(user=user, annotation_id=first.pk, text="سؤال")
    reply_create(user=member, annotation_id=first.pk, text="جواب")
    hidden_reply = reply_create(user=other_user, annotation_id=first.pk, text="إعلان")
    reply_set_hidden(user=staff_user, reply_id=hidden_reply.pk, hidden=True)
    return seed_article


VIEWERS = ("anonymous", "user", "other_user", "member", "moderator", "staff_user")


def _viewer(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


def _items_one_by_one(rows) -> bytes:
    return dumps([annotation_dict(row) for row in rows])


@pytest.mark.parametrize("name", VIEWERS)
def test_one_loop_items_are_annotation_dicts(request, varied, name):
    viewer = _viewer(request, name)
    rows = list(annotation_rows(annotations_for_article(user=viewer, article_id=varied.pk), viewer, with_total=True))
    assert len(rows) >= 5
    expected = _items_one_by_one(rows)
    # From the ORM's dicts (a filtered list) ...
    assert dumps(annotation_dicts(rows)) == expected
    # ... and from the fast page's tuples, whatever the order of their columns.
    names, tuples = annotation_page_values(user=viewer, article_id=varied.pk, limit=1000)
    assert dumps(annotation_dicts(tuples, names)) == expected
    assert annotation_dicts(tuples, names) == [annotation_dict(row) for row in rows]


def test_the_variety_is_there(request, varied):
    """The fixture takes each branch (else the comparisons above would prove less than they say)."""
    staff = request.getfixturevalue("staff_user")
    items = [annotation_dict(row) for row in annotation_rows(annotations_for_article(user=staff, article_id=varied.pk), staff)]
    assert {item["kind"] for item in items} == {"entity", "quote"}
    quotes = [item for item in items if item["kind"] == "quote"]
    assert any(q["speaker"] is not None for q in quotes) and any(q["speaker"] is None for q in quotes)
    stored = Annotation.objects.values_list("speaker_name", "note")
    assert any(RLO in name for name, _ in stored) and any(LRI in note for _, note in stored)
    assert all(RLO not in q["speaker_name"] and LRI not in q["note"] for q in items)
    assert {item["visibility"] for item in items} >= {"public", "group"}
    assert any(item["hidden"] for item in items) and any(item["orphaned"] for item in items)
    assert any(item["creator"] is None for item in items) and any(item["modified_by"] is None for item in items)
    assert any(item["modified_by"] and item["modified_by"] != item["creator"] for item in items)
    assert any(item["confidence"] is not None for item in items) and any(item["cue_start"] is not None for item in items)
    assert max(item["reply_count"] for item in items) == 2  # the hidden reply is not counted
    user = request.getfixturevalue("user")
    rows = list(annotation_rows(annotations_for_article(user=user, article_id=varied.pk), user))
    assert any(row["visibility"] == "private" for row in rows)
    assert {row["can_edit"] for row in rows} == {True, False}


def test_items_have_the_documented_keys_in_order(varied):
    (item, *_) = annotation_dicts(annotation_rows(annotations_for_article(user=None, article_id=varied.pk), None))
    assert list(item) == list(AnnotationDocSerializer().fields)
    assert set(LIST_COLUMNS) <= set(annotation_page_values(user=None, article_id=varied.pk)[0])


def _expected_page(viewer, article_id: int, *, number: int, size: int, query: dict, total: int) -> bytes:
    """The list's body as it was built before: annotation_dict per row of the ORM's rows."""
    rows = list(annotation_rows(annotations_for_article(user=viewer, article_id=article_id), viewer))
    page = rows[(number - 1) * size : number * size]
    base = f"http://testserver/api/articles/{article_id}/annotations/?"
    rest = [(k, v) for k, v in query.items() if k != "page"]

    def link(n):
        return base + urlencode([*rest, ("page", n)])

    return dumps(
        {
            "count": total,
            "next": link(number + 1) if number * size < total else None,
            "previous": link(number - 1) if number > 1 else None,
            "results": [annotation_dict(row) for row in page],
        }
    )


@pytest.mark.parametrize("name", VIEWERS)
def test_list_response_is_byte_for_byte_the_one_by_one_page(request, client_for, varied, name):
    viewer = _viewer(request, name)
    client = client_for(viewer)
    total = annotations_for_article(user=viewer, article_id=varied.pk).count()
    url = f"/api/articles/{varied.pk}/annotations/"
    for query in ({}, {"page_size": 3}, {"page_size": 3, "page": 2}, {"page_size": "4", "page": "2", "x": "ي"}):
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        number, size = int(query.get("page", 1)), int(query.get("page_size", 100))
        assert response.content == _expected_page(viewer, varied.pk, number=number, size=size, query=query, total=total)
        assert response["Content-Type"] == "application/json"
        assert response["ETag"].startswith('W/"')
    # Each listed item is the annotation's own document (GET /api/annotations/{id}/).
    for item in client.get(url).json()["results"]:
        assert client.get(item["url"]).json() == item


def test_filtered_list_takes_the_orm_rows_with_the_same_items(client_for, varied, user):
    client = client_for(user)
    url = f"/api/articles/{varied.pk}/annotations/"
    response = client.get(url, {"kind": "entity"})
    rows = list(annotation_rows(annotations_for_article(user=user, article_id=varied.pk).filter(kind="entity"), user))
    assert orjson.loads(response.content)["results"] == orjson.loads(_items_one_by_one(rows))
    assert response.json()["count"] == len(rows) > 0


ACCEPTS = [
    "application/json",
    W3C,
    "application/ld+json",
    "",
    "*/*",
    "text/turtle",
    "application/json, */*;q=0.1",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
]


def _outcome(negotiate, request):
    try:
        renderer, media_type = negotiate(request, False)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome compared
        return type(exc)
    return type(renderer), media_type


@pytest.mark.parametrize("method", ["get", "post"])
def test_remembered_negotiation_is_drfs(rf, method, user):
    """The container remembers what an Accept header negotiated to: the same renderer and media type (or 406)."""
    from rest_framework.request import Request

    ArticleAnnotationsView._negotiated.clear()
    for accept in [*ACCEPTS, "image/png"] * 2:  # the second time from memory
        django_request = getattr(rf, method)("/api/articles/1/annotations/", HTTP_ACCEPT=accept)
        view = ArticleAnnotationsView()
        view.format_kwarg = None
        request = Request(django_request)
        assert _outcome(view.perform_content_negotiation, request) == _outcome(view._negotiate, request), accept
    # Only answers are remembered (not a 406: a POST's empty Accept is one in DRF).
    assert set(ArticleAnnotationsView._negotiated) == {
        (ArticleAnnotationsView, method == "get", accept)
        for accept in ACCEPTS
        if not (method == "post" and accept == "")
    }


def test_an_unacceptable_accept_stays_406_and_format_still_picks(anon, varied):
    url = f"/api/articles/{varied.pk}/annotations/"
    for _ in range(2):
        assert anon.get(url, HTTP_ACCEPT="image/png").status_code == 406
    assert anon.get(url, HTTP_ACCEPT="application/json").json()["count"] > 0
    assert anon.get(url, {"format": "json"}, HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"
    assert anon.get(url, HTTP_ACCEPT="*/*")["Content-Type"].startswith("application/ld+json")
