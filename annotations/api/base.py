"""What the annotation API's views share: content negotiation, pages, ETags and If-Match, error
responses, and the base view classes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException, NotAuthenticated
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.authentication import TokenAuthentication
from annotations.api.exceptions import error_response
from annotations.api.pagination import last_page, page_number
from annotations.api.parsers import JSONBodyParser, W3CParser
from annotations.api.permissions import IsAuthenticatedOrReadOnly
from annotations.api.renderers import ORJSONRenderer, TurtleRenderer, W3CRenderer, dumps
from annotations.api.serializers import (
    READ_ONLY_KEYS,
    WRITABLE_KEYS,
    AnnotationDocSerializer,
    AnnotationInputSerializer,
    ConflictErrorSerializer,
    ErrorSerializer,
    PreconditionErrorSerializer,
    annotation_dict,
)
from annotations.api.throttling import WriteRateThrottle
from annotations.errors import Forbidden, PreconditionFailed
from annotations.selectors import (
    annotation_rows,
    annotations_visible_to,
)
from annotations.w3c import (
    MEDIA_TYPE,
    PROTOCOL,
    Urls,
    annotation_to_w3c,
    iri_id,
    w3c_iris,
    w3c_to_input,
)

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
    "Annotation (JSON-LD) instead, with `Accept: text/turtle` the same as RDF in Turtle."
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
        return last_page(self.total, self.size)

    @property
    def has_next(self) -> bool:
        return self.number < self.last


def _page_params(request) -> tuple[int, int]:
    """``page`` (1-based) and ``page_size`` (default 100, at most 1000) from the query string."""
    errors = {}
    values = {}
    for name, default in (("page", 1), ("page_size", PAGE_SIZE)):
        raw = request.query_params.get(name, "")
        if raw == "":
            values[name] = default
        elif (number := page_number(raw)) is not None:
            # (A page number beyond PostgreSQL's bigint OFFSET is simply past the last page: capped, 404.)
            values[name] = number
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
    """A W3C document is wanted: JSON-LD, or Turtle (made from the JSON-LD)."""
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format in ("jsonld", "ttl")


def _wants_turtle(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return renderer is not None and renderer.format == "ttl"


def _no_preference(request) -> bool:
    """No ``Accept`` header, an empty one, or only ``*/*``: the client takes any format."""
    accept = request.META.get("HTTP_ACCEPT", "").strip()
    return not accept or all(part.split(";", 1)[0].strip() in ("*/*", "") for part in accept.split(","))


def _w3c_links(request, *, iris: bool) -> tuple[str, Callable[[int], str]]:
    """The W3C container's IRI for this preference and ``number -> page IRI`` (Protocol §4.2).

    The IRI says whether pages hold IRIs or descriptions (``iris=1`` / ``iris=0``), so the pages
    follow the preference the container was asked with, without a Prefer header of their own (§4.3).
    """
    params = [(k, v) for k, values in request.query_params.lists() for v in values if k not in ("page", "iris")]
    params.append(("iris", "1" if iris else "0"))
    container_id = f"{request.build_absolute_uri(request.path)}?{urlencode(params)}"
    return container_id, lambda number: f"{container_id}&page={number}"


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
    # Rendered here, as _json_response does, into a plain HttpResponse: a DRF Response would be rendered
    # by the negotiated renderer to the same bytes, after a template-response round (0.2 ms of a create).
    if w3c and _wants_turtle(request):
        body, content_type = TurtleRenderer().render(annotation_to_w3c(row, _urls(request))), "text/turtle; charset=utf-8"
    elif w3c:
        body, content_type = dumps(annotation_to_w3c(row, _urls(request))), MEDIA_TYPE
    else:
        body, content_type = dumps(annotation_dict(row) | (extra or {})), "application/json"
    response = HttpResponse(body, status=status_code, content_type=content_type, headers=headers)
    response["ETag"] = _etag(row)
    response["Link"] = RESOURCE_LINK
    return response


# What AnnotationInputSerializer accepts unchanged (and so returns as given), field by field: whole
# numbers (or null), label ids or codes, and strings it neither trims nor refuses (blank where not
# allowed, too long, NUL or surrogate characters). Anything else goes through the serializer, which
# converts it or says what is wrong. tests/annotations/api/test_input.py holds the two equal.
_INT_KEYS = frozenset({"start", "end", "revision", "speaker", "cue_start", "cue_end", "group"})
# name -> (trimmed, blank allowed, max length)
_STR_KEYS = {
    "kind": (True, False, None), "status": (True, False, None), "visibility": (True, False, None),
    "quote_type": (True, True, None), "speaker_name": (True, True, 1000), "suggester": (True, True, 1000),
    "exact": (False, True, None), "prefix": (False, True, 1000), "suffix": (False, True, 1000),
    "note": (False, True, 100_000),
}  # fmt: skip
_REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def _plainly_valid(values: dict) -> bool:
    """True when the serializer would return ``values`` as they are (so it need not run)."""
    for key, value in values.items():
        kind = type(value)
        if key in _INT_KEYS or key == "label":
            if value is not None and kind is not int and not (kind is str and key == "label"):
                return False
        elif key in _STR_KEYS:
            trimmed, blank, limit = _STR_KEYS[key]
            if kind is not str or (trimmed and value != value.strip()) or (not blank and not value):
                return False
            if (limit is not None and len(value) > limit) or _REFUSED_CHARACTERS.search(value):
                return False
        else:  # confidence (float conversion) and anything new: the serializer decides
            return False
    return True


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
    if _plainly_valid(values):
        # The usual request: the serializer would return it unchanged. Building one deep-copies its
        # 19 fields (a third of a create's CPU in DRF, most of a bulk request's validation).
        return values
    if checker is not None:
        return dict(checker.run_validation(values))  # raises ValidationError with the same detail as is_valid
    serializer = AnnotationInputSerializer(data=values, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _w3c_input(data, *, article_id: int | None) -> dict:
    """Keyword arguments for the services from a Web Annotation, with ``canonical`` and ``via`` (§5.1)."""
    fields = w3c_to_input(data) | w3c_iris(data)
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
    """Render once, tag with a weak ETag, answer 304 when the client has it already (Turtle when asked for)."""
    if _wants_turtle(request):
        body, content_type = TurtleRenderer().render(data), "text/turtle; charset=utf-8"
    else:
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


# Parsers, authenticators, permissions and the negotiator keep no state between requests: made once per
# process for each list of classes instead of once per request (DRF's default). Throttles keep the
# request's history, renderers are the negotiation's answer: those stay per request.
_shared_parts: dict[tuple, list] = {}
_default_headers: dict[tuple, dict] = {}


def _shared(classes) -> list:
    key = tuple(classes)
    parts = _shared_parts.get(key)
    if parts is None:
        parts = _shared_parts[key] = [part() for part in key]
    return parts


class AnnotationAPIView(APIView):
    # Token first: a request without credentials gets 401 with WWW-Authenticate: Token.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [ORJSONRenderer, W3CRenderer, TurtleRenderer]
    parser_classes = [JSONBodyParser, W3CParser]
    throttle_classes = [WriteRateThrottle]
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_parsers(self):
        return _shared(self.parser_classes)

    def get_authenticators(self):
        return _shared(self.authentication_classes)

    def get_permissions(self):
        return _shared(self.permission_classes)

    def get_throttles(self):
        # WriteRateThrottle lets every read through: not even made for one (making it parses the rate).
        if self.request.method in SAFE_METHODS:
            return [throttle() for throttle in self.throttle_classes if throttle is not WriteRateThrottle]
        return super().get_throttles()

    def get_content_negotiator(self):
        return _shared((self.content_negotiation_class,))[0]

    @property
    def default_response_headers(self):
        # DRF's (Allow: the methods the class has; Vary: Accept when it has renderers to choose from), worked
        # out once per class and as_view() arguments.
        key = (type(self), tuple(self.http_method_names), len(self.renderer_classes))
        headers = _default_headers.get(key)
        if headers is None:
            headers = _default_headers[key] = super().default_response_headers
        return dict(headers)  # dispatch pops Vary from its copy

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and _wants_turtle(request):
            # Errors are JSON objects ({"errors": [...]}), not RDF: sent as application/json.
            request.accepted_renderer, request.accepted_media_type = ORJSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class JSONAPIView(AnnotationAPIView):
    renderer_classes = [ORJSONRenderer]
    parser_classes = [JSONBodyParser]




IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True,
    description='The ETag of the version you changed, e.g. "12-3"; * to overwrite any version.',
)  # fmt: skip
def w3c_responses(status: int, plain, *, w3c=None) -> dict:
    """``status`` documented per media type: plain JSON, the W3C JSON-LD document and its Turtle."""
    from annotations.api.w3c_schema import JSONLD, TURTLE, TURTLE_TEXT, W3C_ANNOTATION

    return {(status, "application/json"): plain, (status, JSONLD): w3c or W3C_ANNOTATION, (status, TURTLE): TURTLE_TEXT}


CHANGE_RESPONSES = {
    200: AnnotationDocSerializer,
    **ERRORS,
    409: OpenApiResponse(ConflictErrorSerializer, description="The change would duplicate another of your annotations."),
    412: OpenApiResponse(PreconditionErrorSerializer, description="Changed since your version; `current` is the annotation now."),
    428: OpenApiResponse(ErrorSerializer, description="If-Match is missing."),
}


# The same for views that also answer in the W3C forms (a 200 per media type).
W3C_CHANGE_RESPONSES = {**w3c_responses(200, AnnotationDocSerializer), **{k: v for k, v in CHANGE_RESPONSES.items() if k != 200}}
