"""Task workers and task results in the admin (read-only: rows are written by the workers and the queue)."""

import json

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from ops.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "pid", "queues", "started_at", "beat_at", "stopped_at", "task_id", "tasks_run"]
    search_fields = ["worker_id", "hostname"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-tasks-db's own admin, with headings that translate (its are fixed English:
# "ID", "Task name", "run after", "traceback"), left-to-right code and JSON, and a
# title instead of "DBTaskResult object (…)". Display only.
admin.site.unregister(DBTaskResult)

# Fields shown under another name: (field, display method).
_LTR_FIELDS = {"id": "task_id", "args_kwargs": "arguments", "worker_ids": "workers", "return_value": "returned"}


def _ltr(value) -> str:
    if value in (None, "", []):
        return "-"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return format_html('<code dir="ltr">{}</code>', text)


def task_title(obj: DBTaskResult) -> str:
    return f"{obj.task_path.rsplit('.', 1)[-1]} · {str(obj.id)[:8]}"


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "short_id", "task", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name",
    )  # fmt: skip
    change_form_template = "admin/ops/task_result_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return [_LTR_FIELDS.get(name, name) for name in super().get_readonly_fields(request, obj)]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is not None:
            extra_context = {**(extra_context or {}), "subtitle": task_title(obj), "task_title": task_title(obj)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("number"), ordering="id")
    def short_id(self, obj: DBTaskResult) -> str:
        return format_html('<bdi dir="ltr">{}</bdi>', str(obj.id)[:8])

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return format_html('<bdi dir="ltr">{}</bdi>', obj.task_path)

    @admin.display(description=_("number"))
    def task_id(self, obj: DBTaskResult) -> str:
        return _ltr(str(obj.id))

    @admin.display(description=_("args kwargs"))
    def arguments(self, obj: DBTaskResult) -> str:
        return _ltr(obj.args_kwargs)

    @admin.display(description=_("worker id"))
    def workers(self, obj: DBTaskResult) -> str:
        return _ltr(obj.worker_ids)

    @admin.display(description=_("return value"))
    def returned(self, obj: DBTaskResult) -> str:
        return _ltr(obj.return_value)

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        if not obj.traceback:
            return "-"
        return format_html('<pre dir="ltr">{}</pre>', obj.traceback)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)


# axes' login attempts, with headings that translate (its "status" and "expiration"
# columns have none) and a count that reads in Arabic ("2 Attempt Remaining" did not).
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=_("Status"))
    def status(self, obj: AccessAttempt) -> str:
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return _("Locked out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}

    @admin.display(description=_("Expiration"))
    def expiration(self, obj: AccessAttempt):
        return super().expiration(obj)
