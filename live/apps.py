import warnings

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live updates")

    def ready(self):
        # Live updates need the ASGI server, where whitenoise's static file
        # responses (synchronous file iterators) make Django warn on every
        # static request. They are served correctly (Django reads them in a
        # thread); the warning is noise in the server log.
        warnings.filterwarnings(
            "ignore",
            message="StreamingHttpResponse must consume synchronous iterators",
            module="django.core.handlers.asgi",
        )

        # The live relay reads the annotation event log after each commit (annotations.outbox).
        from annotations import outbox
        from live.services import relay

        outbox.register("live", relay)
