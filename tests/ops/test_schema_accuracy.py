"""ops/schema_accuracy.py: the published schema says what the server does (issue 14, item 9).

Each test pairs a rule of the schema with the server's answer, so a rule that drifts from the
server (or a server that drifts from its rule) fails here before bin/schema-check finds it.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from annotations.services import annotation_create


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    import yaml

    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    return yaml.safe_load(target.read_text(encoding="utf-8"))


def parameter(schema, path, name, method="get"):
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


def test_path_parameters_are_those_of_the_path(schema):
    for path, operations in schema["paths"].items():
        names = set(re.findall(r"\{([^}]+)\}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, declared)


def test_reads_without_credentials_say_so(schema, db, article):
    assert {} in schema["paths"]["/api/label-sets/{id}/"]["get"]["security"]
    assert {} in schema["paths"]["/api/articles/{article_id}/annotations/"]["get"]["security"]
    assert APIClient().get(f"/api/articles/{article.pk}/annotations/").status_code == 200
    # Groups are for members: no anonymous read, none documented.
    assert {} not in schema["paths"]["/api/groups/"]["get"]["security"]
    assert APIClient().get("/api/groups/").status_code == 401


def test_every_operation_documents_411(schema, client):
    assert all("411" in op["responses"] for ops in schema["paths"].values() for op in ops.values() if "responses" in op)
    response = client.post("/api/groups/", data=b"{}", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411


def test_page_starts_at_1_and_an_empty_page_is_the_first(schema, db, article):
    page = parameter(schema, "/api/articles/{article_id}/annotations/", "page")["schema"]
    assert {"type": "integer", "minimum": 1} in page["anyOf"] and {"type": "string", "maxLength": 0} in page["anyOf"]
    client = APIClient()
    assert client.get(f"/api/articles/{article.pk}/annotations/?page=0").status_code == 400
    assert client.get(f"/api/articles/{article.pk}/annotations/?page=").status_code == 200


def test_lenient_page_and_sort_are_documented_as_lenient(schema, db):
    sort = parameter(schema, "/api/entities/", "sort")["schema"]
    assert {"type": "string", "enum": ["frequency", "name"], "default": "frequency"} in sort["anyOf"]
    assert APIClient().get("/api/entities/?sort=AAA&page=abc").status_code == 200


def test_ids_pattern_matches_the_filter(schema, db, article):
    pattern = re.compile(parameter(schema, "/api/articles/{article_id}/annotations/", "ids")["schema"]["pattern"])
    client = APIClient()
    for value, accepted in [("1,2, 3", True), ("", True), ("0", False), ("a", False), (",".join(["1"] * 100), True),
                            (",".join(str(i) for i in range(1, 102)), False)]:  # fmt: skip
        assert bool(pattern.search(value)) is accepted, value
        status = client.get(f"/api/articles/{article.pk}/annotations/", {"ids": value}).status_code
        assert (status == 200) is accepted, (value, status)


@pytest.mark.parametrize("value, status", [("true", 200), ("false", 200), ("", 200), ("null", 400), ("1", 400)])
def test_boolean_filters_take_true_or_false(db, article, value, status):
    assert APIClient().get(f"/api/articles/{article.pk}/annotations/", {"orphaned": value}).status_code == status


@pytest.mark.parametrize("value, status", [("3", 200), ("0.5", 400)])
def test_id_filters_take_whole_numbers(db, article, value, status):
    assert APIClient().get(f"/api/articles/{article.pk}/annotations/", {"speaker": value}).status_code == status


def test_no_nul_in_query_strings(schema, db):
    q = parameter(schema, "/api/entities/", "q")["schema"]
    assert re.search(q["pattern"], "a\x00b") is None
    response = APIClient().get("/api/entities/?q=a%00b")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "null_characters_not_allowed"


def test_export_status_pattern_matches_the_form(schema, db, article):
    pattern = re.compile(parameter(schema, "/api/exports/", "status")["schema"]["pattern"])
    client = APIClient()
    for value, accepted in [("human,accepted", True), ("all", True), ("", True), (" human , ", True), ("7", False),
                            ("humanaccepted", False)]:  # fmt: skip
        assert bool(pattern.search(value)) is accepted, value
        status = client.get("/api/exports/", {"format": "w3c", "status": value}).status_code
        assert (status == 200) is accepted, (value, status)


def test_w3c_answers_are_documented_as_json_ld(schema):
    content = schema["paths"]["/api/annotations/{id}/"]["get"]["responses"]["200"]["content"]
    w3c = next(body["schema"] for media, body in content.items() if media.startswith("application/ld+json"))
    assert "@context" in w3c["required"]
    assert content["application/json"]["schema"] != w3c


def test_a_reply_change_needs_a_body(schema, db, user, article):
    """The schema requires PATCH /api/replies/{id}/'s body, because the server refuses one without text."""
    assert schema["paths"]["/api/replies/{id}/"]["patch"]["requestBody"]["required"] is True
    from annotations.services import annotation_create, reply_create

    text = article.current_revision.text
    annotation = annotation_create(user=user, article=article, kind="entity", start=0, end=3, exact=text[:3], label="PER")
    reply = reply_create(user=user, annotation_id=annotation.pk, text="نعم")
    client = APIClient()
    client.force_authenticate(user)
    response = client.patch(f"/api/replies/{reply.pk}/")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "text"


def test_a_list_of_replies_in_w3c_form_is_one_document(schema):
    """drf-spectacular wraps every 2xx body of a "list-looking" GET in an array; the JSON-LD
    AnnotationPage and its Turtle text are one document each (annotations.api.w3c_schema)."""
    content = schema["paths"]["/api/annotations/{id}/replies/"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["type"] == "array"
    page = next(body["schema"] for media, body in content.items() if media.startswith("application/ld+json"))
    assert page["type"] == "object" and "@context" in page["required"]
    assert content["text/turtle"]["schema"] == {"type": "string"}


def test_annotation_bodies_are_closed_and_typed(schema, db, user, article):
    assert schema["components"]["schemas"]["AnnotationInput"]["additionalProperties"] is False
    client = APIClient()
    client.force_authenticate(user)
    text = article.current_revision.text
    body = {"kind": "entity", "start": 0, "end": 3, "exact": text[:3], "label": "PER"}
    for field, wrong in [("exact", 5), ("start", "0"), ("start", 0.5), ("start", True)]:
        response = client.post(f"/api/articles/{article.pk}/annotations/", {**body, field: wrong}, format="json")
        assert response.status_code == 400, (field, wrong)
        assert response.json()["errors"][0]["field"] == field


def test_model_bodies_take_their_json_types(db, staff_user):
    client = APIClient()
    client.force_authenticate(staff_user)
    response = client.post("/api/label-sets/", {"name": 5}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "name"
    response = client.post("/api/label-sets/", {"name": "x", "is_default": "false"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "is_default"
    assert client.post("/api/label-sets/", {"name": "x", "is_default": False}, format="json").status_code == 201


@pytest.mark.parametrize("slug, message", [(-5504, "Not a string"), (5504, "Not a string"), ("two words", "slug")])
def test_a_group_slug_is_a_string_that_is_a_slug(db, staff_user, slug, message):
    """Found by schemathesis (seed 2): a slug sent as the number -5504 made the group "5504". Subclasses of
    CharField take strings only too, and keep their own message for a string that is not a slug."""
    client = APIClient()
    client.force_authenticate(staff_user)
    response = client.post("/api/groups/", {"name": "فريق", "slug": slug}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "slug" and message in error["message"]


def test_moderation_takes_a_boolean(db, staff_user, article):
    text = article.current_revision.text
    annotation = annotation_create(user=staff_user, article=article, kind="entity", start=0, end=3, exact=text[:3], label="PER")
    client = APIClient()
    client.force_authenticate(staff_user)
    response = client.post(f"/api/annotations/{annotation.pk}/moderation/", {"hidden": "yes"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "hidden"


@pytest.mark.parametrize(
    "text, valid",
    [("نعم", True), ("  نعم ", True), ("", False), (" \u00a0\n", False), ("\u0000نعم", False), ("نعم\u0000", False)],
)
def test_a_reply_text_pattern_is_the_servers_rule(schema, db, user, article, text, valid):
    """The reply's text pattern says both of the server's rules in one regular expression (some
    non-space character, no NUL anywhere): CI's schemathesis once sent "\\u0000..." and got a 400."""
    body = schema["components"]["schemas"]["PatchedReplyUpdate"]["properties"]["text"]
    assert (re.search(body["pattern"], text) is not None) is valid
    from annotations.services import annotation_create, reply_create

    revision = article.current_revision
    annotation = annotation_create(user=user, article=article, kind="entity", start=0, end=3, exact=revision.text[:3], label="PER")
    reply = reply_create(user=user, annotation_id=annotation.pk, text="نعم")
    client = APIClient()
    client.force_authenticate(user)
    response = client.patch(f"/api/replies/{reply.pk}/", {"text": text}, format="json")
    assert (response.status_code == 200) is valid, response.content
