"""Entity, speaker and quote pages and their API, mounted at the site root.

The page URLs are predictable, for links from anywhere (the annotator's cards
included): ``/entities/<id>/``, ``/speakers/<id>/``, and
``/entities/lookup/?label=PER&name=…`` which redirects to the page of the
entity a marked name belongs to.
"""

from django.urls import path

from entities import api, views

app_name = "entities"
urlpatterns = [
    path("entities/", views.entity_list, name="list"),
    path("entities/lookup/", views.entity_lookup, name="lookup"),
    path("entities/<int:pk>/", views.entity_detail, name="entity"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker"),
    path("speakers/<int:pk>/quotes.csv", views.speaker_quotes_csv, name="speaker-csv"),
    path("quotes/", views.quote_search, name="quotes"),
    path("api/entities/", api.EntityListView.as_view(), name="api-entities"),
    path("api/entities/<int:pk>/", api.EntityDetailView.as_view(), name="api-entity"),
    path("api/entities/<int:pk>/mentions/", api.EntityMentionsView.as_view(), name="api-entity-mentions"),
    path("api/entities/<int:pk>/merge/", api.EntityMergeView.as_view(), name="api-entity-merge"),
    path("api/entities/<int:pk>/split/", api.EntitySplitView.as_view(), name="api-entity-split"),
    path("api/speakers/", api.SpeakerListView.as_view(), name="api-speakers"),
    path("api/speakers/<int:pk>/quotes/", api.SpeakerQuotesView.as_view(), name="api-speaker-quotes"),
    path("api/speakers/<int:pk>/quotes/csv/", api.SpeakerQuotesCSVView.as_view(), name="api-speaker-csv"),
    path("api/quotes/search/", api.QuoteSearchView.as_view(), name="api-quote-search"),
]
