"""The seed article with a few entities and quotes, and helpers to read export files."""

from __future__ import annotations

import pytest

from annotations.exports import export
from annotations.exports.selection import ExportContext, ExportQuery
from annotations.w3c import Urls
from tests.annotations.conftest import span_of

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"
OFFICIAL_QUOTE = "لن يعلن أحد أن المهمة أُنجزت. الهدف هو الهزيمة الدائمة لداعش"
BASE = "https://news.example"


@pytest.fixture
def annotated(seed_article, user, per, loc, make_entity):
    """``user``'s annotations on the seed article: 4 entities and 2 quotes (one with a linked speaker and cue)."""
    from annotations.services import annotation_create

    text = seed_article.current_revision.text
    joe = make_entity(user, "جو بايدن")
    kadhimi = make_entity(user, "مصطفى الكاظمي")
    iraq = make_entity(user, "العراق", label=loc)  # the last word of the title
    # The بايدن of "وقال بايدن للصحافيين ...": the speaker of the quote that follows.
    said = text.index("وقال بايدن للصحافيين")
    biden = annotation_create(
        user=user, article=seed_article, kind="entity", start=said + 5, end=said + 10, exact="بايدن", label=per,
        note="الرئيس الأميركي",
    )  # fmt: skip
    start, end = span_of(text, QUOTE)
    quote = annotation_create(
        user=user, article=seed_article, kind="quote", start=start, end=end, exact=QUOTE, quote_type="direct",
        speaker=biden.pk, cue_start=said + 1, cue_end=said + 4,
    )  # fmt: skip
    start, end = span_of(text, OFFICIAL_QUOTE)
    official = annotation_create(
        user=user, article=seed_article, kind="quote", start=start, end=end, exact=OFFICIAL_QUOTE,
        quote_type="partial", speaker_name="مسؤول كبير في الإدارة الأميركية", note="=SUM(A1) not a formula",
    )  # fmt: skip
    return {"joe": joe, "kadhimi": kadhimi, "iraq": iraq, "biden": biden, "quote": quote, "official": official}


def run_export(format_name: str, *, user=None, **query) -> bytes:
    """The whole export file as bytes."""
    ctx = ExportContext(urls=Urls(BASE), collection_id=f"{BASE}/api/exports/?format={format_name}")
    return b"".join(export(format_name, ExportQuery(user=user, **query), ctx))


def flush_articles() -> None:
    """Empty the database of annotations, articles and sources (users and label sets stay)."""
    from annotations.models import Annotation
    from newsreader.models import Article, ArticleRevision, Source

    Annotation.objects.all().delete()
    Article.objects.update(current_revision=None)
    ArticleRevision.objects.all().delete()
    Article.objects.all().delete()
    Source.objects.all().delete()


def _article(descriptor: dict) -> dict:
    """An article descriptor without ids, and without the source's slug (a new database derives its own)."""
    article = {k: v for k, v in descriptor.items() if k not in ("id", "revision")}
    article["source"] = article["source"]["name"]
    return article


def _span(selectors) -> tuple:
    position = next(s for s in selectors if s["type"] == "TextPositionSelector")
    quote = next(s for s in selectors if s["type"] == "TextQuoteSelector")
    return position["start"], position["end"], quote["exact"], quote["prefix"], quote["suffix"]


def w3c_summary(data: bytes) -> dict:
    """A W3C export without what differs between databases (ids, IRIs, times): what must round-trip."""
    import json

    document = json.loads(data)
    items = document["first"]["items"]
    spans = {item["id"]: _span(item["target"]["selector"])[:2] for item in items}
    annotations = []
    for item in items:
        bodies = []
        for body in item["body"]:
            if body["type"] == "SpecificResource" and body["purpose"] == "identifying":
                bodies.append(("speaker", spans[body["source"]]))
            elif body["type"] == "SpecificResource":
                selector = body["selector"]
                bodies.append(("cue", selector["start"], selector["end"]))
            else:
                bodies.append((body["purpose"], body["value"]))
        annotations.append(
            (
                item["motivation"],
                _span(item["target"]["selector"]),
                tuple(sorted(bodies, key=repr)),
                item["status"],
                item["visibility"],
                item["creator"]["nickname"],
            )
        )
    articles = [_article(article) for article in document["articles"]]
    return {"annotations": sorted(annotations, key=repr), "articles": articles, "total": document["total"]}


def doccano_summary(data: bytes) -> list[dict]:
    """doccano lines without database ids (entity ids become spans)."""
    import json

    lines = []
    for raw in data.decode().splitlines():
        line = json.loads(raw)
        spans = {e["id"]: (e["label"], e["start_offset"], e["end_offset"]) for e in line["entities"]}
        extras = {spans[int(k)]: v for k, v in line["meta"].get("annotations", {}).items()}
        article = _article(line["meta"]["article"])
        lines.append(
            {
                "text": line["text"],
                "label": sorted(map(tuple, line["label"])),
                "entities": sorted(spans.values()),
                "relations": sorted((r["type"], spans[r["from_id"]], spans[r["to_id"]]) for r in line["relations"]),
                "extras": sorted(extras.items()),
                "article": article,
            }
        )
    return lines


def codes(exc) -> list[tuple]:
    """``(line or index, field, code)`` of each problem of an :class:`ImportFailed`."""
    return [(e.get("line", e.get("index")), e["field"], e["code"]) for e in exc.errors]
