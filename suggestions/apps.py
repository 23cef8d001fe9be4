from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        # The CRF's counter of new marks follows the annotation event log (annotations.outbox).
        from annotations import outbox
        from suggestions.services import crf_count_events

        outbox.register("crf", crf_count_events)
