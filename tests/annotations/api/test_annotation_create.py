"""Creating annotations through the API, one and in bulk: what is stored, and bad input (field, code, nothing saved)."""

import json

import pytest

from annotations.models import Annotation
from tests.annotations.api.conftest import QUOTE, codes, count, entity, url
from tests.annotations.conftest import span_of
from tests.factories import make_article


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
