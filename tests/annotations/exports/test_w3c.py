"""W3C JSON-LD files: the collection's shape, and reading collections, pages, lists and single annotations."""

from __future__ import annotations

import json

import pytest

from annotations.exports import import_file, w3c
from annotations.exports.import_records import ImportFailed
from annotations.models import Annotation
from annotations.selectors import W3C_VALUES, speaker_shown_expression
from annotations.w3c import ANNO_CONTEXT, Urls, annotation_to_w3c
from tests.annotations.exports.conftest import BASE, OFFICIAL_QUOTE, QUOTE, flush_articles, run_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(annotated, user):
    return json.loads(run_export("w3c", user=user))


def test_collection_shape(document, seed_article):
    assert document["@context"][0] == ANNO_CONTEXT
    assert document["type"] == "AnnotationCollection"
    assert document["id"] == f"{BASE}/api/exports/?format=w3c"
    assert document["total"] == 6
    page = document["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0 and len(page["items"]) == 6
    assert document["last"] == page["id"]
    # Items carry no @context of their own: the collection's applies.
    assert all("@context" not in item for item in page["items"])
    # Reading order.
    starts = [item["target"]["selector"][0]["start"] for item in page["items"]]
    assert starts == sorted(starts)


def test_items_are_the_api_representation_plus_newsreader_terms(document, annotated):
    quote = annotated["quote"]
    row = Annotation.objects.filter(pk=quote.pk).annotate(speaker_shown=speaker_shown_expression()).values(*W3C_VALUES, "speaker_shown").get()
    item = next(i for i in document["first"]["items"] if i["id"].endswith(f"/annotations/{quote.pk}"))
    expected = json.loads(json.dumps(annotation_to_w3c(row, Urls(BASE), context=False), default=str))
    assert {k: v for k, v in item.items() if k not in ("status", "visibility", "confidence", "group")} == expected
    assert (item["status"], item["visibility"]) == ("human", "public")
    # The quote: classified, its speaker the entity's IRI, its cue a position on the same text.
    assert item["motivation"] == "describing"
    purposes = {(b["type"], b["purpose"]) for b in item["body"]}
    assert ("SpecificResource", "identifying") in purposes and ("SpecificResource", "describing") in purposes
    assert item["target"]["source"]["language"] == "ar" and item["target"]["source"]["textDirection"] == "rtl"


def test_newsreader_terms_are_declared_in_the_context(document):
    terms = document["@context"][1]
    assert {"status", "confidence", "visibility", "group"} <= terms.keys()
    assert terms["articles"] == {"@id": "nr:articles", "@type": "@json"}


def test_articles_carry_what_an_empty_database_needs(document, seed_article):
    (article,) = document["articles"]
    revision = seed_article.current_revision
    assert article["id"] == f"{BASE}/articles/{seed_article.pk}/"
    assert article["text"] == revision.text and article["text_sha256"] == revision.text_hash
    assert article["blocks"] == revision.blocks
    assert article["published_on"] == "2021-07-27"
    assert article["title"].startswith("بايدن يحدّد موعد")


def test_an_article_without_annotations_is_still_described(seed_article):
    document = json.loads(run_export("w3c", article_ids=[seed_article.pk]))
    assert document["total"] == 0 and document["first"]["items"] == []
    assert len(document["articles"]) == 1


# --- reading -------------------------------------------------------------------------------------


def test_reads_a_page_a_list_and_a_single_annotation(document):
    items = document["first"]["items"]
    page = {"@context": ANNO_CONTEXT, "type": "AnnotationPage", "items": items}
    assert len(w3c.parse(json.dumps(page)).items) == 6
    assert len(w3c.parse(json.dumps(items)).items) == 6
    assert len(w3c.parse(json.dumps(dict(items[0], **{"@context": ANNO_CONTEXT}))).items) == 1


def test_reads_pages_chained_with_next(document):
    items = document["first"]["items"]
    second = {"type": "AnnotationPage", "items": items[3:]}
    chained = dict(document, first={"type": "AnnotationPage", "items": items[:3], "next": second})
    parsed = w3c.parse(json.dumps(chained))
    assert [i.key for i in parsed.items] == [i["id"] for i in items]


def test_a_page_that_is_only_an_iri_is_a_clear_error(document):
    with pytest.raises(ImportFailed) as failed:
        w3c.parse(json.dumps(dict(document, first="https://elsewhere.example/anno/?page=1")))
    (error,) = failed.value.errors
    assert (error["field"], error["code"]) == ("first", "page_not_embedded")


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        (b"{not json", None, "malformed_json"),
        (b'{"type": "Nothing"}', "type", "invalid"),
        (b'{"type": "AnnotationPage"}', "items", "required"),
    ],
)
def test_bad_files(raw, field, code):
    with pytest.raises(ImportFailed) as failed:
        w3c.parse(raw)
    assert [(e["field"], e["code"]) for e in failed.value.errors] == [(field, code)]


def test_every_bad_item_is_reported_with_its_index_and_field(document, user):
    items = document["first"]["items"]
    items[1]["motivation"] = "bookmarking"
    items[4]["target"]["selector"] = [{"type": "TextPositionSelector", "start": "one", "end": 5}]
    items[0]["body"][0]["value"] = "PLACE"  # a rule of the services: reported with the others
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", json.dumps(document).encode(), user=user)
    assert [(e["index"], e["field"], e["code"]) for e in failed.value.errors] == [
        (0, "body", "unknown_label"),
        (1, "motivation", "invalid_choice"),
        (4, "target.selector[0].start", "invalid"),
    ]
    assert Annotation.objects.count() == 6


def test_a_speaker_from_another_server_keeps_its_name(annotated, user, seed_article):
    """Annotations made elsewhere: the speaker IRI names nothing here, the name in the body is kept."""
    document = json.loads(run_export("w3c", user=user))
    items = document["first"]["items"]
    quote = next(i for i in items if any(b.get("purpose") == "identifying" and b["type"] == "SpecificResource" for b in i["body"]))
    items.remove(next(i for i in items if i["id"] == next(b["source"] for b in quote["body"] if b["type"] == "SpecificResource" and b["purpose"] == "identifying")))
    for body in quote["body"]:
        if body["type"] == "SpecificResource" and body["purpose"] == "identifying":
            body["source"] = "https://other.example/annotations/77"
    Annotation.objects.all().delete()
    import_file("w3c", json.dumps(document).encode(), user=user)
    imported = Annotation.objects.get(exact=QUOTE)
    assert imported.speaker is None and imported.speaker_name == "بايدن"


def test_a_speaker_on_this_server_is_linked_by_its_iri(annotated, other_user, seed_article):
    """A quote posted as W3C, naming an entity that exists here (not in the file): the link is kept."""
    biden = annotated["biden"]
    document = json.loads(run_export("w3c", user=other_user))
    quote = next(i for i in document["first"]["items"] if i["target"]["selector"][1]["exact"] == QUOTE)
    assert any(b.get("source") == f"{BASE}/api/articles/{biden.article_id}/annotations/{biden.pk}" for b in quote["body"])
    result = import_file("w3c", json.dumps(quote).encode(), user=other_user, article=seed_article, local_base=BASE)
    created = Annotation.objects.get(pk=result.annotation_ids[0])
    assert created.speaker_id == biden.pk and created.creator == other_user


def test_an_unknown_speaker_without_a_name_is_an_error(annotated, user, seed_article):
    document = json.loads(run_export("w3c", user=user))
    quote = next(i for i in document["first"]["items"] if i["target"]["selector"][1]["exact"] == QUOTE)
    quote["body"] = [b for b in quote["body"] if b["type"] != "TextualBody" or b["purpose"] != "identifying"]
    Annotation.objects.all().delete()
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", json.dumps(quote).encode(), user=user, article=seed_article)
    ((index, field, code),) = [(e["index"], e["field"], e["code"]) for e in failed.value.errors]
    assert (index, code) == (0, "unknown_speaker") and field.startswith("body[")


def test_foreign_ids_in_iris_are_never_trusted(annotated, user, seed_article):
    """An IRI of another server whose number happens to be an article id here does not name that article."""
    document = json.loads(run_export("w3c", user=user))
    del document["articles"]
    for item in document["first"]["items"]:
        item["target"]["source"]["id"] = f"https://other.example/articles/{seed_article.pk}/"
    flush_articles()
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", json.dumps(document).encode(), user=user, local_base=BASE)
    assert {e["code"] for e in failed.value.errors} == {"unknown_article"}


def test_w3c_without_source_needs_an_article(annotated, user):
    document = json.loads(run_export("w3c", user=user))
    item = document["first"]["items"][0]
    del item["target"]["source"]
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", json.dumps([item]).encode(), user=user)
    assert [(e["field"], e["code"]) for e in failed.value.errors] == [("target.source", "required")]


def test_quote_type_and_free_text_speaker_survive(annotated, user, seed_article):
    document = json.loads(run_export("w3c", user=user))
    official = next(i for i in document["first"]["items"] if i["target"]["selector"][1]["exact"] == OFFICIAL_QUOTE)
    Annotation.objects.all().delete()
    import_file("w3c", json.dumps(official).encode(), user=user, article=seed_article)
    imported = Annotation.objects.get()
    assert (imported.quote_type, imported.speaker_name) == ("partial", "مسؤول كبير في الإدارة الأميركية")
    assert imported.note == "=SUM(A1) not a formula"
