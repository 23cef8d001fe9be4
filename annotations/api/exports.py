"""Export and import endpoints: thin wrappers over :mod:`annotations.exports`.

* ``GET /api/articles/{id}/export/?format=...`` — one article's annotations;
* ``GET /api/exports/?format=...&source=<slug>&from=YYYY-MM-DD&to=YYYY-MM-DD`` —
  a whole source and/or date range (every article when no filter is given);
* ``POST /api/imports/?format=w3c|doccano`` — a W3C JSON-LD or doccano JSON
  Lines file, as the request body or as the ``file`` field of a form upload.

``format`` here names the file format (``w3c``, ``doccano``, ``brat``,
``conll``, ``quotes-csv``), not a DRF renderer, so these views do their own
content negotiation. Exports stream (a large source never sits in memory) and
come as attachments; errors use the API's error shape.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound as HTTPNotFound, PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import exports
from annotations.api.exceptions import error_response
from annotations.api.renderers import ORJSONRenderer
from annotations.api.serializers import ErrorSerializer
from annotations.api.throttling import WriteRateThrottle
from annotations.exports.import_records import IMPORT_MAX_BYTES, ImportFailed
from annotations.exports.selection import ALL_STATUSES, DEFAULT_STATUSES, ExportContext, ExportQuery
from annotations.models import Annotation, Group
from annotations.w3c import Urls
from newsreader.models import Article, Source
from newsreader.ids import parse_id

FORMAT_NAMES = list(exports.FORMATS)
IMPORT_FORMAT_NAMES = list(exports.IMPORT_FORMATS)


class FileFormatNegotiation(DefaultContentNegotiation):
    """``?format=`` is the export format here: answers (errors included) are JSON whatever it says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The file is too large."


class RawFileParser(BaseParser):
    """Any non-form body is the file itself (bytes), up to :data:`IMPORT_MAX_BYTES`."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return b""
        raw = stream.read(IMPORT_MAX_BYTES + 1)
        if len(raw) > IMPORT_MAX_BYTES:
            raise RequestTooLarge(f"The file is larger than {IMPORT_MAX_BYTES:,} bytes; import it in parts or use the import_annotations command.")
        return raw


class SignedInToImport(BasePermission):
    message = "Sign in (session or token) to import annotations: you become their creator."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


# --- parameters ---------------------------------------------------------------------------------


def _listed(values) -> list[str]:
    """Repeated and comma-separated query values as one list (``status=a,b&status=c``)."""
    values = values if isinstance(values, (list, tuple)) else [values]
    return [part.strip() for value in values if value for part in str(value).split(",") if part.strip()]


class _StatusField(forms.Field):
    """``status=human,accepted`` or repeated ``status=``; ``all`` for every status."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = _listed(value)
        if not values:
            return DEFAULT_STATUSES
        if "all" in values:
            return ALL_STATUSES
        unknown = [v for v in values if v not in ALL_STATUSES]
        if unknown:
            raise ValidationError(
                f"Unknown status {unknown[0]!r}: use {', '.join(ALL_STATUSES)} or all.", code="invalid_choice"
            )
        return tuple(dict.fromkeys(values))


class _IdsField(forms.Field):
    """``article=3,4`` or repeated ``article=``: a list of ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for part in _listed(value):
            if (pk := parse_id(part)) is None:
                raise ValidationError(f"article takes article ids; got {part!r}.", code="invalid")
            ids.append(pk)
        return ids


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[(name, name) for name in FORMAT_NAMES],
        error_messages={
            "required": f"Choose a format: {', '.join(FORMAT_NAMES)}.",
            "invalid_choice": f"Unknown format %(value)s: use {', '.join(FORMAT_NAMES)}.",
        },
    )
    status = _StatusField(required=False)
    source = forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no source “%(value)s”."},
    )
    article = _IdsField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" and "to" are Python keywords, so these two are added by name.
        for name in ("from", "to"):
            self.fields[name] = forms.DateField(required=False, error_messages={"invalid": "Enter a date as YYYY-MM-DD."})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            raise ValidationError({"to": ValidationError("The range ends before it starts.", code="invalid_range")})
        return cleaned


def _params(request, form_class=ExportForm) -> dict:
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError(
            {
                field: [ValidationError(e["message"], code=e["code"] or "invalid") for e in errors]
                for field, errors in form.errors.get_json_data().items()
            }
        )
    return form.cleaned_data


def _urls(request) -> Urls:
    return Urls(request.build_absolute_uri("/")[:-1])


def _download(request, *, params: dict, query: ExportQuery, stem: str, label: str) -> StreamingHttpResponse:
    name = params["format"]
    ctx = ExportContext(
        urls=_urls(request), collection_id=request.build_absolute_uri(), label=label, generated=timezone.now()
    )
    module = exports.FORMATS[name]
    response = StreamingHttpResponse(exports.export(name, query, ctx), content_type=module.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(name, stem)}"'
    # Private annotations of the caller may be in it.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    required=True,
    enum=FORMAT_NAMES,
    description=(
        "`w3c`: W3C Web Annotation JSON-LD (an AnnotationCollection); `doccano`: JSON Lines, one article per "
        "line (doccano's sequence-labeling `label` and relation-extraction `entities`/`relations`); `brat`: a "
        ".zip of .txt + .ann per article; `conll`: CoNLL-2003 BIO tokens of the entities (camel-tools tokens); "
        "`quotes-csv`: a CSV of quotes (speaker, quote, type, cue, article, date, source)."
    ),
)
STATUS_PARAMETER = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    description=(
        "Which annotation statuses (comma-separated or repeated): human, suggested, accepted, rejected, curated (the gold layer of annotation projects) or all. "
        "Default: human,accepted."
    ),
)
EXPORT_DESCRIPTION = (
    "The file, as an attachment, in the media type of its format: application/ld+json (w3c), "
    "application/jsonl (doccano), application/zip (brat), text/plain (conll), text/csv (quotes-csv)."
)
EXPORT_RESPONSES = {
    (200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT, description=EXPORT_DESCRIPTION),
    (200, "application/jsonl"): OpenApiResponse(OpenApiTypes.STR, description=EXPORT_DESCRIPTION),
    (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description=EXPORT_DESCRIPTION),
    (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description=EXPORT_DESCRIPTION),
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=EXPORT_DESCRIPTION),
    (400, "application/json"): OpenApiResponse(ErrorSerializer, description="A bad parameter (format, status, source, date)."),
}
VISIBILITY_NOTE = (
    "Only annotations you can see are exported (anonymous callers: public ones), only those on the article's "
    "current text, never hidden ones."
)


class _ExportView(APIView):
    renderer_classes = [ORJSONRenderer]
    content_negotiation_class = FileFormatNegotiation
    # Anyone may export; what they get is what they may see.
    permission_classes = [AllowAny]


class ArticleExportView(_ExportView):
    """``/api/articles/{id}/export/``"""

    @extend_schema(
        operation_id="article_export",
        summary="Export an article's annotations",
        description="Download one article's annotations as a file. " + VISIBILITY_NOTE,
        parameters=[FORMAT_PARAMETER, STATUS_PARAMETER],
        responses={**EXPORT_RESPONSES, (404, "application/json"): OpenApiResponse(ErrorSerializer, description="No such article.")},
        tags=["exports"],
    )
    def get(self, request, article_id: int):
        params = _params(request)
        article = Article.objects.filter(pk=article_id, current_revision__isnull=False).first()
        if article is None:
            raise HTTPNotFound(f"Article {article_id} does not exist.")
        query = ExportQuery(user=request.user, article_ids=[article.pk], statuses=params["status"])
        return _download(
            request, params=params, query=query, stem=f"newsreader-article-{article.pk}", label=f"Annotations of article {article.pk}"
        )


class ExportView(_ExportView):
    """``/api/exports/``"""

    @extend_schema(
        operation_id="annotations_export",
        summary="Export the annotations of a source or a date range",
        description=(
            "Download the annotations of many articles as one file (streamed): those of the given sources, "
            "published in the given range (inclusive), or the given articles; every article when no filter is "
            "given. Articles come in publication order. " + VISIBILITY_NOTE
        ),
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter("source", OpenApiTypes.STR, many=True, description="Only these sources (slugs; repeat for several)."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="Published on or after (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Published on or before (YYYY-MM-DD)."),
            OpenApiParameter("article", OpenApiTypes.INT, many=True, description="Only these articles (ids; repeat or comma-separate)."),
            STATUS_PARAMETER,
        ],
        responses=EXPORT_RESPONSES,
        tags=["exports"],
    )
    def get(self, request):
        params = _params(request)
        query = ExportQuery(
            user=request.user,
            article_ids=params["article"] or None,
            sources=list(params["source"]),
            date_from=params["from"],
            date_to=params["to"],
            statuses=params["status"],
        )
        parts = [source.slug for source in params["source"]] or ["all"]
        if params["from"] or params["to"]:
            parts.append(f"{params['from'] or ''}--{params['to'] or ''}")
        stem = "newsreader-" + "-".join(parts)
        stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in stem)
        return _download(request, params=params, query=query, stem=stem, label="newsreader annotations")


# --- import ------------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        required=False,
        choices=[(name, name) for name in IMPORT_FORMAT_NAMES],
        error_messages={"invalid_choice": f"Cannot import %(value)s: use {' or '.join(IMPORT_FORMAT_NAMES)}."},
    )
    article = forms.IntegerField(required=False, min_value=1)
    visibility = forms.ChoiceField(
        required=False,
        choices=Annotation.Visibility.choices,
        error_messages={"invalid_choice": "visibility is private, group or public; got %(value)s."},
    )
    group = forms.CharField(required=False)
    create_articles = forms.BooleanField(required=False)
    dry_run = forms.BooleanField(required=False)


ImportResultSerializer = inline_serializer(
    "ImportResult",
    {
        "format": serializers.ChoiceField(choices=IMPORT_FORMAT_NAMES),
        "dry_run": serializers.BooleanField(help_text="True: everything was checked, nothing saved."),
        "created": serializers.IntegerField(help_text="Annotations created."),
        "skipped": serializers.IntegerField(help_text="Exact duplicates left out (you already had them, or the file repeats them)."),
        "articles": inline_serializer(
            "ImportResultArticle",
            {
                "id": serializers.IntegerField(),
                "title": serializers.CharField(),
                "created": serializers.IntegerField(),
                "skipped": serializers.IntegerField(),
                "article_created": serializers.BooleanField(help_text="The article itself was created by this import."),
            },
            many=True,
        ),
    },
)
ImportErrorSerializer = inline_serializer(
    "ImportError",
    {
        "errors": inline_serializer(
            "ImportErrorItem",
            {
                "field": serializers.CharField(allow_null=True, help_text="The field in the file, e.g. entities[2].label."),
                "message": serializers.CharField(),
                "code": serializers.CharField(),
                "line": serializers.IntegerField(required=False, help_text="doccano: the line (from 1)."),
                "index": serializers.IntegerField(required=False, help_text="W3C: the annotation's position (from 0)."),
                "position": serializers.IntegerField(required=False, help_text="The offending offset."),
            },
            many=True,
        )
    },
)
UploadSerializer = inline_serializer("ImportUpload", {"file": serializers.FileField()})


def _guess_format(request, upload_name: str | None) -> str | None:
    name = (upload_name or "").lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "doccano"
    if name.endswith((".jsonld", ".json")):
        return "w3c"
    content_type = (request.content_type or "").lower()
    if "ld+json" in content_type:
        return "w3c"
    if "jsonl" in content_type or "ndjson" in content_type:
        return "doccano"
    return None


class ImportView(APIView):
    """``/api/imports/``"""

    renderer_classes = [ORJSONRenderer]
    parser_classes = [MultiPartParser, RawFileParser]
    content_negotiation_class = FileFormatNegotiation
    permission_classes = [SignedInToImport]
    throttle_classes = [WriteRateThrottle]

    @extend_schema(
        operation_id="annotations_import",
        summary="Import annotations from a W3C JSON-LD or doccano JSON Lines file",
        description=(
            "Send the file as the request body, or as the `file` field of a multipart form. Every annotation is "
            "created through the same rules as the API (offsets, labels, speakers, groups); you become the creator. "
            "All or nothing: if anything is wrong nothing is saved and every error names its place in the file "
            "(`line` for doccano, `index` for W3C) and field. Articles are found by their text (any revision), "
            "URL or, for this server's IRIs, id; `article` puts a one-article file on that article (offsets are "
            "re-anchored when its text differs). Exact duplicates of annotations you have are skipped, so importing "
            f"a file twice adds nothing. Files up to {IMPORT_MAX_BYTES // (1024 * 1024)} MB."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=IMPORT_FORMAT_NAMES,
                description="w3c or doccano; guessed from the file name (.jsonld/.json, .jsonl) or Content-Type when left out.",
            ),
            OpenApiParameter("article", OpenApiTypes.INT, description="Put every annotation on this article."),
            OpenApiParameter(
                "visibility",
                OpenApiTypes.STR,
                enum=list(Annotation.Visibility.values),
                description="Overrides the file's visibility (default: as in the file, else public).",
            ),
            OpenApiParameter("group", OpenApiTypes.STR, description="Group (slug or id) for visibility=group."),
            OpenApiParameter(
                "create_articles",
                OpenApiTypes.BOOL,
                description="Staff only: create the articles the file describes (text and blocks) that are not here.",
            ),
            OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Check everything, save nothing."),
        ],
        request={
            "application/ld+json": OpenApiTypes.OBJECT,
            "application/json": OpenApiTypes.OBJECT,
            "application/jsonl": OpenApiTypes.STR,
            "multipart/form-data": UploadSerializer,
        },
        responses={
            200: OpenApiResponse(ImportResultSerializer, description="dry_run: what would be imported."),
            201: OpenApiResponse(ImportResultSerializer, description="Imported."),
            400: OpenApiResponse(
                ImportErrorSerializer,
                description="Nothing was imported; every problem of the file.",
                examples=[
                    OpenApiExample(
                        "doccano",
                        value={
                            "errors": [
                                {
                                    "line": 3,
                                    "field": "entities[2].label",
                                    "message": "Unknown label 'PERSON': this article's label set 'أخبار' has PER, ORG, LOC, EVENT, MISC.",
                                    "code": "unknown_label",
                                }
                            ]
                        },
                    )
                ],
            ),
            403: OpenApiResponse(ErrorSerializer, description="Signed out, or create_articles without being staff."),
            413: OpenApiResponse(ErrorSerializer, description="The file is too large."),
        },
        tags=["exports"],
    )
    def post(self, request):
        params = _params(request, ImportForm)
        data = request.data
        upload = request.FILES.get("file")
        if isinstance(data, (bytes, bytearray)):
            raw = bytes(data)
        elif upload is not None:
            if upload.size > IMPORT_MAX_BYTES:
                raise RequestTooLarge(f"The file is larger than {IMPORT_MAX_BYTES:,} bytes.")
            raw = upload.read()
        elif (request.content_type or "").startswith("multipart/"):
            raise ValidationError({"file": ValidationError("Upload the file as the form's file field.", code="required")})
        else:
            raw = b""
        if not raw.strip():
            raise ValidationError({"file": ValidationError("The file is empty.", code="empty")})
        format_name = params["format"] or _guess_format(request, upload.name if upload else None)
        if not format_name:
            raise ValidationError(
                {"format": ValidationError(f"Say which format: format={' or format='.join(IMPORT_FORMAT_NAMES)}.", code="required")}
            )
        if params["create_articles"] and not request.user.is_staff:
            raise PermissionDenied("Only staff may create articles by importing annotations.")
        article = None
        if params["article"] is not None:
            article = Article.objects.filter(pk=params["article"], current_revision__isnull=False).first()
            if article is None:
                raise ValidationError({"article": ValidationError(f"Article {params['article']} does not exist.", code="does_not_exist")})
        group = None
        if params["group"]:
            value = params["group"].strip()
            group = Group.objects.filter(pk=pk).first() if (pk := parse_id(value)) else Group.objects.filter(slug=value).first()
            if group is None:
                raise ValidationError({"group": ValidationError(f"There is no group '{value}'.", code="does_not_exist")})
        try:
            result = exports.import_file(
                format_name,
                raw,
                user=request.user,
                article=article,
                create_articles=params["create_articles"],
                visibility=params["visibility"] or None,
                group=group,
                dry_run=params["dry_run"],
                local_base=_urls(request).base,
            )
        except ImportFailed as exc:
            return error_response(exc.errors, status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict(format_name), status=status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED)
