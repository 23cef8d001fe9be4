"""URLs of tests/ops/test_outage.py: views that lose the database."""

from django.db import OperationalError
from django.urls import path


def lost(request):
    raise OperationalError("terminating connection due to administrator command")


urlpatterns = [path("api/lost/", lost), path("lost/", lost)]
handler500 = "ops.views.server_error"
