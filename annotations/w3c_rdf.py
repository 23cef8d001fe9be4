"""Turtle (``text/turtle``) from the W3C JSON-LD documents of :mod:`annotations.w3c`, through rdflib.

Web Annotation Protocol §3 and §4.1: servers SHOULD offer Turtle beside
JSON-LD. rdflib's JSON-LD parser would fetch ``http://www.w3.org/ns/anno.jsonld``
and ``ldp.jsonld`` over the network, which the server never does, so the
documents are parsed with :data:`LOCAL_CONTEXT` instead: the terms our
documents use, mapped to the same IRIs as those published contexts
(``oa:``, ``as:``, ``dcterms:``, ``ldp:``...). A test checks that every key
and type the documents carry is one of these terms, so nothing is dropped.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import orjson
from rdflib import Graph

from annotations.w3c import ANNO_CONTEXT, LDP_CONTEXT

TURTLE = "text/turtle"

_ID = {"@type": "@id"}
_VOCAB = {"@type": "@vocab"}
_DATETIME = {"@type": "xsd:dateTime"}
_INTEGER = {"@type": "xsd:nonNegativeInteger"}

LOCAL_CONTEXT: dict[str, Any] = {
    "oa": "http://www.w3.org/ns/oa#",
    "as": "https://www.w3.org/ns/activitystreams#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dctypes": "http://purl.org/dc/dcmitype/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ldp": "http://www.w3.org/ns/ldp#",
    "id": "@id",
    "type": "@type",
    # Classes.
    "Annotation": "oa:Annotation",
    "TextualBody": "oa:TextualBody",
    "SpecificResource": "oa:SpecificResource",
    "TextPositionSelector": "oa:TextPositionSelector",
    "TextQuoteSelector": "oa:TextQuoteSelector",
    "TimeState": "oa:TimeState",
    "Text": "dctypes:Text",
    "Person": "foaf:Person",
    "Software": "as:Application",
    "AnnotationCollection": "as:OrderedCollection",
    "AnnotationPage": "as:OrderedCollectionPage",
    "BasicContainer": "ldp:BasicContainer",
    # Motivations and purposes.
    "tagging": "oa:tagging",
    "describing": "oa:describing",
    "classifying": "oa:classifying",
    "identifying": "oa:identifying",
    "commenting": "oa:commenting",
    "replying": "oa:replying",
    "ltr": "oa:ltrDirection",
    "rtl": "oa:rtlDirection",
    # Properties.
    "body": {"@id": "oa:hasBody", "@type": "@id"},
    "target": {"@id": "oa:hasTarget", "@type": "@id"},
    "source": {"@id": "oa:hasSource", "@type": "@id"},
    "selector": {"@id": "oa:hasSelector", "@type": "@id"},
    "state": {"@id": "oa:hasState", "@type": "@id"},
    "cached": {"@id": "oa:cachedSource", "@type": "@id"},
    "sourceDate": {"@id": "oa:sourceDate", **_DATETIME},
    "motivation": {"@id": "oa:motivatedBy", **_VOCAB},
    "purpose": {"@id": "oa:hasPurpose", **_VOCAB},
    "textDirection": {"@id": "oa:textDirection", **_VOCAB},
    "canonical": {"@id": "oa:canonical", **_ID},
    "via": {"@id": "oa:via", **_ID},
    "value": "rdf:value",
    "format": "dc:format",
    "language": "dc:language",
    "start": {"@id": "oa:start", **_INTEGER},
    "end": {"@id": "oa:end", **_INTEGER},
    "exact": "oa:exact",
    "prefix": "oa:prefix",
    "suffix": "oa:suffix",
    "created": {"@id": "dcterms:created", **_DATETIME},
    "modified": {"@id": "dcterms:modified", **_DATETIME},
    "creator": {"@id": "dcterms:creator", "@type": "@id"},
    "generator": {"@id": "as:generator", "@type": "@id"},
    "nickname": "foaf:nick",
    "name": "foaf:name",
    "label": "rdfs:label",
    "total": {"@id": "as:totalItems", **_INTEGER},
    "first": {"@id": "as:first", "@type": "@id"},
    "last": {"@id": "as:last", "@type": "@id"},
    "next": {"@id": "as:next", "@type": "@id"},
    "prev": {"@id": "as:prev", "@type": "@id"},
    "partOf": {"@id": "as:partOf", "@type": "@id"},
    "items": {"@id": "as:items", "@type": "@id", "@container": "@list"},
    "startIndex": {"@id": "as:startIndex", **_INTEGER},
}

_PUBLISHED = {ANNO_CONTEXT, LDP_CONTEXT}


def _local(context):
    """The document's ``@context`` with the two published contexts replaced by LOCAL_CONTEXT."""
    contexts = context if isinstance(context, list) else [context]
    out: list = []
    for item in contexts:
        if item in _PUBLISHED:
            if LOCAL_CONTEXT not in out:
                out.append(LOCAL_CONTEXT)
        else:
            out.append(item)
    return out


def _named(value, counter):
    """``value`` with every nested object that has no ``id`` named as a blank node (``_:n1``, ``_:n2``...)
    in the order of the document.

    Left to itself the parser names blank nodes (bodies, targets, selectors) anew for each document,
    and the Turtle serializer orders them by name: the same page came out with its selectors in
    another order each time, so another body and another ETag, and ``If-None-Match`` never matched.
    Named by their place in the document, the same document gives the same bytes. (Every object in
    these documents is a node object: their context has no value objects or language maps.)
    """
    if isinstance(value, list):
        return [_named(item, counter) for item in value]
    if not isinstance(value, dict):
        return value
    named = {key: item if key == "@context" else _named(item, counter) for key, item in value.items()}
    if "id" not in value and "@id" not in value:
        named["id"] = f"_:n{next(counter)}"
    return named


def to_graph(document: dict) -> Graph:
    """An rdflib Graph of one W3C document (annotation, collection or page), read offline."""
    doc = _named(document, itertools.count(1))
    doc["@context"] = _local(doc.get("@context", ANNO_CONTEXT))
    graph = Graph()
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser makes a ConjunctiveGraph inside, which rdflib itself marks deprecated.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        # orjson writes datetimes (left as such in pages) the way the JSON response does.
        graph.parse(data=orjson.dumps(doc, option=orjson.OPT_UTC_Z).decode(), format="json-ld")
    for prefix in ("oa", "as", "dcterms", "dc", "foaf", "ldp", "xsd"):
        graph.bind(prefix, LOCAL_CONTEXT[prefix], override=True)
    return graph


def to_turtle(document: dict) -> bytes:
    """The document in Turtle: the same bytes for the same document (:func:`_named`)."""
    return to_graph(document).serialize(format="turtle", encoding="utf-8")
