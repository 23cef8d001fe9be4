"""Importing article files: parse, validate, then save each article in its own transaction.

The rules, kept here and nowhere else (the ``import_articles`` command and the
admin upload page both call this module):

* A file is parsed and **every** article in it validated before anything is
  written. A bad file (unreadable, malformed, an article missing its title...)
  therefore imports nothing, and the error says which file, line and why.
* Each article is then saved by :func:`~newsreader.services.articles.article_save`
  in its own transaction: an article is all there (with its revision) or not
  at all, and one article failing in the database does not undo the others.
* Import is idempotent: importing a file again reports its articles as
  ``unchanged``; a known ``source_url`` with new text gets a new revision
  (``revised``), keeping the old one.
* One bad file never stops the others: :func:`import_paths` records the error
  and moves on.

Source of an article: the ``source_name`` in the file (JSON, the page's site
name) wins; otherwise the ``source_name`` given to the importer (``--source``);
otherwise :data:`DEFAULT_SOURCE_NAME`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, OperationalError, connection, connections, transaction

from newsreader.importers import EXTENSIONS, ArticleData, ArticleImportError, format_of, parse_bytes
from newsreader.models import Article, Source
from newsreader.services.articles import article_save, source_get_or_create

logger = logging.getLogger(__name__)

DEFAULT_SOURCE_NAME = "مصدر غير معروف"

CREATED, UNCHANGED, REVISED = "created", "unchanged", "revised"

# deadlock_detected, serialization_failure: PostgreSQL asks the client to retry.
RETRYABLE = {"40P01", "40001"}
SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class ArticleOutcome:
    status: str  # CREATED, UNCHANGED or REVISED
    article_id: int
    title: str
    line: int | None = None


@dataclass
class FileResult:
    """What became of one file: its articles, or the error that stopped it."""

    name: str
    format: str | None = None
    articles: list[ArticleOutcome] = field(default_factory=list)
    error: ArticleImportError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def count(self, status: str) -> int:
        return sum(1 for a in self.articles if a.status == status)


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(f.count(status) for f in self.files)

    @property
    def created(self) -> int:
        return self.count(CREATED)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def revised(self) -> int:
        return self.count(REVISED)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]


# --- validation -------------------------------------------------------------
def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


_LIMITS = {
    "dateline": _max_length(Article, "dateline"),
    "author": _max_length(Article, "author"),
    "source_url": _max_length(Article, "source_url"),
    "language": _max_length(Article, "language"),
    "source_name": _max_length(Source, "name"),
}
_url_validator = URLValidator(schemes=["http", "https"])


def article_validate(article: ArticleData) -> None:
    """Refuse, with the field and line, what the database would refuse."""
    if not article.title:
        raise ArticleImportError("the article has no title", line=article.line, field="title")
    if not article.body:
        raise ArticleImportError("the article has no body text", line=article.line, field="body")
    for name, limit in _LIMITS.items():
        value = getattr(article, name)
        if len(value) > limit:
            raise ArticleImportError(
                f"field '{name}' is too long ({len(value)} characters, at most {limit})",
                line=article.line,
                field=name,
            )
    if article.source_url:
        try:
            _url_validator(article.source_url)
        except ValidationError:
            raise ArticleImportError(
                f"field 'source_url' is not a valid http(s) URL: {article.source_url!r}",
                line=article.line,
                field="source_url",
            ) from None


# --- importing --------------------------------------------------------------
class _Importer:
    """Shared state of one import run (the default source, a cache of sources)."""

    def __init__(self, *, source_name: str | None, user):
        self.default_source = (source_name or "").strip() or DEFAULT_SOURCE_NAME
        self.user = user
        self._sources: dict[str, Source] = {}

    def source(self, name: str) -> Source:
        name = name or self.default_source
        if name not in self._sources:
            try:
                with transaction.atomic():
                    self._sources[name] = source_get_or_create(name=name)
            except IntegrityError:  # a concurrent import created it (or its slug) meanwhile
                with transaction.atomic():
                    self._sources[name] = source_get_or_create(name=name)
        return self._sources[name]

    def save(self, data: ArticleData) -> ArticleOutcome:
        fields = dict(
            source=self.source(data.source_name),
            title=data.title,
            subtitle=data.subtitle,
            caption=data.caption,
            body=list(data.body),
            published_on=data.published_on,
            dateline=data.dateline,
            source_url=data.source_url,
            author=data.author,
            language=data.language,
            direction=data.direction,
            user=self.user,
        )
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                result = article_save(**fields)
                break
            except IntegrityError:
                # Another import saved the same article between our look-up and
                # our insert; its transaction has committed, so looking again finds it.
                if attempt == SAVE_ATTEMPTS:
                    raise
            except OperationalError as exc:
                # Concurrent imports may deadlock (or fail to serialise); the
                # transaction was rolled back whole, so trying again is safe.
                if getattr(exc.__cause__, "sqlstate", None) not in RETRYABLE or attempt == SAVE_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)
        status = CREATED if result.created else REVISED if result.revised else UNCHANGED
        return ArticleOutcome(status=status, article_id=result.article.pk, title=data.title, line=data.line)

    def import_file(self, path: str | Path, *, name: str | None = None) -> FileResult:
        name = name or str(path)
        result = FileResult(name=name)
        try:
            if not Path(path).exists():
                raise ArticleImportError("no such file or folder")
            result.format = format_of(name)
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise ArticleImportError(f"cannot read the file: {exc.strerror or exc}") from None
            try:
                articles = parse_bytes(data, result.format)
            except ArticleImportError:
                raise
            except Exception as exc:  # a parser library choking on odd input must not stop the run
                logger.exception("parsing %s failed", name)
                raise ArticleImportError(f"the file could not be parsed ({type(exc).__name__}: {exc})") from exc
            for article in articles:
                article_validate(article)
        except ArticleImportError as exc:
            raise self._fail(result, exc) from None
        for article in articles:
            try:
                result.articles.append(self.save(article))
            except (DatabaseError, ValueError) as exc:
                # Rare (the file was validated): a database failure. The articles
                # saved before this one are complete and stay; re-running the
                # import skips them and retries the rest.
                error = ArticleImportError(f"the article could not be saved: {exc}", line=article.line)
                raise self._fail(result, error) from exc
        return result

    @staticmethod
    def _fail(result: FileResult, error: ArticleImportError) -> ArticleImportError:
        result.error = error.in_file(result.name)
        error.result = result
        return error


def import_file(
    path: str | Path, *, source_name: str | None = None, user=None, name: str | None = None
) -> FileResult:
    """Import one file; raises :class:`ArticleImportError` (with ``path``) if it is bad.

    The error's ``result`` is the file's :class:`FileResult` (with the articles
    saved before a database failure, if any; none for a bad file).
    ``name`` is how the file is called in results and errors (the admin passes
    the uploaded file's name; the path is then a temporary file).
    """
    return _Importer(source_name=source_name, user=user).import_file(path, name=name)


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to import: each path given, and the importable files under each folder.

    Folders are walked recursively in name order, skipping hidden entries and
    files with other extensions. A file named explicitly is kept whatever its
    extension (and a missing path too), so that the import reports it.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            files.extend(
                Path(root, n) for n in sorted(names) if not n.startswith(".") and n.lower().endswith(EXTENSIONS)
            )
    return files


@contextmanager
def relaxed_commits():
    """Let commits return before PostgreSQL has flushed them to disk, for the
    connection's import run (``synchronous_commit = off``).

    Each article is still its own transaction: atomic and consistent, never
    half there. What changes is durability: if the *database server* crashes,
    the articles committed in its last fraction of a second may be missing,
    and running the (idempotent) import again brings them back. This is what
    makes a large import fast: no waiting for one disk flush per article.
    Inside an outer transaction (tests, a request wrapped in one) it does nothing.
    """
    if connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # the connection is gone; so is the setting
            pass


def iter_import(
    files: Iterable[str | Path],
    *,
    source_name: str | None = None,
    user=None,
    durable: bool = True,
    jobs: int = 1,
) -> Iterator[FileResult]:
    """Import files one by one, yielding each one's result (in order); errors are results.

    ``durable=False`` uses :func:`relaxed_commits`. ``jobs > 1`` imports that
    many files at a time in worker processes (each article still in its own
    transaction; concurrent saves of the same article are resolved by the
    database's unique constraints and a retry).
    """
    files = [Path(f) for f in files]
    # Workers cannot see an uncommitted outer transaction (tests): stay in-process then.
    if jobs > 1 and len(files) > 1 and not connection.in_atomic_block:
        yield from _iter_parallel(files, source_name=source_name, user=user, durable=durable, jobs=jobs)
        return
    importer = _Importer(source_name=source_name, user=user)
    with relaxed_commits() if not durable else _nothing():
        for path in files:
            try:
                yield importer.import_file(path)
            except ArticleImportError as exc:
                yield exc.result


@contextmanager
def _nothing():
    yield


# --- parallel imports (worker processes) ------------------------------------
_worker: _Importer | None = None


def _worker_start(source_name: str | None, user_pk, durable: bool) -> None:
    global _worker
    connections.close_all()  # never share the parent's sockets
    user = None
    if user_pk is not None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=user_pk)
    _worker = _Importer(source_name=source_name, user=user)
    if not durable:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")


def _worker_import(path: str) -> FileResult:
    try:
        return _worker.import_file(path)
    except ArticleImportError as exc:
        return exc.result


def _iter_parallel(files: list[Path], *, source_name, user, durable: bool, jobs: int) -> Iterator[FileResult]:
    connections.close_all()  # the children fork from here and must open their own
    context = multiprocessing.get_context("fork")
    with context.Pool(
        min(jobs, len(files)), initializer=_worker_start, initargs=(source_name, getattr(user, "pk", None), durable)
    ) as pool:
        yield from pool.imap(_worker_import, [str(f) for f in files])
def import_paths(
    paths: Iterable[str | Path],
    *,
    source_name: str | None = None,
    user=None,
    durable: bool = True,
    jobs: int = 1,
    on_file: Callable[[FileResult], None] | None = None,
) -> ImportReport:
    """Import files and folders (see :func:`collect_files`); never stops at a bad file."""
    report = ImportReport()
    files = collect_files(paths)
    for result in iter_import(files, source_name=source_name, user=user, durable=durable, jobs=jobs):
        report.files.append(result)
        if on_file is not None:
            on_file(result)
    return report
