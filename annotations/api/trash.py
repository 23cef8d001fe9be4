"""Delete with undo (annotations/trash.py) over HTTP.

``POST /api/annotations/{id}/trash/`` deletes like ``DELETE /api/annotations/{id}/`` (same If-Match
check, same answers) and says for how long ``POST /api/annotations/{id}/restore/`` can undo it; the
restore answers the annotation as it is again (a new version, same id) with its ETag.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from annotations import trash
from annotations.api.base import (
    CHANGE_RESPONSES,
    ERRORS,
    IF_MATCH,
    JSONAPIView,
    _annotation_response,
    _if_match,
    _precondition_failed,
    _row,
)
from annotations.errors import PreconditionFailed


class AnnotationTrashView(JSONAPIView):
    @extend_schema(
        operation_id="annotation_trash",
        summary="Delete an annotation and its replies, undoably",
        description=f"Like DELETE, and the deleter can undo it with restore/ for {trash.UNDO_SECONDS} seconds.",
        parameters=[IF_MATCH],
        request=None,
        responses={200: None, **{k: v for k, v in CHANGE_RESPONSES.items() if k not in (200, 409)}},
    )
    def post(self, request, pk: int):
        expected = _if_match(request, pk)
        try:
            trash.annotation_trash(user=request.user, annotation_id=pk, expected_version=expected)
        except PreconditionFailed as exc:
            return _precondition_failed(request, exc, pk)
        return Response({"id": pk, "undo_seconds": trash.UNDO_SECONDS}, status=status.HTTP_200_OK)


class AnnotationRestoreView(JSONAPIView):
    @extend_schema(
        operation_id="annotation_restore",
        summary="Undo your delete of an annotation (with its replies)",
        request=None,
        responses={201: CHANGE_RESPONSES[200], **ERRORS},
    )
    def post(self, request, pk: int):
        trash.annotation_restore(user=request.user, annotation_id=pk)
        return _annotation_response(request, _row(request, pk, w3c=False), status_code=status.HTTP_201_CREATED, w3c=False)
