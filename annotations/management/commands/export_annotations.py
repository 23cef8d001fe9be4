"""``manage.py export_annotations --format FORMAT [filters] [-o FILE]``: annotations to a file.

Formats: ``w3c`` (JSON-LD), ``doccano`` (JSON Lines), ``brat`` (.zip), ``conll``
(BIO tokens), ``quotes-csv``. Without filters every article is exported; with
``--article``, ``--source``, ``--from`` and ``--to`` only those. Annotations are
those ``--user`` can see (default: public ones only, as for anyone), on each
article's current text, not hidden, of the ``--status`` given (default: human
and accepted). The file is written as it is read (a large export never sits in
memory); ``-o -`` or no ``-o`` writes to standard output.
"""

from __future__ import annotations

import sys
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from annotations import exports
from annotations.exports.selection import ALL_STATUSES, DEFAULT_STATUSES, ExportContext, ExportQuery
from annotations.w3c import Urls
from newsreader.models import Source

DEFAULT_BASE_URL = "http://localhost:8000"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Export annotations as W3C JSON-LD, doccano JSON Lines, brat standoff (.zip), CoNLL BIO or a CSV of quotes."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=list(exports.FORMATS), help="file format")
        parser.add_argument("-o", "--output", metavar="FILE", default="-", help="where to write (default: standard output)")
        parser.add_argument("--article", metavar="ID", type=int, action="append", help="only this article (repeatable)")
        parser.add_argument("--source", metavar="SLUG", action="append", help="only this source (repeatable)")
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", type=_date, help="published on or after")
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", type=_date, help="published on or before")
        parser.add_argument(
            "--status",
            metavar="STATUS",
            action="append",
            help=f"only annotations with this status (repeatable; {', '.join(ALL_STATUSES)} or all; "
            f"default {' and '.join(DEFAULT_STATUSES)})",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="export what this user can see (their private annotations too); default: public annotations only",
        )
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help=f"the site's address, for the IRIs in the file (default {DEFAULT_BASE_URL})",
        )

    def handle(self, *args, format, output, article, source, date_from, date_to, status, user, base_url, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user named {user!r}") from None
        sources = []
        for slug in source or []:
            found = Source.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"no source with the slug {slug!r}")
            sources.append(found)
        if date_from and date_to and date_to < date_from:
            raise CommandError("--to is before --from")
        statuses = [part for value in status or [] for part in value.split(",") if part]
        if "all" in statuses:
            statuses = list(ALL_STATUSES)
        unknown = [s for s in statuses if s not in ALL_STATUSES]
        if unknown:
            raise CommandError(f"unknown status {unknown[0]!r} (use {', '.join(ALL_STATUSES)} or all)")
        query = ExportQuery(
            user=account,
            article_ids=article,
            sources=sources,
            date_from=date_from,
            date_to=date_to,
            statuses=tuple(statuses) or DEFAULT_STATUSES,
        )
        base = base_url.rstrip("/")
        ctx = ExportContext(
            urls=Urls(base), collection_id=f"{base}/api/exports/?format={format}", generated=timezone.now()
        )
        chunks = exports.export(format, query, ctx)
        size = 0
        if output == "-":
            # Bytes to a real stdout; text to a text-only stream (call_command(stdout=StringIO())).
            stream = getattr(self.stdout, "_out", sys.stdout)
            binary = getattr(stream, "buffer", None)
            if binary is None and format == "brat":
                raise CommandError("a brat export is a .zip file: give -o FILE")
            for chunk in chunks:
                if binary is not None:
                    binary.write(chunk)
                else:
                    stream.write(chunk.decode("utf-8"))
            stream.flush()
            return
        try:
            with open(output, "wb") as fp:
                for chunk in chunks:
                    size += len(chunk)
                    fp.write(chunk)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
        if options.get("verbosity", 1) >= 1:
            self.stderr.write(f"wrote {output} ({size:,} bytes)")
