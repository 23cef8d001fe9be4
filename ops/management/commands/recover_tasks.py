"""``manage.py recover_tasks``: put tasks of dead workers back in the queue now.

Workers started with ``run_worker`` do this on every heartbeat; the command is
for operators (after a machine was lost and no worker runs yet, or from cron).
"""

from django.core.management.base import BaseCommand

from ops.workers import live_workers, recover_lost_tasks


class Command(BaseCommand):
    help = "Put RUNNING tasks whose worker stopped beating back to READY (or FAILED after too many attempts)."

    def add_arguments(self, parser):
        parser.add_argument("--stale-after", type=float, default=None, help="Seconds without a heartbeat (default: WORKER_STALE_SECONDS).")

    def handle(self, *, stale_after, **options):
        result = recover_lost_tasks(stale_after=stale_after)
        self.stdout.write(
            f"requeued {len(result.requeued)}, failed {len(result.failed)}, "
            f"left alone {len(result.unknown)} (worker without heartbeat); live workers: {live_workers(stale_after).count()}"
        )
        for task_id in result.requeued:
            self.stdout.write(f"  requeued {task_id}")
        for task_id in result.failed:
            self.stdout.write(f"  failed {task_id}")
