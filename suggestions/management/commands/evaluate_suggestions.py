"""``manage.py evaluate_suggestions ner|quotes ...``: the language engine's evaluation, printed as tables.

A thin wrapper over :func:`arabic.evaluate.main` (also ``python -m arabic.evaluate``), so
both take the same arguments::

    manage.py evaluate_suggestions ner --train A.conll --test B.conll [--map PERS=PER]
    manage.py evaluate_suggestions ner --train A.conll --folds 5
    manage.py evaluate_suggestions quotes --gold gold.jsonl --text article.txt [--entities entities.jsonl]
    manage.py evaluate_suggestions quotes --gold tests/arabic/gold/anercorp_quotes_heldout.jsonl --corpus train.txt
    manage.py evaluate_suggestions quotes --gold …/anercorp_quotes_dev.jsonl --gold …/anercorp_quotes_test.jsonl --corpus train.txt
"""

from __future__ import annotations

import argparse
import io
import sys

from django.core.management.base import BaseCommand, CommandError

from arabic.evaluate import main


class Command(BaseCommand):
    help = "Evaluate entity suggestions (CRF on CoNLL files) or the quote finder (JSON Lines gold file)."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments of python -m arabic.evaluate")

    def handle(self, *args, **options):
        out, err = io.StringIO(), io.StringIO()
        real_stderr = sys.stderr
        sys.stderr = err  # arabic.evaluate prints errors to stderr
        try:
            code = main(list(args), out=out)
        except SystemExit as exc:  # argparse: bad arguments
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            sys.stderr = real_stderr
        self.stdout.write(out.getvalue(), ending="")
        if code:
            raise CommandError(err.getvalue().strip().removeprefix("error: ") or f"evaluation failed (status {code})")
