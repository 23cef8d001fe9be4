"""Pages of the API's lists, and the one error for a page that does not exist.

Every paginated list (DRF's lists: articles, labels, label sets, groups; the annotation
container, annotations/api/views.py) answers a page past the end with the same 404::

    {"errors": [{"field": "page", "code": "invalid_page",
                 "message": "Page 99 is past the last page, 3 (250 items, 100 a page)."}],
     "last_page": 3}

and a ``page`` that is not a whole number from 1 with a 400 (field ``page``, code ``invalid``),
instead of DRF's bare "Invalid page." (which says neither which page is the last nor what was wrong).
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, NotFound, ValidationError

# Pages beyond this are past the end of any list (and their OFFSET would overflow a bigint).
MAX_PAGE_NUMBER = 10**9


class PastLastPage(NotFound):
    """404 for a page past the end; the error body also carries ``last_page`` (annotations.api.exceptions)."""

    def __init__(self, *, raw: str | int, last: int, total: int, size: int):
        shown = str(raw).strip().lstrip("0") or "0"
        if len(shown) > 24:  # a page number of a thousand digits need not be echoed whole
            shown = shown[:20] + "…"
        items = "1 item" if total == 1 else f"{total} items"
        message = f"Page {shown} is past the last page, {last} ({items}, {size} a page)."
        super().__init__({"page": [ErrorDetail(message, code="invalid_page")]})
        self.body_extra = {"last_page": last}


def last_page(total: int, size: int) -> int:
    return max(1, -(-total // size))


def page_number(raw: str) -> int | None:
    """A ``page`` value as a number from 1 (capped at :data:`MAX_PAGE_NUMBER`), or None when it is not one."""
    if raw.isascii() and raw.isdigit() and raw.strip("0"):
        # One of over 19 digits is capped before int(), which refuses more than 4,300.
        return MAX_PAGE_NUMBER if len(raw.lstrip("0")) > 19 else min(int(raw), MAX_PAGE_NUMBER)
    return None


def invalid_page_number(raw: str) -> ValidationError:
    return ValidationError({"page": [ErrorDetail(f"page must be a whole number from 1; got {raw!r}.", code="invalid")]})


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's pages (``?page=``, an empty value or ``last`` as DRF reads them) with the API's page errors."""

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        if not size:
            return None
        paginator = self.django_paginator_class(queryset, size)
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            number = paginator.num_pages
        else:
            number = page_number(raw)
            if number is None:
                raise invalid_page_number(raw)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise PastLastPage(raw=raw, last=paginator.num_pages, total=paginator.count, size=size) from None
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        self.request = request
        return list(self.page)
