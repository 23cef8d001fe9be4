"""The search results page. Thin: rules in :mod:`search.forms`, queries in :mod:`search.selectors`."""

from django.shortcuts import render

from newsreader.models import Source
from search.query import MAX_QUERY_LENGTH
from search.forms import SearchForm
from search.selectors import RANK_WINDOW, article_search


def results(request):
    form = SearchForm(request.GET if request.GET else None)
    context = {
        "form": form,
        "sources": Source.objects.all(),
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
