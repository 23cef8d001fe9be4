"""HTTP views of the annotation API: thin wrappers over selectors and services.

Annotations are served from plain rows (``annotation_rows``) and rendered
with orjson; the W3C form is chosen by content negotiation
(``Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"``).
Every annotation response carries ``ETag: "<id>-<version>"``; PUT, PATCH and
DELETE need ``If-Match`` with it (``*`` overwrites whatever is stored): a
missing header is 428, a stale one 412 with the current annotation.
"""

from __future__ import annotations

import math
from operator import itemgetter
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.db.models.functions import Greatest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import NotFound as HTTPNotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from annotations import services
from annotations.api.base import (
    ACCEPT_POST,
    CHANGE_RESPONSES,
    W3C_CHANGE_RESPONSES,
    CONTAINER_LINK,
    RESOURCE_LINK,
    ERRORS,
    IF_MATCH,
    W3C_NOTE,
    AnnotationAPIView,
    JSONAPIView,
    _annotation_response,
    _etag,
    _if_match,
    _input,
    _json_response,
    _Page,
    _page_links,
    _page_params,
    _posted_w3c,
    _precondition_failed,
    _row,
    _sign_in_first,
    _no_preference,
    _urls,
    _w3c_input,
    _w3c_links,
    _weak_etag,
    _wants_w3c,
    w3c_responses,
)
from annotations.api.w3c_schema import W3C_CONTAINER, response_header
from annotations.api.exceptions import django_validation_items, error_response, flatten
from annotations.api.filters import AnnotationFilter
from annotations.api.pagination import PastLastPage, last_page
from annotations.api.parsers import JSONBodyParser, W3CParser
from annotations.api.renderers import W3CRenderer
from annotations.api.serializers import (
    PUT_DEFAULTS,
    AnnotationDocSerializer,
    AnnotationInputSerializer,
    AnnotationPageDocSerializer,
    BulkInputSerializer,
    BulkOutputSerializer,
    ConflictErrorSerializer,
    CreatedAnnotationDocSerializer,
    ErrorSerializer,
    ModerationSerializer,
    annotation_dict,
    annotation_dicts,
)
from annotations.errors import Forbidden, PreconditionFailed
from annotations.models import Annotation
from annotations.selectors import (
    annotation_page_values,
    annotation_rows,
    annotations_visible_to,
    new_annotation_row,
)
from annotations.w3c import (
    MEDIA_TYPE,
    PREFER_DESCRIPTIONS,
    PREFER_IRIS,
    PREFER_MINIMAL,
    annotations_to_w3c,
    collection,
)
from annotations.w3c import (
    page as w3c_page,
)
from newsreader.models import Article

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
        "iris", int, enum=[0, 1],
        description=(
            "W3C form only: 1 = pages list annotation IRIs, 0 = full descriptions (the default). The container's "
            "IRI for a Prefer header carries it, and its pages follow it (Web Annotation Protocol §4.2, §4.3)."
        ),
    ),  # fmt: skip
    OpenApiParameter(
        "Prefer",
        str,
        OpenApiParameter.HEADER,
        description=(
            "W3C form only: return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\" "
            "(items as IRIs), \"http://www.w3.org/ns/oa#PreferContainedDescriptions\" (full annotations) and/or "
            "\"http://www.w3.org/ns/ldp#PreferMinimalContainer\" (no embedded page)."
        ),
    ),
]


_LINK = "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\" and the constrainedBy link (Web Annotation Protocol §4.1)."
CONTAINER_GET_HEADERS = [
    response_header("Link", _LINK, [200]),
    response_header("Accept-Post", "The media types a POST takes (§4.1).", [200]),
    response_header("ETag", "A weak validator of the body (§4.1).", [200, 304]),
    response_header("Vary", "Accept, Prefer.", [200]),
    response_header("Content-Location", "W3C form, without page: the container's IRI for the preference (§4.2).", [200]),
]
CREATED_HEADERS = [
    response_header("Location", "The new annotation's IRI: the container's plus its id (§5.1).", [201]),
    response_header("Content-Location", "The same IRI: the body is that annotation.", [201]),
    response_header("ETag", '"<id>-<version>": send it in If-Match to change the annotation.', [201]),
]
ANNOTATION_HEADERS = [
    response_header("ETag", '"<id>-<version>" (§3).', [200, 304]),
    response_header("Link", "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\" (§3).", [200]),
]


class ArticleAnnotationsView(AnnotationAPIView):
    """``/api/articles/{id}/annotations/``: the article's annotation container."""

    # Accept header -> (renderer class, media type) as negotiated before, for requests without ?format=
    # (the answer depends on nothing else): parsing Accept against three renderers on every request cost
    # more than building the page's links. Bounded: headers past the first few hundred are not kept.
    _negotiated: ClassVar[dict[tuple[type, bool, str], tuple[type, str]]] = {}
    _NEGOTIATED_MAX = 256

    def perform_content_negotiation(self, request, force=False):
        if "format" in request.query_params or getattr(self, "format_kwarg", None) is not None:
            return self._negotiate(request, force)
        key = (type(self), request.method in ("GET", "HEAD"), request.META.get("HTTP_ACCEPT", ""))
        known = self._negotiated.get(key)
        if known is None:
            renderer, media_type = self._negotiate(request, force)
            # (force: DRF's fall-back to the first renderer after a 406, not an answer to keep.)
            if not force and len(self._negotiated) < self._NEGOTIATED_MAX:
                self._negotiated[key] = (type(renderer), media_type)
            return renderer, media_type
        return known[0](), known[1]

    def _negotiate(self, request, force):
        # Web Annotation Protocol §4.1: a container GET without Accept MUST get JSON-LD; so does one
        # that takes anything (*/*). Plain JSON needs Accept: application/json (the web app sends it).
        # (?format=json still picks plain JSON: the page preloads the list with it, and a preload sends */*.)
        if request.method in ("GET", "HEAD") and "format" not in request.query_params and _no_preference(request):
            renderer = W3CRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        # Web Annotation Protocol §4.1 (Container Retrieval): the container's type and
        # constraints in Link, and the formats it accepts in Accept-Post, on every response of the
        # container, OPTIONS and errors included (a client may probe it with OPTIONS or HEAD).
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Link"] = CONTAINER_LINK
        response["Accept-Post"] = ACCEPT_POST
        if not response.has_header("ETag") and response.status_code != 304:
            # §4.1: "All HTTP responses from Annotation Containers MUST include an ETag header" (OPTIONS and
            # errors too): a weak tag of the body, rendered here once (Django does not render it again).
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            response["ETag"] = _weak_etag(response.content)
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
        parameters=[*LIST_PARAMETERS, *CONTAINER_GET_HEADERS],
        responses={
            **w3c_responses(200, AnnotationPageDocSerializer, w3c=W3C_CONTAINER),
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
            400: ERRORS[400],
            404: ERRORS[404],
        },
    )
    def get(self, request, article_id: int):
        w3c = _wants_w3c(request)
        number, size = _page_params(request)
        queryset = self._filtered(request, article_id)
        # One query: the page and, beside every row, the total (COUNT(*) OVER ()).
        offset = (number - 1) * size
        names = None  # rows are dicts (the ORM path) unless the fast path gives tuples with these columns
        if queryset is not None:
            rows = list(annotation_rows(queryset, request.user, w3c=w3c, with_total=True)[offset : offset + size])
        else:
            names, rows = annotation_page_values(user=request.user, article_id=article_id, w3c=w3c, offset=offset, limit=size)
        if rows:
            total = rows[0]["total"] if names is None else rows[0][names.index("total")]
        else:
            # Past the end, or an empty list: the total (one more query, only on this path) says which.
            if number == 1:
                total = 0
            elif queryset is not None:
                total = queryset.count()
            else:
                first = annotation_page_values(user=request.user, article_id=article_id, w3c=w3c, offset=0, limit=1)[1]
                total = first[0][names.index("total")] if first else 0
            if total == 0 and not Article.objects.filter(pk=article_id).exists():
                raise HTTPNotFound(f"Article {article_id} does not exist.")
            if number > 1:
                raise PastLastPage(raw=request.query_params.get("page", ""), last=last_page(total, size), total=total, size=size)
        page = _Page(number=number, size=size, total=total)
        if not w3c:
            _, page_link = _page_links(request)
            data = {
                "count": total,
                "next": page_link(number + 1) if page.has_next else None,
                "previous": page_link(number - 1) if number > 1 else None,
                # One loop from the rows to the items (annotation_dict's output, no call per row).
                "results": annotation_dicts(rows, names),
            }
            return _json_response(request, data, headers={"Link": CONTAINER_LINK, "Accept-Post": ACCEPT_POST})
        return self._w3c_container(request, article_id, page, rows, names, queryset)

    @staticmethod
    def _as_iris(request, prefer: str) -> bool:
        """Pages of IRIs or of descriptions: the ``iris`` parameter, else the Prefer header (§4.2.1)."""
        raw = request.query_params.get("iris")
        if raw:  # empty is "not given", as for every query parameter (docs/annotations-api.md, Schema)
            if raw not in ("0", "1"):
                raise ValidationError({"iris": ValidationError(f"iris must be 0 or 1; got {raw!r}.", code="invalid")})
            return raw == "1"
        if PREFER_IRIS in prefer and PREFER_DESCRIPTIONS in prefer:
            raise ValidationError(
                {
                    "Prefer": ValidationError(
                        "PreferContainedIRIs and PreferContainedDescriptions exclude each other (Web Annotation "
                        "Protocol §4.2.1): send one.",
                        code="invalid",
                    )
                }
            )
        return PREFER_IRIS in prefer

    def _w3c_container(self, request, article_id, page: "_Page", rows: list, names: tuple[str, ...] | None, queryset):
        """The AnnotationCollection or AnnotationPage of ``rows``: dicts, or tuples whose columns are ``names``."""
        urls = _urls(request)
        prefer = request.headers.get("Prefer", "")
        as_iris = self._as_iris(request, prefer)
        minimal = PREFER_MINIMAL in prefer
        container_id, page_id = _w3c_links(request, iris=as_iris)
        if as_iris:
            prefix = f"{urls.base}/api/articles/{article_id}/annotations/"
            pk = itemgetter("id" if names is None else names.index("id"))
            items = [f"{prefix}{pk(row)}" for row in rows]
        else:
            # One pass over the page with datetimes left for orjson to write (see annotations_to_w3c).
            items = annotations_to_w3c(rows, urls, names)
        total, number = page.total, page.number
        start_index = (number - 1) * page.size
        next_id = page_id(number + 1) if page.has_next else None
        prev_id = page_id(number - 1) if number > 1 else None
        # §4.3: the collection's description SHOULD have total and modified (the latest change of an annotation in it).
        # A page request (?page=N, what clients page through) stays one query: its partOf has modified only
        # when the page holds the whole container; the container itself always has it (one more query).
        if not total:
            modified = None
        elif len(rows) == total:
            times = itemgetter(*(("modified", "created") if names is None else (names.index("modified"), names.index("created"))))
            modified = max(max(times(row)) for row in rows)
        elif "page" in request.query_params:
            modified = None
        else:
            modified = self._modified(request, article_id, queryset)
        headers = {"Link": CONTAINER_LINK, "Accept-Post": ACCEPT_POST, "Vary": "Accept, Prefer"}
        if prefer:
            headers["Preference-Applied"] = "return=representation"
        if "page" in request.query_params:
            data = w3c_page(
                page_id=page_id(number), items=items, start_index=start_index, container_id=container_id,
                total=total, modified=modified, next_id=next_id, prev_id=prev_id,
            )  # fmt: skip
        else:
            # §4.2: the IRI given as the container's id differs by preference; not redirected there, so
            # the response MUST say it in Content-Location.
            headers["Content-Location"] = container_id
            last = page_id(page.last) if total else None
            first = None
            if total:
                first = page_id(1) if minimal else w3c_page(
                    page_id=page_id(1), items=items, start_index=0, next_id=next_id, context=False
                )  # fmt: skip
            data = collection(
                container_id=container_id, total=total, first=first, last=last,
                label=f"Annotations of article {article_id}", modified=modified,
            )  # fmt: skip
        return _json_response(request, data, content_type=MEDIA_TYPE, headers=headers)

    @staticmethod
    def _modified(request, article_id: int, queryset):
        """When an annotation of this container last changed (never earlier than its creation): one query."""
        if queryset is None:
            queryset = annotations_visible_to(request.user).filter(article_id=article_id)
        return queryset.order_by().aggregate(at=Max(Greatest("modified", "created")))["at"]

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
        parameters=CREATED_HEADERS,
        responses={
            **w3c_responses(201, CreatedAnnotationDocSerializer),
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
        # Web Annotation Protocol §5.1: Location is the new IRI, the container's IRI plus the id; the body is
        # that resource's representation, so Content-Location says so too (RFC 9110 §8.7).
        location = request.build_absolute_uri(f"/api/articles/{annotation.article_id}/annotations/{annotation.pk}")
        return _annotation_response(
            request, row, status_code=201, w3c=w3c, extra=extra, headers={"Location": location, "Content-Location": location}
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

class AnnotationDetailView(AnnotationAPIView):
    """``/api/annotations/{id}/``: an annotation (the alias of its IRI ``/api/articles/{article}/annotations/{id}``)."""

    # The services decide: an annotation the caller cannot see is 404 even for
    # a signed-out PATCH (its existence is not revealed), a visible one is 403.
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        article_id = kwargs.get("article_id")
        if request.method == "OPTIONS":
            return  # answered for any id: see options()
        if article_id is not None and not Annotation.objects.filter(pk=kwargs["pk"], article_id=article_id).exists():
            # the words the services use for an annotation the caller may not see: a stranger cannot tell
            # a private annotation from an id that does not exist
            raise HTTPNotFound(f"Annotation {kwargs['pk']} does not exist.")

    @extend_schema(
        operation_id="annotation_retrieve",
        summary="One annotation",
        description="Answers 304 to a matching If-None-Match. " + W3C_NOTE,
        parameters=ANNOTATION_HEADERS,
        responses={
            **w3c_responses(200, AnnotationDocSerializer),
            304: OpenApiResponse(description="Not modified."),
            404: ERRORS[404],
        },
    )
    def get(self, request, pk: int, article_id: int | None = None):
        row = _row(request, pk)
        if row is None:
            raise HTTPNotFound(f"Annotation {pk} does not exist.")
        if _etag(row) in [t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")]:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = _etag(row)
            return response
        return _annotation_response(request, row)

    def options(self, request, pk: int, article_id: int | None = None):
        """Web Annotation Protocol §5: OPTIONS on an annotation's IRI, also as a CORS pre-flight
        (annotations/api/middleware.py): ``Allow`` (from DRF), the ``Link`` type, and an ``ETag``.

        200 for any id, whether or not the annotation exists or the caller may see it: a pre-flight carries
        no credentials, so one for a private annotation (whose real request sends a token) must pass, and an
        answer that differed would tell a stranger that a private annotation exists. The ETag is the
        annotation's own (what If-Match wants) when the caller may see it, else a weak tag of this answer.
        """
        response = super().options(request, pk=pk, article_id=article_id)
        row = _row(request, pk, w3c=False)
        if row is not None and (article_id is None or row["article_id"] == article_id):
            response["ETag"] = _etag(row)
        response["Link"] = RESOURCE_LINK
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "OPTIONS" and not response.has_header("ETag"):
            response.render()
            response["ETag"] = _weak_etag(response.content)
        return response

    def _change(self, request, pk: int, *, partial: bool):
        expected = _if_match(request, pk)
        data = request.data
        posted_w3c = _posted_w3c(request, data)
        if posted_w3c:
            changes = _w3c_input(data, article_id=None)
            changes.pop("revision", None)
            # Kept as they were set at creation (Web Annotation Protocol §5.3); an update's id is this IRI.
            changes.pop("canonical", None)
            changes.pop("via", None)
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
        # As for a POST (§5.1): a Web Annotation sent by a client that takes any format is answered in that form
        # (§5.3 "according to the content-type requested"); plain JSON needs Accept: application/json.
        w3c = _wants_w3c(request) or (posted_w3c and _no_preference(request))
        return _annotation_response(request, row, w3c=w3c)

    @extend_schema(
        operation_id="annotation_update",
        summary="Replace an annotation's fields",
        description="Fields left out are reset to their defaults. Needs If-Match. " + W3C_NOTE,
        parameters=[IF_MATCH],
        request=AnnotationInputSerializer,
        responses=W3C_CHANGE_RESPONSES,
    )
    def put(self, request, pk: int, article_id: int | None = None):
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
        responses=W3C_CHANGE_RESPONSES,
    )
    def patch(self, request, pk: int, article_id: int | None = None):
        return self._change(request, pk, partial=True)

    @extend_schema(
        operation_id="annotation_destroy",
        summary="Delete an annotation and its replies",
        parameters=[IF_MATCH],
        responses={204: None, **{k: v for k, v in CHANGE_RESPONSES.items() if isinstance(k, int) and k != 409}},
    )
    def delete(self, request, pk: int, article_id: int | None = None):
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




@extend_schema_view(
    get=extend_schema(operation_id="article_annotation_retrieve"),
    put=extend_schema(operation_id="article_annotation_update"),
    patch=extend_schema(operation_id="article_annotation_partial_update"),
    delete=extend_schema(operation_id="article_annotation_destroy"),
)
class ContainedAnnotationView(AnnotationDetailView):
    """``/api/articles/{article}/annotations/{id}``: the annotation's IRI in its container (Protocol §5.1)."""

    def perform_content_negotiation(self, request, force=False):
        # The IRI a W3C client finds in the container and in Location: like the container (§4.1), a GET
        # or HEAD without a preference (no Accept, or */*) gets JSON-LD (§3: JSON-LD MUST be supported,
        # and W3C's test of it sends a browser's */*). Plain JSON: Accept: application/json, or the alias.
        if request.method in ("GET", "HEAD") and "format" not in request.query_params and _no_preference(request):
            renderer = W3CRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)
