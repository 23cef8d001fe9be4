"""``GET /api/search/``: the results page's search as JSON (same rules, same results)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from search.forms import SearchForm
from newsreader.textsearch.query import MAX_QUERY_LENGTH
from search.selectors import DATE, RANK_WINDOW, RELEVANCE, SearchResults, article_search


class SourceBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article.pk")
    url = serializers.SerializerMethodField(help_text="The article's reading page.")
    title = serializers.CharField(source="article.title")
    title_html = serializers.CharField(help_text="The title, HTML-escaped, with <mark> around matched words.")
    snippet_html = serializers.CharField(
        help_text="A passage of the article, HTML-escaped, with <mark> around matched words (right-to-left text)."
    )
    source = SourceBriefSerializer(source="article.source")
    published_on = serializers.DateField(source="article.published_on", allow_null=True)
    direction = serializers.CharField(source="article.direction")
    rank = serializers.FloatField(help_text="Relevance score (0 when sorted by date).")

    def get_url(self, hit) -> str:
        request = self.context.get("request")
        path = hit.article.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="The query as understood (phrases in «»).")
    corrected_query = serializers.CharField(
        allow_null=True,
        help_text="When nothing matched the query, the query with misspelt words corrected that these results are for.",
    )
    count = serializers.IntegerField(help_text=f"Matches found, counted up to {RANK_WINDOW}: all the pages hold.")
    count_is_lower_bound = serializers.BooleanField(help_text=f"True when there are more than {RANK_WINDOW} matches.")
    sort = serializers.ChoiceField(choices=[RELEVANCE, DATE])
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)


def _errors(form: SearchForm) -> dict:
    """The form's errors for DRF, keeping each message's code."""
    return {
        ("non_field_errors" if field == "__all__" else field): [
            ErrorDetail(e["message"], code=e["code"] or "invalid") for e in errors
        ]
        for field, errors in form.errors.get_json_data().items()
    }


class ArticleSearchView(APIView):
    """Full-text search over the articles' current text."""

    @extend_schema(
        operation_id="search_articles",
        summary="Search articles",
        description=(
            "Arabic full-text search. Words match with or without diacritics, in any hamza/alef/yaa/teh marbuta "
            "spelling and with attached و ف ب ك ل or ال. All words must occur; put words in quotation marks "
            'for a phrase ("وزير الخارجية"). When nothing matches, misspelt words are corrected against the '
            f"collection's vocabulary (see corrected_query). Relevance is ranked among the newest {RANK_WINDOW} "
            "matches."
        ),
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description=f"The query, at most {MAX_QUERY_LENGTH} characters."
            ),
            OpenApiParameter(
                "source", OpenApiTypes.STR, many=True, description="Only these sources (slugs; repeat for several)."
            ),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Published on or after (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Published on or before (YYYY-MM-DD)."),
            OpenApiParameter(
                "label", OpenApiTypes.STR, many=True,
                description="Only articles where an entity with one of these labels is marked (codes; repeat for several).",
            ),
            OpenApiParameter(
                "entity", OpenApiTypes.INT, many=True,
                description="Only articles that mention every one of these entities (ids, see /api/entities/).",
            ),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=[RELEVANCE, DATE], default=RELEVANCE),
            OpenApiParameter("page", OpenApiTypes.INT, default=1, description="Page number (20 results a page)."),
        ],
        responses={
            200: SearchResponseSerializer,
            400: OpenApiResponse(
                response=inline_serializer(
                    "SearchError",
                    {
                        "errors": inline_serializer(
                            "SearchErrorItem",
                            {
                                "field": serializers.CharField(allow_null=True),
                                "message": serializers.CharField(),
                                "code": serializers.CharField(),
                            },
                            many=True,
                        )
                    },
                ),
                description="Invalid parameters (the API's error shape): a message per parameter.",
                examples=[
                    OpenApiExample(
                        "Empty query",
                        value={"errors": [{"field": "q", "message": "Type a word or a phrase to search for.", "code": "required"}]},
                    ),
                    OpenApiExample(
                        "Query too long",
                        value={
                            "errors": [
                                {
                                    "field": "q",
                                    "message": "Your search is too long: at most 200 characters, it has 10000. …",
                                    "code": "max_length",
                                }
                            ]
                        },
                    ),
                ],
            ),
        },
        tags=["search"],
    )
    def get(self, request):
        form = SearchForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(_errors(form))
        if not form.cleaned_data.get("q"):
            raise ValidationError({"q": [ErrorDetail(_("Type a word or a phrase to search for."), code="required")]})
        results = article_search(
            query=form.query, filters=form.filters, sort=form.sort_value, page=form.page_value
        )
        return Response(self._payload(request, results))

    def _payload(self, request, results: SearchResults) -> dict:
        url = request.build_absolute_uri()
        data = {
            "query": results.query.display(),
            "corrected_query": results.corrected.display() if results.corrected else None,
            "count": results.reachable,
            "count_is_lower_bound": results.has_more_than_window,
            "sort": results.sort,
            "page": results.page,
            "num_pages": results.num_pages,
            "next": replace_query_param(url, "page", results.page + 1) if results.has_next else None,
            "previous": replace_query_param(url, "page", results.page - 1) if results.has_previous else None,
            "results": results.hits,
        }
        return SearchResponseSerializer(data, context={"request": request}).data
