"""URLs of live updates (mounted at /live/)."""

from django.urls import path

from live import views

app_name = "live"
urlpatterns = [
    path("articles/<int:article_id>/events", views.article_events, name="article-events"),
]
