from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    # Shown as the admin's section (projects/admin.py): in the staff's language, as the other apps.
    verbose_name = _("Projects")
