"""Replies to an annotation over HTTP: ``/api/annotations/{id}/replies/`` and ``/api/replies/{id}/``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound as HTTPNotFound
from rest_framework.response import Response

from annotations import services
from annotations.api.base import (
    ERRORS,
    JSONAPIView,
)
from annotations.api.serializers import (
    ReplySerializer,
    ReplyUpdateSerializer,
)
from annotations.selectors import (
    annotations_visible_to,
    replies_visible_to,
)

# --- replies ---------------------------------------------------------------------------------------------


class AnnotationRepliesView(JSONAPIView):
    @extend_schema(
        operation_id="annotation_replies_list",
        summary="Replies to an annotation (threaded by parent)",
        responses={200: ReplySerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        if not annotations_visible_to(request.user).filter(pk=pk).exists():
            raise HTTPNotFound(f"Annotation {pk} does not exist.")
        replies = replies_visible_to(request.user).filter(annotation_id=pk).select_related("author").order_by("created", "id")
        return Response(ReplySerializer(replies, many=True).data)

    @extend_schema(
        operation_id="annotation_replies_create",
        summary="Reply to an annotation",
        description="Plain text; HTML is stored as typed and always shown escaped.",
        request=ReplySerializer,
        responses={201: ReplySerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        data = request.data if isinstance(request.data, dict) else {}
        parent = data.get("parent")
        if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int)):
            raise ValidationError({"parent": ValidationError("parent must be a reply id.", code="invalid")})
        reply = services.reply_create(user=request.user, annotation_id=pk, text=data.get("text"), parent_id=parent)
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class ReplyDetailView(JSONAPIView):
    def _reply(self, request, pk):
        reply = replies_visible_to(request.user).select_related("author").filter(pk=pk).first()
        if reply is None:
            raise HTTPNotFound(f"Reply {pk} does not exist.")
        return reply

    @extend_schema(operation_id="reply_retrieve", responses={200: ReplySerializer, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(ReplySerializer(self._reply(request, pk)).data)

    @extend_schema(
        operation_id="reply_partial_update", request=ReplyUpdateSerializer, responses={200: ReplySerializer, **ERRORS}
    )
    def patch(self, request, pk: int):
        data = request.data if isinstance(request.data, dict) else {}
        services.reply_update(user=request.user, reply_id=pk, text=data.get("text"))
        return Response(ReplySerializer(self._reply(request, pk)).data)

    @extend_schema(operation_id="reply_destroy", responses={204: None, **ERRORS})
    def delete(self, request, pk: int):
        services.reply_delete(user=request.user, reply_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


