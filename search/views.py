"""The search results page. Thin: rules in :mod:`search.forms`, queries in :mod:`search.selectors`."""

from django.shortcuts import render

from entities.models import Entity
from entities.selectors import label_infos
from newsreader.models import Source
from newsreader.textsearch.query import MAX_QUERY_LENGTH
from search.forms import SearchForm
from search.selectors import RANK_WINDOW, article_search
from newsreader.ids import parse_id


def _entities(form) -> list:
    wanted = form.data.getlist("entity") if form.is_bound else []
    ids = [pk for pk in map(parse_id, wanted) if pk]
    return list(Entity.objects.filter(pk__in=ids)) if ids else []


def results(request):
    form = SearchForm(request.GET if request.GET else None, user=request.user)
    context = {
        "form": form,
        "sources": Source.objects.all(),
        "labels": label_infos(),
        # The entities the search is narrowed to, by name (none asked: no query).
        "filter_entities": _entities(form),
        "max_query_length": MAX_QUERY_LENGTH,
        "rank_window": RANK_WINDOW,
        "results": None,
    }
    # An invalid form is shown again with its messages (status 200, as Django
    # forms do); the API answers the same mistakes with 400.
    if form.is_bound and form.is_valid() and form.query:
        context["results"] = article_search(
            query=form.query, filters=form.filters, sort=form.sort_value, page=form.page_value
        )
    return render(request, "search/results.html", context)
