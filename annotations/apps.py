from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Annotations")

    def ready(self) -> None:
        # Saving or deleting a user or token forgets this process's cached token look-ups.
        from annotations.api.authentication import _connect_signals

        _connect_signals()

        # The task that runs the event log's consumers in a worker (it imports the outbox, so it is handed in).
        from annotations import outbox
        from annotations.tasks import drain_outbox

        outbox.use_task(drain_outbox)

        # New text of an article: carry its live annotations over (newsreader.services.articles' text hooks).
        from annotations.services import annotations_carry_over
        from newsreader.services import articles

        articles.register_text_hook(
            "annotations", lambda *, article, previous, revision: annotations_carry_over(previous=previous, revision=revision)
        )
