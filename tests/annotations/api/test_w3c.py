"""The W3C Web Annotation form: data model, protocol headers, containers and W3C input."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from annotations.models import Annotation
from annotations.selectors import annotation_page, annotation_page_values
from annotations.api.renderers import dumps
from annotations.w3c import ANNO_CONTEXT, MEDIA_TYPE, Urls, annotation_to_w3c, annotations_to_w3c, w3c_to_input
from tests.annotations.api.conftest import W3C, codes
from tests.annotations.conftest import span_of
from tests.factories import make_article

@pytest.fixture
def anon():
    """No Accept header by default here: a W3C client may send none."""
    return APIClient()


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def ld(doc) -> str:
    return json.dumps(doc, ensure_ascii=False)


QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"


@pytest.fixture
def quote_with_speaker(user, make_entity, make_quote, text):
    speaker = make_entity(user, occurrence=3)
    cue = span_of(text, "وقال بايدن للصحافيين")
    quote = make_quote(user, speaker=speaker, cue_start=cue[0], cue_end=cue[0] + 4, note="قالها في البيت الأبيض")
    return speaker, quote


def test_entity_as_web_annotation(api, user, make_entity, seed_article):
    annotation = make_entity(user, note="<b>ملاحظة</b>")
    response = api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT=W3C)
    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    assert response["ETag"] == f'"{annotation.pk}-1"'
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert {"GET", "PUT", "PATCH", "DELETE"} <= {m.strip() for m in response["Allow"].split(",")}
    assert "Accept" in response["Vary"]
    doc = response.json()
    assert doc["@context"] == ANNO_CONTEXT
    assert doc["id"] == f"http://testserver/api/articles/{annotation.article_id}/annotations/{annotation.pk}"
    assert doc["type"] == "Annotation" and doc["motivation"] == "tagging"
    assert doc["creator"] == {"type": "Person", "nickname": user.username}
    assert doc["created"].endswith("Z") and doc["modified"].endswith("Z")
    # Who changed it last (the creator until someone else edits), as Dublin Core's contributor.
    assert doc["dcterms:contributor"] == {"type": "Person", "nickname": user.username}
    assert doc["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "PER", "format": "text/plain"},
        # An Arabic comment says so (Web Annotation Data Model §3.2.4, language of a body).
        {"type": "TextualBody", "purpose": "commenting", "value": "<b>ملاحظة</b>", "format": "text/plain",
         "language": "ar", "textDirection": "rtl"},
    ]  # fmt: skip
    # modified is never earlier than created.
    assert doc["modified"] >= doc["created"]
    target = doc["target"]
    # The source is the article page, HTML; the text the offsets count in is the cached revision.
    assert target["source"] == {
        "id": f"http://testserver/articles/{seed_article.pk}/",
        "type": "Text",
        "format": "text/html",
        "language": "ar",
        "textDirection": "rtl",
    }
    assert target["state"]["cached"] == f"http://testserver/api/revisions/{annotation.revision_id}/"
    assert target["state"]["type"] == "TimeState" and target["state"]["sourceDate"].endswith("Z")
    position, quote = target["selector"]
    assert position == {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}
    assert quote == {"type": "TextQuoteSelector", "exact": "بايدن", "prefix": annotation.prefix, "suffix": annotation.suffix}


def test_quote_as_web_annotation(api, quote_with_speaker):
    speaker, quote = quote_with_speaker
    doc = api.get(f"/api/annotations/{quote.pk}/", HTTP_ACCEPT=W3C).json()
    assert doc["motivation"] == "describing"
    by_purpose = {}
    for body in doc["body"]:
        by_purpose.setdefault(body["purpose"], []).append(body)
    assert by_purpose["classifying"][0]["value"] == "direct"
    identifying = {body["type"]: body for body in by_purpose["identifying"]}
    assert identifying["SpecificResource"]["source"] == f"http://testserver/api/articles/{speaker.article_id}/annotations/{speaker.pk}"
    assert identifying["TextualBody"]["value"] == "بايدن" and identifying["TextualBody"]["textDirection"] == "rtl"
    [cue] = by_purpose["describing"]
    assert cue["selector"] == {"type": "TextPositionSelector", "start": quote.cue_start, "end": quote.cue_end}
    assert by_purpose["commenting"][0]["value"] == "قالها في البيت الأبيض"


def test_plain_ld_json_accept_is_enough(api, user, make_entity):
    annotation = make_entity(user)
    response = api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT="application/ld+json")
    assert response.json()["type"] == "Annotation"
    assert api.get(f"/api/annotations/{annotation.pk}/").json()["kind"] == "entity"  # one annotation: JSON by default
    assert api.get(f"/api/annotations/{annotation.pk}/", {"format": "jsonld"}).json()["type"] == "Annotation"


@pytest.fixture
def many(user, seed_article, make_entity):
    words = ["بايدن", "الكاظمي", "واشنطن", "بغداد", "العراق"]
    return [make_entity(user, needle=word) for word in words]


def container_url(article) -> str:
    return f"/api/articles/{article.pk}/annotations/"


def test_container_is_a_collection_with_an_embedded_first_page(api, seed_article, many):
    response = api.get(container_url(seed_article), {"page_size": 2}, HTTP_ACCEPT=W3C)
    assert response.status_code == 200 and response["Content-Type"] == MEDIA_TYPE
    doc = response.json()
    base = f"http://testserver{container_url(seed_article)}"
    assert doc["@context"] == [ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"]
    assert doc["id"] == f"{base}?page_size=2&iris=0"
    assert doc["type"] == ["BasicContainer", "AnnotationCollection"]
    assert doc["total"] == 5 and doc["last"] == f"{base}?page_size=2&iris=0&page=3"
    first = doc["first"]
    assert first["type"] == "AnnotationPage" and first["startIndex"] == 0 and first["next"] == f"{base}?page_size=2&iris=0&page=2"
    assert [item["type"] for item in first["items"]] == ["Annotation", "Annotation"]
    assert "@context" not in first["items"][0]
    link = response["Link"]
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in link
    assert 'rel="http://www.w3.org/ns/ldp#constrainedBy"' in link
    assert "POST" in response["Allow"] and MEDIA_TYPE in response["Accept-Post"]
    assert {"Accept", "Prefer"} <= {v.strip() for v in response["Vary"].split(",")}
    assert response["ETag"].startswith('W/"')


def test_container_pages(api, seed_article, many):
    base = f"http://testserver{container_url(seed_article)}"
    page = api.get(container_url(seed_article), {"page_size": 2, "page": 2}, HTTP_ACCEPT=W3C).json()
    assert page["@context"] == ANNO_CONTEXT and page["type"] == "AnnotationPage"
    assert page["id"] == f"{base}?page_size=2&iris=0&page=2"
    assert page["partOf"] == {"id": f"{base}?page_size=2&iris=0", "total": 5}
    assert page["startIndex"] == 2 and page["prev"].endswith("page=1") and page["next"].endswith("page=3")
    assert len(page["items"]) == 2
    last = api.get(container_url(seed_article), {"page_size": 2, "page": 3}, HTTP_ACCEPT=W3C).json()
    assert "next" not in last and len(last["items"]) == 1


def test_container_prefer_headers(api, seed_article, many):
    iris = api.get(
        container_url(seed_article),
        HTTP_ACCEPT=W3C,
        HTTP_PREFER='return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"',
    )
    assert iris["Preference-Applied"] == "return=representation"
    assert all(isinstance(item, str) and container_url(seed_article) in item for item in iris.json()["first"]["items"])
    minimal = api.get(
        container_url(seed_article),
        HTTP_ACCEPT=W3C,
        HTTP_PREFER='return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"',
    ).json()
    assert minimal["first"].endswith("?iris=0&page=1") and minimal["total"] == 5


def test_empty_container(anon, seed_article):
    doc = anon.get(container_url(seed_article), HTTP_ACCEPT=W3C).json()
    assert doc["total"] == 0 and "first" not in doc


def w3c_entity(article, text, needle="الكاظمي", label="PER", **target_extra) -> dict:
    start, end = span_of(text, needle)
    return {
        "@context": ANNO_CONTEXT,
        "type": "Annotation",
        "motivation": "identifying",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": label},
        "target": {
            "source": f"http://elsewhere.example/articles/{article.pk}/",
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": needle},
            ],
            **target_extra,
        },
    }


def test_post_web_annotation(api, seed_article, text):
    response = api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE)
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == MEDIA_TYPE
    doc = response.json()
    assert response["Location"] == doc["id"]
    annotation = Annotation.objects.get()
    assert (annotation.kind, annotation.label.code, annotation.exact) == ("entity", "PER", "الكاظمي")
    assert doc["motivation"] == "tagging"  # we answer with our own choice of motivation


def test_post_web_annotation_with_only_a_quote_selector(api, seed_article, text):
    start, end = span_of(text, QUOTE)
    doc = {
        "@context": ANNO_CONTEXT,
        "type": "Annotation",
        "motivation": "oa:describing",
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": "partial"}],
        "target": [{"selector": {"type": "TextQuoteSelector", "exact": "لن نكون مع نهاية العام في مهمة قتالية", "prefix": "الكاظمي \""}}],
    }
    response = api.post(container_url(seed_article), ld(doc), content_type="application/ld+json")
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.quote_type) == (start, end, "partial")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (lambda d: d.update(motivation="bookmarking"), "motivation", "invalid_choice"),
        (lambda d: d.pop("body"), "body", "required"),
        (lambda d: d["target"].update(selector=[]), "target.selector", "required"),
        (lambda d: d["target"]["selector"][0].update(start="0"), "target.selector[0].start", "invalid"),
        (lambda d: d["target"].update(source="http://x.example/articles/999999/"), "target.source", "wrong_source"),
        (lambda d: d.update(type="Note"), "type", "required"),
    ],
)
def test_post_bad_web_annotations(api, seed_article, text, change, field, code):
    doc = w3c_entity(seed_article, text)
    change(doc)
    response = api.post(container_url(seed_article), ld(doc), content_type=MEDIA_TYPE)
    assert response.status_code == 400
    assert (field, code) in codes(response)
    assert not Annotation.objects.exists()


def test_put_in_w3c_form(api, seed_article, text):
    created = api.post(container_url(seed_article), ld(w3c_entity(seed_article, text)), content_type=MEDIA_TYPE)
    doc = created.json()
    doc["body"] = [{"type": "TextualBody", "purpose": "tagging", "value": "ORG"}]
    response = api.put(doc["id"], ld(doc), content_type=MEDIA_TYPE, HTTP_ACCEPT=W3C, HTTP_IF_MATCH=created["ETag"])
    assert response.status_code == 200, response.content
    assert response.json()["body"][0]["value"] == "ORG"
    assert Annotation.objects.get().label.code == "ORG"


def test_round_trip_through_w3c(user, other_user, quote_with_speaker, seed_article, client_for):
    """A W3C document read back in gives the same annotation (speaker, cue, note and all)."""
    speaker, quote = quote_with_speaker
    doc = client_for(user).get(f"/api/annotations/{quote.pk}/", HTTP_ACCEPT=W3C).json()
    fields = w3c_to_input(doc)
    assert iri_article(fields.pop("source")) == seed_article.pk
    assert fields.pop("revision") == quote.revision_id
    assert fields == {
        "kind": "quote",
        "start": quote.start,
        "end": quote.end,
        "exact": quote.exact,
        "prefix": quote.prefix,
        "suffix": quote.suffix,
        "quote_type": "direct",
        "speaker": speaker.pk,
        "cue_start": quote.cue_start,
        "cue_end": quote.cue_end,
        "note": "قالها في البيت الأبيض",
    }
    response = client_for(other_user).post(f"/api/articles/{seed_article.pk}/annotations/", ld(doc), content_type=MEDIA_TYPE)
    assert response.status_code == 201, response.content
    copy = Annotation.objects.get(pk=int(response.json()["id"].rstrip("/").rsplit("/", 1)[1]))
    assert (copy.start, copy.end, copy.speaker_id, copy.cue_start, copy.note) == (
        quote.start, quote.end, speaker.pk, quote.cue_start, quote.note,
    )  # fmt: skip


def iri_article(iri):
    from annotations.w3c import iri_id

    return iri_id(iri, "article")


def test_bulk_accepts_web_annotations(api, seed_article, text):
    items = [w3c_entity(seed_article, text), w3c_entity(seed_article, text, "بغداد", "LOC")]
    response = api.post(f"{container_url(seed_article)}bulk/", {"items": items}, format="json")
    assert response.status_code == 201, response.content
    assert [a["label_code"] for a in response.json()["created"]] == ["PER", "LOC"]


# --- the mapping as functions (what exporters reuse) ---------------------------------------------


def test_page_items_are_the_single_documents(api, user, other_user, quote_with_speaker, make_entity, seed_article):
    # The list builds its items in one pass (annotations_to_w3c); they must be, byte for byte, what
    # GET /api/annotations/{id}/ answers (annotation_to_w3c) without the @context.
    suggested = make_entity(other_user, occurrence=1, status="suggested", suggester="camel-ner-1")
    page = api.get(container_url(seed_article), {"page": 1}, HTTP_ACCEPT=W3C).json()
    items = {item["id"]: item for item in page["items"]}
    speaker, quote = quote_with_speaker
    for annotation in (speaker, quote, suggested):
        doc = api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT=W3C).json()
        del doc["@context"]
        assert dumps(items[doc["id"]]) == dumps(doc)


def test_page_items_from_tuples_are_those_from_dicts(user, other_user, quote_with_speaker, make_entity, seed_article):
    # The container page builds its items from the database tuples (annotation_page_values), a single document
    # and the exports from dicts: the same documents, byte for byte, the repeated parts (label bodies, people,
    # the article as source, the revision's state) shared within a page and never changed by another item.
    make_entity(other_user, occurrence=1, status="suggested", suggester="camel-ner-1")
    make_entity(user, occurrence=1, note="ملاحظة")
    names, tuples = annotation_page_values(user=user, article_id=seed_article.pk, w3c=True, limit=1000)
    rows = annotation_page(user=user, article_id=seed_article.pk, w3c=True, limit=1000)
    urls = Urls("https://news.example")
    assert len(rows) >= 4
    from_tuples = dumps(annotations_to_w3c(tuples, urls, names))
    assert from_tuples == dumps(annotations_to_w3c(rows, urls))
    assert from_tuples == dumps([annotation_to_w3c(row, urls, context=False) for row in rows])


@pytest.mark.parametrize(
    "when",
    [
        datetime(2021, 7, 27, 9, 30, 5, tzinfo=timezone.utc),
        datetime(2021, 7, 27, 9, 30, 5, 120, tzinfo=timezone.utc),
        datetime(2021, 7, 27, 9, 30, 5, 123456, tzinfo=timezone(timedelta(hours=3))),
    ],
)
def test_page_items_write_datetimes_as_single_documents_do(when):
    # annotations_to_w3c leaves datetimes for orjson to write; it must write what _iso writes ("Z", microseconds).
    row = {
        "id": 1, "article_id": 2, "revision_id": 3, "kind": "quote", "start": 0, "end": 5, "exact": "بايدن",
        "prefix": "", "suffix": " يحدد", "label__code": None, "speaker_id": 4, "speaker_name": "", "speaker__exact": "بايدن",
        "cue_start": 7, "cue_end": 11, "quote_type": "direct", "note": "ملاحظة", "suggester": "", "creator__username": "u",
        "modified_by__username": "v", "created": when, "modified": when + timedelta(seconds=1),
        "revision__created_at": when - timedelta(days=1), "article__language": "ar", "article__direction": "rtl",
    }  # fmt: skip
    urls = Urls("https://news.example")
    single = annotation_to_w3c(row, urls, context=False)
    assert isinstance(single["created"], str)
    assert dumps(annotations_to_w3c([row], urls)) == dumps([single])


def test_suggestions_carry_a_generator():
    row = {
        "id": 1, "article_id": 2, "revision_id": 3, "kind": "entity", "start": 0, "end": 5, "exact": "بايدن",
        "prefix": "", "suffix": " يحدد", "label__code": "PER", "speaker_id": None, "speaker_name": "", "cue_start": None,
        "cue_end": None, "quote_type": "", "note": "", "suggester": "camel-ner-1", "creator__username": None,
        "created": "2021-07-27T00:00:00Z", "modified": "2021-07-27T00:00:00Z",
    }  # fmt: skip
    doc = annotation_to_w3c(row, Urls("https://news.example"))
    assert doc["generator"] == {"type": "Software", "name": "camel-ner-1"} and "creator" not in doc
    assert doc["id"] == "https://news.example/api/articles/2/annotations/1"
    assert "sourceDate" not in doc["target"]["state"]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            {"type": "Annotation", "motivation": "tagging", "bodyValue": "LOC",
             "target": {"selector": {"type": "TextPositionSelector", "start": 3, "end": 9}}},
            {"kind": "entity", "label": "LOC", "start": 3, "end": 9, "source": None},
        ),
        (
            {"type": ["Annotation"], "motivation": ["classifying"], "bodyValue": "تعليق",
             "target": {"source": "https://x/articles/4/", "selector": [{"type": "TextQuoteSelector", "exact": "قال"}]}},
            {"kind": "quote", "note": "تعليق", "exact": "قال", "prefix": "", "suffix": "", "source": "https://x/articles/4/"},
        ),
        (
            {"type": "Annotation", "motivation": "describing",
             "body": [{"type": "TextualBody", "purpose": "identifying", "value": "مسؤول"}],
             "target": {"selector": {"type": "TextPositionSelector", "start": 0, "end": 2}}},
            {"kind": "quote", "speaker_name": "مسؤول", "start": 0, "end": 2, "source": None},
        ),
    ],
)  # fmt: skip
def test_w3c_to_input_variants(doc, expected):
    assert w3c_to_input(doc) == expected


def test_w3c_to_input_rejects_several_targets():
    with pytest.raises(ValidationError) as caught:
        w3c_to_input({"type": "Annotation", "motivation": "tagging", "bodyValue": "PER", "target": [{}, {}]})
    assert "target" in caught.value.error_dict


def test_article_iri_of_another_article_is_refused(api, text, seed_article):
    other = make_article(title="خبر", body="نص")
    doc = w3c_entity(seed_article, text)
    doc["target"]["source"] = f"http://testserver/articles/{other.pk}/"
    response = api.post(container_url(seed_article), ld(doc), content_type=MEDIA_TYPE)
    assert response.status_code == 400 and codes(response) == [("target.source", "wrong_source")]


def test_modified_is_never_earlier_than_created(api, user, make_entity):
    """Issue 14: a new annotation's modified was set ~25 ms before its created."""
    from datetime import timedelta

    annotation = make_entity(user)
    Annotation.objects.filter(pk=annotation.pk).update(modified=annotation.created - timedelta(milliseconds=25))
    doc = api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT=W3C).json()
    assert doc["modified"] == doc["created"]
    page = api.get(f"/api/articles/{annotation.article_id}/annotations/", HTTP_ACCEPT=W3C).json()
    (item,) = page["first"]["items"]
    assert item["modified"] == item["created"]


def test_bidi_overrides_are_neutralised_in_notes_and_speaker_names(api, user, make_entity, seed_article, text):
    """Issue 14: U+202E and friends would make a note display as something else."""
    annotation = make_entity(user, note="ملف\u202etxt.exe")
    assert Annotation.objects.get(pk=annotation.pk).note == "ملفtxt.exe"
    Annotation.objects.filter(pk=annotation.pk).update(note="قديم\u2066x\u2069")  # stored before the rule
    assert api.get(f"/api/annotations/{annotation.pk}/").json()["note"] == "قديمx"
    doc = api.get(f"/api/annotations/{annotation.pk}/", HTTP_ACCEPT=W3C).json()
    assert [b["value"] for b in doc["body"] if b["purpose"] == "commenting"] == ["قديمx"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("options", "/api/articles/{article}/annotations/", 200),
        ("head", "/api/articles/{article}/annotations/", 200),
        ("get", "/api/articles/{article}/annotations/?page=0", 400),
        ("get", "/api/articles/{article}/annotations/?page=99", 404),
        ("post", "/api/articles/{article}/annotations/", 401),
        ("get", "/api/articles/999999/annotations/", 404),
    ],
)
def test_container_link_headers_on_every_response(anon, seed_article, method, path, status):
    """Web Annotation Protocol §4.1: Link (ldp#BasicContainer, constrainedBy) MUST be on all responses; Accept-Post."""
    response = getattr(anon, method)(path.format(article=seed_article.pk), HTTP_ACCEPT=W3C)
    assert response.status_code == status
    link = response["Link"]
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in link
    assert 'rel="http://www.w3.org/ns/ldp#constrainedBy"' in link
    assert "application/ld+json" in response["Accept-Post"]
