"""Web Annotation Protocol (W3C Recommendation, 23 February 2017): each MUST, named by its section.

Sections: §3 Annotation Retrieval, §4.1 Container Retrieval, §4.2 Container
Representations (§4.2.1 preferences), §4.3 Annotation Pages, §5.1 Create a New
Annotation, §5.3 Update an Existing Annotation, §5.4 Delete. Replies are
exposed as annotations with ``motivation: replying`` (Web Annotation Data Model §3.3.5).
"""

import json

import pytest
from rest_framework.test import APIClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from annotations.models import Annotation, Reply
from annotations.selectors import annotation_rows
from annotations.services import annotation_update, reply_create
from annotations.w3c import ANNO_CONTEXT, MEDIA_TYPE, PREFER_DESCRIPTIONS, PREFER_IRIS, PREFER_MINIMAL, Urls, annotation_to_w3c
from annotations.w3c_rdf import LOCAL_CONTEXT
from tests.annotations.api.conftest import W3C, codes
from tests.annotations.api.test_w3c import (  # noqa: F401 (fixtures: clients without a default Accept)
    anon,
    api,
    client_for,
    container_url,
    iso,
    ld,
    many,
    quote_with_speaker,
    w3c_entity,
)

OA = Namespace("http://www.w3.org/ns/oa#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
DCTERMS = Namespace("http://purl.org/dc/terms/")


def prefer(*iris: str) -> str:
    return f'return=representation;include="{" ".join(iris)}"'


# --- §4.1 Container Retrieval -------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "", "*/*", "*/*;q=0.8"])
def test_s4_1_container_without_accept_is_json_ld(seed_article, many, accept):
    """§4.1: "If the Accept header is absent from the request, then Annotation Servers MUST respond with a
    JSON-LD representation of the Annotation Container" (and so for */*: the client takes anything)."""
    anon = APIClient()  # no Accept at all (the fixtures ask for JSON)
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = anon.get(container_url(seed_article), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    doc = response.json()
    assert doc["type"] == ["BasicContainer", "AnnotationCollection"] and doc["total"] == 5
    head = anon.head(container_url(seed_article), **headers)
    assert head["Content-Type"] == MEDIA_TYPE


def test_s4_1_format_json_is_plain_json_even_for_any_accept(seed_article, many):
    """The page preloads the list (<link rel=preload as=fetch>, Accept: */*) with ?format=json: plain JSON."""
    response = APIClient().get(container_url(seed_article), {"page_size": 1000, "format": "json"}, HTTP_ACCEPT="*/*")
    assert response["Content-Type"] == "application/json" and response.json()["count"] == 5


def test_s4_1_plain_json_when_asked_for(anon, seed_article, many):
    """The plain JSON list is unchanged for Accept: application/json (what the web app sends)."""
    response = anon.get(container_url(seed_article), HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == 5 and len(response.json()["results"]) == 5
    assert "Content-Location" not in response


def test_s4_1_a_post_without_accept_still_answers_in_the_posted_form(user, seed_article, text):
    """Only GET and HEAD default to JSON-LD: a plain JSON POST without Accept gets plain JSON back."""
    api = APIClient()
    api.force_authenticate(user)
    start, end = 0, 5
    body = {"kind": "entity", "start": start, "end": end, "exact": text[start:end], "label": "PER"}
    response = api.post(container_url(seed_article), body, format="json")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"


def test_s4_1_web_app_asks_for_json():
    """The annotator's one fetch helper sends Accept: application/json (it reads the plain list)."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[3].joinpath("static/js/annotator/api.js").read_text()
    assert 'Accept: "application/json"' in source


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/articles/{article}/annotations/", 200),
        ("head", "/api/articles/{article}/annotations/", 200),
        ("options", "/api/articles/{article}/annotations/", 200),
        ("post", "/api/articles/{article}/annotations/", 401),
        ("get", "/api/articles/999999/annotations/", 404),
        ("get", "/api/articles/{article}/annotations/?page=9", 404),
    ],
)
def test_s4_1_every_container_response_has_an_etag(anon, seed_article, method, path, status):
    """§4.1: "All HTTP responses from Annotation Containers MUST include an ETag header"."""
    response = getattr(anon, method)(path.format(article=seed_article.pk), HTTP_ACCEPT=W3C)
    assert response.status_code == status
    assert response["ETag"].startswith('W/"') and len(response["ETag"]) > 6


def test_s3_the_annotation_iri_answers_get_head_and_options(api, user, make_entity):
    """§3: GET, HEAD and OPTIONS on the Annotation's IRI; Allow (MUST), ETag (MUST), Link ldp#Resource (MUST),
    Vary with Accept (MUST, as the server negotiates), Content-Type application/ld+json (MUST)."""
    annotation = make_entity(user)
    iri = f"/api/articles/{annotation.article_id}/annotations/{annotation.pk}"
    got = api.get(iri, HTTP_ACCEPT=W3C)
    assert got["Content-Type"].startswith("application/ld+json") and got["ETag"] == f'"{annotation.pk}-1"'
    assert got["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"' and "Accept" in got["Vary"]
    assert {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"} <= {m.strip() for m in got["Allow"].split(",")}
    head = api.head(iri, HTTP_ACCEPT=W3C)
    assert head.status_code == 200 and head["ETag"] == got["ETag"] and not head.content
    assert api.options(iri).status_code == 200


# --- §4.2 Container Representations, §4.2.1 preferences, §4.3 pages --------------------------------------


@pytest.mark.parametrize(
    ("header", "iris"),
    [(None, "0"), (prefer(PREFER_DESCRIPTIONS), "0"), (prefer(PREFER_IRIS), "1"), (prefer(PREFER_MINIMAL, PREFER_IRIS), "1")],
)
def test_s4_2_container_iri_differs_by_preference_and_content_location_names_it(api, seed_article, many, header, iris):
    """§4.2: the container IRI SHOULD differ for IRIs / descriptions; not redirected, so the response MUST have
    Content-Location with that IRI. §4.2.2-§4.2.4: linked pages SHOULD follow the preference."""
    headers = {"HTTP_ACCEPT": W3C} | ({"HTTP_PREFER": header} if header else {})
    response = api.get(container_url(seed_article), {"page_size": 2}, **headers)
    doc = response.json()
    base = f"http://testserver{container_url(seed_article)}"
    assert doc["id"] == f"{base}?page_size=2&iris={iris}"
    assert response["Content-Location"] == doc["id"]
    assert doc["last"] == f"{base}?page_size=2&iris={iris}&page=3"
    first = doc["first"] if isinstance(doc["first"], str) else doc["first"]["next"]
    # The pages follow the preference with no Prefer header of their own (§4.3: clients SHOULD NOT send it).
    page = api.get(first, HTTP_ACCEPT=W3C).json()
    assert page["partOf"]["id"] == doc["id"]
    if iris == "1":
        assert all(isinstance(item, str) and item.startswith(base) for item in page["items"])
    else:
        assert all(item["type"] == "Annotation" for item in page["items"])


def test_s4_2_2_minimal_container_embeds_no_page(api, seed_article, many):
    """§4.2.2: for PreferMinimalContainer the response MUST NOT embed the first page."""
    doc = api.get(container_url(seed_article), HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_MINIMAL)).json()
    assert isinstance(doc["first"], str) and "items" not in doc


def test_s4_2_1_iris_and_descriptions_exclude_each_other(api, seed_article, many):
    """§4.2.1: a client MUST NOT send both; the server says so instead of guessing."""
    response = api.get(container_url(seed_article), HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_IRIS, PREFER_DESCRIPTIONS))
    assert response.status_code == 400 and ("Prefer", "invalid") in codes(response)
    bad = api.get(container_url(seed_article), {"iris": "2"}, HTTP_ACCEPT=W3C)
    assert bad.status_code == 400 and ("iris", "invalid") in codes(bad)
    # Empty is "not given", as for every query parameter (what the schema says): the Prefer header decides.
    empty = api.get(container_url(seed_article), {"iris": ""}, HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_IRIS))
    assert empty.status_code == 200 and empty.json()["id"].endswith("iris=1")


def test_s4_3_container_and_pages_carry_modified(api, user, seed_article, many):
    """§4.3: the Collection's description SHOULD include total and modified (the latest change in it)."""
    annotation_update(user=user, annotation_id=many[2].pk, expected_version=None, note="تعديل")
    latest = Annotation.objects.get(pk=many[2].pk).modified
    doc = api.get(container_url(seed_article), HTTP_ACCEPT=W3C).json()
    assert doc["modified"] == iso(latest)
    assert all(item["modified"] <= doc["modified"] for item in doc["first"]["items"])
    page = api.get(container_url(seed_article), {"page": 1}, HTTP_ACCEPT=W3C).json()
    assert page["partOf"]["modified"] == iso(latest) and page["partOf"]["total"] == 5


def test_s4_3_modified_of_a_container_of_many_pages_costs_one_more_query(api, seed_article, many, django_assert_num_queries):
    """A page holding the whole container takes modified from its rows; otherwise one aggregate query."""
    with django_assert_num_queries(2):
        doc = api.get(container_url(seed_article), {"page_size": 2}, HTTP_ACCEPT=W3C).json()
    assert doc["modified"] == iso(max(a.modified for a in Annotation.objects.all()))
    # A page of it stays one query (the speed of W3C pages, issue 15); its partOf has no modified then.
    with django_assert_num_queries(1):
        page = api.get(container_url(seed_article), {"page_size": 2, "page": 2}, HTTP_ACCEPT=W3C).json()
    assert page["partOf"] == {"id": doc["id"], "total": 5}


def test_s4_3_empty_container_has_no_modified(anon, seed_article):
    doc = anon.get(container_url(seed_article), HTTP_ACCEPT=W3C).json()
    assert doc["total"] == 0 and "modified" not in doc and "first" not in doc


# --- §5.1 Create a New Annotation ----------------------------------------------------------------------


def test_s5_1_annotation_iri_is_the_container_iri_plus_a_component(api, seed_article, text):
    """§5.1: the IRI MUST be the Container's IRI with a component added; 201 with Location (MUST)."""
    response = api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE)
    assert response.status_code == 201
    annotation = Annotation.objects.get()
    iri = f"http://testserver{container_url(seed_article)}{annotation.pk}"
    assert response["Location"] == iri == response.json()["id"]
    assert response["Content-Location"] == iri
    # The IRI answers (§3), and so does the older path, an alias with the same id.
    at_iri = api.get(iri, HTTP_ACCEPT=W3C)
    assert at_iri.status_code == 200 and at_iri.json()["id"] == iri
    assert at_iri["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"' and at_iri["ETag"] == f'"{annotation.pk}-1"'
    alias = api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT=W3C)
    assert alias.status_code == 200 and alias.json()["id"] == iri


def test_s5_1_iri_in_another_articles_container_is_404(api, seed_article, text):
    from tests.factories import make_article

    other = make_article()
    api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE)
    annotation = Annotation.objects.get()
    assert api.get(f"/api/articles/{other.pk}/annotations/{annotation.pk}", HTTP_ACCEPT=W3C).status_code == 404


def test_s5_1_canonical_is_kept_and_the_clients_id_becomes_via(api, seed_article, text):
    """§5.1: canonical MUST be maintained without change; the posted id SHOULD be copied to via and the
    server's IRI MUST replace it in id."""
    doc = w3c_entity(seed_article, text) | {
        "id": "https://elsewhere.example/anno/7",
        "canonical": "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df",
    }
    response = api.post(container_url(seed_article), ld(doc), content_type=MEDIA_TYPE)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["canonical"] == "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df"
    assert created["via"] == "https://elsewhere.example/anno/7"
    assert created["id"] == response["Location"] != doc["id"]
    again = api.get(created["id"], HTTP_ACCEPT=W3C).json()
    assert (again["canonical"], again["via"]) == (created["canonical"], created["via"])
    # §5.3: an update does not change them (the PUT's id is now the server's IRI).
    changed = dict(created, canonical="urn:other", body=[{"type": "TextualBody", "purpose": "tagging", "value": "ORG"}])
    put = api.put(created["id"], ld(changed), content_type=MEDIA_TYPE, HTTP_ACCEPT=W3C, HTTP_IF_MATCH=response["ETag"])
    assert put.status_code == 200, put.content
    assert (put.json()["canonical"], put.json()["via"]) == (created["canonical"], created["via"])
    assert put.json()["body"][0]["value"] == "ORG"


def test_s5_1_canonical_and_via_in_a_bulk_request(api, seed_article, text):
    item = w3c_entity(seed_article, text) | {"id": "https://elsewhere.example/anno/8", "canonical": "urn:x:1"}
    response = api.post(f"{container_url(seed_article)}bulk/", {"items": [item]}, format="json")
    assert response.status_code == 201, response.content
    assert Annotation.objects.values_list("canonical", "via").get() == ("urn:x:1", "https://elsewhere.example/anno/8")


def test_s5_1_bad_canonical_is_refused(api, seed_article, text):
    doc = w3c_entity(seed_article, text) | {"canonical": {"id": 3}}
    response = api.post(container_url(seed_article), ld(doc), content_type=MEDIA_TYPE)
    assert response.status_code == 400 and ("canonical", "invalid") in codes(response)
    assert not Annotation.objects.exists()


def test_s5_4_deleted_annotation_leaves_the_container(api, seed_article, text):
    """§5.4: DELETE MUST answer 204 and the IRI MUST be removed from the container."""
    created = api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE)
    response = api.delete(created["Location"], HTTP_IF_MATCH=created["ETag"])
    assert response.status_code == 204
    doc = api.get(container_url(seed_article), HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_IRIS)).json()
    assert doc["total"] == 0


# --- §3 and §4.1: Turtle ----------------------------------------------------------------------------------


def test_s3_annotation_in_turtle(api, quote_with_speaker):
    """§3: servers SHOULD offer Turtle; it is the same annotation as the JSON-LD, read by rdflib."""
    _, quote = quote_with_speaker
    response = api.get(f"/api/annotations/{quote.pk}/", HTTP_ACCEPT="text/turtle")
    assert response.status_code == 200 and response["Content-Type"] == "text/turtle; charset=utf-8"
    assert response["ETag"] == f'"{quote.pk}-{quote.version}"' and "Accept" in response["Vary"]
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    iri = URIRef(f"http://testserver/api/articles/{quote.article_id}/annotations/{quote.pk}")
    assert (iri, RDF.type, OA.Annotation) in graph
    assert (iri, OA.motivatedBy, OA.describing) in graph
    target = graph.value(iri, OA.hasTarget)
    assert graph.value(target, OA.hasSource) == URIRef(f"http://testserver/articles/{quote.article_id}/")
    selectors = list(graph.objects(target, OA.hasSelector))
    starts = {graph.value(s, OA.start) for s in selectors} - {None}
    assert starts == {Literal(quote.start, datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))}
    assert graph.value(iri, DCTERMS.created) is not None


def test_s4_1_container_in_turtle(api, seed_article, many):
    response = api.get(container_url(seed_article), {"page_size": 2}, HTTP_ACCEPT="text/turtle")
    assert response.status_code == 200 and response["Content-Type"] == "text/turtle; charset=utf-8"
    assert response["Link"].startswith("<http://www.w3.org/ns/ldp#BasicContainer>")
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    container = URIRef(response["Content-Location"])
    assert (container, RDF.type, URIRef("http://www.w3.org/ns/ldp#BasicContainer")) in graph
    assert int(graph.value(container, AS.totalItems)) == 5
    assert len(set(graph.subjects(RDF.type, OA.Annotation))) == 2


def test_the_same_turtle_page_is_the_same_bytes_and_etag(api, seed_article, many):
    """rdflib names blank nodes (the selectors) anew for each document, and orders them by name: the same
    page came back with its selectors in another order, so its ETag changed and If-None-Match never matched."""
    first, second = (api.get(container_url(seed_article), {"page_size": 5}, HTTP_ACCEPT="text/turtle") for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first["ETag"] == second["ETag"]
    again = api.get(container_url(seed_article), {"page_size": 5}, HTTP_ACCEPT="text/turtle", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_turtle_errors_are_json(api):
    response = api.get("/api/annotations/999999/", HTTP_ACCEPT="text/turtle")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def _keys_and_types(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                continue
            out["keys"].add(key)
            if key in ("type", "motivation", "purpose", "textDirection"):
                out["terms"].update(value if isinstance(value, list) else [value])
            _keys_and_types(value, out)
    elif isinstance(node, list):
        for item in node:
            _keys_and_types(item, out)


def test_turtle_context_knows_every_term_we_write(api, user, other_user, quote_with_speaker, seed_article):
    """The offline context (annotations.w3c_rdf) maps every key and vocabulary term the documents use,
    so no statement is silently dropped when rdflib reads them."""
    _, quote = quote_with_speaker
    reply_create(user=user, annotation_id=quote.pk, text="ردّ")
    found = {"keys": set(), "terms": set()}
    for path in (container_url(seed_article), f"/api/annotations/{quote.pk}/replies/"):
        _keys_and_types(api.get(path, HTTP_ACCEPT=W3C).json(), found)
    # The optional members too: canonical, via, a generator, a contributor.
    row = annotation_rows(Annotation.objects.filter(pk=quote.pk), user, w3c=True).get()
    row |= {"canonical": "urn:x", "via": "https://x.example/1", "suggester": "m", "modified_by__username": "u"}
    _keys_and_types(annotation_to_w3c(row, Urls("https://x.example")), found)
    assert {"canonical", "via", "generator", "dcterms:contributor", "replying", "rtl"} <= found["keys"] | found["terms"]
    unknown = {k for k in found["keys"] | found["terms"] if k not in LOCAL_CONTEXT and ":" not in k}
    assert unknown == set(), unknown


# --- Replies as W3C annotations --------------------------------------------------------------------------


def test_replies_are_w3c_annotations_replying_to_the_annotation(api, user, other_user, make_entity):
    annotation = make_entity(user)
    first = reply_create(user=other_user, annotation_id=annotation.pk, text="أوافق")
    reply_create(user=user, annotation_id=annotation.pk, text="thanks", parent_id=first.pk)
    iri = f"http://testserver/api/articles/{annotation.article_id}/annotations/{annotation.pk}"
    response = api.get(f"/api/annotations/{annotation.pk}/replies/", HTTP_ACCEPT=W3C)
    assert response.status_code == 200 and response["Content-Type"] == MEDIA_TYPE
    page = response.json()
    assert page["@context"] == ANNO_CONTEXT and page["type"] == "AnnotationPage"
    one, two = page["items"]
    assert one["motivation"] == "replying" and one["target"] == iri
    assert one["body"]["value"] == "أوافق" and one["body"]["language"] == "ar"
    assert one["creator"] == {"type": "Person", "nickname": other_user.username}
    assert one["modified"] >= one["created"]
    assert two["target"] == [iri, f"http://testserver/api/replies/{first.pk}/"] and "language" not in two["body"]
    single = api.get(f"/api/replies/{first.pk}/", HTTP_ACCEPT=W3C).json()
    assert single == {"@context": ANNO_CONTEXT, **one}
    # Plain JSON stays the default here.
    assert api.get(f"/api/replies/{first.pk}/").json()["text"] == "أوافق"
    assert [r["id"] for r in api.get(f"/api/annotations/{annotation.pk}/replies/").json()] == [first.pk, first.pk + 1]


def test_replies_of_an_invisible_annotation_are_404_in_w3c_too(api, other_user, make_entity):
    hidden = make_entity(other_user, visibility="private")
    assert api.get(f"/api/annotations/{hidden.pk}/replies/", HTTP_ACCEPT=W3C).status_code == 404


def test_reply_in_turtle(api, user, make_entity):
    annotation = make_entity(user)
    reply = reply_create(user=user, annotation_id=annotation.pk, text="ok")
    response = api.get(f"/api/replies/{reply.pk}/", HTTP_ACCEPT="text/turtle")
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    subject = URIRef(f"http://testserver/api/replies/{reply.pk}/")
    assert (subject, OA.motivatedBy, OA.replying) in graph
    assert Reply.objects.count() == 1
    assert json.loads(api.get(f"/api/replies/{reply.pk}/").content)["id"] == reply.pk


# --- every MUST once more, as the W3C's own server test lists them ------------------------------------------
# (web-platform-tests annotation-protocol/server/server-manual.html: the requests a generic client sends, with
# no Accept or */*, the container's own pages, HEAD and OPTIONS.)


def _methods(response) -> set[str]:
    return {m.strip() for m in response["Allow"].split(",")}


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response["Vary"].split(",")}


@pytest.mark.parametrize("accept", [None, "*/*", W3C, "application/json", "text/turtle"])
def test_s3_every_retrieval_of_the_iri_has_link_etag_allow_and_vary(api, user, make_entity, accept):
    """§3: "The response ... MUST have a Link header entry where the target IRI is ldp#Resource and the rel
    parameter value is type", "MUST have an ETag header", "MUST have an Allow header", and, as the server
    negotiates the format, "MUST have a Vary header with Accept": for GET and HEAD, whatever format answers;
    GET, HEAD and OPTIONS MUST be supported on the IRI."""
    annotation = make_entity(user)
    iri = f"/api/articles/{annotation.article_id}/annotations/{annotation.pk}"
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    for method in ("get", "head", "options"):
        response = getattr(api, method)(iri, **headers)
        assert response.status_code == 200, (method, response.content[:300])
        assert {"GET", "HEAD", "OPTIONS"} <= _methods(response), method
        if method != "options":  # (OPTIONS: 200 and Allow, for CORS pre-flights)
            assert '<http://www.w3.org/ns/ldp#Resource>; rel="type"' in response["Link"], method
            assert response["ETag"] == f'"{annotation.pk}-1"', method
            assert "accept" in _vary(response), method
    # §3: the JSON-LD representation (MUST be supported) is application/ld+json with the profile (SHOULD).
    assert api.get(iri, HTTP_ACCEPT="application/ld+json")["Content-Type"] == MEDIA_TYPE


@pytest.mark.parametrize("accept", [None, "", "*/*"])
def test_s3_the_annotation_iri_answers_json_ld_to_a_client_without_a_preference(user, make_entity, accept):
    """§3: "Servers MUST support the JSON-LD representation ... These responses MUST have a Content-Type header
    with the application/ld+json media type"; W3C's own test of that MUST (web-platform-tests,
    annotation-protocol/server) fetches the IRI with a browser's default Accept (*/*). A client that follows
    an IRI of the container (JSON-LD, §4.1) or of Location gets JSON-LD, as from the container; plain JSON
    needs Accept: application/json, and the alias /api/annotations/{id}/ keeps plain JSON."""
    annotation = make_entity(user)
    iri = f"/api/articles/{annotation.article_id}/annotations/{annotation.pk}"
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    for method in ("get", "head"):
        response = getattr(APIClient(), method)(iri, **headers)
        assert response.status_code == 200 and response["Content-Type"] == MEDIA_TYPE, method
    assert APIClient().get(iri, **headers).json()["id"].endswith(iri)
    assert APIClient().get(iri, HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
    assert APIClient().get(f"/api/annotations/{annotation.pk}/", **headers)["Content-Type"] == "application/json"


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_s4_1_a_generic_clients_container_requests(seed_article, many, accept):
    """§4 "Annotation Containers MAY have any IRI, but it MUST end in a '/'"; §4.1 GET, HEAD and OPTIONS (MUST),
    JSON-LD by default (MUST), Link type and constrainedBy on all responses (MUST), ETag (MUST), Vary with Accept
    (MUST), Allow (SHOULD) and Accept-Post (SHOULD) on GET, HEAD and OPTIONS; §4.2 Content-Location = id (MUST)."""
    from urllib.parse import urlsplit

    client = APIClient()
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    got = client.get(container_url(seed_article), **headers)
    doc = got.json()
    assert urlsplit(doc["id"]).path.endswith("/") and container_url(seed_article).endswith("/")
    assert got["Content-Location"] == doc["id"]
    assert "BasicContainer" in doc["type"] and "AnnotationCollection" in doc["type"]
    for method in ("get", "head", "options"):
        response = getattr(client, method)(container_url(seed_article), **headers)
        assert response.status_code == 200, method
        assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in response["Link"], method
        assert '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"' in response["Link"]
        assert response["ETag"], method
        assert {"GET", "HEAD", "OPTIONS", "POST"} <= _methods(response), method
        assert MEDIA_TYPE in response["Accept-Post"], method  # (what a POST takes: JSON-LD and plain JSON)
        if method != "options":
            assert response["Content-Type"] == MEDIA_TYPE, method
            assert {"accept", "prefer"} <= _vary(response), method


def test_s4_2_2_minimal_container_has_no_contains(api, seed_article, many):
    """§4.2.2: the minimal representation MUST NOT include the ldp:contains predicate (nor embed the first page)."""
    response = api.get(container_url(seed_article), HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_MINIMAL))
    doc = response.json()
    assert not {"contains", "ldp:contains", "items"} & set(doc) and isinstance(doc["first"], str)
    graph = Graph().parse(
        data=api.get(container_url(seed_article), HTTP_ACCEPT="text/turtle", HTTP_PREFER=prefer(PREFER_MINIMAL)).content.decode(),
        format="turtle",
    )  # fmt: skip
    assert not list(graph.triples((None, URIRef("http://www.w3.org/ns/ldp#contains"), None)))
    assert not list(graph.subjects(RDF.type, OA.Annotation))


def test_s4_2_3_contained_iris_embed_a_page_of_iris(api, seed_article, many):
    """§4.2.3: PreferContainedIRIs MUST be answered with an AnnotationPage as first whose items are only IRIs."""
    doc = api.get(container_url(seed_article), HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_IRIS)).json()
    first = doc["first"]
    assert first["type"] == "AnnotationPage" and len(first["items"]) == 5
    iris = {f"http://testserver{container_url(seed_article)}{a.pk}" for a in many}
    assert set(first["items"]) == iris


def test_s4_2_4_contained_descriptions_embed_complete_annotations(api, seed_article, many):
    """§4.2.4: PreferContainedDescriptions MUST be answered with an AnnotationPage as first holding complete,
    inline annotations: each the same as the annotation's own document (without its @context)."""
    doc = api.get(container_url(seed_article), HTTP_ACCEPT=W3C, HTTP_PREFER=prefer(PREFER_DESCRIPTIONS)).json()
    first = doc["first"]
    assert first["type"] == "AnnotationPage" and len(first["items"]) == 5
    for item in first["items"]:
        own = api.get(item["id"], HTTP_ACCEPT=W3C).json()
        assert {"@context": ANNO_CONTEXT, **item} == own


@pytest.mark.parametrize("header", [None, prefer(PREFER_IRIS)])
def test_s4_3_every_page_has_part_of_and_prev_and_next_where_due(api, seed_article, many, header):
    """§4.3: each page MUST link its container (partOf), the previous page unless it is the first (prev) and
    the next page unless it is the last (next); walking next from first reaches every annotation once."""
    headers = {"HTTP_ACCEPT": W3C} | ({"HTTP_PREFER": header} if header else {})
    doc = api.get(container_url(seed_article), {"page_size": 2}, **headers).json()
    first = doc["first"]["id"] if isinstance(doc["first"], dict) else doc["first"]
    url, pages, seen = first, [], []
    while url:
        page = api.get(url, HTTP_ACCEPT=W3C).json()
        assert page["type"] == "AnnotationPage" and page["id"] == url
        assert page["partOf"]["id"] == doc["id"]
        pages.append(page)
        seen += [item if isinstance(item, str) else item["id"] for item in page["items"]]
        url = page.get("next")
    assert len(pages) == 3 and pages[-1]["id"] == doc["last"]
    assert "prev" not in pages[0] and all(p["prev"] == q["id"] for q, p in zip(pages, pages[1:]))
    assert all("next" in p for p in pages[:-1]) and "next" not in pages[-1]
    assert sorted(seen) == sorted(f"http://testserver{container_url(seed_article)}{a.pk}" for a in many)


def test_s5_3_put_answers_200_with_the_new_state_in_the_format_asked_for(api, seed_article, text):
    """§5.3: "If successful, the server MUST return a 200 OK status with the Annotation as the body according to
    the content-type requested ... the new state of the Annotation"."""
    created = api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE,
                       HTTP_ACCEPT=W3C)  # fmt: skip
    document = created.json()
    changed = dict(document, body=[{"type": "TextualBody", "purpose": "tagging", "value": "ORG"}])
    for accept, etag in ((W3C, created["ETag"]), ("text/turtle", None)):
        etag = etag or api.get(document["id"], HTTP_ACCEPT=W3C)["ETag"]
        put = api.put(document["id"], ld(changed), content_type=MEDIA_TYPE, HTTP_ACCEPT=accept, HTTP_IF_MATCH=etag)
        assert put.status_code == 200, put.content
        if accept == W3C:
            assert put["Content-Type"] == MEDIA_TYPE and put.json()["body"][0]["value"] == "ORG"
        else:
            assert put["Content-Type"].startswith("text/turtle")
            graph = Graph().parse(data=put.content.decode(), format="turtle")
            assert (URIRef(document["id"]), RDF.type, OA.Annotation) in graph
    assert Annotation.objects.get().label.code == "ORG"


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_s5_3_a_put_of_a_web_annotation_without_a_preference_answers_in_the_form_it_was_sent(api, seed_article, text, accept):
    """§5.3: the new state "according to the content-type requested": a client that PUTs JSON-LD and takes any
    format (W3C's protocol test does: a browser's */*) gets JSON-LD back, as a POST does (§5.1); plain JSON
    needs Accept: application/json."""
    created = api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE,
                       HTTP_ACCEPT=W3C)  # fmt: skip
    document = created.json()
    changed = dict(document, body=[{"type": "TextualBody", "purpose": "tagging", "value": "ORG"}])
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    put = api.put(document["id"], ld(changed), content_type=MEDIA_TYPE, HTTP_IF_MATCH=created["ETag"], **headers)
    assert put.status_code == 200 and put["Content-Type"] == MEDIA_TYPE, put.content[:300]
    assert put.json()["body"][0]["value"] == "ORG" and put.json()["id"] == document["id"]
    changed["body"][0]["value"] = "LOC"
    plain = api.put(document["id"], ld(changed), content_type=MEDIA_TYPE, HTTP_IF_MATCH=put["ETag"], HTTP_ACCEPT="application/json")
    assert plain.status_code == 200 and plain["Content-Type"] == "application/json" and plain.json()["label_code"] == "LOC"
