"""Task workers and task results in the admin (read-only: rows are written by the workers and the queue)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from ops.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "pid", "queues", "started_at", "beat_at", "task_id", "tasks_run"]
    search_fields = ["worker_id", "hostname"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-tasks-db's own admin, with column headings that translate (its are fixed
# English: "ID", "Task name", "run after", "traceback"). Display only.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "short_id", "task", "status", "enqueued_at", "started_at", "finished_at", "priority", "queue_name",
    )  # fmt: skip

    @admin.display(description=_("number"), ordering="id")
    def short_id(self, obj: DBTaskResult) -> str:
        return format_html('<bdi dir="ltr">{}</bdi>', str(obj.id)[:8])

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return format_html('<bdi dir="ltr">{}</bdi>', obj.task_path)

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)
