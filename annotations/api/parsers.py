"""JSON request bodies, parsed with orjson, refused cleanly when too big.

DRF's parsers read the request stream directly, which bypasses Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` check (that one guards ``request.body``), so
the limit is enforced here: a body over it is a 413 before it is read.
"""

from __future__ import annotations

import orjson
from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is too large."


def _limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _too_large(size: int | None, limit: int) -> RequestTooLarge:
    said = f"{size:,} bytes" if size is not None else "more than that"
    return RequestTooLarge(f"The request body is {said}; at most {limit:,} bytes are accepted.")


class JSONBodyParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = _limit()
        if limit is not None and request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise _too_large(length, limit)
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise _too_large(None, limit)
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"Malformed JSON: {exc}.", code="malformed_json") from exc


class W3CParser(JSONBodyParser):
    """Web Annotations posted as ``application/ld+json`` (with or without the anno.jsonld profile)."""

    media_type = "application/ld+json"
