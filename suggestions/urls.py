"""Suggestion endpoints, mounted at the site root (their paths start with ``api/``)."""

from django.urls import path

from suggestions import api

urlpatterns = [
    path("api/articles/<int:article_id>/suggest/", api.ArticleSuggestView.as_view(), name="article-suggest"),
    path(
        "api/articles/<int:article_id>/suggestions/accept-all/",
        api.SuggestionsAcceptAllView.as_view(),
        name="article-suggestions-accept-all",
    ),
    path("api/annotations/<int:pk>/accept/", api.SuggestionAcceptView.as_view(), name="suggestion-accept"),
    path("api/annotations/<int:pk>/reject/", api.SuggestionRejectView.as_view(), name="suggestion-reject"),
    path("api/suggesters/", api.SuggestersView.as_view(), name="suggesters"),
    path("api/words/analyse/", api.WordAnalyseView.as_view(), name="word-analyse"),
]
