"""The entity, speaker and quote data as JSON (and a speaker's quotes as CSV), under ``/api/``.

Same rules and selectors as the pages: what a caller sees is what counts for
them (``annotations_visible_to``). Errors use the API's one shape
(``{"errors": [{"field", "message", "code"}]}``). An entity merged into
another answers 301 with the merged entity's URL. Merging, splitting and
renaming are for staff.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from annotations.api.serializers import ErrorSerializer  # the API's one error shape
from annotations.api.throttling import WriteRateThrottle
from entities import entity_page, lists, quote_selectors, selectors, services
from entities.forms import EntityListForm, QuoteSearchForm, SpeakerListForm, SpeakerQuotesForm
from entities.models import Entity
from entities.views import csv_response
from newsreader.textsearch.query import MAX_QUERY_LENGTH
from newsreader.ids import parse_page

TAGS = ["entities"]

# --- serializers (output only) ---------------------------------------------------------


ERRORS_400 = OpenApiResponse(ErrorSerializer, description="Invalid parameters: a message per parameter.")
ERRORS_404 = OpenApiResponse(ErrorSerializer, description="No such entity, or nothing about it is visible to you.")
MOVED_301 = OpenApiResponse(description="The entity was merged into another: `Location` is that one's URL.")


class EntityBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The entity's API URL.")
    page_url = serializers.CharField(help_text="The entity's page on the site.")
    label = serializers.CharField(help_text="Label code (PER, ORG, LOC …); empty for a speaker only named in quotes.")
    name = serializers.CharField()
    articles = serializers.IntegerField(help_text="Articles that mention it (that you can see).")
    mentions = serializers.IntegerField()
    quotes = serializers.IntegerField(help_text="Quotes attributed to it.")


def _pages(request, page: int, num_pages: int) -> dict:
    url = request.build_absolute_uri()
    return {
        "page": page,
        "num_pages": num_pages,
        "next": replace_query_param(url, "page", page + 1) if page < num_pages else None,
        "previous": replace_query_param(url, "page", page - 1) if page > 1 else None,
    }


def _paged(name: str, item) -> serializers.Serializer:
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "page": serializers.IntegerField(),
            "num_pages": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def _entity_brief(request, item: lists.ListedEntity) -> dict:
    return {
        "id": item.id,
        "url": request.build_absolute_uri(reverse("entities:api-entity", args=[item.id])),
        "page_url": request.build_absolute_uri(reverse("entities:entity", args=[item.id])),
        "label": item.label,
        "name": item.name,
        "articles": item.articles,
        "mentions": item.mentions,
        "quotes": item.quotes,
    }


def _form_errors(form) -> ValidationError:
    return ValidationError(
        {
            ("non_field_errors" if field == "__all__" else field): [
                ErrorDetail(e["message"], code=e["code"] or "invalid") for e in errors
            ]
            for field, errors in form.errors.get_json_data().items()
        }
    )


def _entity(pk: int, url_name: str, request):
    entity, merged_into = selectors.entity_or_redirect(pk)
    if entity is None:
        if merged_into is not None:
            target = reverse(url_name, args=[merged_into])
            query = request.META.get("QUERY_STRING")
            return None, HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))
        raise NotFound(f"There is no entity {pk}.")
    return entity, None


def _entity_to_change(pk: int) -> Entity:
    """The entity a staff write (merge, split) acts on: a merged one is not redirected to, since
    changing the entity it became is not what the caller asked for."""
    entity, merged_into = selectors.entity_or_redirect(pk)
    if entity is None:
        raise NotFound(f"Entity {pk} was merged into another." if merged_into is not None else f"There is no entity {pk}.")
    return entity


PAGE = OpenApiParameter("page", OpenApiTypes.INT, default=1, description="Page number.")
Q_NAME = OpenApiParameter(
    "q", OpenApiTypes.STR, description=f"Words of a name (the last one may be its beginning), at most {MAX_QUERY_LENGTH} characters."
)

# --- entities ---------------------------------------------------------------------------


class EntityListView(APIView):
    @extend_schema(
        operation_id="entities_list",
        summary="List entities",
        description="Entities marked in the articles, most mentioned first (or by name), with what you can see of them.",
        parameters=[
            Q_NAME,
            OpenApiParameter("label", OpenApiTypes.STR, description="Only this label (code, e.g. PER)."),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=[lists.FREQUENCY, lists.NAME], default=lists.FREQUENCY),
            PAGE,
        ],
        responses={200: _paged("EntityList", EntityBriefSerializer), 400: ERRORS_400},
        tags=TAGS,
    )
    def get(self, request):
        form = EntityListForm(request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        data = form.cleaned_data
        listing = lists.entity_list(
            request.user, label=data["label"], query=data["q"], sort=data.get("sort") or lists.FREQUENCY, page=form.page_value
        )
        return Response(
            {
                "count": listing.total,
                **_pages(request, listing.page, listing.num_pages),
                "results": [_entity_brief(request, e) for e in listing.items],
            }
        )


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True, help_text="YYYY-MM; null for undated articles.")
    articles = serializers.IntegerField()
    mentions = serializers.IntegerField()


class VariantSerializer(serializers.Serializer):
    name = serializers.CharField()
    mentions = serializers.IntegerField()


class CooccurringSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    label = serializers.CharField()
    name = serializers.CharField()
    articles = serializers.IntegerField(help_text="Articles mentioning both.")


class EntityDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    page_url = serializers.CharField()
    label = serializers.CharField()
    label_name = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    name_locked = serializers.BooleanField(help_text="The name was chosen by staff.")
    articles = serializers.IntegerField()
    mentions = serializers.IntegerField()
    quotes = serializers.IntegerField()
    variants = VariantSerializer(many=True, help_text="The name as marked, most frequent first.")
    months = MonthSerializer(many=True, help_text="Articles and mentions per month of publication (empty months included).")
    cooccurring = CooccurringSerializer(many=True, help_text="Entities most often in the same articles.")
    cooccurrence_window = serializers.IntegerField(
        allow_null=True, help_text="When set, co-occurrence was counted over this many newest articles only."
    )
    mentions_url = serializers.CharField()
    quotes_url = serializers.CharField(allow_null=True)


class RenameSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True, max_length=200, help_text="Empty: back to the automatic name.")


class EntityDetailView(APIView):
    throttle_classes = [WriteRateThrottle]

    def get_permissions(self):
        return [IsStaff()] if self.request.method not in ("GET", "HEAD", "OPTIONS") else []

    @extend_schema(
        operation_id="entities_retrieve",
        summary="One entity",
        responses={200: EntityDetailSerializer, 301: MOVED_301, 404: ERRORS_404},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        entity, moved = _entity(pk, "entities:api-entity", request)
        if moved:
            return moved
        page = entity_page.entity_page(request.user, entity, page_size=1)
        if page is None:
            raise NotFound(f"There is no entity {pk}.")
        return Response(_detail(request, page))

    @extend_schema(
        operation_id="entities_rename",
        summary="Rename an entity (staff)",
        request=RenameSerializer,
        responses={200: EntityDetailSerializer, 400: ERRORS_400, 403: OpenApiResponse(ErrorSerializer), 404: ERRORS_404},
        tags=TAGS,
    )
    def patch(self, request, pk: int):
        serializer = RenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entity = _entity_to_change(pk)
        entity = services.entity_rename(user=request.user, entity=entity, name=serializer.validated_data["name"])
        return Response(_detail(request, _page_for_staff(request, entity)))


def _detail(request, page: entity_page.EntityPage) -> dict:
    entity, summary = page.entity, page.summary
    months = [*summary.months, *([summary.undated] if summary.undated else [])]
    return {
        "id": entity.pk,
        "url": request.build_absolute_uri(reverse("entities:api-entity", args=[entity.pk])),
        "page_url": request.build_absolute_uri(entity.get_absolute_url()),
        "label": entity.label,
        "label_name": page.label.name if page.label else None,
        "name": page.name,
        "name_locked": entity.name_locked,
        "articles": summary.articles,
        "mentions": summary.mentions,
        "quotes": summary.quotes,
        "variants": [{"name": n, "mentions": c} for n, c in summary.variants],
        "months": [
            {"month": m.month.strftime("%Y-%m") if m.month else None, "articles": m.articles, "mentions": m.mentions}
            for m in months
        ],
        "cooccurring": [
            {
                "id": c.entity_id,
                "url": request.build_absolute_uri(reverse("entities:api-entity", args=[c.entity_id])),
                "label": c.label,
                "name": c.name,
                "articles": c.articles,
            }
            for c in page.cooccurring
        ],
        "cooccurrence_window": entity_page.COOCCURRENCE_WINDOW if page.cooccurrence_capped else None,
        "mentions_url": request.build_absolute_uri(reverse("entities:api-entity-mentions", args=[entity.pk])),
        "quotes_url": request.build_absolute_uri(reverse("entities:api-speaker-quotes", args=[entity.pk]))
        if summary.quotes
        else None,
    }


class ArticleBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The article's reading page.")
    title = serializers.CharField()
    source = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)


class ContextSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="The sentence, HTML-escaped, with the mention in <mark> (right-to-left text).")
    block = serializers.CharField(help_text="title, subtitle, caption or paragraph.")


class ArticleMentionsSerializer(serializers.Serializer):
    article = ArticleBriefSerializer()
    mentions = serializers.IntegerField(help_text="How many times the entity is marked in the article.")
    sentences = ContextSerializer(many=True, help_text=f"At most {entity_page.CONTEXTS_PER_ARTICLE} sentences.")


def _article(request, article) -> dict:
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "title": article.title,
        "source": article.source.name,
        "published_on": article.published_on,
    }


class EntityMentionsView(APIView):
    @extend_schema(
        operation_id="entities_mentions",
        summary="Articles mentioning an entity",
        description="The articles that mention the entity, newest first, with the sentence around each mention. 20 a page.",
        parameters=[PAGE],
        responses={200: _paged("EntityMentionList", ArticleMentionsSerializer), 301: MOVED_301, 404: ERRORS_404},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        entity, moved = _entity(pk, "entities:api-entity-mentions", request)
        if moved:
            return moved
        raw = request.query_params.get("page", "1")
        page = entity_page.entity_page(request.user, entity, page=parse_page(raw))
        if page is None:
            raise NotFound(f"There is no entity {pk}.")
        return Response(
            {
                "count": page.summary.articles,
                **_pages(request, page.page, page.num_pages),
                "results": [
                    {
                        "article": _article(request, item.article),
                        "mentions": item.mentions,
                        "sentences": [{"html": str(c.html), "block": c.block} for c in item.contexts],
                    }
                    for item in page.articles
                ],
            }
        )


class IsStaff(BasePermission):
    message = "Only staff may merge, split or rename entities."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class MergeSerializer(serializers.Serializer):
    entities = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=100,
        help_text="Ids of the entities to merge into this one.",
    )  # fmt: skip


class SplitSerializer(serializers.Serializer):
    names = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=100,
        help_text="Names (as written; any spelling with the same key) to move to a new entity.",
    )  # fmt: skip
    aliases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=100,
        help_text="Alias ids to move (see the admin).",
    )  # fmt: skip
    name = serializers.CharField(required=False, default="", allow_blank=True, max_length=200, help_text="The new entity's name.")


class EntityMergeView(APIView):
    permission_classes = [IsStaff]
    throttle_classes = [WriteRateThrottle]

    @extend_schema(
        operation_id="entities_merge",
        summary="Merge entities into this one (staff)",
        description="The other entities' names, mentions and quotes move to this one; their URLs redirect here.",
        request=MergeSerializer,
        responses={200: EntityDetailSerializer, 400: ERRORS_400, 403: OpenApiResponse(ErrorSerializer), 404: ERRORS_404},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entity = _entity_to_change(pk)
        merged = services.entity_merge(user=request.user, target=entity, sources=serializer.validated_data["entities"])
        return Response(_detail(request, _page_for_staff(request, merged)))


class EntitySplitView(APIView):
    permission_classes = [IsStaff]
    throttle_classes = [WriteRateThrottle]

    @extend_schema(
        operation_id="entities_split",
        summary="Split names off into a new entity (staff)",
        description="Moves the given names (and the mentions and quotes under them) to a new entity; at least one name stays.",
        request=SplitSerializer,
        responses={201: EntityDetailSerializer, 400: ERRORS_400, 403: OpenApiResponse(ErrorSerializer), 404: ERRORS_404},
        tags=TAGS,
    )
    def post(self, request, pk: int):
        serializer = SplitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entity, moved = _entity(pk, "entities:api-entity", request)
        if moved:
            raise NotFound(f"Entity {pk} was merged into another.")
        new = services.entity_split(
            user=request.user, entity=entity, names=data["names"], alias_ids=data["aliases"], name=data["name"]
        )
        return Response(_detail(request, _page_for_staff(request, new)), status=201)


def _page_for_staff(request, entity) -> entity_page.EntityPage:
    page = entity_page.entity_page(request.user, entity, page_size=1)
    if page is None:  # nothing of it is visible to this staff member (others' private annotations)
        empty = entity_page.Summary()
        page = entity_page.EntityPage(entity, entity.name or entity.key, selectors.label_infos().get(entity.label), empty, [], [], False, 1, 1)
    return page


# --- speakers and quotes ------------------------------------------------------------------------


class QuoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The quote annotation's id.")
    url = serializers.CharField(help_text="The quote annotation in the API.")
    html = serializers.CharField(help_text="The quote, HTML-escaped, with the searched words in <mark>.")
    quote_type = serializers.CharField()
    speaker = serializers.IntegerField(allow_null=True, help_text="The speaker entity's id.")
    speaker_name = serializers.CharField(help_text="The speaker as marked.")
    article = ArticleBriefSerializer()


def _quotes_payload(request, results: quote_selectors.QuoteResults) -> dict:
    return {
        "count": results.total,
        **_pages(request, results.page, results.num_pages),
        "results": [
            {
                "id": q.annotation_id,
                "url": request.build_absolute_uri(reverse("annotation-detail", args=[q.annotation_id])),
                "html": str(q.html),
                "quote_type": q.quote_type,
                "speaker": q.speaker_id,
                "speaker_name": q.speaker_name,
                "article": _article(request, q.article),
            }
            for q in results.items
        ],
    }


QUOTE_PARAMETERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Words the quote must contain (any form: diacritics, hamza, clitics; \"…\" for a phrase)."
    ),
    OpenApiParameter("type", OpenApiTypes.STR, enum=["direct", "indirect", "partial"]),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Published on or after (YYYY-MM-DD)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Published on or before (YYYY-MM-DD)."),
    PAGE,
]


class SpeakerListView(APIView):
    @extend_schema(
        operation_id="speakers_list",
        summary="List speakers",
        description="Entities that quotes are attributed to, most quoted first.",
        parameters=[Q_NAME, PAGE],
        responses={200: _paged("SpeakerList", EntityBriefSerializer), 400: ERRORS_400},
        tags=TAGS,
    )
    def get(self, request):
        form = SpeakerListForm(request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        listing = lists.entity_list(request.user, query=form.cleaned_data["q"], speakers=True, page=form.page_value)
        return Response(
            {
                "count": listing.total,
                **_pages(request, listing.page, listing.num_pages),
                "results": [_entity_brief(request, e) for e in listing.items],
            }
        )


def _speaker(request, pk: int, url_name: str):
    entity, moved = _entity(pk, url_name, request)
    if moved:
        return None, moved
    if not entity_page.entity_summary(request.user, entity).quotes:
        raise NotFound(f"No quote of entity {pk} is visible to you.")
    return entity, None


class SpeakerQuotesView(APIView):
    @extend_schema(
        operation_id="speakers_quotes",
        summary="A speaker's quotes",
        description="What the speaker was quoted saying, newest first, 20 a page; `q` searches within.",
        parameters=QUOTE_PARAMETERS,
        responses={200: _paged("SpeakerQuoteList", QuoteSerializer), 301: MOVED_301, 400: ERRORS_400, 404: ERRORS_404},
        tags=TAGS,
    )
    def get(self, request, pk: int):
        entity, moved = _speaker(request, pk, "entities:api-speaker-quotes")
        if moved:
            return moved
        form = SpeakerQuotesForm(request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        results = quote_selectors.quote_search(request.user, form.quote_filter((entity.pk,)), page=form.page_value)
        return Response(_quotes_payload(request, results))


class SpeakerQuotesCSVView(APIView):
    @extend_schema(
        operation_id="speakers_quotes_csv",
        summary="A speaker's quotes as CSV",
        description=(
            "The quotes-csv columns (speaker, quote, type, cue, article_title, article_id, date, source, speaker_label, "
            "start, end, annotation_id, note, creator, status, article_url): UTF-8 with a byte-order mark, CRLF, "
            "cells starting with = + - @ prefixed with an apostrophe. Same filters as the list."
        ),
        parameters=QUOTE_PARAMETERS[:-1],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file."),
            301: MOVED_301,
            400: ERRORS_400,
            404: ERRORS_404,
        },
        tags=TAGS,
    )
    def get(self, request, pk: int):
        entity, moved = _speaker(request, pk, "entities:api-speaker-csv")
        if moved:
            return moved
        form = SpeakerQuotesForm(request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        return csv_response(request, entity, form.quote_filter((entity.pk,)))


class QuoteSearchView(APIView):
    @extend_schema(
        operation_id="quotes_search",
        summary="Search quotes",
        description=(
            "What did X say about Y: quotes whose speaker's name holds the words of `speaker` (or whose speaker is "
            "entity `speaker` when it is a number) and whose text holds the words of `q`, matched like the article "
            "search. Both are optional; without them the newest quotes."
        ),
        parameters=[
            OpenApiParameter("speaker", OpenApiTypes.STR, description="Words of the speaker's name, or an entity id."),
            *QUOTE_PARAMETERS,
        ],
        responses={
            200: inline_serializer(
                "QuoteSearch",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "num_pages": serializers.IntegerField(),
                    "next": serializers.URLField(allow_null=True),
                    "previous": serializers.URLField(allow_null=True),
                    "speakers": EntityBriefSerializer(many=True, allow_null=True, help_text="The speakers `speaker` matched."),
                    "results": QuoteSerializer(many=True),
                },
            ),
            400: ERRORS_400,
        },
        tags=TAGS,
    )
    def get(self, request):
        form = QuoteSearchForm(request.query_params)
        if not form.is_valid():
            raise _form_errors(form)
        speakers, entity_ids = quote_selectors.speaker_choice(request.user, form.cleaned_data["speaker"])
        results = quote_selectors.quote_search(request.user, form.quote_filter(entity_ids), page=form.page_value)
        return Response(
            {
                **_quotes_payload(request, results),
                "speakers": [_entity_brief(request, s) for s in speakers] if speakers is not None else None,
            }
        )
