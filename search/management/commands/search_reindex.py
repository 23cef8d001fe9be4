"""``manage.py search_reindex``: rebuild the search index and vocabulary from scratch."""

import time

from django.core.management.base import BaseCommand

from search.services import search_reindex


class Command(BaseCommand):
    help = (
        "Rebuild every article's search vector and the search vocabulary from the articles' current revisions. "
        "Needed after changing the search normalisation (arabic/search_terms.py); safe to run at any time."
    )

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(done: int) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {done} articles…")

        count = search_reindex(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} articles in {time.monotonic() - started:.1f} s.")
        )
