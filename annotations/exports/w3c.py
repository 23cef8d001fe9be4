"""W3C Web Annotation (JSON-LD) files: one ``AnnotationCollection`` holding every annotation.

Each annotation is exactly what the API serves for it (:func:`annotations.w3c.annotation_to_w3c`).
The file is a collection with a single embedded page::

    {
      "@context": ["http://www.w3.org/ns/anno.jsonld", {...newsreader terms...}],
      "id": "https://host/api/articles/12/export/?format=w3c",
      "type": "AnnotationCollection",
      "label": "...", "generator": {...}, "generated": "...",
      "first": {"id": "...", "type": "AnnotationPage", "startIndex": 0, "items": [ ...annotations... ]},
      "last": "...", "total": 3,
      "articles": [ {article descriptor: id, title, source, text_sha256, text, blocks, ...} ]
    }

What the Web Annotation vocabulary has no word for is added under our own
namespace (:data:`NS`), declared in the ``@context`` so JSON-LD processors keep
it: per annotation ``status``, ``confidence``, ``visibility`` and ``group``
(a slug), and on the collection ``articles`` — a JSON literal (``@json``)
describing each article: how to find it again (``text_sha256``,
``source_url``) and how to recreate it in an empty database (``text``,
``blocks``, ``title``, ``source``). Tools that do not know these terms ignore them.

Reading accepts this file, any ``AnnotationCollection`` whose pages are
embedded (``first`` and ``next`` objects, or ``items``), an ``AnnotationPage``,
a JSON list of annotations or a single annotation. A speaker (a
``SpecificResource`` body with ``purpose: "identifying"``) is an annotation
of the same file, or of this server; one from elsewhere keeps only its name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from django.core.exceptions import ValidationError

from annotations.exports.import_records import (
    ArticleRef,
    ImportFailed,
    ImportItem,
    ParsedFile,
    problem,
    ref_from_descriptor,
)
from annotations.exports.selection import ArticleDoc, ExportContext, article_descriptor, dumps
from annotations.w3c import ANNO_CONTEXT, annotation_to_w3c, w3c_to_input

NAME = "w3c"
MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
EXTENSION = "jsonld"

NS = "https://newsreader.invalid/ns#"
CONTEXT = [
    ANNO_CONTEXT,
    {
        "nr": NS,
        "status": "nr:status",
        "confidence": "nr:confidence",
        "visibility": "nr:visibility",
        "group": "nr:group",
        "articles": {"@id": "nr:articles", "@type": "@json"},
    },
]
GENERATOR = {"type": "Software", "name": "newsreader"}


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def item(row: dict, ctx: ExportContext) -> dict:
    """One annotation of the file: the API's W3C form plus the newsreader terms."""
    document = annotation_to_w3c(row, ctx.urls, context=False)
    document["status"] = row["status"]
    if row["confidence"] is not None:
        document["confidence"] = row["confidence"]
    document["visibility"] = row["visibility"]
    if row.get("group__slug"):
        document["group"] = row["group__slug"]
    return document


def _page_id(ctx: ExportContext) -> str:
    return ctx.collection_id + ("&" if "?" in ctx.collection_id else "?") + "page=1"


def export(docs: Iterable[ArticleDoc], ctx: ExportContext) -> Iterator[bytes]:
    """The collection as UTF-8 JSON, streamed: annotations are written as the articles are read."""
    head = {"@context": CONTEXT, "id": ctx.collection_id, "type": "AnnotationCollection", "label": ctx.label}
    head["generator"] = GENERATOR
    if ctx.generated is not None:
        head["generated"] = _iso(ctx.generated)
    page_id = _page_id(ctx)
    first = {"id": page_id, "type": "AnnotationPage", "startIndex": 0}
    yield dumps(head)[:-1] + b',"first":' + dumps(first)[:-1] + b',"items":['
    total = 0
    articles: list[bytes] = []
    for doc in docs:
        articles.append(dumps(article_descriptor(doc, ctx.urls)))
        for row in doc.rows:
            yield (b"," if total else b"") + dumps(item(row, ctx))
            total += 1
    yield b']},"last":' + dumps(page_id) + b',"total":' + str(total).encode() + b',"articles":['
    yield b",".join(articles) + b"]}"


# --- reading -----------------------------------------------------------------------------------------


def _types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    value = node.get("type", node.get("@type"))
    values = value if isinstance(value, list) else [value]
    return {v for v in values if isinstance(v, str)}


def _annotations_of(data: Any) -> tuple[list, list[dict]]:
    """``(annotations, problems)`` of a collection, page, list or single annotation."""
    if isinstance(data, list):
        return data, []
    types = _types(data)
    if "Annotation" in types:
        return [data], []
    if "AnnotationPage" in types:
        items = data.get("items")
        if not isinstance(items, list):
            return [], [problem(None, "items", "An AnnotationPage needs its items (a list).", "required")]
        return items, []
    if "AnnotationCollection" in types:
        if isinstance(data.get("items"), list):
            return data["items"], []
        found: list = []
        page, path, seen = data.get("first"), "first", 0
        while page is not None:
            if isinstance(page, str):
                return [], [
                    problem(
                        None,
                        path,
                        f"The page {page} is not in the file: download the collection's pages and import them "
                        "(or a list of their items).",
                        "page_not_embedded",
                    )
                ]
            if not isinstance(page, dict) or not isinstance(page.get("items"), list):
                return [], [problem(None, f"{path}.items", "An AnnotationPage needs its items (a list).", "required")]
            found.extend(page["items"])
            page, path, seen = page.get("next"), f"{path}.next", seen + 1
            if seen > 100_000:  # a cycle in hand-made data
                break
        return found, []
    return [], [
        problem(
            None,
            "type",
            "Expected a W3C AnnotationCollection, an AnnotationPage, a list of annotations or one Annotation.",
            "invalid",
        )
    ]


def _iri(node) -> str | None:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        value = node.get("id", node.get("@id"))
        return value if isinstance(value, str) else None
    return None


def _bodies(document: dict) -> list:
    bodies = document.get("body")
    return bodies if isinstance(bodies, list) else ([bodies] if bodies is not None else [])


def _is_speaker_link(body) -> bool:
    return (
        isinstance(body, dict)
        and str(body.get("purpose", "")).removeprefix("oa:") == "identifying"
        and "TextualBody" not in _types(body)
        and "source" in body
    )


def _speaker(document: dict) -> tuple[str | None, str, int | None]:
    """``(speaker IRI, speaker name, body index)`` of a quote, as the file says."""
    iri, name, where = None, "", None
    for index, body in enumerate(_bodies(document)):
        if not isinstance(body, dict) or str(body.get("purpose", "")).removeprefix("oa:") != "identifying":
            continue
        if _is_speaker_link(body):
            iri, where = _iri(body.get("source")), index
        elif isinstance(body.get("value"), str):
            name = body["value"]
    return iri, name, where


FIELD_MAP = {
    "start": "target.selector",
    "end": "target.selector",
    "exact": "target.selector",
    "prefix": "target.selector",
    "suffix": "target.selector",
    "label": "body",
    "quote_type": "body",
    "speaker_name": "body",
    "cue_start": "body",
    "cue_end": "body",
    "note": "body",
    "suggester": "generator",
    "kind": "motivation",
    "revision": "target.state",
}


def parse(raw: bytes | str | Any) -> ParsedFile:
    """Read a W3C file (bytes, text or already-decoded JSON).

    A file that is not W3C at all raises :class:`ImportFailed`; problems of
    single annotations are in ``ParsedFile.problems`` (the import reports them
    with whatever else is wrong).
    """
    if isinstance(raw, (bytes, str)):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ImportFailed([problem(None, None, f"Malformed JSON: {exc}.", "malformed_json")]) from exc
    else:
        data = raw
    annotations, problems = _annotations_of(data)
    if problems:
        raise ImportFailed(problems)

    # Articles described by the file (our own exports), by their IRI.
    refs: dict[str, ArticleRef] = {}
    descriptors = data.get("articles") if isinstance(data, dict) else None
    if descriptors is not None and not isinstance(descriptors, list):
        raise ImportFailed([problem(None, "articles", "articles must be a list of article descriptions.", "invalid")])
    for index, descriptor in enumerate(descriptors or []):
        where: dict = {}  # the field path says which
        iri = _iri(descriptor) or f"#article-{index}"
        ref, errors = ref_from_descriptor(key=iri, where=where, field_path=f"articles[{index}]", descriptor=descriptor)
        problems.extend(errors)
        refs.setdefault(iri, ref)

    ids = {}
    for index, document in enumerate(annotations):
        iri = _iri(document) if isinstance(document, dict) else None
        if iri:
            ids.setdefault(iri, index)

    items: list[ImportItem] = []
    for index, document in enumerate(annotations):
        where = {"index": index}
        if isinstance(document, dict) and isinstance(document.get("body"), (list, dict)):
            # Speakers are linked here (in the file, on this server, or by name), not by w3c_to_input,
            # which only knows this server's IRIs.
            bodies = [body for body in _bodies(document) if not _is_speaker_link(body)]
            parsed_document = dict(document, body=bodies)
        else:
            parsed_document = document
        try:
            fields = w3c_to_input(parsed_document)
        except ValidationError as exc:  # keyed by JSON path
            for name, errors in exc.error_dict.items():
                for error in errors:
                    message = error.message % error.params if error.params else error.message
                    problems.append(problem(where, None if name == "non_field_errors" else name, message, error.code or "invalid"))
            continue
        source = fields.pop("source", None)
        fields.pop("revision", None)  # revision ids mean nothing in another database: the text decides
        fields.pop("speaker", None)
        ref = refs.get(source) if source else None
        if ref is None:
            key = source or "#no-source"
            ref = refs.get(key) or ArticleRef(key=key, where=where, field="target.source", iri=source)
            refs.setdefault(key, ref)
        for name in ("status", "confidence", "visibility"):
            if name in document:
                fields[name] = document[name]
        generator = document.get("generator")
        if isinstance(generator, dict) and isinstance(generator.get("name"), str):
            fields["suggester"] = generator["name"]
        group = document.get("group")
        if group is not None and not isinstance(group, str):
            problems.append(problem(where, "group", "group must be a group's slug.", "invalid"))
            continue
        entry = ImportItem(
            ref=ref,
            where=where,
            fields=fields,
            key=_iri(document),
            group_slug=group,
            field_map=dict(FIELD_MAP),
        )
        if fields["kind"] == "quote":
            speaker_iri, speaker_name, body_index = _speaker(document)
            if body_index is not None:
                entry.field_map["speaker"] = f"body[{body_index}].source"
            if speaker_iri is not None:
                # A linked speaker needs no free-text name; it is kept in case the link cannot be.
                fields.pop("speaker_name", None)
                entry.speaker_fallback = speaker_name
                if speaker_iri in ids:
                    entry.speaker_key = speaker_iri
                else:
                    entry.speaker_iri = speaker_iri
        items.append(entry)
    return ParsedFile(items=items, refs=list(refs.values()), problems=problems)
