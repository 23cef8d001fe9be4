"""Third-party apps under names staff can read, in Arabic as in English.

The admin's index shows each app's ``verbose_name``; axes has none (so "AXES")
and django-tasks-db an English string that translation cannot reach ("Tasks
Database Backend"). INSTALLED_APPS names these configs instead of the apps'
own; everything else about the apps (labels, models, migrations) is unchanged.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login lockout")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
