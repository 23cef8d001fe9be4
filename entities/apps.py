from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "entities"
    verbose_name = _("Entities and speakers")

    def ready(self):
        # Entity pages follow the annotation event log after each commit (annotations.outbox).
        from annotations import outbox
        from entities.services import entity_link_events

        outbox.register("entities", entity_link_events)
