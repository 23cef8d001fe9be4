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
    _json_response,
    _urls,
    _wants_w3c,
)
from annotations.api.renderers import ORJSONRenderer, TurtleRenderer, W3CRenderer
from annotations.api.w3c_schema import JSONLD, TURTLE, TURTLE_TEXT, W3C_REPLY, W3C_REPLY_PAGE
from annotations.api.serializers import (
    ReplySerializer,
    ReplyUpdateSerializer,
)
from annotations.models import Annotation
from annotations.selectors import (
    annotations_visible_to,
    replies_visible_to,
)
from annotations.w3c import ANNO_CONTEXT, MEDIA_TYPE, page, replies_to_w3c

REPLY_FIELDS = ("id", "text", "created", "modified", "author__username", "parent_id")
W3C_REPLIES_NOTE = (
    " With `Accept: application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"` (or `text/turtle`) replies are "
    "W3C Web Annotations: `motivation: replying`, the target the annotation's IRI (and the reply replied to)."
)


def _annotation_iri(request, annotation_id: int, article_id: int) -> str:
    return f"{_urls(request).base}/api/articles/{article_id}/annotations/{annotation_id}"


def _w3c_reply(request, reply) -> object:
    """One reply as a Web Annotation (JSON-LD or Turtle, as negotiated)."""
    article_id = Annotation.objects.filter(pk=reply.annotation_id).values_list("article_id", flat=True).first()
    row = {name: getattr(reply, name) for name in ("id", "text", "created", "modified", "parent_id")}
    row["author__username"] = reply.author.username if reply.author_id else None
    (document,) = replies_to_w3c([row], _urls(request), annotation_iri=_annotation_iri(request, reply.annotation_id, article_id))
    return _json_response(request, document, content_type=MEDIA_TYPE)


class _W3CRepliesView(JSONAPIView):
    # JSON by default; the W3C form (JSON-LD, Turtle) of a GET when asked for. Writes answer JSON.
    renderer_classes = [ORJSONRenderer, W3CRenderer, TurtleRenderer]

    def get_renderers(self):
        request = getattr(self, "request", None)
        if request is not None and request.method not in ("GET", "HEAD"):
            return [ORJSONRenderer()]
        return super().get_renderers()

# --- replies ---------------------------------------------------------------------------------------------


class AnnotationRepliesView(_W3CRepliesView):
    @extend_schema(
        operation_id="annotation_replies_list",
        summary="Replies to an annotation (threaded by parent)",
        description="Oldest first." + W3C_REPLIES_NOTE + " The W3C form is an AnnotationPage of them.",
        responses={
            (200, "application/json"): ReplySerializer(many=True),
            (200, JSONLD): W3C_REPLY_PAGE,
            (200, TURTLE): TURTLE_TEXT,
            404: ERRORS[404],
        },
    )
    def get(self, request, pk: int):
        if _wants_w3c(request):
            article_id = annotations_visible_to(request.user).filter(pk=pk).values_list("article_id", flat=True).first()
            if article_id is None:
                raise HTTPNotFound(f"Annotation {pk} does not exist.")
            rows = replies_visible_to(request.user).filter(annotation_id=pk).order_by("created", "id").values(*REPLY_FIELDS)
            iri = _annotation_iri(request, pk, article_id)
            items = replies_to_w3c(rows, _urls(request), annotation_iri=iri, context=False)
            document = page(page_id=request.build_absolute_uri(request.path), items=items, start_index=0)
            document["@context"] = ANNO_CONTEXT
            return _json_response(request, document, content_type=MEDIA_TYPE)
        if not annotations_visible_to(request.user).filter(pk=pk).exists():
            raise HTTPNotFound(f"Annotation {pk} does not exist.")
        replies = replies_visible_to(request.user).filter(annotation_id=pk).select_related("author").order_by("created", "id")
        return Response(ReplySerializer(replies, many=True).data)

    @extend_schema(
        operation_id="annotation_replies_create",
        summary="Reply to an annotation",
        description="Plain text; HTML is stored as typed and always shown escaped.",
        request=ReplySerializer,
        responses={(201, "application/json"): ReplySerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        data = request.data if isinstance(request.data, dict) else {}
        parent = data.get("parent")
        if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int)):
            raise ValidationError({"parent": ValidationError("parent must be a reply id.", code="invalid")})
        reply = services.reply_create(user=request.user, annotation_id=pk, text=data.get("text"), parent_id=parent)
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class ReplyDetailView(_W3CRepliesView):
    def _reply(self, request, pk):
        reply = replies_visible_to(request.user).select_related("author").filter(pk=pk).first()
        if reply is None:
            raise HTTPNotFound(f"Reply {pk} does not exist.")
        return reply

    @extend_schema(
        operation_id="reply_retrieve",
        description="One reply." + W3C_REPLIES_NOTE,
        responses={
            (200, "application/json"): ReplySerializer,
            (200, JSONLD): W3C_REPLY,
            (200, TURTLE): TURTLE_TEXT,
            404: ERRORS[404],
        },
    )
    def get(self, request, pk: int):
        reply = self._reply(request, pk)
        if _wants_w3c(request):
            return _w3c_reply(request, reply)
        return Response(ReplySerializer(reply).data)

    @extend_schema(
        operation_id="reply_partial_update", request=ReplyUpdateSerializer, responses={(200, "application/json"): ReplySerializer, **ERRORS}
    )
    def patch(self, request, pk: int):
        data = request.data if isinstance(request.data, dict) else {}
        services.reply_update(user=request.user, reply_id=pk, text=data.get("text"))
        return Response(ReplySerializer(self._reply(request, pk)).data)

    @extend_schema(operation_id="reply_destroy", responses={204: None, **ERRORS})
    def delete(self, request, pk: int):
        services.reply_delete(user=request.user, reply_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


