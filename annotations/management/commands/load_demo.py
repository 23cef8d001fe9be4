"""``manage.py load_demo``: the demo user and its annotations on the seed sample article.

``make run`` calls it after ``load_samples`` on every start; it changes nothing
once the demo annotations exist. See :mod:`annotations.demo`.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from annotations.demo import DEMO_PASSWORD, DEMO_USERNAME, DemoTextChanged, demo_load


class Command(BaseCommand):
    help = "Create the demo user and its entities and quotes on the seed sample article (idempotent)."

    def handle(self, *, verbosity=1, **options):
        try:
            result = demo_load()
        except DemoTextChanged as exc:
            raise CommandError(str(exc)) from exc
        if verbosity < 1:
            return
        if result.article is None:
            self.stdout.write("The seed sample article is not in the database (load_samples); no demo annotations.")
        elif result.already_there:
            self.stdout.write("The demo annotations are already there.")
        else:
            self.stdout.write(f"{result.created} demo annotations on article {result.article.pk}.")
        self.stdout.write(f"Demo user: {DEMO_USERNAME} (password: {DEMO_PASSWORD}).")
