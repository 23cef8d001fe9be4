"""``manage.py train_neural_tagger [--anercorp PATH] [--epochs N] [--background]``: the neural entity tagger.

Trains the char-CNN + BiLSTM + CRF tagger (:mod:`arabic.ner.neural`) on
ANERcorp's training file (``--anercorp`` or ``SUGGESTIONS_ANERCORP_FILE``) and
the team's annotated sentences, in the labels of the current CRF (the team's
model, else the default one; ANERcorp's labels through ``SUGGESTIONS_LABEL_MAP``),
starting from the word vectors of ``manage.py build_word_clusters``. It saves
it to ``SUGGESTIONS_MODEL_DIR/neural/entities.nn``; from then on the suggestion
pass combines the two taggers' per-word probabilities (CRF weight 0.5) while
the CRF's labels stay those it was trained for. Without word vectors (a small
archive) there is no neural tagger and the CRF tags alone: said, not an error.
CPU only, one thread at the lowest priority: about 15-25 minutes for ANERcorp
with the default 12 epochs. ``--background`` queues the task
``suggestions.tasks.train_neural_tagger`` instead (not when one is queued or
running already, nor without word vectors). A retraining of the team's CRF
queues that task by itself (``suggestions.tasks.retrain_crf``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from arabic.conll import ConllError
from suggestions import learning, services


class Command(BaseCommand):
    help = "Train the neural entity tagger (ANERcorp + the team's sentences, with the archive's word vectors)."

    def add_arguments(self, parser):
        parser.add_argument("--anercorp", help="ANERcorp training file (default: SUGGESTIONS_ANERCORP_FILE)")
        parser.add_argument("--epochs", type=int, default=0, help="training epochs (default: the tagger's, 12)")
        parser.add_argument("--background", action="store_true", help="queue the task train_neural_tagger instead")

    def handle(self, *args, anercorp=None, epochs=0, background=False, **options):
        path = anercorp or getattr(settings, "SUGGESTIONS_ANERCORP_FILE", "")
        if not path:
            raise CommandError("no ANERcorp training file: give --anercorp PATH or set SUGGESTIONS_ANERCORP_FILE")
        if not Path(path).is_file():
            raise CommandError(f"ANERcorp training file not found: {path}")
        if epochs < 0:
            raise CommandError("--epochs must be positive")
        if background:
            from suggestions.tasks import enqueue_neural_training

            # one training at a time, as when a retraining of the CRF queues one (suggestions/neural.py)
            outcome = enqueue_neural_training(str(path), epochs)
            self.stdout.write(f"{outcome} train_neural_tagger" if outcome == "queued" else f"train_neural_tagger {outcome}")
            return
        try:
            _model, message = learning.build_neural_model(path, crf=services.entity_model(), epochs=epochs or None)
        except (ConllError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(message)
