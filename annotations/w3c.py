"""Annotations as W3C Web Annotations (JSON-LD), and back.

One mapping, used by the API (``Accept: application/ld+json;
profile="http://www.w3.org/ns/anno.jsonld"``) and by file exports/imports:

=====================  =====================================================
newsreader             Web Annotation Data Model
=====================  =====================================================
entity                 ``motivation: "tagging"``; body ``TextualBody``
                       ``purpose: "tagging"``, ``value``: the label code
quote                  ``motivation: "describing"``; body ``TextualBody``
                       ``purpose: "classifying"``, ``value``: direct,
                       indirect or partial
speaker (entity)       body ``SpecificResource`` ``purpose: "identifying"``,
                       ``source``: the speaker annotation's IRI
speaker name           body ``TextualBody`` ``purpose: "identifying"``
cue (reporting verb)   body ``SpecificResource`` ``purpose: "describing"``
                       with a ``TextPositionSelector`` on the same text
note                   body ``TextualBody`` ``purpose: "commenting"``
start/end              target selector ``TextPositionSelector``
exact/prefix/suffix    target selector ``TextQuoteSelector``
article / revision     target ``source`` (the article, ``language: "ar"``,
                       ``textDirection: "rtl"``) and ``state``
                       (``TimeState`` with ``cached``: the revision's IRI)
creator / suggester    ``creator`` (``Person``) / ``generator`` (``Software``)
modified_by            ``dcterms:contributor`` (``Person``): the last editor
=====================  =====================================================

Reading accepts ``identifying`` as well as ``tagging`` for entities and
``classifying`` as well as ``describing`` for quotes, a single target or a
list, a single selector or a list, and ``bodyValue``.

:func:`annotation_to_w3c` works on the plain dicts of
:data:`annotations.selectors.W3C_VALUES` rows (one SQL query for a whole
page or export) and :func:`annotations_to_w3c` on a whole page of them
(for orjson); :func:`w3c_to_input` returns keyword arguments for
:func:`annotations.services.annotation_create`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from django.core.exceptions import ValidationError

from arabic.clean import has_arabic, neutralise_bidi

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
PROTOCOL = "http://www.w3.org/TR/annotation-protocol/"

PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"

MOTIVATION = {"entity": "tagging", "quote": "describing"}
KIND_OF_MOTIVATION = {"tagging": "entity", "identifying": "entity", "describing": "quote", "classifying": "quote"}
QUOTE_TYPES = ("direct", "indirect", "partial")


@dataclass(frozen=True)
class Urls:
    """How a W3C document names our resources; ``base`` is ``https://host`` (no trailing slash)."""

    base: str

    def annotation(self, pk: int, article_id: int) -> str:
        # Web Annotation Protocol §5.1: the container's IRI with one more component.
        return f"{self.base}/api/articles/{article_id}/annotations/{pk}"

    def reply(self, pk: int) -> str:
        return f"{self.base}/api/replies/{pk}/"

    def container(self, article_id: int) -> str:
        return f"{self.base}/api/articles/{article_id}/annotations/"

    def article(self, article_id: int) -> str:
        # The reading page: what a person annotated.
        return f"{self.base}/articles/{article_id}/"

    def revision(self, revision_id: int) -> str:
        return f"{self.base}/api/revisions/{revision_id}/"


# ``/api/articles/1/annotations/236`` (the IRI) and ``/api/annotations/236/`` (the older alias).
_ANNOTATION_IRI = re.compile(r"/api/(?:articles/\d+/)?annotations/(\d+)/?$")
_ARTICLE_IRI = re.compile(r"/(?:api/)?articles/(\d+)/?(?:annotations/?)?$")
_REVISION_IRI = re.compile(r"/api/revisions/(\d+)/?$")


def _iso(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _keep(value):
    return value


def annotation_to_w3c(row: dict, urls: Urls, *, context: bool = True) -> dict:
    """A W3C Web Annotation from one ``W3C_VALUES`` row (``context=False`` inside a page)."""
    document = _documents((row,), urls, when=_iso)[0]
    return {"@context": ANNO_CONTEXT, **document} if context else document


def annotations_to_w3c(rows: Iterable, urls: Urls, names: tuple[str, ...] | None = None) -> list[dict]:
    """The items of an AnnotationPage: ``annotation_to_w3c(row, urls, context=False)`` for every row.

    ``rows`` are ``W3C_VALUES`` dicts, or, with ``names``, database tuples whose columns are ``names``
    (``annotations.selectors.annotation_page_values(w3c=True)``: no dict per row in between).
    For a renderer that writes datetimes itself, as orjson does with
    ``OPT_UTC_Z`` (``annotations.api.renderers.dumps``): ``created``,
    ``modified`` and ``sourceDate`` stay datetimes, which orjson writes as the
    same RFC 3339 text ``_iso`` makes (``...+00:00`` as ``...Z``) in C. Calling
    ``isoformat()`` three times a row cost more than the rest of the W3C page.
    """
    return _documents(rows, urls, when=_keep, names=names)


# The row columns _documents() reads, in the order its loop unpacks them.
W3C_COLUMNS = (
    "id", "article_id", "revision_id", "kind", "start", "end", "exact", "prefix", "suffix", "label__code",
    "speaker_id", "speaker_shown", "speaker_name", "speaker__exact", "cue_start", "cue_end", "quote_type", "note",
    "created", "modified", "canonical", "via", "creator__username", "modified_by__username", "suggester",
    "revision__created_at", "article__language", "article__direction",
)  # fmt: skip
_by_key = itemgetter(*W3C_COLUMNS)


@functools.lru_cache(maxsize=16)
def _picker(names: tuple[str, ...]):
    """Takes W3C_COLUMNS out of a database tuple whose columns are ``names``, by position."""
    return itemgetter(*(names.index(column) for column in W3C_COLUMNS))


def _from_dict(row: dict) -> tuple:
    """W3C_COLUMNS out of a row dict; the optional ones (a row made by hand may lack them) as None."""
    try:
        return _by_key(row)
    except KeyError:
        return tuple(map(row.get, W3C_COLUMNS))


def _documents(rows: Iterable, urls: Urls, *, when, names: tuple[str, ...] | None = None) -> list[dict]:
    """The documents of ``rows`` (no ``@context``), in one pass.

    One loop with the IRI prefixes worked out once and the bodies written
    inline: a page of 100 or an export of thousands spends its time here, so
    no per-row helper calls or ``Urls`` method calls; each row's columns are
    unpacked into locals at once (by position from tuples, by key from dicts).
    The parts that repeat from row to row (a label's tagging body, a quote
    type's body, a person, a generator, the article as target source, a
    revision's state) are made once per call and shared by the documents that
    have them: the same JSON, fewer dicts. (Nothing changes a document after it
    is made; a caller that wants to must copy it.)
    """
    base = urls.base
    container_iri, article_iri, revision_iri = f"{base}/api/articles/", f"{base}/articles/", f"{base}/api/revisions/"
    convert = None if when is _keep else when
    documents = []
    append = documents.append
    last_article = source_id = annotation_iri = source = None
    # The shared parts, by what makes them.
    tags: dict[str, dict] = {}
    kinds: dict[str, dict] = {}
    people: dict[str, dict] = {}
    software: dict[str, dict] = {}
    states: dict[tuple, dict] = {}
    # fmt: off
    for (
        pk, article_id, revision_id, kind, start, end, exact, prefix, suffix, label_code, speaker_id, speaker_shown,
        speaker_name, speaker_exact, cue_start, cue_end, quote_type, note, created, modified, canonical, via, creator,
        modifier, suggester, source_date, language, direction,
    ) in map(_from_dict if names is None else _picker(names), rows):
        # fmt: on
        if article_id != last_article:  # (a page is one article: worked out once)
            last_article = article_id
            source_id = f"{article_iri}{article_id}/"
            # The article's container plus the annotation's id (a speaker is in the same article).
            annotation_iri = f"{container_iri}{article_id}/annotations/"
            source = {
                "id": source_id,
                "type": "Text",
                # The article page (HTML); the plain text the offsets count in is state.cached.
                "format": "text/html",
                "language": language or "ar",
                "textDirection": direction or "rtl",
            }
        if kind == "entity":
            tag = tags.get(label_code)
            if tag is None:
                tag = tags[label_code] = {"type": "TextualBody", "purpose": "tagging", "value": label_code, "format": "text/plain"}
            body = [tag]
        else:
            classifying = kinds.get(quote_type)
            if classifying is None:
                classifying = kinds[quote_type] = {
                    "type": "TextualBody", "purpose": "classifying", "value": quote_type, "format": "text/plain"
                }  # fmt: skip
            body = [classifying]
            # A speaker not everyone who sees the quote may see is left out: no IRI, no words.
            shown = speaker_id and speaker_shown
            if shown:
                body.append({"type": "SpecificResource", "purpose": "identifying", "source": f"{annotation_iri}{speaker_id}"})
            name = neutralise_bidi(speaker_name) or (speaker_exact if shown else None)
            if name:
                body.append(
                    {"type": "TextualBody", "purpose": "identifying", "value": name, "format": "text/plain", "language": "ar", "textDirection": "rtl"}  # fmt: skip
                )
            if cue_start is not None:
                body.append(
                    {
                        "type": "SpecificResource",
                        "purpose": "describing",
                        "source": source_id,
                        "selector": {"type": "TextPositionSelector", "start": cue_start, "end": cue_end},
                    }
                )
        if note:
            comment = {"type": "TextualBody", "purpose": "commenting", "value": neutralise_bidi(note), "format": "text/plain"}
            if has_arabic(note):
                # Web Annotation Data Model §3.2.4: a body in a language says which.
                comment["language"], comment["textDirection"] = "ar", "rtl"
            body.append(comment)
        # Never earlier than created (the row's modified may be set a moment before its created).
        if modified is not None and created is not None and modified < created:
            modified = created
        document: dict[str, Any] = {
            "id": f"{annotation_iri}{pk}",
            "type": "Annotation",
            "motivation": MOTIVATION[kind],
            "created": created if convert is None else convert(created),
            "modified": modified if convert is None else convert(modified),
        }
        if canonical:
            document["canonical"] = canonical
        if via:
            document["via"] = via
        if creator:
            person = people.get(creator)
            if person is None:
                person = people[creator] = {"type": "Person", "nickname": creator}
            document["creator"] = person
        if modifier:
            # Who made the last change: Dublin Core's contributor (the "dcterms" prefix of the anno.jsonld context).
            person = people.get(modifier)
            if person is None:
                person = people[modifier] = {"type": "Person", "nickname": modifier}
            document["dcterms:contributor"] = person
        if suggester:
            generator = software.get(suggester)
            if generator is None:
                generator = software[suggester] = {"type": "Software", "name": suggester}
            document["generator"] = generator
        document["body"] = body
        state = states.get((revision_id, source_date))
        if state is None:
            state = states[(revision_id, source_date)] = {"type": "TimeState", "cached": f"{revision_iri}{revision_id}/"}
            if source_date is not None:
                state["sourceDate"] = source_date if convert is None else convert(source_date)
        document["target"] = {
            "type": "SpecificResource",
            "source": source,
            "state": state,
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
            ],
        }
        append(document)
    return documents


# --- reading ---------------------------------------------------------------------------


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(node: dict) -> set[str]:
    return {t for t in _as_list(node.get("type") or node.get("@type")) if isinstance(t, str)}


def _iri(node) -> str | None:
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        value = node.get("id") or node.get("@id")
        return value if isinstance(value, str) else None
    return None


def iri_id(iri: str | None, kind: str) -> int | None:
    """The numeric id in one of our IRIs (``annotation``, ``article`` or ``revision``), else None."""
    if not iri:
        return None
    pattern = {"annotation": _ANNOTATION_IRI, "article": _ARTICLE_IRI, "revision": _REVISION_IRI}[kind]
    found = pattern.search(iri.split("?", 1)[0].split("#", 1)[0])
    return int(found.group(1)) if found else None


class _Problems:
    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.errors.setdefault(field, []).append(ValidationError(message, code=code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def w3c_to_input(document: Any) -> dict:
    """Keyword arguments for ``annotation_create`` from a W3C Web Annotation (JSON-LD dict).

    Also returns ``source`` (the target's source IRI) and ``revision`` (from
    ``state.cached``, when it is one of our revision IRIs) for the caller to
    check. Raises ``ValidationError`` keyed by JSON path (``target.selector``,
    ``body[1].value``, ...).
    """
    problems = _Problems()
    if not isinstance(document, dict):
        problems.add("non_field_errors", "A Web Annotation is a JSON object.")
        problems.raise_if_any()
    if "Annotation" not in _types(document):
        problems.add("type", 'A Web Annotation has "type": "Annotation".', "required")
    motivations = [m.removeprefix("oa:") for m in _as_list(document.get("motivation")) if isinstance(m, str)]
    kinds = {KIND_OF_MOTIVATION[m] for m in motivations if m in KIND_OF_MOTIVATION}
    if len(kinds) != 1:
        problems.add(
            "motivation",
            'motivation must be "tagging" or "identifying" (an entity) or "describing" or "classifying" '
            f"(a quote); got {document.get('motivation')!r}.",
            "invalid_choice",
        )
        problems.raise_if_any()
    kind = kinds.pop()
    out: dict[str, Any] = {"kind": kind}

    # Target: where in which text.
    targets = _as_list(document.get("target"))
    if len(targets) != 1:
        problems.add("target", "Give exactly one target (the article text with its selectors).", "required")
        problems.raise_if_any()
    target = targets[0]
    if isinstance(target, str):
        problems.add("target", "The target must say where in the text: give a TextPositionSelector and/or a TextQuoteSelector.", "required")
        problems.raise_if_any()
    if not isinstance(target, dict):
        problems.add("target", "The target must be a JSON object.")
        problems.raise_if_any()
    out["source"] = _iri(target.get("source"))
    state = target.get("state")
    for item in _as_list(state):
        revision = iri_id(_iri(item.get("cached")) if isinstance(item, dict) else None, "revision")
        if revision:
            out["revision"] = revision
    selectors = _as_list(target.get("selector"))
    position = quote = None
    for index, selector in enumerate(selectors):
        if not isinstance(selector, dict):
            problems.add(f"target.selector[{index}]", "A selector is a JSON object.")
            continue
        types = _types(selector)
        if "TextPositionSelector" in types:
            position = (index, selector)
        elif "TextQuoteSelector" in types:
            quote = (index, selector)
    if position is None and quote is None:
        problems.add(
            "target.selector", "The target needs a TextPositionSelector (start, end) or a TextQuoteSelector (exact).", "required"
        )
    if position is not None:
        index, selector = position
        for name in ("start", "end"):
            if not _whole(selector.get(name)):
                problems.add(f"target.selector[{index}].{name}", f"{name} must be a whole number of characters.", "invalid")
            else:
                out[name] = selector[name]
    if quote is not None:
        index, selector = quote
        for name in ("exact", "prefix", "suffix"):
            value = selector.get(name, "")
            if not isinstance(value, str):
                problems.add(f"target.selector[{index}].{name}", f"{name} must be text.")
            else:
                out[name] = value
        if not out.get("exact"):
            problems.add(f"target.selector[{index}].exact", "A TextQuoteSelector needs the quoted text (exact).", "required")

    # Bodies.
    bodies = _as_list(document.get("body"))
    if isinstance(document.get("bodyValue"), str):
        bodies.append({"type": "TextualBody", "value": document["bodyValue"], "purpose": "tagging" if kind == "entity" else "commenting"})
    notes: list[str] = []
    for index, body in enumerate(bodies):
        where = f"body[{index}]"
        if isinstance(body, str):  # an IRI body: nothing we store
            continue
        if not isinstance(body, dict):
            problems.add(where, "A body is a JSON object or an IRI.")
            continue
        purpose = body.get("purpose")
        purpose = purpose.removeprefix("oa:") if isinstance(purpose, str) else None
        value = body.get("value")
        types = _types(body)
        if "TextualBody" in types or ("value" in body and not types):
            if not isinstance(value, str):
                problems.add(f"{where}.value", "A TextualBody's value must be text.")
                continue
            if purpose == "commenting" or (purpose is None and kind == "quote"):
                notes.append(value)
            elif kind == "entity" and purpose in ("tagging", "identifying", "classifying", None):
                if "label" in out:
                    problems.add(f"{where}.value", "An entity has one label; more than one tagging body was given.")
                out["label"] = value.strip()
            elif kind == "quote" and purpose == "classifying":
                if value not in QUOTE_TYPES:
                    problems.add(f"{where}.value", f"A quote is classified as {', '.join(QUOTE_TYPES)}; got {value!r}.", "invalid_choice")
                out["quote_type"] = value
            elif kind == "quote" and purpose == "identifying":
                out["speaker_name"] = value
            else:
                notes.append(value)
        elif "SpecificResource" in types or "source" in body:
            if kind == "quote" and purpose == "identifying":
                speaker = iri_id(_iri(body.get("source")), "annotation")
                if speaker is None:
                    problems.add(f"{where}.source", "The speaker must be the IRI of an entity annotation on this server.")
                else:
                    out["speaker"] = speaker
            elif kind == "quote" and purpose == "describing":
                selector = body.get("selector")
                selector = selector[0] if isinstance(selector, list) and selector else selector
                if not isinstance(selector, dict) or not _whole(selector.get("start")) or not _whole(selector.get("end")):
                    problems.add(f"{where}.selector", "The cue needs a TextPositionSelector with start and end.")
                else:
                    out["cue_start"], out["cue_end"] = selector["start"], selector["end"]
    if notes:
        out["note"] = "\n\n".join(notes)
    if kind == "quote" and "speaker" in out and out.get("speaker_name"):
        # The name is the speaker entity's own words; a linked speaker needs no free-text name.
        out.pop("speaker_name")
    if kind == "entity" and not out.get("label"):
        problems.add("body", 'An entity needs a body {"type": "TextualBody", "purpose": "tagging", "value": "<label code>"}.', "required")
    problems.raise_if_any()
    return out


_MAX_IRI = 2000


def w3c_iris(document: Any) -> dict:
    """``canonical`` and ``via`` for a posted Web Annotation (Web Annotation Protocol §5.1).

    ``canonical`` is kept as given; the client's ``id`` becomes ``via`` (the
    server assigns the id the annotation is served at). Raises ``ValidationError``
    for a non-text or over-long IRI.
    """
    if not isinstance(document, dict):
        return {}
    problems = _Problems()
    out = {}
    for field, name in (("canonical", "canonical"), ("id", "via")):
        value = document.get(field, document.get(f"@{field}") if field == "id" else None)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > _MAX_IRI:
            problems.add(field, f"{field} must be an IRI of at most {_MAX_IRI} characters.")
        else:
            out[name] = value
    problems.raise_if_any()
    return out


def replies_to_w3c(rows: Iterable[dict], urls: Urls, *, annotation_iri: str, context: bool = True) -> list[dict]:
    """Replies as Web Annotations: ``motivation: "replying"``, the target the annotation replied to.

    ``rows``: dicts with ``id``, ``text``, ``created``, ``modified``,
    ``author__username`` and ``parent_id`` (a reply to a reply also names that
    reply's IRI as a second target).
    """
    documents = []
    for row in rows:
        text = row["text"]
        body: dict[str, Any] = {"type": "TextualBody", "purpose": "replying", "value": neutralise_bidi(text), "format": "text/plain"}
        if has_arabic(text):
            body["language"], body["textDirection"] = "ar", "rtl"
        created, modified = row["created"], row.get("modified")
        document: dict[str, Any] = {"@context": ANNO_CONTEXT} if context else {}
        document.update(
            id=urls.reply(row["id"]),
            type="Annotation",
            motivation="replying",
            created=_iso(created),
            modified=_iso(modified if modified is None or created is None or modified >= created else created),
        )
        author = row.get("author__username")
        if author:
            document["creator"] = {"type": "Person", "nickname": author}
        document["body"] = body
        parent = row.get("parent_id")
        document["target"] = [annotation_iri, urls.reply(parent)] if parent else annotation_iri
        documents.append(document)
    return documents


def collection(
    *,
    container_id: str,
    total: int,
    first: dict | str | None,
    last: str | None,
    label: str | None = None,
    modified: datetime | None = None,
) -> dict:
    """An ``AnnotationCollection`` that is also an LDP ``BasicContainer`` (Web Annotation Protocol)."""
    document: dict[str, Any] = {
        "@context": [ANNO_CONTEXT, LDP_CONTEXT],
        "id": container_id,
        "type": ["BasicContainer", "AnnotationCollection"],
    }
    if label:
        document["label"] = label
    document["total"] = total
    if modified is not None:
        document["modified"] = modified  # written by orjson (RFC 3339, Z)
    if first is not None:
        document["first"] = first
    if last is not None:
        document["last"] = last
    return document


def page(
    *,
    page_id: str,
    items: list,
    start_index: int,
    container_id: str | None = None,
    total: int | None = None,
    modified: datetime | None = None,
    next_id: str | None = None,
    prev_id: str | None = None,
    context: bool = True,
) -> dict:
    """An ``AnnotationPage`` of a collection (``context=False`` when embedded as ``first``)."""
    document: dict[str, Any] = {}
    if context:
        document["@context"] = ANNO_CONTEXT
    document.update(id=page_id, type="AnnotationPage")
    if container_id is not None:
        document["partOf"] = {"id": container_id, "total": total}
        if modified is not None:
            # Web Annotation Protocol §4.3: the collection's description SHOULD include total and modified.
            document["partOf"]["modified"] = modified
    document["startIndex"] = start_index
    if next_id:
        document["next"] = next_id
    if prev_id:
        document["prev"] = prev_id
    document["items"] = items
    return document
