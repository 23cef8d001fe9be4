"""REST API routes of the annotation app (mounted under /api/)."""

urlpatterns: list = []
