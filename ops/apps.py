from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running newsreader in production: health probes, worker heartbeats, replica routing."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from ops import forking

        forking.register()
