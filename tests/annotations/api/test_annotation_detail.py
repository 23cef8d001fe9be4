"""One annotation: ETags and 304, updates under If-Match (428, 412), who modified it, PUT, delete, moderation."""

from annotations.models import Annotation
from tests.annotations.api.conftest import codes, entity, etag, url
from tests.annotations.conftest import span_of


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
