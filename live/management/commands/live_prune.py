"""Delete old events of the annotation log that every consumer has read.

Run it from cron; the task that runs the consumers also prunes now and then.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from live.services import events_prune


class Command(BaseCommand):
    help = "Delete live-update events older than LIVE_EVENT_RETENTION seconds (or --seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=None, help="Keep events younger than this.")

    def handle(self, *args, seconds=None, **options):
        seconds = settings.LIVE_EVENT_RETENTION if seconds is None else seconds
        deleted = events_prune(older_than=timedelta(seconds=seconds))
        self.stdout.write(f"Deleted {deleted} events older than {seconds} s.")
