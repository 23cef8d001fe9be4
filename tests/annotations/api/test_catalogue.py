"""Articles, revisions and label sets (annotations/api/catalogue.py)."""

from tests.annotations.api.conftest import codes


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



def test_a_revision_is_served_as_the_plain_text_its_offsets_count_in(anon, seed_article, user, make_entity):
    """Issue 14: W3C target.state.cached names the revision; it has a real text/plain representation (the
    text the TextPositionSelector counts code points in), while errors stay JSON."""
    from annotations.w3c import MEDIA_TYPE

    annotation = make_entity(user)
    w3c = anon.get(f"/api/articles/{seed_article.pk}/annotations/{annotation.pk}", HTTP_ACCEPT=MEDIA_TYPE).json()
    cached = w3c["target"]["state"]["cached"].removeprefix("http://testserver")
    plain = anon.get(cached, HTTP_ACCEPT="text/plain")
    assert plain.status_code == 200 and plain["Content-Type"] == "text/plain; charset=utf-8"
    text = plain.content.decode("utf-8")
    assert text == seed_article.current_revision.text
    selector = next(s for s in w3c["target"]["selector"] if s["type"] == "TextPositionSelector")
    assert text[selector["start"] : selector["end"]] == annotation.exact
    assert anon.get(cached)["Content-Type"] == "application/json"  # the default stays JSON
    missing = anon.get("/api/revisions/999999/", HTTP_ACCEPT="text/plain")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json" and missing.json()["errors"]

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
