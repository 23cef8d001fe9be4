from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        # The CRF's counter of new marks follows the annotation event log (annotations.outbox).
        from annotations import outbox
        from suggestions.retraining import crf_count_events

        outbox.register("crf", crf_count_events)

        # New or revised article text: suggestions in the background, after the commit
        # (newsreader.services.articles' text hooks).
        from newsreader.services import articles
        from suggestions.tasks import enqueue_suggest_article

        articles.register_text_hook("suggestions", lambda *, article, previous, revision: enqueue_suggest_article(article.pk))
