"""Search URLs, mounted at the site root: the results page and the API endpoint."""

from django.urls import path

from search import api, views

app_name = "search"
urlpatterns = [
    path("search/", views.results, name="results"),
    path("api/search/", api.ArticleSearchView.as_view(), name="api"),
]
