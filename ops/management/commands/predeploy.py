"""``manage.py predeploy``: migrate and create the cache table, once, even when many machines start at once.

Every app server runs it before starting (``bin/serve``). A PostgreSQL
advisory lock makes the others wait while the first one migrates, so two
machines never apply the same migration at the same time; the ones that come
after find nothing to do.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any constant: the advisory lock's key ("newsreader" in ASCII, folded to 63 bits).
LOCK_KEY = int.from_bytes(b"newsread", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Command(BaseCommand):
    help = "Apply migrations and create the database cache table under a cluster-wide lock."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            call_command("migrate", interactive=False, verbosity=verbosity)
            # Creates the table of each DatabaseCache in CACHES (nothing for Redis or local memory).
            call_command("createcachetable", verbosity=verbosity)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
