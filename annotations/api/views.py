"""HTTP views of the annotation API: thin wrappers over selectors and services.

Annotations are served from plain rows (``annotation_rows``) and rendered
with orjson; the W3C form is chosen by content negotiation
(``Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"``).
Every annotation response carries ``ETag: "<id>-<version>"``; PUT, PATCH and
DELETE need ``If-Match`` with it (``*`` overwrites whatever is stored): a
missing header is 428, a stale one 412 with the current annotation.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotAuthenticated, NotFound as HTTPNotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import services
from annotations.api.authentication import TokenAuthentication
from annotations.api.exceptions import django_validation_items, error_response, flatten
from annotations.api.filters import AnnotationFilter
from annotations.api.parsers import JSONBodyParser, W3CParser
from annotations.api.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly, IsStaffOrReadOnly
from annotations.api.renderers import ORJSONRenderer, W3CRenderer, dumps
from annotations.api.serializers import (
    PUT_DEFAULTS,
    READ_ONLY_KEYS,
    WRITABLE_KEYS,
    AnnotationDocSerializer,
    AnnotationInputSerializer,
    AnnotationPageDocSerializer,
    ArticleDetailSerializer,
    ArticleListSerializer,
    BulkInputSerializer,
    BulkOutputSerializer,
    ConflictErrorSerializer,
    CreatedAnnotationDocSerializer,
    ErrorSerializer,
    GroupSerializer,
    LabelSerializer,
    LabelSetSerializer,
    MembershipInputSerializer,
    MembershipSerializer,
    ModerationSerializer,
    PreconditionErrorSerializer,
    ReplySerializer,
    ReplyUpdateSerializer,
    RevisionSerializer,
    RoleSerializer,
    annotation_dict,
)
from annotations.api.throttling import WriteRateThrottle
from annotations.errors import Conflict, Forbidden, PreconditionFailed
from annotations.models import Annotation, Label, LabelSet, Membership
from annotations.selectors import (
    annotation_page,
    annotation_rows,
    annotations_visible_to,
    groups_visible_to,
    label_set_for_article,
    new_annotation_row,
    replies_visible_to,
)
from annotations.w3c import (
    MEDIA_TYPE,
    PREFER_IRIS,
    PREFER_MINIMAL,
    PROTOCOL,
    Urls,
    annotation_to_w3c,
    annotations_to_w3c,
    collection,
    iri_id,
    page as w3c_page,
    w3c_to_input,
)
from newsreader.models import Article, ArticleRevision

RESOURCE_LINK = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
CONTAINER_LINK = f'<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", <{PROTOCOL}>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
ACCEPT_POST = f"{MEDIA_TYPE}, application/json"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; each error names its field (and offset)."),
    403: OpenApiResponse(ErrorSerializer, description="Signed out, or not allowed to change this annotation."),
    404: OpenApiResponse(ErrorSerializer, description="No such annotation (or not visible to you)."),
}
W3C_NOTE = (
    "With `Accept: application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"` the response is a W3C Web "
    "Annotation (JSON-LD) instead."
)


class PreconditionRequired(APIException):
    status_code = 428
    default_code = "if_match_required"
    default_detail = (
        "Send If-Match with the annotation's ETag (from GET or the last response); If-Match: * overwrites "
        "whatever version is stored."
    )


PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000


@dataclass(frozen=True)
class _Page:
    number: int
    size: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.last


# Pages beyond this are past the end of any list (and their OFFSET would overflow a bigint).
MAX_PAGE_NUMBER = 10**9


def _page_params(request) -> tuple[int, int]:
    """``page`` (1-based) and ``page_size`` (default 100, at most 1000) from the query string."""
    errors = {}
    values = {}
    for name, default in (("page", 1), ("page_size", PAGE_SIZE)):
        raw = request.query_params.get(name, "")
        if raw == "":
            values[name] = default
        elif raw.isdigit() and int(raw) >= 1:
            # (A page number beyond PostgreSQL's bigint OFFSET is simply past the last page: capped, 404.)
            values[name] = min(int(raw), MAX_PAGE_NUMBER)
        else:
            errors[name] = ValidationError(f"{name} must be a whole number from 1; got {raw!r}.", code="invalid")
    if errors:
        raise ValidationError(errors)
    return values["page"], min(values["page_size"], MAX_PAGE_SIZE)


def _page_links(request) -> tuple[str, Callable[[int], str]]:
    """This list's absolute URL without ``page`` (the W3C container id), and ``number -> URL of that page``.

    The other query parameters are kept in their order. Worked out once per
    request (the host check and the encoding), not once per link.
    """
    params = [(k, v) for k, values in request.query_params.lists() for v in values if k != "page"]
    container_id = request.build_absolute_uri(request.path) + (f"?{urlencode(params)}" if params else "")
    prefix = f"{container_id}{'&' if params else '?'}page="
    return container_id, lambda number: f"{prefix}{number}"


# --- helpers --------------------------------------------------------------------------


def _urls(request) -> Urls:
    return Urls(request.build_absolute_uri("/")[:-1])


def _wants_w3c(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format == "jsonld"


def _posted_w3c(request, data) -> bool:
    if (request.content_type or "").startswith("application/ld+json"):
        return True
    return isinstance(data, dict) and ("@context" in data or data.get("type") == "Annotation")


def _etag(row: dict) -> str:
    return f'"{row["id"]}-{row["version"]}"'


_ETAG = re.compile(r'^(?:W/)?"?(\d+)-(\d+)"?$')


def _if_match(request, annotation_id: int) -> int | None:
    """The version the client based its change on; None for ``If-Match: *``; 0 when nothing matches."""
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired()
    tokens = [token.strip() for token in header.split(",") if token.strip()]
    if "*" in tokens:
        return None
    for token in tokens:
        found = _ETAG.match(token)
        if found and int(found.group(1)) == annotation_id:
            return int(found.group(2))
    return 0  # matches no version: the service answers 412 (or 404/403 first)


def _row(request, pk: int, *, w3c: bool | None = None):
    w3c = _wants_w3c(request) if w3c is None else w3c
    return annotation_rows(annotations_visible_to(request.user).filter(pk=pk), request.user, w3c=w3c).first()


def _annotation_response(request, row: dict, *, status_code=200, w3c: bool | None = None, extra=None, headers=None):
    w3c = _wants_w3c(request) if w3c is None else w3c
    if w3c:
        body, content_type = annotation_to_w3c(row, _urls(request)), MEDIA_TYPE
    else:
        body, content_type = annotation_dict(row) | (extra or {}), "application/json"
    response = Response(body, status=status_code, content_type=content_type, headers=headers)
    response["ETag"] = _etag(row)
    response["Link"] = RESOURCE_LINK
    return response


def _input(data, *, partial: bool, checker: AnnotationInputSerializer | None = None) -> dict:
    """Type-checked annotation fields from a JSON object; unknown keys are an error, read-only ones ignored.

    ``checker``: one serializer reused for many items (a bulk request). A new serializer deep-copies
    its fields, which was 60% of a 1,000-item request; validating through one instance copies them once.
    """
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ValidationError("Send a JSON object.", code="invalid")})
    unknown = sorted(set(data) - WRITABLE_KEYS - READ_ONLY_KEYS)
    if unknown:
        raise ValidationError(
            {key: ValidationError(f"Unknown field '{key}'.", code="unknown_field") for key in unknown}
        )
    values = {k: v for k, v in data.items() if k in WRITABLE_KEYS}
    if checker is not None:
        return dict(checker.run_validation(values))  # raises ValidationError with the same detail as is_valid
    serializer = AnnotationInputSerializer(data=values, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _w3c_input(data, *, article_id: int | None) -> dict:
    fields = w3c_to_input(data)
    source = fields.pop("source", None)
    if source is not None and article_id is not None:
        source_article = iri_id(source, "article")
        if source_article != article_id:
            raise ValidationError(
                {
                    "target.source": ValidationError(
                        f"The target's source {source!r} is not article {article_id} (…/articles/{article_id}/).",
                        code="wrong_source",
                    )
                }
            )
    return fields


def _precondition_failed(request, exc: PreconditionFailed, pk: int) -> Response:
    row = _row(request, pk, w3c=False)
    extra = {"current_version": exc.current_version}
    if row is not None:
        extra["current"] = annotation_dict(row)
    response = error_response([{"field": None, "message": exc.message, "code": exc.code}], 412, **extra)
    if row is not None:
        response["ETag"] = _etag(row)
    return response


def _sign_in_first(request, exc: Forbidden):
    """A visible annotation a signed-out caller may not change: 401 (sign in), not 403."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    raise exc


def _weak_etag(body: bytes) -> str:
    # A hash of the rendered body rather than of the rows' (max modified, versions, count): a page also shows
    # what no annotation version tracks (reply counts, the caller's can_edit, user names, label codes, the
    # host in W3C IRIs), so only the body is a safe validator. Hashing ~100 KB costs ~0.1 ms of a list request.
    return f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def _json_response(request, data, *, content_type="application/json", headers=None) -> HttpResponse:
    """Render once, tag with a weak ETag, answer 304 when the client has it already."""
    body = dumps(data)
    etag = _weak_etag(body)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    for key, value in (headers or {}).items():
        response[key] = value
    return response


class AnnotationAPIView(APIView):
    # Token first: a request without credentials gets 401 with WWW-Authenticate: Token.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [ORJSONRenderer, W3CRenderer]
    parser_classes = [JSONBodyParser, W3CParser]
    throttle_classes = [WriteRateThrottle]
    permission_classes = [IsAuthenticatedOrReadOnly]


class JSONAPIView(AnnotationAPIView):
    renderer_classes = [ORJSONRenderer]
    parser_classes = [JSONBodyParser]


# --- annotations of an article ----------------------------------------------------------------


def _filter_parameters() -> list[OpenApiParameter]:
    """The django-filter filters of AnnotationFilter as OpenAPI query parameters."""
    import django_filters

    kinds = {
        django_filters.NumberFilter: OpenApiTypes.INT,
        django_filters.BooleanFilter: OpenApiTypes.BOOL,
        django_filters.IsoDateTimeFilter: OpenApiTypes.DATETIME,
    }
    parameters = []
    for name, declared in AnnotationFilter.base_filters.items():
        kind = next((t for cls, t in kinds.items() if isinstance(declared, cls)), OpenApiTypes.STR)
        choices = [value for value, _ in declared.extra.get("choices", [])] or None
        many = isinstance(declared, django_filters.MultipleChoiceFilter)
        parameters.append(
            OpenApiParameter(
                name, kind, description=str(declared.extra.get("help_text") or name.replace("_", " ")),
                enum=choices, many=many or None,
            )  # fmt: skip
        )
    return parameters


LIST_PARAMETERS = [
    *_filter_parameters(),
    OpenApiParameter("page", int, description="Page number (1-based)."),
    OpenApiParameter("page_size", int, description="Annotations per page (default 100, at most 1000)."),
    OpenApiParameter(
        "Prefer",
        str,
        OpenApiParameter.HEADER,
        description=(
            "W3C form only: return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\" "
            "(items as IRIs) or \"http://www.w3.org/ns/ldp#PreferMinimalContainer\" (no embedded page)."
        ),
    ),
]


class ArticleAnnotationsView(AnnotationAPIView):
    """``/api/articles/{id}/annotations/``: the article's annotation container."""

    def finalize_response(self, request, response, *args, **kwargs):
        # Web Annotation Protocol §4 (Container Retrieval) and §4.1: the container's type and
        # constraints in Link, and the formats it accepts in Accept-Post, on every response of the
        # container, OPTIONS and errors included (a client may probe it with OPTIONS or HEAD).
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = CONTAINER_LINK
        response["Accept-Post"] = ACCEPT_POST
        return response

    def _filtered(self, request, article_id: int):
        """The visible annotations of the article, filtered; None when no filter applies (fast path)."""
        params = request.query_params
        if not any(name in params for name in AnnotationFilter.base_filters):
            return None
        queryset = annotations_visible_to(request.user).filter(article_id=article_id)
        filterset = AnnotationFilter(params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise ValidationError(
                {
                    field: [ValidationError(str(message), code="invalid") for message in messages]
                    for field, messages in filterset.errors.items()
                }
            )
        queryset = filterset.qs
        ordering = list(queryset.query.order_by)
        return queryset.order_by(*(ordering or ["start", "end"]), "id")

    @extend_schema(
        operation_id="article_annotations_list",
        summary="List an article's annotations",
        description="Annotations you can see, in reading order, paginated. " + W3C_NOTE
        + " The W3C form is an AnnotationCollection (LDP BasicContainer) paged through AnnotationPages.",
        parameters=LIST_PARAMETERS,
        responses={200: AnnotationPageDocSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request, article_id: int):
        w3c = _wants_w3c(request)
        number, size = _page_params(request)
        queryset = self._filtered(request, article_id)
        # One query: the page and, beside every row, the total (COUNT(*) OVER ()).
        offset = (number - 1) * size
        if queryset is None:
            rows = annotation_page(user=request.user, article_id=article_id, w3c=w3c, offset=offset, limit=size)
        else:
            rows = list(annotation_rows(queryset, request.user, w3c=w3c, with_total=True)[offset : offset + size])
        if rows:
            total = rows[0]["total"]
        elif number == 1:
            if not Article.objects.filter(pk=article_id).exists():
                raise HTTPNotFound(f"Article {article_id} does not exist.")
            total = 0
        else:
            raise HTTPNotFound(f"Page {number} is past the last page.", code="invalid_page")
        page = _Page(number=number, size=size, total=total)
        if not w3c:
            _, page_link = _page_links(request)
            data = {
                "count": total,
                "next": page_link(number + 1) if page.has_next else None,
                "previous": page_link(number - 1) if number > 1 else None,
                "results": [annotation_dict(row) for row in rows],
            }
            return _json_response(request, data, headers={"Link": CONTAINER_LINK, "Accept-Post": ACCEPT_POST})
        return self._w3c_container(request, article_id, page, rows)

    def _w3c_container(self, request, article_id, page: "_Page", rows: list[dict]):
        urls = _urls(request)
        container_id, page_id = _page_links(request)
        prefer = request.headers.get("Prefer", "")
        as_iris = PREFER_IRIS in prefer
        minimal = PREFER_MINIMAL in prefer
        # One pass over the page with datetimes left for orjson to write (see annotations_to_w3c).
        items = [urls.annotation(row["id"]) for row in rows] if as_iris else annotations_to_w3c(rows, urls)
        total, number = page.total, page.number
        start_index = (number - 1) * page.size
        next_id = page_id(number + 1) if page.has_next else None
        prev_id = page_id(number - 1) if number > 1 else None
        headers = {"Link": CONTAINER_LINK, "Accept-Post": ACCEPT_POST, "Vary": "Accept, Prefer"}
        if prefer:
            headers["Preference-Applied"] = "return=representation"
        if "page" in request.query_params:
            data = w3c_page(
                page_id=page_id(number), items=items, start_index=start_index, container_id=container_id,
                total=total, next_id=next_id, prev_id=prev_id,
            )  # fmt: skip
        else:
            last = page_id(page.last) if total else None
            first = None
            if total:
                first = page_id(1) if minimal else w3c_page(
                    page_id=page_id(1), items=items, start_index=0, next_id=next_id, context=False
                )  # fmt: skip
            data = collection(
                container_id=container_id, total=total, first=first, last=last,
                label=f"Annotations of article {article_id}",
            )  # fmt: skip
        return _json_response(request, data, content_type=MEDIA_TYPE, headers=headers)

    @extend_schema(
        operation_id="article_annotations_create",
        summary="Annotate an article",
        description=(
            "Create an entity or a quote on the article's current revision. Give start/end (code points) and/or "
            "exact (+prefix/suffix): when exact is not the text at start/end, the server finds it (as written, then "
            "ignoring diacritics, tatweel and letter variants) and answers with the corrected offsets (see "
            "`anchor`), or 400. A W3C Web Annotation (application/ld+json) is accepted too. " + W3C_NOTE
        ),
        request=AnnotationInputSerializer,
        responses={
            201: CreatedAnnotationDocSerializer,
            **ERRORS,
            409: OpenApiResponse(ConflictErrorSerializer, description="You already marked this span this way."),
            413: OpenApiResponse(ErrorSerializer, description="Body too large."),
        },
        examples=[
            OpenApiExample(
                "entity",
                value={"kind": "entity", "start": 233, "end": 238, "exact": "بايدن", "label": "PER"},
                request_only=True,
            ),
            OpenApiExample(
                "quote",
                value={"kind": "quote", "exact": "لن نكون مع نهاية العام في مهمّة قتاليّة", "quote_type": "direct", "speaker": 12},
                request_only=True,
            ),
        ],
    )
    def post(self, request, article_id: int):
        data = request.data
        posted_w3c = _posted_w3c(request, data)
        fields = _w3c_input(data, article_id=article_id) if posted_w3c else _input(data, partial=False)
        fields.setdefault("kind", "")  # left out: the service's "kind must be entity or quote" (400), not a crash
        annotation = services.annotation_create(user=request.user, article=article_id, **fields)
        w3c = _wants_w3c(request) or (posted_w3c and "application/json" not in request.headers.get("Accept", ""))
        row = new_annotation_row(annotation, request.user)
        anchor = annotation.anchor
        extra = {
            "anchor": {
                "method": anchor.method,
                "requested_start": fields.get("start"),
                "requested_end": fields.get("end"),
            }
        }
        location = request.build_absolute_uri(f"/api/annotations/{annotation.pk}/")
        return _annotation_response(
            request, row, status_code=201, w3c=w3c, extra=extra, headers={"Location": location}
        )


class ArticleAnnotationsBulkView(JSONAPIView):
    parser_classes = [JSONBodyParser, W3CParser]

    def throttle_cost(self, request) -> int:
        """A bulk request uses the write budget by its size: one write per ``API_BULK_ITEMS_PER_WRITE`` items."""
        data = request.data
        items = data.get("items") if isinstance(data, dict) else data
        size = len(items) if isinstance(items, list) else 1
        return max(1, math.ceil(size / settings.API_BULK_ITEMS_PER_WRITE))

    @extend_schema(
        operation_id="article_annotations_bulk_create",
        summary="Create many annotations at once (all or nothing)",
        description=(
            "Body: {\"items\": [...]} (or a bare list) of annotations as for a single POST, or W3C Web Annotations. "
            "A quote may name a speaker created in the same request with speaker_index (its position in items). "
            "If any item is invalid nothing is saved and every error carries its item's index."
        ),
        request=BulkInputSerializer,
        responses={201: BulkOutputSerializer, 400: ERRORS[400], 404: ERRORS[404], 409: ConflictErrorSerializer},
    )
    def post(self, request, article_id: int):
        data = request.data
        items = data.get("items") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ValidationError({"items": ValidationError("Send {\"items\": [...]}: a list of annotations.", code="required")})
        converted, problems = [], []
        checker = AnnotationInputSerializer(partial=False)
        for index, item in enumerate(items):
            try:
                if isinstance(item, dict) and ("@context" in item or item.get("type") == "Annotation"):
                    converted.append(_w3c_input(item, article_id=article_id))
                elif isinstance(item, dict):
                    speaker_index = item.get("speaker_index")
                    fields = _input({k: v for k, v in item.items() if k != "speaker_index"}, partial=False, checker=checker)
                    if speaker_index is not None:
                        fields["speaker_index"] = speaker_index
                    converted.append(fields)
                else:
                    converted.append(item)  # the service reports it with its index
            except ValidationError as exc:
                problems.extend(django_validation_items(exc, index=index))
            except APIException as exc:
                problems.extend({**e, "index": index} for e in flatten(exc.detail))
        if problems:
            return error_response(problems, status.HTTP_400_BAD_REQUEST)
        created = services.annotations_bulk_create(user=request.user, article=article_id, items=converted)
        ids = [a.pk for a in created]
        rows = {row["id"]: row for row in annotation_rows(Annotation.objects.filter(pk__in=ids), request.user)}
        return Response({"created": [annotation_dict(rows[pk]) for pk in ids]}, status=status.HTTP_201_CREATED)


# --- one annotation ---------------------------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True,
    description='The ETag of the version you changed, e.g. "12-3"; * to overwrite any version.',
)  # fmt: skip
CHANGE_RESPONSES = {
    200: AnnotationDocSerializer,
    **ERRORS,
    409: OpenApiResponse(ConflictErrorSerializer, description="The change would duplicate another of your annotations."),
    412: OpenApiResponse(PreconditionErrorSerializer, description="Changed since your version; `current` is the annotation now."),
    428: OpenApiResponse(ErrorSerializer, description="If-Match is missing."),
}


class AnnotationDetailView(AnnotationAPIView):
    """``/api/annotations/{id}/``"""

    # The services decide: an annotation the caller cannot see is 404 even for
    # a signed-out PATCH (its existence is not revealed), a visible one is 403.
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="annotation_retrieve",
        summary="One annotation",
        description="Answers 304 to a matching If-None-Match. " + W3C_NOTE,
        responses={200: AnnotationDocSerializer, 304: OpenApiResponse(description="Not modified."), 404: ERRORS[404]},
    )
    def get(self, request, pk: int):
        row = _row(request, pk)
        if row is None:
            raise HTTPNotFound(f"Annotation {pk} does not exist.")
        if _etag(row) in [t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")]:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = _etag(row)
            return response
        return _annotation_response(request, row)

    def _change(self, request, pk: int, *, partial: bool):
        expected = _if_match(request, pk)
        data = request.data
        if _posted_w3c(request, data):
            changes = _w3c_input(data, article_id=None)
            changes.pop("revision", None)
        else:
            changes = _input(data, partial=partial)
            changes.pop("revision", None)
        if not partial:
            changes = PUT_DEFAULTS | changes
        try:
            services.annotation_update(user=request.user, annotation_id=pk, expected_version=expected, **changes)
        except PreconditionFailed as exc:
            return _precondition_failed(request, exc, pk)
        except Forbidden as exc:
            _sign_in_first(request, exc)
        row = _row(request, pk)
        if row is None:  # the change took it out of the caller's sight (e.g. into a group they left)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _annotation_response(request, row)

    @extend_schema(
        operation_id="annotation_update",
        summary="Replace an annotation's fields",
        description="Fields left out are reset to their defaults. Needs If-Match. " + W3C_NOTE,
        parameters=[IF_MATCH],
        request=AnnotationInputSerializer,
        responses=CHANGE_RESPONSES,
    )
    def put(self, request, pk: int):
        return self._change(request, pk, partial=False)

    @extend_schema(
        operation_id="annotation_partial_update",
        summary="Change some of an annotation's fields",
        description=(
            "Span changes are anchored in the article's current revision (which also re-attaches an orphaned "
            "annotation). Needs If-Match. " + W3C_NOTE
        ),
        parameters=[IF_MATCH],
        request=AnnotationInputSerializer,
        responses=CHANGE_RESPONSES,
    )
    def patch(self, request, pk: int):
        return self._change(request, pk, partial=True)

    @extend_schema(
        operation_id="annotation_destroy",
        summary="Delete an annotation and its replies",
        parameters=[IF_MATCH],
        responses={204: None, **{k: v for k, v in CHANGE_RESPONSES.items() if k not in (200, 409)}},
    )
    def delete(self, request, pk: int):
        expected = _if_match(request, pk)
        try:
            services.annotation_delete(user=request.user, annotation_id=pk, expected_version=expected)
        except PreconditionFailed as exc:
            return _precondition_failed(request, exc, pk)
        except Forbidden as exc:
            _sign_in_first(request, exc)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationModerationView(JSONAPIView):
    @extend_schema(
        operation_id="annotation_moderate",
        summary="Hide or restore an annotation (group moderators and staff)",
        request=ModerationSerializer,
        responses={200: AnnotationDocSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.annotation_set_hidden(user=request.user, annotation_id=pk, hidden=serializer.validated_data["hidden"])
        return _annotation_response(request, _row(request, pk, w3c=False), w3c=False)


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


# --- groups ------------------------------------------------------------------------------------------------


def _roles(user) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("group_id", "role"))


class GroupListView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_list", summary="Your groups (staff: all)", responses={200: GroupSerializer(many=True)})
    def get(self, request):
        groups = groups_visible_to(request.user).order_by("name")
        return Response(GroupSerializer(groups, many=True, context={"roles": _roles(request.user)}).data)

    @extend_schema(
        operation_id="groups_create",
        summary="Create a group (you become its owner)",
        request=GroupSerializer,
        responses={201: GroupSerializer, 400: ERRORS[400], 409: ConflictErrorSerializer},
    )
    def post(self, request):
        serializer = GroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = services.group_create(user=request.user, **serializer.validated_data)
        return Response(GroupSerializer(group, context={"roles": _roles(request.user)}).data, status=status.HTTP_201_CREATED)


class GroupDetailView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    def _group(self, request, pk):
        group = groups_visible_to(request.user).filter(pk=pk).first()
        if group is None:
            raise HTTPNotFound(f"Group {pk} does not exist.")
        return group

    @extend_schema(operation_id="group_retrieve", responses={200: GroupSerializer, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(GroupSerializer(self._group(request, pk), context={"roles": _roles(request.user)}).data)

    @extend_schema(operation_id="group_partial_update", request=GroupSerializer, responses={200: GroupSerializer, **ERRORS})
    def patch(self, request, pk: int):
        serializer = GroupSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        group = services.group_update(user=request.user, group_id=pk, name=data.get("name"), description=data.get("description"))
        return Response(GroupSerializer(group, context={"roles": _roles(request.user)}).data)

    @extend_schema(operation_id="group_destroy", responses={204: None, **ERRORS, 409: ConflictErrorSerializer})
    def delete(self, request, pk: int):
        services.group_delete(user=request.user, group_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupMembersView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="group_members_list", responses={200: MembershipSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk: int):
        if not groups_visible_to(request.user).filter(pk=pk).exists():
            raise HTTPNotFound(f"Group {pk} does not exist.")
        members = Membership.objects.filter(group_id=pk).select_related("user").order_by("user__username")
        return Response(MembershipSerializer(members, many=True).data)

    @extend_schema(
        operation_id="group_members_create",
        summary="Add a member (owners: any role; moderators: members)",
        request=MembershipInputSerializer,
        responses={201: MembershipSerializer, **ERRORS, 409: ConflictErrorSerializer},
    )
    def post(self, request, pk: int):
        serializer = MembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_add(
            user=request.user, group_id=pk, member=serializer.validated_data["user"], role=serializer.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class GroupMemberDetailView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="group_member_partial_update",
        summary="Change a member's role (owners)",
        request=RoleSerializer,
        responses={200: MembershipSerializer, **ERRORS, 409: ConflictErrorSerializer},
    )
    def patch(self, request, pk: int, user_id: int):
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_update(
            user=request.user, group_id=pk, member_id=user_id, role=serializer.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        operation_id="group_member_destroy",
        summary="Remove a member (owners, moderators for members, or yourself to leave)",
        responses={204: None, **ERRORS, 409: ConflictErrorSerializer},
    )
    def delete(self, request, pk: int, user_id: int):
        services.membership_remove(user=request.user, group_id=pk, member_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
    """One revision's text (W3C annotations name it in target.state.cached)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [ORJSONRenderer]
    queryset = ArticleRevision.objects.all()
    serializer_class = RevisionSerializer

    @extend_schema(parameters=[OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)])
    def retrieve(self, request, pk=None):
        return Response(RevisionSerializer(self.get_object()).data)
