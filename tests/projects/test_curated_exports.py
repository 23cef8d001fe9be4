"""Exports of the curated layer only (``status=curated``): the gold, in every format."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects import services
from projects.models import ProjectArticle


@pytest.fixture
def curated(team, project, articles, mark):
    article = articles[0]
    services.articles_add(user=team["owner"], project=project, articles=[article])
    entry = ProjectArticle.objects.get(project=project)
    services.assign(user=team["owner"], project=project, entry=entry, annotators=[team["ali"], team["badr"]])
    mark(team["ali"], article, "جو بايدن", "PER")
    mark(team["badr"], article, "جو بايدن", "PER")
    mark(team["ali"], article, "بغداد", "LOC")
    mark(team["badr"], article, "العراق", "LOC")
    services.curation_start(user=team["curator"], entry=entry)
    for cluster in services.curation_state(entry):
        if cluster.decision is None:
            services.curation_decide(
                user=team["curator"], entry=entry, kind=cluster.kind, start=cluster.start, end=cluster.end,
                choice=0 if cluster.variants[0].exact == "بغداد" else None,
            )  # fmt: skip
    services.curation_finish(user=team["curator"], entry=entry)
    return article


@pytest.mark.parametrize("name", ["doccano", "conll", "w3c"])
def test_curated_only(team, curated, name):
    client = APIClient()
    client.force_authenticate(team["outsider_member"])
    response = client.get(reverse("article-export", args=[curated.pk]), {"format": name, "status": "curated"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()
    if name == "doccano":
        labels = json.loads(text.splitlines()[0])["label"]
        assert sorted(label for *_, label in labels) == ["LOC", "PER"]  # Baghdad kept, Iraq rejected; no duplicates
    elif name == "conll":
        tags = {}
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                tags.setdefault(*line.split()[:2])  # the first occurrence of each word
        assert tags["بغداد"] == "B-LOC" and tags["العراق"] == "O" and tags["بايدن"] == "I-PER"
    else:
        items = json.loads(text).get("first", {}).get("items") or json.loads(text).get("items")
        assert len(items) == 2 and all(item.get("status", "curated") == "curated" for item in items)
    # Default exports (human, accepted) still give the annotators' marks, not the gold.
    response = client.get(reverse("article-export", args=[curated.pk]), {"format": "doccano"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(json.loads(body.decode().splitlines()[0])["label"]) == 4
