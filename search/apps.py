from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # New or revised article text: rebuild its search row in the same transaction
        # (newsreader.services.articles' text hooks).
        from newsreader.services import articles
        from search.services import search_index_article

        articles.register_text_hook("search", lambda *, article, previous, revision: search_index_article(article))
