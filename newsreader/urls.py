"""Root URL configuration: each app owns its own ``urls.py``; this file only mounts them."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("annotations.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),  # sign-up (ALLOW_SIGNUP)
    path("accounts/", include("django.contrib.auth.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),  # strings of static/js (djangojs)
    path("live/", include("live.urls")),  # live updates (server-sent events)
    path("", include("search.urls")),  # /search/ and /api/search/
    path("", include("newsreader.reader_urls")),
]
