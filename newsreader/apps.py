from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsreaderConfig(AppConfig):
    name = "newsreader"
    verbose_name = _("Articles")
