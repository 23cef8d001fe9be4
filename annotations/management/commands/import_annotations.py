"""``manage.py import_annotations FILE --user USERNAME [--format w3c|doccano] [options]``.

Imports a W3C JSON-LD or doccano JSON Lines file through the annotation
services (every rule of the API applies; ``--user`` becomes the creator). All
or nothing: when anything is wrong, every problem is printed as ``FILE: line
N: field: message`` (``item N`` for W3C) and nothing is saved. Articles are
found by their text or URL; ``--create-articles`` creates the missing ones
from the text the file carries (newsreader exports do), so a file can be
imported into an empty database. Exact duplicates of the user's annotations
are skipped: importing a file twice adds nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations import exports
from annotations.exports.import_records import ImportFailed, describe
from annotations.models import Annotation, Group
from newsreader.models import Article


def _guess(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "doccano"
    if suffix in (".jsonld", ".json"):
        return "w3c"
    return None


class Command(BaseCommand):
    help = "Import annotations from a W3C JSON-LD or doccano JSON Lines file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE")
        parser.add_argument("--user", metavar="USERNAME", required=True, help="the annotations' creator")
        parser.add_argument(
            "--format", choices=list(exports.IMPORT_FORMATS), help="default: from the extension (.jsonld/.json, .jsonl)"
        )
        parser.add_argument("--article", metavar="ID", type=int, help="put every annotation on this article")
        parser.add_argument("--visibility", choices=list(Annotation.Visibility.values), help="instead of the file's")
        parser.add_argument("--group", metavar="SLUG", help="the group, for --visibility group")
        parser.add_argument(
            "--create-articles", action="store_true", help="create the articles the file describes that are missing"
        )
        parser.add_argument("--dry-run", action="store_true", help="check everything, save nothing")

    def handle(self, *args, path, user, format, article, visibility, group, create_articles, dry_run, **options):
        file = Path(path)
        format = format or _guess(file)
        if format is None:
            raise CommandError(f"say which format the file is in: --format {' or --format '.join(exports.IMPORT_FORMATS)}")
        try:
            account = get_user_model().objects.get_by_natural_key(user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {user!r}") from None
        target = None
        if article is not None:
            target = Article.objects.filter(pk=article, current_revision__isnull=False).first()
            if target is None:
                raise CommandError(f"no article {article}")
        chosen_group = None
        if group:
            chosen_group = Group.objects.filter(slug=group).first()
            if chosen_group is None:
                raise CommandError(f"no group with the slug {group!r}")
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            result = exports.import_file(
                format,
                raw,
                user=account,
                article=target,
                create_articles=create_articles,
                visibility=visibility,
                group=chosen_group,
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}: {describe(error)}")
            raise CommandError(f"{path}: {exc}") from None
        verbosity = options.get("verbosity", 1)
        if verbosity >= 2:
            for outcome in result.articles:
                made = " (article created)" if outcome.article_created else ""
                self.stdout.write(
                    f"article {outcome.article_id}{made}: {outcome.created} created, {outcome.skipped} skipped — {outcome.title}"
                )
        if verbosity >= 1:
            verb = "would import" if result.dry_run else "imported"
            articles = len(result.articles)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path}: {verb} {result.created} annotation{'s' if result.created != 1 else ''} "
                    f"({result.skipped} duplicate{'s' if result.skipped != 1 else ''} skipped) "
                    f"in {articles} article{'s' if articles != 1 else ''}"
                )
            )
