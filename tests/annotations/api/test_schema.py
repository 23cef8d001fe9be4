"""The OpenAPI schema: generated without warnings, valid, and listing every endpoint."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import URLPattern, URLResolver

from annotations.api import urls as api_urls


def _paths(patterns, prefix="/api/"):
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and "(?P<format>" not in route and not route.startswith("^$"):
            yield prefix + route


def _openapi(path: str) -> str:
    # "articles/<int:article_id>/annotations/" -> "articles/{article_id}/annotations/"
    import re

    path = path.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path).replace("{pk}", "{id}")


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # --fail-on-warn turns every drf-spectacular warning into a failure; --validate checks OpenAPI 3.
        call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    return yaml.safe_load(target.read_text(encoding="utf-8"))


def test_every_annotation_endpoint_is_documented(schema):
    documented = set(schema["paths"])
    ours = {_openapi(p) for p in _paths(api_urls.urlpatterns)}
    assert ours, "no routes found"
    assert ours <= documented, sorted(ours - documented)


def test_operations_have_ids_and_errors_are_described(schema):
    create = schema["paths"]["/api/articles/{article_id}/annotations/"]["post"]
    assert create["operationId"] == "article_annotations_create"
    assert {"201", "400", "409"} <= set(create["responses"])
    patch = schema["paths"]["/api/annotations/{id}/"]["patch"]
    assert {"200", "412", "428"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    listing = schema["paths"]["/api/articles/{article_id}/annotations/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"kind", "label", "creator", "group", "status", "visibility", "modified_since", "orphaned", "page"} <= names


def test_schema_and_swagger_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    response = client.get("/api/docs/")
    assert response.status_code == 200 and b"swagger" in response.content.lower()


def test_the_ids_filter_and_modified_by_are_documented(schema):
    listing = schema["paths"]["/api/articles/{article_id}/annotations/"]["get"]
    ids = next(p for p in listing["parameters"] if p["name"] == "ids")
    assert ids["in"] == "query" and ids["schema"]["type"] == "string" and "100" in ids["description"]
    annotation = schema["components"]["schemas"]["AnnotationDoc"]
    assert "modified_by" in annotation["required"]
    modified_by = annotation["properties"]["modified_by"]
    # A nullable reference to {id, username}, like creator.
    assert modified_by.get("nullable") is True or any(
        s.get("nullable") or s.get("type") == "null" for s in modified_by.get("oneOf", []) + modified_by.get("allOf", [])
    ), modified_by
