"""drf-spectacular post-processing: make the published schema say exactly what the server does.

``bin/schema-check`` runs schemathesis (every check, 100+ examples per operation) against
the running app; each rule below answers a kind of mismatch it found (issue 14, item 9):

* path parameters that are not in the path (a ``pk`` declared on an ``{id}`` route);
* reads anyone may make (no credentials) documented as needing credentials;
* 411 Length Required (``ops.middleware.RequestSanityMiddleware``: chunked request bodies)
  answered by every operation but documented by none;
* NUL characters in query strings: the middleware answers 400, the schema allowed them;
* query parameters the server reads leniently (an empty value means "not given"; the
  pages' forms fall back to the default for a bad ``page`` or ``sort``) documented as
  strict, and strict ones (``page`` of the annotation list: from 1) documented as lenient.
"""

from __future__ import annotations

import re

SAFE_METHODS = ("get", "head", "options")
NO_NUL = "^[^\\u0000]*$"
EMPTY = {"type": "string", "maxLength": 0}
# Query parameters whose value is read by a Django form that falls back to the default for any
# value it does not know (entities/forms.py, search/forms.py: "a bad page number or sort falls
# back to the default, as on the search page").
LENIENT = {"page", "sort"}
LENIENT_PATHS = ("/api/entities/", "/api/speakers/", "/api/quotes/search/", "/api/search/")
# Pages of DRF's PageNumberPagination: an empty ``page`` is page 1, anything else from 1.
DRF_PAGED = ("/api/articles/", "/api/labels/", "/api/label-sets/", "/api/groups/")
# Pages of the annotation API (annotations/api/base.py, _page_params): a whole number from 1,
# an empty value meaning the default; anything else is a 400.
# Parameters a view checks by hand, as it checks them (suggestions/api.py: one word, 1 to 50
# characters once stripped).
# Python's whitespace (str.isspace, str.strip), which is not quite JSON Schema's \\s.
_WS = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x10000)) if c.isspace())
_ID = "0*[1-9][0-9]{0,17}"  # a positive bigint (below 2**63)
_STATUS = "(human|suggested|accepted|rejected|curated|all)"
_STATUSES = {"type": "string", "pattern": f"^\\s*{_STATUS}?\\s*(,\\s*{_STATUS}?\\s*)*$"}
EXACT = {
    ("/api/words/analyse/", "word"): {"type": "string", "pattern": f"^[{_WS}]*[^{_WS}]{{1,50}}[{_WS}]*$"},
    # annotations/api/filters.py, _IdListField: at most 100 positive ids, comma-separated; empty: all.
    ("/api/articles/{article_id}/annotations/", "ids"): {
        "type": "string", "pattern": f"^(\\s*{_ID}\\s*(,\\s*{_ID}\\s*){{0,99}})?$",
    },
    # annotations/api/exports.py, _StatusField: known statuses, comma-separated; empty: the default.
    ("/api/exports/", "status"): _STATUSES,
    ("/api/articles/{article_id}/export/", "status"): _STATUSES,
}
# Query parameters whose empty value means "not given" (suggestions/api.py: `kind or None`).
EMPTY_MEANS_ABSENT = {("/api/articles/{article_id}/suggestions/accept-all/", "kind")}
# Request bodies whose unknown keys are a 400 (annotations/api/base.py, _input).
CLOSED_BODIES = ("AnnotationInput", "PatchedAnnotationInput", "SuggestionAccept")


def _lenient_reading(path: str) -> bool:
    return path.startswith(LENIENT_PATHS) or re.match(r"^/api/(entities|speakers)/\{[^}]+\}/", path) is not None


def drop_foreign_path_parameters(result, generator, request, public):
    """A path parameter must be a ``{name}`` of its path; others are left over from a view's decorator."""
    for path, operations in result.get("paths", {}).items():
        names = set(re.findall(r"\{([^}]+)\}", path))
        for operation in operations.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [
                    p for p in operation["parameters"] if p.get("in") != "path" or p.get("name") in names
                ]
    return result


def _anonymous_may_read(view, method: str) -> bool:
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.test import APIRequestFactory

    request = APIRequestFactory().generic(method.upper(), "/")
    request.user = AnonymousUser()
    generated_with, view.request = getattr(view, "request", None), request
    try:
        return all(permission.has_permission(request, view) for permission in view.get_permissions())
    except Exception:  # a view whose permissions need more than a request: leave it as documented
        return False
    finally:
        view.request = generated_with


def document_anonymous_reads(result, generator, request, public):
    """Reads that need no credentials say so (an empty security requirement), as drf-spectacular
    does for DRF's own ``IsAuthenticatedOrReadOnly`` but not for the project's permission classes."""
    views = {(path, method.lower()): view for path, _regex, method, view in generator._get_paths_and_endpoints()}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in SAFE_METHODS or not isinstance(operation, dict):
                continue
            security = operation.get("security")
            if security is None or {} in security:
                continue
            view = views.get((path, method))
            if view is not None and _anonymous_may_read(view, method):
                security.append({})
    return result


def document_length_required(result, generator, request, public):
    """411 for a chunked request body (``ops.middleware.RequestSanityMiddleware``), on every API operation."""
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/") or path in ("/api/schema/", "/api/docs/"):
            continue
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(
                    "411",
                    {
                        "description": "The request body came without a Content-Length (chunked transfer encoding).",
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


def _or_empty(schema: dict) -> dict:
    if "anyOf" in schema:
        return schema
    kept = {k: schema.pop(k) for k in ("description", "default") if k in schema}
    return {"anyOf": [schema, EMPTY], **kept}


def describe_query_parameters(result, generator, request, public):
    """Query parameters as the server reads them."""
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                name, schema = parameter["name"], parameter.get("schema", {})
                if (path, name) in EXACT:
                    parameter["schema"] = dict(EXACT[(path, name)])
                    continue
                if _lenient_reading(path) and name in LENIENT:
                    # Any value: the documented ones, or anything else meaning the default.
                    documented = dict(schema)
                    if documented.get("type") == "integer":
                        documented["minimum"] = 1
                    parameter["schema"] = {"anyOf": [documented, {"type": "string", "pattern": NO_NUL}]}
                    parameter["description"] = (
                        parameter.get("description", "") + " Any other value means the default."
                    ).strip()
                    continue
                if name in ("page", "page_size") and schema.get("type") == "integer":
                    schema["minimum"] = 1
                    if path.startswith(DRF_PAGED) or "{article_id}/annotations" in path:
                        parameter["schema"] = _or_empty(schema)
                    continue
                if path.startswith(DRF_PAGED) and schema.get("type") == "integer":
                    # django-filter: an empty value is no filter.
                    parameter["schema"] = _or_empty(schema)
                    continue
                if (path, name) in EMPTY_MEANS_ABSENT:
                    parameter["schema"] = _or_empty(schema)
                    continue
                if name == "format" and "enum" in schema and not parameter.get("required"):
                    # DRF's ?format= override: empty is no override.
                    parameter["schema"] = _or_empty(schema)
                    continue
                if schema.get("type") == "boolean" and "{article_id}/annotations" in path:
                    # annotations/api/filters.py, StrictBooleanFilter: true or false; empty is no filter.
                    parameter["schema"] = _or_empty(schema)
                    continue
                if schema.get("type") == "string" and schema.get("format") in ("date", "date-time"):
                    parameter["schema"] = _or_empty(schema)
                    continue
                _no_nul(schema)
    return result


def _no_nul(schema: dict) -> None:
    if schema.get("type") == "array":
        _no_nul(schema.get("items", {}))
    elif schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
        schema["pattern"] = NO_NUL


def close_request_bodies(result, generator, request, public):
    """Bodies whose unknown keys are refused say so (``additionalProperties: false``); a reply's
    change needs its text (annotations/services/replies.py: some text, at most MAX_REPLY_LENGTH)."""
    from annotations.services.replies import MAX_REPLY_LENGTH

    schemas = result.get("components", {}).get("schemas", {})
    for name in CLOSED_BODIES:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    reply = schemas.get("PatchedReplyUpdate")
    if reply is not None:
        reply["required"] = ["text"]
        # One pattern must say both rules: some non-space character, and no NUL anywhere
        # (replies.py refuses it; a pattern of its own would replace NO_NUL).
        reply["properties"]["text"].update(
            pattern=f"^[^\\u0000]*[^{_WS}\\u0000][^\\u0000]*$", maxLength=MAX_REPLY_LENGTH,
        )
        # ... and so the body itself: a PATCH without one is a 400 ("A reply needs some text.").
        ref = "#/components/schemas/PatchedReplyUpdate"
        for operations in result.get("paths", {}).values():
            for operation in operations.values():
                body = operation.get("requestBody") if isinstance(operation, dict) else None
                if body and any(c.get("schema", {}).get("$ref") == ref for c in body.get("content", {}).values()):
                    body["required"] = True
    return result


W3C_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def document_w3c_answers(result, generator, request, public):
    """W3C answers described as what they are.

    drf-spectacular gives every media type of a view's renderers the same schema, so the
    ``application/ld+json`` answers of the annotation views (W3CRenderer: a Web Annotation, an
    AnnotationCollection or an AnnotationPage, built by annotations/w3c.py) were documented with
    the plain JSON schema. A 2xx JSON-LD answer documented with the very schema of the
    ``application/json`` one gets the W3C shape instead (a JSON-LD object with an ``@context``);
    one the W3C views document themselves is left alone.
    """
    w3c = {
        "type": "object",
        "description": "A W3C Web Annotation Data Model document (JSON-LD): an Annotation, AnnotationCollection or AnnotationPage.",
        "properties": {"@context": {}, "id": {"type": "string"}, "type": {}},
        "required": ["@context", "type"],
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                content = response.get("content") or {}
                plain = (content.get("application/json") or {}).get("schema")
                if not str(code).startswith("2") or plain is None:
                    continue
                for media, body in content.items():
                    if media.startswith("application/ld+json") and body.get("schema") == plain:
                        body["schema"] = w3c
    return result


def json_values(schema: dict) -> list:
    values = list(schema.get("enum", []))
    for branch in schema.get("anyOf", []):
        values.extend(json_values(branch))
    return values
