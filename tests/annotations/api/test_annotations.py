"""The annotation endpoints: list, create, change, delete, bulk, replies, and bad input."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Annotation, Reply
from tests.annotations.api.conftest import codes, etag
from tests.annotations.conftest import span_of
from tests.factories import make_article

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"


W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def url(article) -> str:
    return f"/api/articles/{article.pk}/annotations/"


def entity(text, needle="الكاظمي", occurrence=0, **extra) -> dict:
    start, end = span_of(text, needle, occurrence)
    return {"kind": "entity", "start": start, "end": end, "exact": needle, "label": "PER", **extra}


def count() -> int:
    return Annotation.objects.count()


# --- create -----------------------------------------------------------------------------


def test_create_entity(api, seed_article, text, user):
    response = api.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "entity" and body["label_code"] == "PER" and body["exact"] == "الكاظمي"
    assert body["creator"] == {"id": user.pk, "username": user.username}
    assert body["version"] == 1 and body["can_edit"] is True and body["reply_count"] == 0
    assert body["anchor"]["method"] == "offsets"
    assert response["ETag"] == f'"{body["id"]}-1"'
    # The container's IRI plus the id (Web Annotation Protocol §5.1).
    assert response["Location"] == f"http://testserver/api/articles/{seed_article.pk}/annotations/{body['id']}"
    assert body["created"].endswith("Z")


def test_create_reanchors_and_says_so(api, seed_article, text):
    start, end = span_of(text, QUOTE)
    plain = "لن نكون مع نهاية العام في مهمة قتالية"
    payload = {"kind": "quote", "start": start + 7, "end": end + 7, "exact": plain, "quote_type": "direct"}
    response = api.post(url(seed_article), payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["start"], body["end"], body["exact"]) == (start, end, QUOTE)
    assert body["anchor"] == {"method": "folded", "requested_start": start + 7, "requested_end": end + 7}


def test_create_quote_with_speaker(api, seed_article, text):
    speaker = api.post(url(seed_article), entity(text, "بايدن", 3), format="json").json()
    start, end = span_of(text, QUOTE)
    response = api.post(
        url(seed_article),
        {"kind": "quote", "start": start, "end": end, "speaker": speaker["id"], "quote_type": "direct"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["speaker"] == speaker["id"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"kind": "entity", "start": -1, "end": 4, "label": "PER"}, [("start", "out_of_range")]),
        ({"kind": "entity", "start": 0, "end": 10**6, "label": "PER"}, [("end", "out_of_range")]),
        ({"kind": "entity", "start": 9, "end": 4, "label": "PER"}, [("end", "reversed")]),
        ({"kind": "entity", "start": 0, "end": 5, "exact": "ترامب", "label": "PER"}, [("exact", "exact_mismatch")]),
        ({"kind": "entity", "start": 0, "end": 5, "label": "GPE"}, [("label", "unknown_label")]),
        ({"kind": "entity", "start": "zero", "end": 5, "label": "PER"}, [("start", "invalid")]),
        ({"kind": "entity", "start": 0, "end": 5, "label": ["PER"]}, [("label", "invalid")]),
        ({"kind": "entity", "start": 0, "end": 5, "label": "PER", "lable": "x"}, [("lable", "unknown_field")]),
        ({"kind": "thing", "start": 0, "end": 5}, [("kind", "invalid_choice")]),
    ],
)
def test_create_errors_name_field_and_leave_db_unchanged(api, seed_article, payload, expected):
    response = api.post(url(seed_article), payload, format="json")
    assert response.status_code == 400
    assert codes(response) == expected
    assert all(e["message"] for e in response.json()["errors"])
    assert count() == 0


def test_offsets_in_the_middle_of_a_diacritic(api, seed_article, text):
    shadda = text.index("\u0651")
    response = api.post(url(seed_article), {"kind": "entity", "start": shadda, "end": shadda + 3, "label": "PER"}, format="json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "start" and error["code"] == "starts_on_mark" and error["position"] == shadda
    assert "ARABIC SHADDA" in error["message"]
    assert count() == 0


def test_speaker_from_another_article(api, seed_article, text, user, per):
    other = make_article(title="خبر", body="قال الكاظمي ذلك.")
    foreign = api.post(url(other), {"kind": "entity", "start": 4, "end": 11, "label": "PER"}, format="json").json()
    start, end = span_of(text, QUOTE)
    response = api.post(url(seed_article), {"kind": "quote", "start": start, "end": end, "speaker": foreign["id"]}, format="json")
    assert response.status_code == 400 and codes(response) == [("speaker", "speaker_other_article")]
    assert count() == 1


def test_duplicate_is_409_with_the_existing_id(api, seed_article, text):
    first = api.post(url(seed_article), entity(text), format="json").json()
    response = api.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 409
    assert response.json()["existing"] == first["id"] and codes(response) == [(None, "duplicate")]
    assert count() == 1


def test_malformed_json(api, seed_article):
    response = api.post(url(seed_article), data='{"kind": "entity", "start": 0,', content_type="application/json")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == "malformed_json" and "Malformed JSON" in error["message"] and "line 1" in error["message"]
    assert count() == 0


def test_not_an_object(api, seed_article):
    response = api.post(url(seed_article), data="[1, 2]", content_type="application/json")
    assert response.status_code == 400 and count() == 0


def test_five_megabyte_body_is_413(api, seed_article, text):
    payload = entity(text, note="ن" * (5 * 1024 * 1024 // 2))
    body = json.dumps(payload, ensure_ascii=False).encode()
    assert len(body) > 5 * 1024 * 1024
    response = api.post(url(seed_article), data=body, content_type="application/json")
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["code"] == "too_large" and "at most 2,097,152 bytes" in error["message"]
    assert count() == 0


def test_unsupported_media_type(api, seed_article):
    response = api.post(url(seed_article), data="kind=entity", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_html_in_notes_is_stored_and_returned_as_text(api, seed_article, text):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = api.post(url(seed_article), entity(text, note=script), format="json")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    assert response.json()["note"] == script
    assert Annotation.objects.get().note == script


def test_anonymous_cannot_create(anon, seed_article, text):
    response = anon.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert codes(response) == [(None, "not_authenticated")] and count() == 0


def test_unknown_article(api, anon):
    assert api.post("/api/articles/999999/annotations/", {"kind": "entity", "start": 0, "end": 1}, format="json").status_code == 404
    assert anon.get("/api/articles/999999/annotations/").status_code == 404


# --- list -------------------------------------------------------------------------------------


@pytest.fixture
def several(user, other_user, member, group, seed_article, make_entity, make_quote):
    return {
        "title": make_entity(user),
        "kazimi": make_entity(user, needle="مصطفى الكاظمي", label="ORG"),
        "other": make_entity(other_user, needle="واشنطن", label="LOC"),
        "quote": make_quote(user, status="suggested"),
        "private": make_entity(other_user, needle="الكاظمي", occurrence=2, visibility="private"),
        "group": make_entity(member, needle="بغداد", visibility="group", group=group),
    }


def test_list_in_reading_order(api, seed_article, several):
    response = api.get(url(seed_article))
    assert response.status_code == 200
    body = response.json()
    starts = [a["start"] for a in body["results"]]
    assert starts == sorted(starts)
    ids = {a["id"] for a in body["results"]}
    assert several["private"].pk not in ids and several["group"].pk not in ids  # not the user's
    assert body["count"] == 4 and body["next"] is None
    assert response["ETag"].startswith('W/"')
    assert api.get(url(seed_article), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kind=quote", {"quote"}),
        ("label=LOC", {"other"}),
        ("label=org", {"kazimi"}),
        ("status=suggested", {"quote"}),
        ("status=human&status=suggested", {"title", "kazimi", "other", "quote"}),
        ("visibility=public&kind=entity", {"title", "kazimi", "other"}),
        ("orphaned=false", {"title", "kazimi", "other", "quote"}),
        ("orphaned=true", set()),
    ],
)
def test_list_filters(api, seed_article, several, query, names):
    response = api.get(f"{url(seed_article)}?{query}")
    assert response.status_code == 200
    assert {a["id"] for a in response.json()["results"]} == {several[n].pk for n in names}


def test_list_filter_by_creator_and_group(client_for, member, user, seed_article, several):
    api = client_for(member)
    by_name = api.get(f"{url(seed_article)}?creator={user.username}").json()["results"]
    assert {a["id"] for a in by_name} == {several[n].pk for n in ("title", "kazimi", "quote")}
    by_id = api.get(f"{url(seed_article)}?creator={user.pk}").json()["results"]
    assert {a["id"] for a in by_id} == {a["id"] for a in by_name}
    group = several["group"].group
    assert [a["id"] for a in api.get(f"{url(seed_article)}?group={group.pk}").json()["results"]] == [several["group"].pk]


def test_list_modified_since(api, seed_article, several):
    Annotation.objects.update(modified=timezone.now() - timedelta(days=2))
    Annotation.objects.filter(pk=several["quote"].pk).update(modified=timezone.now())
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = api.get(url(seed_article), {"modified_since": since})
    assert [a["id"] for a in response.json()["results"]] == [several["quote"].pk]


def test_list_bad_filter_values(api, seed_article, several):
    response = api.get(url(seed_article), {"kind": "relation", "modified_since": "yesterday"})
    assert response.status_code == 400
    assert {field for field, _ in codes(response)} == {"kind", "modified_since"}


def test_list_ids_filter(api, seed_article, several):
    wanted = [several["quote"].pk, several["title"].pk, several["private"].pk]
    response = api.get(url(seed_article), {"ids": ",".join(map(str, wanted))})
    assert response.status_code == 200
    # In reading order, and never one the caller cannot see (another user's private mark is left out).
    results = response.json()["results"]
    assert {a["id"] for a in results} == {several["quote"].pk, several["title"].pk}
    assert [a["start"] for a in results] == sorted(a["start"] for a in results)
    # Spaces and repeats are tolerated; combined with another filter.
    response = api.get(url(seed_article), {"ids": f" {several['quote'].pk}, {several['quote'].pk} ,{several['title'].pk}", "kind": "quote"})
    assert [a["id"] for a in response.json()["results"]] == [several["quote"].pk]


@pytest.mark.parametrize(
    "value",
    ["1,x", "1,,2", "-3", "0", "1.5", "١,٢", "99999999999999999999", ",".join(str(i) for i in range(1, 102))],
)
def test_list_ids_filter_refuses_bad_input(api, seed_article, several, value):
    response = api.get(url(seed_article), {"ids": value})
    assert response.status_code == 400
    assert codes(response) == [("ids", "invalid")]
    assert "ids" in response.json()["errors"][0]["message"]


def test_list_ids_filter_takes_up_to_one_hundred(api, seed_article, several):
    ids = [several["title"].pk, *range(10_000_000, 10_000_099)]
    response = api.get(url(seed_article), {"ids": ",".join(map(str, ids))})
    assert response.status_code == 200 and [a["id"] for a in response.json()["results"]] == [several["title"].pk]


def test_list_ids_filter_is_one_query(client_for, user, seed_article, django_assert_num_queries):
    _bulk_rows(seed_article, user, 50)
    ids = list(Annotation.objects.values_list("pk", flat=True))
    api = client_for(user)
    with django_assert_num_queries(1):
        response = api.get(url(seed_article), {"ids": ",".join(map(str, ids)), "page_size": 100})
    assert response.status_code == 200 and len(response.json()["results"]) == 50


def test_list_pagination(api, seed_article, several):
    first = api.get(url(seed_article), {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["count"] == 4 and "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert api.get(url(seed_article), {"page": 9}).status_code == 404


def test_list_ordering(api, seed_article, several):
    Annotation.objects.filter(pk=several["title"].pk).update(modified=timezone.now() + timedelta(minutes=5))
    results = api.get(url(seed_article), {"ordering": "-modified"}).json()["results"]
    assert results[0]["id"] == several["title"].pk


def test_empty_list_of_an_existing_article(anon, seed_article):
    response = anon.get(url(seed_article))
    assert response.status_code == 200 and response.json()["results"] == []


def _bulk_rows(article, user, n):
    revision = article.current_revision
    text = revision.text
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", text)]
    from annotations.models import Label

    labels = list(Label.objects.filter(label_set__is_default=True))
    rows = []
    for i in range(n):
        start, end = words[i % len(words)]
        rows.append(
            Annotation(
                article=article, revision=revision, kind="entity", start=start, end=end, exact=text[start:end],
                label=labels[(i // len(words)) % len(labels)], creator=user, note=f"n{i}",
            )  # fmt: skip
        )
    Annotation.objects.bulk_create(rows)


@pytest.mark.parametrize("n", [1, 1000])
def test_list_query_count_does_not_grow(client_for, user, seed_article, n, django_assert_num_queries):
    _bulk_rows(seed_article, user, n)
    api = client_for(user)
    with django_assert_num_queries(1):  # the page with its total (COUNT(*) OVER ()), whatever the size
        response = api.get(url(seed_article), {"page_size": 1000})
    assert response.status_code == 200 and len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 1000])
def test_w3c_container_query_count_does_not_grow(client_for, user, seed_article, n, django_assert_num_queries):
    _bulk_rows(seed_article, user, n)
    api = client_for(user)
    with django_assert_num_queries(1):
        response = api.get(url(seed_article), {"page_size": 1000}, HTTP_ACCEPT='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"')
    assert response.status_code == 200 and response.json()["total"] == n


def test_pages_split_the_list_with_the_page_rows_complete(client_for, user, other_user, seed_article):
    """Every page (first, middle, last, partial) carries the total and its rows' joined fields and reply counts.

    The page is chosen over annotations_annotation alone and joined afterwards:
    the pages must still add up to the one-page list, row for row.
    """
    _bulk_rows(seed_article, user, 25)
    Annotation.objects.filter(article=seed_article).update(modified_by=other_user)
    middle = Annotation.objects.filter(article=seed_article).order_by("start", "end", "id")[12]
    Reply.objects.create(annotation=middle, author=other_user, text="موافق")
    Reply.objects.create(annotation=middle, author=other_user, text="مخفي", hidden=True)
    api = client_for(user)
    whole = api.get(url(seed_article), {"page_size": 100}).json()
    assert whole["count"] == 25
    pages = [api.get(url(seed_article), {"page": n, "page_size": 10}).json() for n in (1, 2, 3)]
    assert [page["count"] for page in pages] == [25, 25, 25]
    assert [len(page["results"]) for page in pages] == [10, 10, 5]
    assert [row for page in pages for row in page["results"]] == whole["results"]
    row = next(r for r in pages[1]["results"] if r["id"] == middle.pk)
    assert row["reply_count"] == 1  # the hidden reply is not counted
    assert row["creator"]["username"] == user.username and row["modified_by"]["username"] == other_user.username
    assert row["label_code"] == middle.label.code
    past = api.get(url(seed_article), {"page": 4, "page_size": 10})
    assert past.status_code == 404 and codes(past) == [(None, "invalid_page")]
    w3c = api.get(url(seed_article), {"page": 3, "page_size": 10}, HTTP_ACCEPT=W3C)
    assert w3c.status_code == 200 and len(w3c.json()["items"]) == 5 and w3c.json()["partOf"]["total"] == 25


# --- detail, update, delete -------------------------------------------------------------------


@pytest.fixture
def created(api, seed_article, text):
    return api.post(url(seed_article), entity(text), format="json")


def test_detail_has_etag_and_304(api, created):
    pk = created.json()["id"]
    response = api.get(f"/api/annotations/{pk}/")
    assert response.status_code == 200 and response["ETag"] == f'"{pk}-1"'
    assert response.json()["id"] == pk and "anchor" not in response.json()
    assert api.get(f"/api/annotations/{pk}/", HTTP_IF_NONE_MATCH=f'"{pk}-1"').status_code == 304
    assert "GET" in response["Allow"] and "PATCH" in response["Allow"] and "Accept" in response["Vary"]


def test_patch_with_if_match(api, created):
    pk = created.json()["id"]
    response = api.patch(f"/api/annotations/{pk}/", {"note": "ملاحظة", "label": "LOC"}, format="json", HTTP_IF_MATCH=etag(created))
    assert response.status_code == 200, response.content
    assert response.json()["note"] == "ملاحظة" and response.json()["label_code"] == "LOC"
    assert response["ETag"] == f'"{pk}-2"'


def test_patch_without_if_match_is_428(api, created):
    pk = created.json()["id"]
    response = api.patch(f"/api/annotations/{pk}/", {"note": "x"}, format="json")
    assert response.status_code == 428 and codes(response) == [(None, "if_match_required")]
    assert Annotation.objects.get(pk=pk).note == ""


def test_stale_if_match_is_412_with_the_current_annotation(api, created):
    pk = created.json()["id"]
    api.patch(f"/api/annotations/{pk}/", {"note": "first"}, format="json", HTTP_IF_MATCH=etag(created))
    response = api.patch(f"/api/annotations/{pk}/", {"note": "second"}, format="json", HTTP_IF_MATCH=etag(created))
    assert response.status_code == 412
    body = response.json()
    assert body["current_version"] == 2 and body["current"]["note"] == "first"
    assert response["ETag"] == f'"{pk}-2"'
    assert Annotation.objects.get(pk=pk).note == "first"


def test_modified_by_is_the_creator_until_someone_else_edits(api, client_for, created, user, staff_user):
    body = created.json()
    pk = body["id"]
    assert body["modified_by"] == {"id": user.pk, "username": user.username}
    assert api.get(f"/api/annotations/{pk}/").json()["modified_by"] == body["modified_by"]

    # A moderator (staff) edits: the creator stays, modified_by names the moderator.
    moderator = client_for(staff_user)
    response = moderator.patch(f"/api/annotations/{pk}/", {"note": "من المشرف"}, format="json", HTTP_IF_MATCH=etag(created))
    assert response.status_code == 200, response.content
    editor = {"id": staff_user.pk, "username": staff_user.username}
    assert response.json()["modified_by"] == editor and response.json()["creator"]["id"] == user.pk
    listed = api.get(url(Annotation.objects.get(pk=pk).article)).json()["results"]
    assert [a["modified_by"] for a in listed] == [editor]

    # The creator's edit based on the old version: the 412 names who made the change it collided with.
    response = api.patch(f"/api/annotations/{pk}/", {"note": "من المنشئ"}, format="json", HTTP_IF_MATCH=etag(created))
    assert response.status_code == 412 and response.json()["current"]["modified_by"] == editor


def test_modified_by_of_a_deleted_account_is_null(api, client_for, created, other_user):
    pk = created.json()["id"]
    Annotation.objects.filter(pk=pk).update(modified_by=other_user)
    other_user.delete()
    assert api.get(f"/api/annotations/{pk}/").json()["modified_by"] is None


def test_if_match_star_and_weak_and_garbage(api, created):
    pk = created.json()["id"]
    assert api.patch(f"/api/annotations/{pk}/", {"note": "a"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    assert api.patch(f"/api/annotations/{pk}/", {"note": "b"}, format="json", HTTP_IF_MATCH=f'W/"{pk}-2"').status_code == 200
    assert api.patch(f"/api/annotations/{pk}/", {"note": "c"}, format="json", HTTP_IF_MATCH="nonsense").status_code == 412


def test_put_replaces_fields(api, created, text):
    pk = created.json()["id"]
    api.patch(f"/api/annotations/{pk}/", {"note": "x"}, format="json", HTTP_IF_MATCH=etag(created))
    start, end = span_of(text, "واشنطن")
    response = api.put(
        f"/api/annotations/{pk}/", {"kind": "entity", "start": start, "end": end, "label": "LOC"}, format="json", HTTP_IF_MATCH=f'"{pk}-2"'
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["exact"] == "واشنطن" and body["note"] == "" and body["label_code"] == "LOC"


def test_put_needs_a_span(api, created):
    pk = created.json()["id"]
    response = api.put(f"/api/annotations/{pk}/", {"kind": "entity", "label": "LOC"}, format="json", HTTP_IF_MATCH=etag(created))
    assert response.status_code == 400 and codes(response) == [("start", "required")]


def test_patch_echoing_read_only_fields_is_fine(api, created):
    body = created.json()
    body["note"] = "echo"
    response = api.patch(f"/api/annotations/{body['id']}/", body, format="json", HTTP_IF_MATCH=etag(created))
    assert response.status_code == 200 and response.json()["note"] == "echo"


def test_delete(api, created):
    pk = created.json()["id"]
    assert api.delete(f"/api/annotations/{pk}/").status_code == 428
    assert api.delete(f"/api/annotations/{pk}/", HTTP_IF_MATCH=f'"{pk}-9"').status_code == 412
    assert api.delete(f"/api/annotations/{pk}/", HTTP_IF_MATCH=etag(created)).status_code == 204
    assert api.get(f"/api/annotations/{pk}/").status_code == 404


def test_moderation_endpoint(client_for, member, moderator, group, seed_article, text):
    created = client_for(member).post(url(seed_article), entity(text, visibility="group", group=group.pk), format="json")
    pk = created.json()["id"]
    assert client_for(member).post(f"/api/annotations/{pk}/moderation/", {"hidden": True}, format="json").status_code == 403
    response = client_for(moderator).post(f"/api/annotations/{pk}/moderation/", {"hidden": True}, format="json")
    assert response.status_code == 200 and response.json()["hidden"] is True


# --- bulk -----------------------------------------------------------------------------------------


def test_bulk_create(api, seed_article, text):
    items = [entity(text), {"kind": "quote", "exact": QUOTE, "speaker_index": 2}, entity(text, "بايدن", 3)]
    response = api.post(f"{url(seed_article)}bulk/", {"items": items}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()["created"]
    assert [a["kind"] for a in created] == ["entity", "quote", "entity"]
    assert created[1]["speaker"] == created[2]["id"]


def test_bulk_errors_carry_indexes(api, seed_article, text):
    items = [entity(text), {"kind": "entity", "start": 5, "end": 1, "label": "PER"}, {"kind": "entity", "start": "x"}]
    response = api.post(f"{url(seed_article)}bulk/", {"items": items}, format="json")
    assert response.status_code == 400
    assert {(e["index"], e["field"]) for e in response.json()["errors"]} == {(2, "start")}
    response = api.post(f"{url(seed_article)}bulk/", {"items": items[:2]}, format="json")
    assert [(e["index"], e["field"], e["code"]) for e in response.json()["errors"]] == [(1, "end", "reversed")]
    assert count() == 0


def test_bulk_needs_a_list(api, seed_article):
    response = api.post(f"{url(seed_article)}bulk/", {"things": []}, format="json")
    assert response.status_code == 400 and codes(response) == [("items", "required")]


# --- replies -----------------------------------------------------------------------------------------


def test_replies_thread(api, client_for, other_user, created):
    pk = created.json()["id"]
    first = client_for(other_user).post(f"/api/annotations/{pk}/replies/", {"text": "<script>x</script> لماذا؟"}, format="json")
    assert first.status_code == 201
    second = api.post(f"/api/annotations/{pk}/replies/", {"text": "لأن", "parent": first.json()["id"]}, format="json")
    assert second.status_code == 201 and second.json()["parent"] == first.json()["id"]
    replies = api.get(f"/api/annotations/{pk}/replies/").json()
    assert [r["text"] for r in replies] == ["<script>x</script> لماذا؟", "لأن"]
    assert api.get(f"/api/annotations/{pk}/").json()["reply_count"] == 2
    reply_url = f"/api/replies/{first.json()['id']}/"
    assert api.patch(reply_url, {"text": "x"}, format="json").status_code == 403
    assert client_for(other_user).patch(reply_url, {"text": "سؤال"}, format="json").json()["text"] == "سؤال"
    assert client_for(other_user).delete(reply_url).status_code == 204
    assert Reply.objects.count() == 0


def test_reply_errors(api, created):
    pk = created.json()["id"]
    response = api.post(f"/api/annotations/{pk}/replies/", {"text": "  "}, format="json")
    assert response.status_code == 400 and codes(response) == [("text", "required")]
    response = api.post(f"/api/annotations/{pk}/replies/", {"text": "x", "parent": "a"}, format="json")
    assert response.status_code == 400 and codes(response) == [("parent", "invalid")]


# --- articles, label sets, groups ---------------------------------------------------------------------------


def test_article_detail_has_text_blocks_and_labels(anon, seed_article):
    response = anon.get(f"/api/articles/{seed_article.pk}/")
    assert response.status_code == 200
    body = response.json()
    revision = seed_article.current_revision
    assert body["text"] == revision.text and body["revision"]["id"] == revision.pk
    assert body["blocks"][0]["kind"] == "title" and body["title"] == revision.title
    assert [label["code"] for label in body["label_set"]["labels"]] == ["PER", "ORG", "LOC", "EVENT", "MISC"]
    assert anon.get("/api/articles/").json()["results"][0]["id"] == seed_article.pk
    revision_body = anon.get(f"/api/revisions/{revision.pk}/").json()
    assert revision_body["text"] == revision.text and revision_body["number"] == 1


def test_label_sets_read_only_for_non_staff(api, client_for, staff_user, default_labels):
    assert api.get("/api/label-sets/").json()["results"][0]["labels"]
    assert api.post("/api/label-sets/", {"name": "x"}, format="json").status_code == 403
    staff = client_for(staff_user)
    created = staff.post("/api/label-sets/", {"name": "رياضة", "is_default": False}, format="json")
    assert created.status_code == 201
    label = staff.post(
        "/api/labels/", {"label_set": created.json()["id"], "code": "TEAM", "name_ar": "فريق", "name_en": "Team", "color": "red"}, format="json"
    )
    assert label.status_code == 400 and codes(label) == [("color", "invalid")]
    label = staff.post(
        "/api/labels/", {"label_set": created.json()["id"], "code": "TEAM", "name_ar": "فريق", "name_en": "Team", "color": "#ff0000"}, format="json"
    )
    assert label.status_code == 201


def test_default_label_set_cannot_be_deleted_when_used(client_for, staff_user, created):
    staff = client_for(staff_user)
    default = staff.get("/api/label-sets/").json()["results"][0]
    assert staff.delete(f"/api/label-sets/{default['id']}/").status_code == 409


def test_groups_and_members(api, client_for, user, other_user):
    created = api.post("/api/groups/", {"name": "مختبر"}, format="json")
    assert created.status_code == 201 and created.json()["my_role"] == "owner"
    gid = created.json()["id"]
    assert api.get("/api/groups/").json()[0]["id"] == gid
    assert client_for(other_user).get(f"/api/groups/{gid}/").status_code == 404
    added = api.post(f"/api/groups/{gid}/members/", {"user": other_user.username}, format="json")
    assert added.status_code == 201 and added.json()["role"] == "member"
    assert api.post(f"/api/groups/{gid}/members/", {"user": "nobody"}, format="json").status_code == 400
    assert api.patch(f"/api/groups/{gid}/members/{other_user.pk}/", {"role": "moderator"}, format="json").json()["role"] == "moderator"
    assert [m["username"] for m in client_for(other_user).get(f"/api/groups/{gid}/members/").json()] == sorted(
        [user.username, other_user.username]
    )
    assert client_for(other_user).delete(f"/api/groups/{gid}/members/{other_user.pk}/").status_code == 204
    assert api.delete(f"/api/groups/{gid}/").status_code == 204


# --- authentication and throttling ---------------------------------------------------------------------------


def test_token_authentication(seed_article, text, user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 201 and response.json()["creator"]["id"] == user.pk
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = client.get(url(seed_article))
    assert response.status_code == 401 and codes(response) == [(None, "authentication_failed")]
    user.is_active = False
    user.save()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(url(seed_article)).status_code == 401


def test_a_bulk_request_costs_writes_by_its_size(api, seed_article, text, monkeypatch, settings):
    from annotations.api.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "4/min"})
    settings.API_BULK_ITEMS_PER_WRITE = 2
    bulk = url(seed_article) + "bulk/"
    items = [entity(text, "بايدن", i) for i in range(3)]  # three items: two writes
    assert api.post(bulk, {"items": items}, format="json").status_code == 201
    assert api.post(url(seed_article), entity(text), format="json").status_code == 201  # three of four used
    more = [entity(text, "العراق", i) for i in range(3)]  # two more writes would pass four
    response = api.post(bulk, {"items": more}, format="json")
    assert response.status_code == 429 and response.json()["errors"][0]["code"] == "throttled"
    assert api.post(bulk, {"items": more[:2]}, format="json").status_code == 201  # one write: four of four
    assert count() == 6


def test_session_authentication_needs_csrf(seed_article, text, user):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(url(seed_article), entity(text), format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["errors"][0]["message"]
    client.get("/accounts/login/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url(seed_article), entity(text), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_writes_are_throttled(api, seed_article, text, monkeypatch):
    from annotations.api.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"annotation_write": "3/min"})
    statuses = [api.post(url(seed_article), entity(text, "بايدن", i), format="json").status_code for i in range(4)]
    assert statuses == [201, 201, 201, 429]
    response = api.post(url(seed_article), entity(text, "بايدن", 5), format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"
    assert api.get(url(seed_article)).status_code == 200  # reads are not limited
    assert count() == 3
