"""The suggestions API, under ``/api/`` (thin views over :mod:`suggestions.services`).

* ``POST /api/articles/{id}/suggest/`` — compute the article's suggestions now (signed in);
* ``GET /api/suggesters/`` — which suggesters work on this server;
* ``POST /api/annotations/{id}/accept/`` and ``/reject/`` — decide on a suggestion;
* ``POST /api/articles/{id}/suggestions/accept-all/?label=PER`` — accept many at once;
* ``GET /api/words/analyse/?word=…`` — a word's lemma, part of speech, gloss and diacritised form.

Errors have the API's one shape (``{"errors": [{"field", "message", "code"}]}``).
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound as HTTPNotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from annotations.api.exceptions import error_response
from annotations.api.serializers import (
    AnnotationDocSerializer,
    ConflictErrorSerializer,
    ErrorSerializer,
    PreconditionErrorSerializer,
    annotation_dict,
)
from annotations.api.base import JSONAPIView
from annotations.models import Annotation
from annotations.selectors import annotation_rows, annotations_visible_to
from arabic import camel
from newsreader.models import Article
from ops.workers import live_workers
from suggestions import services
from suggestions.tasks import suggest_article

TAGS = ["suggestions"]
ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    404: OpenApiResponse(ErrorSerializer, description="No such article or annotation (or not visible to you)."),
}
_ETAG = re.compile(r'^(?:W/)?"?(\d+)-(\d+)"?$')
MAX_WORD_LENGTH = 50


class SignedInJSONView(JSONAPIView):
    permission_classes = [IsAuthenticated]


def _annotation_response(request, pk: int) -> Response:
    row = annotation_rows(annotations_visible_to(request.user).filter(pk=pk), request.user).first()
    response = Response(annotation_dict(row))
    response["ETag"] = f'"{row["id"]}-{row["version"]}"'
    return response


def _expected_version(request, pk: int) -> int | None:
    """``If-Match`` is optional here (a decision is not an edit); when sent, it must match."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    found = _ETAG.match(header.strip())
    return int(found.group(2)) if found and int(found.group(1)) == pk else 0


# --- computing -------------------------------------------------------------------------------------------

SuggestResultSerializer = inline_serializer(
    "SuggestResult",
    {
        "article": serializers.IntegerField(),
        "status": serializers.CharField(help_text="`done` (ran at once) or `queued` (a worker will run it)."),
        "task": serializers.CharField(help_text="The background task's id."),
        "created": serializers.IntegerField(required=False, help_text="New suggestions (when done)."),
        "kept": serializers.IntegerField(required=False, help_text="Suggestions still proposed, kept."),
        "removed": serializers.IntegerField(required=False, help_text="Suggestions no longer proposed, removed."),
        "worker_alive": serializers.BooleanField(
            required=False,
            help_text="When queued: whether a task worker has beaten lately. False: nothing will run the task until one starts.",
        ),
    },
)


class ArticleSuggestView(SignedInJSONView):
    @extend_schema(
        operation_id="article_suggest",
        tags=TAGS,
        summary="Suggest entities and quotes for this article",
        description=(
            "Runs the suggesters on the article's current text as a background task. With a task worker the answer is "
            "202 (`status: queued`; suggestions appear in the annotation list when it is done; `worker_alive: false` when no "
            "worker has beaten lately, so nothing will run it yet); when the task ran at "
            "once (immediate backend) it is 200 with the counts."
        ),
        request=None,
        responses={200: SuggestResultSerializer, 202: SuggestResultSerializer, **ERRORS},
    )
    def post(self, request, article_id: int):
        if not Article.objects.filter(pk=article_id, current_revision__isnull=False).exists():
            raise HTTPNotFound(f"Article {article_id} does not exist.")
        result = suggest_article.enqueue(article_id)
        body = {"article": article_id, "task": str(result.id)}
        if result.is_finished and result.status == "SUCCESSFUL":
            return Response(body | {"status": "done"} | {k: result.return_value[k] for k in ("created", "kept", "removed")})
        if result.is_finished:  # failed at once
            return error_response(
                [{"field": None, "message": "Computing the suggestions failed; see the server log.", "code": "task_failed"}],
                500,
            )
        # Queued: say whether anything will run it (a worker's heartbeat), so the reader is not left waiting.
        alive = live_workers().exists()
        return Response(body | {"status": "queued", "worker_alive": alive}, status=status.HTTP_202_ACCEPTED)


class SuggestersView(JSONAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="suggesters",
        tags=TAGS,
        summary="Which suggesters work on this server",
        responses={
            200: inline_serializer(
                "Suggesters",
                {
                    "suggesters": inline_serializer(
                        "Suggester",
                        {
                            "name": serializers.ChoiceField(choices=list(services.SUGGESTERS)),
                            "title": serializers.CharField(),
                            "available": serializers.BooleanField(),
                            "detail": serializers.CharField(help_text="Why not, or what it knows."),
                            "version": serializers.CharField(allow_null=True),
                        },
                        many=True,
                    ),
                    "morphology": inline_serializer(
                        "MorphologyStatus", {"available": serializers.BooleanField(), "detail": serializers.CharField()}
                    ),
                    "crf_retrain_after": serializers.IntegerField(),
                    "crf_new_annotations": serializers.IntegerField(),
                },
            )
        },
    )
    def get(self, request):
        return Response(services.suggesters_status())


# --- deciding --------------------------------------------------------------------------------------------

AcceptSerializer = inline_serializer(
    "SuggestionAccept",
    {"label": serializers.CharField(required=False, help_text="Accept with another label (code), entities only.")},
)
DECISION_RESPONSES = {
    200: AnnotationDocSerializer,
    **ERRORS,
    409: OpenApiResponse(ConflictErrorSerializer, description="Not an open suggestion, or you already marked it so."),
    412: OpenApiResponse(PreconditionErrorSerializer, description="If-Match sent and the suggestion changed."),
}
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False, description="Optional: the ETag you saw."
)


class SuggestionAcceptView(SignedInJSONView):
    @extend_schema(
        operation_id="suggestion_accept",
        tags=TAGS,
        summary="Accept a suggestion: it becomes your annotation",
        description="In place: same id, status `accepted`, you as its creator.",
        parameters=[IF_MATCH],
        request=AcceptSerializer,
        responses=DECISION_RESPONSES,
    )
    def post(self, request, pk: int):
        data = request.data if isinstance(request.data, dict) else {}
        unknown = sorted(set(data) - {"label"})
        if unknown:
            return error_response(
                [{"field": key, "message": f"Unknown field '{key}'.", "code": "unknown_field"} for key in unknown], 400
            )
        label = data.get("label")
        # A label code, as the schema says (SuggestionAccept: a string); an id or a boolean is refused.
        if label is not None and not isinstance(label, str):
            return error_response([{"field": "label", "message": "label must be a label code.", "code": "invalid"}], 400)
        services.suggestion_accept(
            user=request.user, annotation_id=pk, expected_version=_expected_version(request, pk), label=label or None
        )
        return _annotation_response(request, pk)


class SuggestionRejectView(SignedInJSONView):
    @extend_schema(
        operation_id="suggestion_reject",
        tags=TAGS,
        summary="Reject a suggestion: that span is not suggested again",
        parameters=[IF_MATCH],
        request=None,
        responses=DECISION_RESPONSES,
    )
    def post(self, request, pk: int):
        services.suggestion_reject(user=request.user, annotation_id=pk, expected_version=_expected_version(request, pk))
        return _annotation_response(request, pk)


class SuggestionsAcceptAllView(SignedInJSONView):
    @extend_schema(
        operation_id="article_suggestions_accept_all",
        tags=TAGS,
        summary="Accept every open suggestion of the article (of one label)",
        parameters=[
            OpenApiParameter("label", OpenApiTypes.STR, description="Only entities with this label code (PER, ORG …)."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["entity", "quote"], description="Only entities or quotes."),
        ],
        request=None,
        responses={
            200: inline_serializer(
                "AcceptAllResult", {"accepted": serializers.IntegerField(), "ids": serializers.ListField(child=serializers.IntegerField())}
            ),
            400: OpenApiResponse(ErrorSerializer, description="Bad kind."),
            **ERRORS,
        },
    )
    def post(self, request, article_id: int):
        kind = request.query_params.get("kind") or None
        if kind not in (None, *Annotation.Kind.values):
            return error_response([{"field": "kind", "message": "kind must be entity or quote.", "code": "invalid_choice"}], 400)
        ids = services.suggestions_accept_all(
            user=request.user, article_id=article_id, label=request.query_params.get("label") or None, kind=kind
        )
        return Response({"accepted": len(ids), "ids": ids})


# --- words -----------------------------------------------------------------------------------------------

AnalysisSerializer = inline_serializer(
    "WordAnalysis",
    {
        "lemma": serializers.CharField(),
        "pos": serializers.CharField(help_text="camel-tools part of speech: noun, noun_prop, verb, adj, …"),
        "gloss": serializers.CharField(),
        "diac": serializers.CharField(help_text="The word fully diacritised."),
        "root": serializers.CharField(allow_null=True),
        "source": serializers.CharField(help_text="lex, spvar, backoff (a guess), digit, punc, foreign"),
        "score": serializers.FloatField(allow_null=True),
    },
)


class WordAnalyseView(JSONAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="word_analyse",
        tags=TAGS,
        summary="A word's lemma, part of speech, gloss and diacritised form",
        description="Needs the camel-tools morphology database (`camel_data -i light`); 503 without it.",
        parameters=[OpenApiParameter("word", OpenApiTypes.STR, required=True, description="One word, as written.")],
        responses={
            200: inline_serializer(
                "WordAnalyses",
                {
                    "word": serializers.CharField(),
                    "best": AnalysisSerializer,
                    "analyses": serializers.ListField(child=AnalysisSerializer),
                },
            ),
            400: OpenApiResponse(ErrorSerializer, description="No word, or more than one."),
            503: OpenApiResponse(ErrorSerializer, description="The morphology database is not installed."),
        },
    )
    def get(self, request):
        word = (request.query_params.get("word") or "").strip()
        if not word or len(word) > MAX_WORD_LENGTH or any(c.isspace() for c in word):
            return error_response(
                [{"field": "word", "message": f"Give one word (at most {MAX_WORD_LENGTH} characters) in ?word=.", "code": "invalid"}],
                400,
            )
        try:
            analyser = services.morphology_analyser()
        except camel.NotInstalled as exc:
            return error_response([{"field": None, "message": str(exc), "code": "not_installed"}], 503)
        analyses = [
            {"lemma": a.lemma, "pos": a.pos, "gloss": a.gloss, "diac": a.diac, "root": a.root, "source": a.source, "score": a.score}
            for a in analyser.analyse(word)
        ]
        return Response({"word": word, "best": analyses[0] if analyses else None, "analyses": analyses})
