"""``manage.py build_word_clusters [--file corpus.txt]``: word clusters for the entity models.

Learns clusters (:mod:`arabic.ner.clusters`) from the site's own archive (the
current text of every article) or from a UTF-8 text file an administrator
gives (one text per line), and saves them to ``SUGGESTIONS_MODEL_DIR/clusters.json``.
Models trained afterwards use them (the team's model on its next retraining;
the default model with ``build_entity_model --anercorp``). A small archive
gives no clusters, which is not an error: the models do without. The same work
runs in the background with the task ``suggestions.tasks.learn_word_clusters``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suggestions import learning


class Command(BaseCommand):
    help = "Learn word clusters for the entity models from the archive or a text file."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="a UTF-8 text file, one text per line (default: the site's archive)")
        parser.add_argument("--background", action="store_true", help="queue the task learn_word_clusters instead")

    def handle(self, *args, file=None, background=False, **options):
        if background:
            if file:
                raise CommandError("--background learns from the archive; give --file without it")
            from suggestions.tasks import learn_word_clusters

            result = learn_word_clusters.enqueue()
            self.stdout.write(f"queued learn_word_clusters (task {result.id})")
            return
        if file and not Path(file).is_file():
            raise CommandError(f"corpus file not found: {file}")
        try:
            _clusters, message = learning.build_clusters(corpus_file=file)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text: {exc}") from exc
        self.stdout.write(message)
