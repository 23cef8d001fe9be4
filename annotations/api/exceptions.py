"""One error format for the whole API.

Every error response (4xx) has the body::

    {"errors": [{"field": "start", "message": "start (13) is on a combining mark ...",
                 "code": "starts_on_mark", "position": 13}]}

``field`` is the request field (a dotted path for nested input such as
``target.selector[0].start``; ``null`` for errors about the request as a
whole), ``code`` a stable machine-readable word, ``message`` an English
sentence for people, ``position`` (offset errors only) the offending offset
and ``index`` (bulk requests only) the position of the item in the request.
Some responses add top-level keys: ``current`` (412: the annotation as it is
now), ``existing`` (409: the id of the duplicate), ``last_page`` (404: a page past
the end of a list).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.errors import BulkError, Conflict, Forbidden, NotFound, PreconditionFailed

SERVICE_STATUS = {
    NotFound: status.HTTP_404_NOT_FOUND,
    Forbidden: status.HTTP_403_FORBIDDEN,
    Conflict: status.HTTP_409_CONFLICT,
    PreconditionFailed: status.HTTP_412_PRECONDITION_FAILED,
}


def _item(field, message, code, **extra) -> dict:
    item = {"field": field, "message": str(message), "code": code}
    item.update({k: v for k, v in extra.items() if v is not None})
    return item


def flatten(detail, field: str | None = None) -> list[dict]:
    """DRF's nested ``detail`` (dicts, lists, ErrorDetail) as a flat list of error items."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            if key in ("non_field_errors", "detail"):
                path = field
            elif field is None:
                path = str(key)
            elif isinstance(key, int):
                path = f"{field}[{key}]"
            else:
                path = f"{field}.{key}"
            items.extend(flatten(value, path))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            # A list of errors for one field, or a list of per-item dicts (many=True).
            items.extend(flatten(value, f"{field}[{index}]" if isinstance(value, (dict, list)) and field else field))
        return items
    code = detail.code if isinstance(detail, ErrorDetail) else "invalid"
    return [_item(field, detail, code)]


def django_validation_items(exc: DjangoValidationError, *, prefix: str | None = None, index=None) -> list[dict]:
    """A Django ``ValidationError`` from the services as error items (with ``position`` for offsets)."""
    items = []
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, errors in error_dict.items():
        path = field if prefix is None else (f"{prefix}.{field}" if field else prefix)
        for error in errors:
            params = error.params or {}
            message = error.message % params if params else error.message
            items.append(_item(path, message, error.code or "invalid", position=params.get("position"), index=index))
    return items


def error_response(items: list[dict], status_code: int, **extra) -> Response:
    return Response({"errors": items, **extra}, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return error_response(django_validation_items(exc), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BulkError):
        items = [_item(e.get("field"), e["message"], e["code"], index=e.get("index"), position=e.get("position")) for e in exc.errors]
        return error_response(items, status.HTTP_409_CONFLICT if exc.conflict_only else status.HTTP_400_BAD_REQUEST)
    for cls, status_code in SERVICE_STATUS.items():
        if isinstance(exc, cls):
            extra = {}
            if isinstance(exc, Conflict) and exc.existing_id:
                extra["existing"] = exc.existing_id
            if isinstance(exc, PreconditionFailed) and exc.current_version is not None:
                extra["current_version"] = exc.current_version
            return error_response([_item(exc.field, exc.message, exc.code)], status_code, **extra)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, APIException):
        # (A page past the end adds ``last_page``: annotations/api/pagination.py.)
        response.data = {"errors": flatten(exc.detail), **getattr(exc, "body_extra", {})}
    else:  # Http404 / PermissionDenied converted by DRF
        response.data = {"errors": flatten(response.data)}
    return response
