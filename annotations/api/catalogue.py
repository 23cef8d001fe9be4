"""Label sets, labels, articles and revisions over HTTP (read mostly; staff write label sets)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response

from annotations.api.authentication import TokenAuthentication
from annotations.api.parsers import JSONBodyParser
from annotations.api.permissions import IsStaffOrReadOnly
from annotations.api.renderers import ORJSONRenderer, PlainTextRenderer
from annotations.api.serializers import (
    ArticleDetailSerializer,
    ArticleListSerializer,
    LabelSerializer,
    LabelSetSerializer,
    RevisionSerializer,
)
from annotations.api.throttling import WriteRateThrottle
from annotations.errors import Conflict
from annotations.models import Annotation, Label, LabelSet
from annotations.selectors import (
    label_set_for_article,
)
from newsreader.models import Article, ArticleRevision

# --- label sets, articles, revisions (read mostly) -------------------------------------------------------


class _StaffWritable(viewsets.ModelViewSet):
    # Token first: a request without credentials gets 401 with WWW-Authenticate: Token.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [ORJSONRenderer]
    parser_classes = [JSONBodyParser]
    throttle_classes = [WriteRateThrottle]
    permission_classes = [IsStaffOrReadOnly]

    def perform_save(self, serializer):
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as exc:
            raise Conflict(f"This clashes with an existing row: {exc.__cause__ or exc}".splitlines()[0]) from exc

    def perform_create(self, serializer):
        self.perform_save(serializer)

    def perform_update(self, serializer):
        self.perform_save(serializer)


class LabelSetViewSet(_StaffWritable):
    """Label sets with their labels; staff may create and change them."""

    queryset = LabelSet.objects.prefetch_related("labels").order_by("name")
    serializer_class = LabelSetSerializer

    def perform_save(self, serializer):
        with transaction.atomic():
            if serializer.validated_data.get("is_default"):
                # One default set: making this one the default unmakes the old one.
                LabelSet.objects.filter(is_default=True).exclude(pk=getattr(serializer.instance, "pk", None)).update(
                    is_default=False
                )
            super().perform_save(serializer)

    def perform_destroy(self, instance):
        if Annotation.objects.filter(label__label_set=instance).exists():
            raise Conflict("Annotations use labels of this set; it cannot be deleted.", code="in_use")
        instance.delete()


class LabelViewSet(_StaffWritable):
    queryset = Label.objects.order_by("label_set", "order", "code")
    serializer_class = LabelSerializer
    filterset_fields = ["label_set"]

    def perform_destroy(self, instance):
        if Annotation.objects.filter(label=instance).exists():
            raise Conflict("Annotations use this label; it cannot be deleted.", code="in_use")
        instance.delete()


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Articles with the text annotations point into (offsets are code points of `text`)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [ORJSONRenderer]
    queryset = (
        Article.objects.filter(current_revision__isnull=False)
        .select_related("source", "current_revision")
        .order_by("-published_on", "-id")
    )
    filterset_fields = ["source"]

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and "pk" in self.kwargs:
            article = Article.objects.filter(pk=self.kwargs["pk"]).select_related("source").first()
            if article is not None:
                context["label_set"] = label_set_for_article(article)
        return context

    @extend_schema(parameters=[OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class RevisionViewSet(viewsets.GenericViewSet):
    """One revision's text (W3C annotations name it in target.state.cached): JSON, or with
    ``Accept: text/plain`` the text alone, the one annotations' offsets count code points in."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [ORJSONRenderer, PlainTextRenderer]
    queryset = ArticleRevision.objects.all()
    serializer_class = RevisionSerializer

    @extend_schema(
        parameters=[OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/json"): RevisionSerializer, (200, "text/plain"): OpenApiTypes.STR},
    )
    def retrieve(self, request, pk=None):
        return Response(RevisionSerializer(self.get_object()).data)

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and getattr(getattr(request, "accepted_renderer", None), "format", None) == "txt":
            # Errors are JSON objects ({"errors": [...]}), as everywhere in the API.
            request.accepted_renderer, request.accepted_media_type = ORJSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
