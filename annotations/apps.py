from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Annotations")

    def ready(self) -> None:
        # Saving or deleting a user or token forgets this process's cached token look-ups.
        from annotations.api.authentication import _connect_signals

        _connect_signals()
