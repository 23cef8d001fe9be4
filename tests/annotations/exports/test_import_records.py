"""What an import file says (annotations/exports/import_records.py): article descriptions checked, problems described."""

from __future__ import annotations

import json

import pytest

from annotations.exports import import_file
from annotations.exports.import_records import ImportFailed, describe
from newsreader.models import Article
from tests.annotations.exports.conftest import codes

pytestmark = pytest.mark.django_db


def test_bad_article_descriptions(user, db):
    record = {
        "text": "عنوان\n\nفقرة.",
        "label": [],
        "meta": {"article": {"title": 5, "published_on": "yesterday", "blocks": [{"kind": "x"}]}},
    }
    with pytest.raises(ImportFailed) as failed:
        import_file("doccano", json.dumps(record).encode(), user=user, create_articles=True)
    assert sorted(codes(failed.value)) == [
        (1, "meta.article.blocks", "invalid"),
        (1, "meta.article.published_on", "invalid"),
        (1, "meta.article.title", "invalid"),
    ]
    assert not Article.objects.exists()


def test_describe():
    assert describe({"line": 3, "field": "entities[0].label", "message": "Unknown label."}) == (
        "line 3: entities[0].label: Unknown label."
    )
    assert describe({"index": 2, "field": None, "message": "Bad."}) == "item 2: Bad."
    assert describe({"field": None, "message": "Empty."}) == "Empty."
