"""Reading pages. Thin: queries live in :mod:`newsreader.selectors`."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.utils.translation import gettext as _

from newsreader import selectors

ARTICLES_PER_PAGE = 20


def home(request):
    """Newest articles first, twenty a page, optionally from one source (``?source=<slug>``)."""
    sources = selectors.source_list()
    slug = request.GET.get("source", "")
    current_source = None
    if slug:
        current_source = next((s for s in sources if s.slug == slug), None)
        if current_source is None:
            raise Http404(_("There is no source “%(slug)s”.") % {"slug": slug})
    paginator = Paginator(selectors.article_list(source=current_source), ARTICLES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "newsreader/home.html",
        {"page": page, "sources": sources, "current_source": current_source},
    )


def article_detail(request, pk: int):
    """One article, its body rendered block by block from the current revision."""
    article = selectors.article_for_reading(pk=pk)
    if article is None:
        raise Http404(_("No such article."))
    return render(
        request,
        "newsreader/article.html",
        {
            "article": article,
            "revision": article.current_revision,
            "blocks": selectors.revision_blocks(article.current_revision),
        },
    )


@cache_control(max_age=86400, public=True)
def favicon(request):
    """``/favicon.ico``: the site's icon (an SVG under static/, with its hashed name in production)."""
    return redirect(static("img/favicon.svg"))
