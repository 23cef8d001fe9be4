"""``manage.py entities_relink``: rebuild the entity mentions and speaker quotes from the annotations."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from entities.services import entities_relink


class Command(BaseCommand):
    help = (
        "Relink every entity and quote annotation to its entity and recount every entity (after a change to "
        "the name keys, or to repair). Merges and splits are kept."
    )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done:,} annotations linked")

        count = entities_relink(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Linked {count:,} annotations in {time.monotonic() - started:.1f} s."))
