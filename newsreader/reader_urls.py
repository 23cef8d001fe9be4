"""URLs of the reading pages (home, article)."""

from django.urls import path

from newsreader import views

app_name = "reader"
urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    # Browsers ask for /favicon.ico where a page names no icon (the API's JSON, files).
    path("favicon.ico", views.favicon, name="favicon"),
]
