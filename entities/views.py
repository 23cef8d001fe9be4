"""The entity, speaker and quote pages. Thin: parameters in :mod:`entities.forms`; queries in :mod:`entities.entity_page`,
:mod:`entities.lists` and :mod:`entities.quote_selectors` (all built on :mod:`entities.selectors`)."""

from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from entities import entity_page, exports, lists, quote_selectors, selectors
from entities.forms import EntityListForm, QuoteSearchForm, SpeakerListForm, SpeakerQuotesForm
from newsreader.textsearch.query import MAX_QUERY_LENGTH
from newsreader.ids import parse_page


def _entity_or_404(pk: int, url_name: str):
    """The entity, or a redirect to the one it was merged into, or 404."""
    entity, merged_into = selectors.entity_or_redirect(pk)
    if entity is None:
        if merged_into is not None:
            return None, redirect(reverse(url_name, args=[merged_into]), permanent=True)
        raise Http404("No such entity.")
    return entity, None


def _query_string(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@require_safe
def entity_list(request):
    form = EntityListForm(request.GET or None)
    listing = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        listing = lists.entity_list(
            request.user, label=data.get("label", ""), query=data.get("q", ""), sort=data.get("sort") or lists.FREQUENCY,
            page=form.page_value if form.is_bound else 1,
        )  # fmt: skip
    return render(
        request,
        "entities/entity_list.html",
        {"form": form, "listing": listing, "labels": selectors.label_infos(), "max_query_length": MAX_QUERY_LENGTH},
    )


@require_safe
def entity_detail(request, pk: int):
    entity, moved = _entity_or_404(pk, "entities:entity")
    if moved:
        return moved
    page_number = request.GET.get("page", "1")
    page_number = parse_page(page_number)
    page = entity_page.entity_page(request.user, entity, page=page_number)
    if page is None:
        raise Http404("No such entity.")
    return render(
        request, "entities/entity_detail.html", {"page": page, "entity": entity, "labels": selectors.label_infos()}
    )


@require_safe
def entity_lookup(request):
    """``/entities/lookup/?label=PER&name=…``: the page of the entity a marked name belongs to."""
    name = request.GET.get("name", "")[:MAX_QUERY_LENGTH]
    entity = entity_page.entity_lookup(request.user, name=name, label=request.GET.get("label", "")[:16])
    if entity is None:
        raise Http404("No entity has this name.")
    return redirect(entity.get_absolute_url())


@require_safe
def speaker_list(request):
    form = SpeakerListForm(request.GET or None)
    listing = None
    if not form.is_bound or form.is_valid():
        query = form.cleaned_data.get("q", "") if form.is_bound else ""
        listing = lists.entity_list(
            request.user, query=query, speakers=True, page=form.page_value if form.is_bound else 1
        )
    return render(
        request,
        "entities/speaker_list.html",
        {"form": form, "listing": listing, "labels": selectors.label_infos(), "max_query_length": MAX_QUERY_LENGTH},
    )


@require_safe
def speaker_detail(request, pk: int):
    entity, moved = _entity_or_404(pk, "entities:speaker")
    if moved:
        return moved
    form = SpeakerQuotesForm(request.GET or None)
    summary = entity_page.entity_summary(request.user, entity)
    if not summary.quotes:
        raise Http404("Nothing said by this entity is visible.")
    results = None
    if not form.is_bound or form.is_valid():
        quote_filter = form.quote_filter((entity.pk,)) if form.is_bound else quote_selectors.QuoteFilter(entity_ids=(entity.pk,))
        results = quote_selectors.quote_search(
            request.user,
            quote_filter,
            page=form.page_value if form.is_bound else 1,
            total=None if quote_filter.narrowed else summary.quotes,  # all its quotes: counted already
        )
    names = [] if summary.variants else entity_page.speaker_names(request.user, entity.pk)
    return render(
        request,
        "entities/speaker_detail.html",
        {
            "entity": entity,
            "name": entity_page.display_name(entity, summary, names),
            "label": selectors.label_infos().get(entity.label),
            "summary": summary,
            "form": form,
            "results": results,
            "csv_query": _query_string(request, page=None),
            "max_query_length": MAX_QUERY_LENGTH,
        },
    )


@require_safe
def speaker_quotes_csv(request, pk: int):
    entity, moved = _entity_or_404(pk, "entities:speaker-csv")
    if moved:
        return moved
    form = SpeakerQuotesForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404("Bad parameters.")
    quote_filter = form.quote_filter((entity.pk,)) if form.is_bound else quote_selectors.QuoteFilter(entity_ids=(entity.pk,))
    if not entity_page.entity_summary(request.user, entity).quotes:
        raise Http404("Nothing said by this entity is visible.")
    return csv_response(request, entity, quote_filter)


def csv_response(request, entity, quote_filter) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.quotes_csv(request.user, quote_filter, article_url=request.build_absolute_uri),
        content_type=exports.MEDIA_TYPE,
    )
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(entity))
    return response


@require_safe
def quote_search(request):
    form = QuoteSearchForm(request.GET or None)
    results, speakers, speaker_text = None, None, ""
    if not form.is_bound or form.is_valid():
        speaker_text = form.cleaned_data.get("speaker", "") if form.is_bound else ""
        speakers, entity_ids = quote_selectors.speaker_choice(request.user, speaker_text)
        quote_filter = form.quote_filter(entity_ids) if form.is_bound else quote_selectors.QuoteFilter()
        results = quote_selectors.quote_search(request.user, quote_filter, page=form.page_value if form.is_bound else 1)
    return render(
        request,
        "entities/quote_search.html",
        {
            "form": form,
            "results": results,
            "speakers": speakers,
            "speaker_text": speaker_text,
            "max_query_length": MAX_QUERY_LENGTH,
            "searching": bool(form.is_bound and (form.data.get("q") or form.data.get("speaker"))),
        },
    )
