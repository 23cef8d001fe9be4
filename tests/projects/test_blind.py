"""Blind projects: an annotator never sees another annotator's marks before curation, through any path.

Paths: the annotation list (compiled page query and the filtered ORM path, JSON and W3C), details,
replies, the live stream's re-fetch (``?ids=``), every export format (per article and bulk), entity
pages and the anonymous view (an annotator signing out must not see more).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from annotations.models import BlindArticle
from annotations.services import annotation_create, reply_create
from annotations.selectors import annotations_visible_to
from live.models import Event
from projects import services
from projects.models import ProjectArticle
from tests.projects.conftest import span

FORMATS = ["w3c", "doccano", "brat", "conll", "quotes-csv"]


@pytest.fixture
def blind(team, blind_project, articles, mark):
    article = articles[0]
    services.articles_add(user=team["owner"], project=blind_project, articles=[article])
    entry = ProjectArticle.objects.get(project=blind_project)
    services.assign(user=team["owner"], project=blind_project, entry=entry, annotators=[team["ali"], team["badr"]])
    ali = mark(team["ali"], article, "بغداد", "LOC")  # public by default: only blind mode hides it
    badr = mark(team["badr"], article, "العراق", "LOC")
    start, end = span(article, "جو بايدن")
    suggestion = annotation_create(user=None, article=article, kind="entity", start=start, end=end, label="PER", status="suggested", suggester="test")
    return {"entry": entry, "article": article, "ali": ali, "badr": badr, "suggestion": suggestion}


def client(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


W3C = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def listed(user, article, **params):
    headers = {"HTTP_ACCEPT": W3C if params.pop("w3c", False) else "application/json"}
    response = client(user).get(reverse("article-annotations", args=[article.pk]), params, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    items = body.get("results", body.get("items", body)) if isinstance(body, dict) else body
    if isinstance(body, dict) and "first" in body:  # W3C container
        items = body["first"]["items"]
    return {str(item.get("id")).rstrip("/").rsplit("/", 1)[-1] for item in items}


def test_blind_rows_follow_the_project(team, blind):
    row = BlindArticle.objects.get(article=blind["article"])
    assert set(row.readers.all()) == {team["curator"]}


@pytest.mark.parametrize("params", [{}, {"kind": "entity"}, {"w3c": True}])
def test_api_list_shows_own_marks_and_suggestions_only(team, blind, params):
    seen = listed(team["ali"], blind["article"], **dict(params))
    assert str(blind["ali"].pk) in seen and str(blind["suggestion"].pk) in seen
    assert str(blind["badr"].pk) not in seen
    assert str(blind["ali"].pk) not in listed(team["badr"], blind["article"], **dict(params))
    # Not through the back door of other roles or signing out.
    for who in (None, team["outsider_member"], team["carim"]):
        others = listed(who, blind["article"], **dict(params))
        assert {str(blind["ali"].pk), str(blind["badr"].pk)}.isdisjoint(others)
    # The curator (a reader of the blind row) sees both.
    assert {str(blind["ali"].pk), str(blind["badr"].pk)} <= listed(team["curator"], blind["article"], **dict(params))


def test_staff_are_blind_too(team, blind):
    team["carim"].is_staff = True
    team["carim"].save()
    assert str(blind["ali"].pk) not in listed(team["carim"], blind["article"])


def test_detail_replies_and_live_refetch(team, blind):
    detail = reverse("annotation-detail", args=[blind["ali"].pk])
    assert client(team["badr"]).get(detail).status_code == 404
    assert client(team["ali"]).get(detail).status_code == 200
    reply_create(user=team["ali"], annotation_id=blind["ali"].pk, text="ملاحظة")
    replies = reverse("annotation-replies", args=[blind["ali"].pk])
    assert client(team["badr"]).get(replies).status_code == 404
    # The live stream says which ids changed; the page re-fetches them with ?ids=, which is blind.
    event = Event.objects.filter(article_id=blind["article"].pk, annotation_ids__contains=[blind["ali"].pk]).first()
    assert event is not None
    assert listed(team["badr"], blind["article"], ids=str(blind["ali"].pk)) == set()


def exported_spans(name: str, body: bytes) -> set[tuple]:
    """(start, end, label) of every entity in an export file, and ("quote", text) of quotes."""
    if name == "w3c":
        data = json.loads(body)
        items = data.get("first", {}).get("items", data.get("items", []))
        out = set()
        for item in items:
            selectors = item["target"]["selector"]
            position = next(s for s in selectors if s["type"] == "TextPositionSelector")
            out.add((position["start"], position["end"]))
        return out
    if name == "doccano":
        return {(s, e, label) for line in body.decode().splitlines() if line for s, e, label in json.loads(line)["label"]}
    if name == "brat":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            text = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".ann"))
        return {tuple(line.split("\t")[1].split()) for line in text.splitlines() if line.startswith("T")}
    if name == "conll":
        return {tuple(line.split()) for line in body.decode().splitlines() if line.strip() and not line.startswith("#")}
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return {("quote", cell) for row in rows[1:] for cell in row}


@pytest.mark.parametrize("name", FORMATS)
def test_exports_are_blind(team, blind, name, mark):
    article = blind["article"]
    mark(team["ali"], article, "العراق شريك مهم", kind="quote", quote_type="direct", speaker_name="مصدر سري")
    for url, params in (
        (reverse("article-export", args=[article.pk]), {"format": name, "status": "all"}),
        (reverse("annotations-export"), {"format": name, "status": "all"}),
    ):
        seen = {}
        for who in ("badr", "curator"):
            response = client(team[who]).get(url, params)
            assert response.status_code == 200, response.content[:300]
            seen[who] = exported_spans(name, b"".join(response.streaming_content) if response.streaming else response.content)
        ali, badr = blind["ali"], blind["badr"]
        hidden = {
            "w3c": (ali.start, ali.end), "doccano": (ali.start, ali.end, "LOC"), "brat": ("LOC", str(ali.start), str(ali.end)),
            "conll": ("بغداد", "B-LOC"), "quotes-csv": ("quote", "مصدر سري"),
        }[name]  # fmt: skip
        assert hidden not in seen["badr"] and hidden in seen["curator"]
        if name != "quotes-csv":
            own = {"w3c": (badr.start, badr.end), "doccano": (badr.start, badr.end, "LOC"),
                   "brat": ("LOC", str(badr.start), str(badr.end)), "conll": ("العراق", "B-LOC")}[name]  # fmt: skip
            assert own in seen["badr"]


def test_selector_is_the_single_rule(team, blind):
    visible = set(annotations_visible_to(team["badr"]).values_list("pk", flat=True))
    assert blind["ali"].pk not in visible and blind["suggestion"].pk in visible and blind["badr"].pk in visible


def test_curation_lifts_blindness(team, blind):
    entry = blind["entry"]
    services.curation_start(user=team["curator"], entry=entry)
    for cluster in services.curation_state(entry):
        services.curation_decide(user=team["curator"], entry=entry, kind=cluster.kind, start=cluster.start, end=cluster.end, choice=0)
    # Before curation is finished the curated layer is not visible to annotators either.
    assert not BlindArticle.objects.filter(article=blind["article"], readers=team["badr"]).exists()
    curated_ids = {str(a.pk) for a in annotations_visible_to(team["curator"]).filter(status="curated")}
    assert curated_ids and curated_ids.isdisjoint(listed(team["badr"], blind["article"]))
    services.curation_finish(user=team["curator"], entry=entry)
    assert not BlindArticle.objects.filter(article=blind["article"]).exists()
    assert str(blind["ali"].pk) in listed(team["badr"], blind["article"])


def test_a_project_that_is_not_blind_leaves_visibility_alone(team, project, articles, mark):
    services.articles_add(user=team["owner"], project=project, articles=articles[:1])
    ali = mark(team["ali"], articles[0], "بغداد", "LOC")
    assert not BlindArticle.objects.exists()
    assert str(ali.pk) in listed(team["badr"], articles[0])


def test_entity_pages_are_blind(team, blind_project, articles, mark, consumers_run_at_once):
    # Entity pages cache whether a mark counts for everyone: blinding and curating refresh that.
    def names(user):
        response = client(user).get(reverse("entities:api-entities"))
        assert response.status_code == 200
        return {item["name"] for item in response.json()["results"]}

    article = articles[0]
    mark(team["ali"], article, "بغداد", "LOC")  # before the article joins the blind project
    assert "بغداد" in names(team["badr"]) and "بغداد" in names(None)
    services.articles_add(user=team["owner"], project=blind_project, articles=[article])
    entry = ProjectArticle.objects.get(project=blind_project)
    services.assign(user=team["owner"], project=blind_project, entry=entry, annotators=[team["ali"], team["badr"]])
    assert "بغداد" not in names(team["badr"]) and "بغداد" not in names(None)
    services.curation_start(user=team["curator"], entry=entry)
    for cluster in services.curation_state(entry):
        services.curation_decide(user=team["curator"], entry=entry, kind=cluster.kind, start=cluster.start, end=cluster.end, choice=0)
    services.curation_finish(user=team["curator"], entry=entry)
    assert "بغداد" in names(team["badr"]) and "بغداد" in names(None)
