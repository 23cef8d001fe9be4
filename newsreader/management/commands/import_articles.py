"""``manage.py import_articles PATH... [--source NAME]``: import article files and folders.

Formats by extension: .txt, .json, .jsonl/.ndjson, .html/.htm (see
:mod:`newsreader.importers`). Folders are searched recursively. Every failure
is reported on stderr as ``file: line N: reason``; the other files are still
imported, and the command exits with status 1 at the end if any file failed.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsreader.importers import EXTENSIONS
from newsreader.services.imports import ImportReport, collect_files, iter_import

# Fewer files than this finish too fast for a progress bar to help.
PROGRESS_MIN_FILES = 10
# No tqdm monitor thread: worker processes are forked while the bar is up.
tqdm.monitor_interval = 0


class Command(BaseCommand):
    help = "Import articles from .txt, .json, .jsonl and .html files or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
        parser.add_argument(
            "--source",
            metavar="NAME",
            help="source (publication) of articles that do not name one themselves",
        )
        parser.add_argument("--user", metavar="USERNAME", help="record this user as the author of new revisions")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="import N files at a time in worker processes (default 1)",
        )
        parser.add_argument(
            "--durable",
            action="store_true",
            help="wait until each article is flushed to disk before the next (slower; see README)",
        )

    def handle(self, *args, paths, source=None, user=None, no_progress=False, jobs=1, durable=False, **options):
        verbosity = options["verbosity"]
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        account = None
        if user:
            try:
                account = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user named {user!r}") from None
        files = collect_files(paths)
        if not files:
            raise CommandError(f"no importable files found (looked for {', '.join(EXTENSIONS)})")
        report = run_import(
            self,
            files,
            source_name=source,
            user=account,
            verbosity=verbosity,
            progress=not no_progress,
            durable=durable,
            jobs=jobs,
        )
        finish(self, report, verbosity=verbosity)


def run_import(
    command: BaseCommand, files, *, source_name, user, verbosity: int, progress: bool, durable=False, jobs=1
) -> ImportReport:
    """Import ``files`` with a progress bar (on a terminal, for many files) and live failure reports."""
    report = ImportReport()
    show_bar = progress and verbosity >= 1 and len(files) >= PROGRESS_MIN_FILES
    # disable=None: tqdm shows the bar only when stderr is a terminal.
    with tqdm(total=len(files), unit="file", disable=None if show_bar else True, leave=False) as bar:
        for result in iter_import(files, source_name=source_name, user=user, durable=durable, jobs=jobs):
            report.files.append(result)
            if not result.ok:
                with bar.external_write_mode():  # print above the bar, not through it
                    command.stderr.write(f"failed: {result.error}")
            elif verbosity >= 2:
                with bar.external_write_mode():
                    command.stdout.write(
                        f"{result.name}: {result.count('created')} created, {result.count('unchanged')} unchanged, "
                        f"{result.count('revised')} revised"
                    )
            bar.update()
    return report


def finish(command: BaseCommand, report: ImportReport, *, verbosity: int) -> None:
    """Print the summary and exit non-zero if any file failed."""
    failed = len(report.failed)
    if verbosity >= 1:
        files = len(report.files)
        summary = (
            f"{files} file{'s' if files != 1 else ''}: {report.created} created, {report.unchanged} unchanged, "
            f"{report.revised} revised, {failed} failed"
        )
        command.stdout.write(command.style.SUCCESS(summary) if not failed else command.style.WARNING(summary))
    if failed:
        raise CommandError(f"{failed} of {len(report.files)} files could not be imported (see above)", returncode=1)
