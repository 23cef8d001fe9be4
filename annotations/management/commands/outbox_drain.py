"""Hand the events of the log that consumers have not read yet to them (after an outage, or from cron)."""

from django.core.management.base import BaseCommand

from annotations import outbox


class Command(BaseCommand):
    help = "Run the consumers of the annotation event log (live relay, entity links, CRF counter) over unread events."

    def add_arguments(self, parser):
        parser.add_argument("consumers", nargs="*", help=f"Only these (of: {', '.join(outbox.consumers()) or 'none'}).")

    def handle(self, *args, consumers=(), **options):
        for name, count in outbox.drain(consumers or None).items():
            self.stdout.write(f"{name}: {count} events")
