"""drf-spectacular post-processing for the published OpenAPI schema."""

from __future__ import annotations


def drop_unicode_word_patterns(result, generator, request, public):
    """Remove ``pattern``s that use ``\\w`` (Unicode slug fields).

    Python's ``\\w`` matches Arabic letters (``SlugField(allow_unicode=True)``
    accepts ``فريق``), JSON Schema's (ECMA-262) does not: a client validating
    our answers against the schema would reject valid Arabic slugs. The server
    still validates them; the schema just does not claim a pattern it cannot
    express portably.
    """

    def walk(node):
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and "\\w" in pattern:
                del node["pattern"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result


# Answers any API operation can give, in the API's one error shape ({"errors": [...]}; see
# annotations/api/exceptions.py): bad input, missing or wrong credentials, not allowed, not found
# (or not visible to you), and for writes a body too large and too many writes.
COMMON_ERRORS = {
    "400": "Invalid input; each error names its field.",
    "401": "Missing or invalid credentials (API token or session).",
    "403": "Not allowed to do this.",
    "404": "Not found, or not visible to you.",
}
WRITE_ERRORS = {
    "409": "Clashes with what is stored (a duplicate, or still in use); nothing was changed.",
    "413": "The request body is larger than the server accepts.",
    "429": "Too many writes: wait the Retry-After seconds.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["field", "message", "code"],
            },
        }
    },
    "required": ["errors"],
}


def document_common_errors(result, generator, request, public):
    """Add the common error answers to every ``/api/`` operation that does not document them yet."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if "Error" not in schemas:
        schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/") or path in ("/api/schema/", "/api/docs/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON_ERRORS)
            if method in ("post", "put", "patch", "delete"):
                errors.update(WRITE_ERRORS)
            # Errors come in the media types the operation's documented errors already use
            # (the W3C endpoints render them as application/ld+json when asked to).
            media_types = sorted(
                {
                    media_type
                    for code, response in operation["responses"].items()
                    if str(code).startswith("4")
                    for media_type in (response.get("content") or {})
                }
            ) or ["application/json"]
            for code, description in errors.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": {m: {"schema": reference} for m in media_types}}
                )
    return result
