"""``manage.py build_entity_model [--anercorp PATH] [--force]``: the default entity model.

Without a training file (``--anercorp`` or ``SUGGESTIONS_ANERCORP_FILE``) it
checks that the shipped model (``arabic/data/models/anercorp-entities.crf``)
loads and says which default model suggestions use: fast, nothing written.
With one it trains the model from ANERcorp's training file, the shipped name
lists and the word clusters (``manage.py build_word_clusters``) into
``SUGGESTIONS_MODEL_DIR/base/entities.crf`` — unless the model there was
built from the same inputs (then it returns at once: safe to run on every start).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from arabic.conll import ConllError
from suggestions import learning


class Command(BaseCommand):
    help = "Build (or check) the default entity model from ANERcorp's training file; fast when up to date."

    def add_arguments(self, parser):
        parser.add_argument("--anercorp", help="ANERcorp training file (default: SUGGESTIONS_ANERCORP_FILE)")
        parser.add_argument("--force", action="store_true", help="retrain even when the built model is up to date")

    def handle(self, *args, anercorp=None, force=False, **options):
        path = anercorp or getattr(settings, "SUGGESTIONS_ANERCORP_FILE", "")
        if path:
            if not Path(path).is_file():
                raise CommandError(f"ANERcorp training file not found: {path}")
            try:
                _trained, message = learning.build_base_model(path, force=force)
            except (ConllError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            self.stdout.write(message)
            return
        model_path = learning.base_model_path()
        if model_path is None:
            self.stdout.write("no default entity model configured (SUGGESTIONS_BASE_MODEL is empty)")
            return
        model = learning.base_model()
        if model is None:
            raise CommandError(
                f"the default entity model {model_path} is missing or unreadable: "
                "rebuild it with --anercorp PATH (ANERcorp's training file)"
            )
        self.stdout.write(f"default entity model {model.version} ({model_path}): labels {', '.join(model.labels)}")
