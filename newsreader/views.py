"""Reading pages. Thin: queries live in :mod:`newsreader.selectors`."""

from django.shortcuts import get_object_or_404, render

from newsreader.models import Article


def home(request):
    articles = Article.objects.select_related("source", "current_revision")[:20]
    return render(request, "newsreader/home.html", {"articles": articles})


def article_detail(request, pk: int):
    article = get_object_or_404(Article.objects.select_related("source", "current_revision"), pk=pk)
    return render(request, "newsreader/article.html", {"article": article})
