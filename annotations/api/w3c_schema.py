"""OpenAPI descriptions of the W3C forms (JSON-LD and Turtle) and of the Web Annotation Protocol's headers.

Views that negotiate between plain JSON, ``application/ld+json`` and
``text/turtle`` key their success responses by ``(status, media type)`` with
these, so each media type is documented with the body it really carries.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

JSONLD = "application/ld+json"
TURTLE = "text/turtle"

_IRI = {"type": "string", "format": "uri"}
_WHEN = {"type": "string", "format": "date-time"}
_CONTEXT = {
    "description": "http://www.w3.org/ns/anno.jsonld (with http://www.w3.org/ns/ldp.jsonld on a container).",
    "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
}
_AGENT = {"type": "object", "properties": {"type": {"type": "string"}, "nickname": {"type": "string"}, "name": {"type": "string"}}}

W3C_ANNOTATION_SCHEMA = {
    "type": "object",
    "description": "A W3C Web Annotation (Web Annotation Data Model, JSON-LD).",
    "required": ["id", "type", "motivation", "body", "target"],
    "properties": {
        "@context": _CONTEXT,
        "id": {**_IRI, "description": "The container's IRI plus the id: /api/articles/{article}/annotations/{id}."},
        "type": {"type": "string", "enum": ["Annotation"]},
        "motivation": {"type": "string", "enum": ["tagging", "describing", "replying"]},
        "created": _WHEN,
        "modified": {**_WHEN, "description": "Never earlier than created."},
        "canonical": {**_IRI, "description": "As posted, kept unchanged."},
        "via": {**_IRI, "description": "The id the annotation had when it was posted."},
        "creator": _AGENT,
        "generator": _AGENT,
        "dcterms:contributor": _AGENT,
        "body": {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]},
        "target": {
            "description": "A SpecificResource on the article (TextPositionSelector, TextQuoteSelector, TimeState); "
            "for a reply, the annotation's IRI (and the reply's parent).",
            "oneOf": [{"type": "object"}, _IRI, {"type": "array", "items": _IRI}],
        },
    },
}
_ITEMS = {"type": "array", "items": {"oneOf": [W3C_ANNOTATION_SCHEMA, _IRI]}}
_PART_OF = {
    "type": "object",
    "properties": {"id": _IRI, "total": {"type": "integer"}, "modified": _WHEN},
}
W3C_PAGE_SCHEMA = {
    "type": "object",
    "description": "An AnnotationPage: annotations (or their IRIs, iris=1) in reading order.",
    "required": ["id", "type", "items"],
    "properties": {
        "@context": _CONTEXT,
        "id": _IRI,
        "type": {"type": "string", "enum": ["AnnotationPage"]},
        "partOf": _PART_OF,
        "startIndex": {"type": "integer"},
        "next": _IRI,
        "prev": _IRI,
        "items": _ITEMS,
    },
}
W3C_COLLECTION_SCHEMA = {
    "type": "object",
    "description": "The container: an LDP BasicContainer and AnnotationCollection (without page), or one AnnotationPage (page=N).",
    "required": ["id", "type"],
    "properties": {
        "@context": _CONTEXT,
        "id": {**_IRI, "description": "The container's IRI for this preference (…?iris=0 or …?iris=1), as in Content-Location."},
        "type": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "label": {"type": "string"},
        "total": {"type": "integer"},
        "modified": _WHEN,
        "first": {"oneOf": [W3C_PAGE_SCHEMA, _IRI]},
        "last": _IRI,
        "partOf": _PART_OF,
        "startIndex": {"type": "integer"},
        "next": _IRI,
        "prev": _IRI,
        "items": _ITEMS,
    },
}



def _document(schema: dict) -> dict:
    """``schema`` as a whole response: a JSON-LD document always names its ``@context`` (embedded items do not)."""
    return {**schema, "required": ["@context", *schema["required"]]}


W3C_ANNOTATION = OpenApiResponse(_document(W3C_ANNOTATION_SCHEMA), description="A W3C Web Annotation (JSON-LD, anno.jsonld profile).")
W3C_CONTAINER = OpenApiResponse(_document(W3C_COLLECTION_SCHEMA), description="The W3C container (JSON-LD), or one of its pages.")
W3C_REPLY = OpenApiResponse(_document(W3C_ANNOTATION_SCHEMA), description="The reply as a W3C Web Annotation (motivation replying).")
W3C_REPLY_PAGE = OpenApiResponse(_document(W3C_PAGE_SCHEMA), description="The replies as an AnnotationPage of W3C Web Annotations.")
TURTLE_TEXT = OpenApiResponse({"type": "string"}, description="The same W3C document as RDF in Turtle.")


def response_header(name: str, description: str, codes) -> OpenApiParameter:
    """A response header of the given status codes, for ``extend_schema(parameters=...)``."""
    return OpenApiParameter(name, str, OpenApiParameter.HEADER, description=description, response=codes)


def documents_are_not_lists(result, generator, request, public):
    """drf-spectacular postprocessing hook: a W3C answer is one document, never a list of them.

    drf-spectacular guesses "list view" from a path like ``/api/annotations/{id}/replies/`` and wraps
    every 2xx body of the GET in an array, the JSON-LD AnnotationPage and its Turtle text too. The
    plain JSON list is an array; those two are not.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                if not str(code).startswith("2"):
                    continue
                for media, body in response.get("content", {}).items():
                    schema = body.get("schema", {})
                    if media.startswith(TURTLE) and schema.get("type") == "array":
                        body["schema"] = schema["items"]
                    elif media.startswith(JSONLD) and schema.get("type") == "array" and "@context" in schema.get("items", {}).get("required", []):
                        body["schema"] = schema["items"]
    return result
