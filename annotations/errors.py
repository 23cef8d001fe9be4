"""Errors the annotation services raise, besides Django's ``ValidationError``.

The services never know about HTTP; :mod:`annotations.api.exceptions` maps
these to status codes (``NotFound`` 404, ``Forbidden`` 403, ``Conflict`` 409,
``PreconditionFailed`` 412). Validation problems are
``django.core.exceptions.ValidationError`` with an error dict keyed by field;
each error has a ``code`` and, for offsets, ``params["position"]``.
"""

from __future__ import annotations


class AnnotationServiceError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(AnnotationServiceError):
    """The object does not exist *for this user* (invisible ones are reported the same way)."""

    code = "not_found"


class Forbidden(AnnotationServiceError):
    """The user can see the object but may not do this to it."""

    code = "permission_denied"


class Conflict(AnnotationServiceError):
    """An exact duplicate (same user, revision, span, kind and label) or a clash with current state."""

    code = "duplicate"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, existing_id=None):
        super().__init__(message, code=code, field=field)
        self.existing_id = existing_id


class PreconditionFailed(AnnotationServiceError):
    """The annotation changed since the version the client based its change on."""

    code = "version_mismatch"

    def __init__(self, message: str, *, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


class BulkError(AnnotationServiceError):
    """Some items of a bulk request failed; nothing was saved.

    ``errors`` is a list of ``{"index", "field", "message", "code"}`` dicts
    (``position`` too for offsets). ``status`` is 409 when every failure is a
    duplicate, else 400.
    """

    code = "bulk_invalid"

    def __init__(self, errors: list[dict], *, conflict_only: bool = False):
        super().__init__(f"{len({e['index'] for e in errors})} of the items are invalid; nothing was saved.")
        self.errors = errors
        self.conflict_only = conflict_only
