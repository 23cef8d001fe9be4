"""``manage.py load_samples``: import the demo articles of ``newsreader/samples/`` into an empty database.

``make run`` calls it on every start; it does nothing once the database has
articles (``--force`` imports anyway, which is harmless: import is idempotent).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from newsreader.management.commands.import_articles import finish, run_import
from newsreader.models import Article
from newsreader.services.imports import collect_files

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
# The plain-text samples are exports of this newspaper; JSON and HTML samples name their own source.
SAMPLES_SOURCE = "العرب"


class Command(BaseCommand):
    help = "Import the sample articles if the database has no articles yet."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="import even if there are articles already")

    def handle(self, *, force=False, verbosity=1, **options):
        if not force and Article.objects.exists():
            if verbosity >= 1:
                self.stdout.write("The database already has articles; samples not loaded.")
            return
        files = collect_files([SAMPLES_DIR])
        report = run_import(
            self, files, source_name=SAMPLES_SOURCE, user=None, verbosity=verbosity, progress=False
        )
        finish(self, report, verbosity=verbosity)
