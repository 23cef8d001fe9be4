"""CORS for the API: django-cors-headers, except that the Web Annotation container and its annotations answer
their own pre-flights.

Web Annotation Protocol §4.1: the container MUST support OPTIONS to "enable CORS pre-flight requests", and
MUST send its ``Link`` header (type and constraints) and an ``ETag`` on all responses. django-cors-headers
answers every pre-flight (an OPTIONS with ``Access-Control-Request-Method``) itself with an empty 200, so
a browser client on another origin never saw them. Here the container's pre-flights go on to its view
(``ArticleAnnotationsView``: 200 for anyone, with ``Allow``, ``Link``, ``ETag`` and ``Accept-Post``), and
django-cors-headers adds its ``Access-Control-*`` headers to that answer as to any other. The same for an
annotation's IRI (§5; and its alias ``/api/annotations/{id}/``): ``AnnotationDetailView.options`` answers 200
with ``Allow``, the ``Link`` type and an ``ETag``, for any id (a pre-flight has no credentials). Other
pre-flights stay django-cors-headers' own: an endpoint whose OPTIONS needs a sign-in would refuse a
pre-flight, which carries no credentials.
"""

from __future__ import annotations

from corsheaders.middleware import CorsMiddleware
from django.urls import Resolver404, resolve

# The URL names whose views answer their own CORS pre-flights (annotations/api/urls.py).
OWN_PREFLIGHT = {"article-annotations", "article-annotation", "annotation-detail"}


class AnnotationCorsMiddleware(CorsMiddleware):
    def check_preflight(self, request):
        response = super().check_preflight(request)
        if response is not None and _answers_own_preflight(request.path_info):
            return None
        return response


def _answers_own_preflight(path: str) -> bool:
    try:
        return resolve(path).url_name in OWN_PREFLIGHT
    except Resolver404:
        return False
