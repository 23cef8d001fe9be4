"""Root URL configuration: each app owns its own ``urls.py``; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("ops.urls")),  # /healthz, /readyz (answered by ops.middleware.HealthCheckMiddleware)
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("annotations.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),  # sign-up (ALLOW_SIGNUP)
    path("accounts/", include("django.contrib.auth.urls")),
    # Strings of static/js (djangojs domain, LOCALE_PATHS); cached per language (the URL carries it).
    path("jsi18n/", cache_page(3600)(JavaScriptCatalog.as_view(packages=["newsreader"])), name="javascript-catalog"),
    path("live/", include("live.urls")),  # live updates (server-sent events)
    path("", include("search.urls")),  # /search/ and /api/search/
    path("", include("entities.urls")),  # /entities/, /speakers/, /quotes/ and their /api/ endpoints
    path("", include("suggestions.urls")),  # /api/articles/{id}/suggest/, accept/reject, /api/suggesters/, /api/words/
    path("", include("projects.urls")),  # /projects/: queues, progress, agreement, curation
    path("", include("newsreader.reader_urls")),
]
# JSON errors for /api/ URLs that match no route; the HTML pages for everything else.
handler404 = "ops.views.page_not_found"
handler500 = "ops.views.server_error"
