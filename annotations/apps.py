from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Annotations")

    def ready(self):
        # Live updates tell each reader only about annotations it may see (live/visibility.py).
        from annotations.selectors import annotation_ids_hidden_from
        from live import visibility

        visibility.register(annotation_ids_hidden_from)
