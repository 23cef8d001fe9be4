"""The import service: idempotent, one transaction per article, nothing half-imported."""

import json
import re
from datetime import date

import pytest
import pickle

from django.db import DatabaseError, OperationalError, connection

from newsreader.models import Article, ArticleRevision, Source
from newsreader.services import articles as article_services
from newsreader.services.imports import (
    CREATED,
    DEFAULT_SOURCE_NAME,
    REVISED,
    UNCHANGED,
    ArticleImportError,
    collect_files,
    import_file,
    import_paths,
    relaxed_commits,
)
from tests.conftest import SAMPLES_DIR

SEED = SAMPLES_DIR / "000_42df4bdc5be6c26b.txt"


def record(title, *, url="", source="", **extra):
    data = {"title": title, "body": [f"بغداد – {title}: الفقرة الأولى.", "الفقرة الثانية."], **extra}
    if url:
        data["source_url"] = url
    if source:
        data["source_name"] = source
    return data


def write_jsonl(path, *records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_seed_is_stored_with_every_field(db):
    result = import_file(SEED, source_name="العرب")
    assert result.ok and result.format == "text"
    (outcome,) = result.articles
    assert outcome.status == CREATED
    article = Article.objects.select_related("source", "current_revision").get(pk=outcome.article_id)
    revision = article.current_revision
    assert article.source.name == "العرب"
    assert article.published_on == date(2021, 7, 27)
    assert article.dateline == "واشنطن"
    assert (article.language, article.direction) == ("ar", "rtl")
    assert revision.title.startswith("بايدن يحدّد موعد نهاية")
    assert revision.subtitle.startswith("الرئيس الأميركي يؤكد")
    assert revision.caption == "استمرار دعم العراق استخباراتيا"
    assert [b["kind"] for b in revision.blocks].count("paragraph") == 27
    assert revision.body.split("\n\n")[0].startswith("واشنطن – وقع الرئيس الأميركي")
    assert (revision.number, revision.reason) == (1, "import")
    assert article.content_hash == revision.text_hash


def test_same_file_twice_is_one_article(db):
    first = import_file(SEED)
    second = import_file(SEED)
    assert first.articles[0].status == CREATED
    assert second.articles[0].status == UNCHANGED
    assert second.articles[0].article_id == first.articles[0].article_id
    assert Article.objects.count() == 1 and ArticleRevision.objects.count() == 1


def test_source_precedence(db, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", record("خبر أول", source="وكالة الأنباء"), record("خبر ثان"))
    result = import_file(path, source_name="الافتراضي")
    names = [Article.objects.get(pk=o.article_id).source.name for o in result.articles]
    assert names == ["وكالة الأنباء", "الافتراضي"]
    import_file(write_jsonl(tmp_path / "b.jsonl", record("خبر ثالث")))
    assert Source.objects.filter(name=DEFAULT_SOURCE_NAME).exists()


def test_known_url_with_new_text_is_a_new_revision(db, tmp_path, staff_user):
    import_file(write_jsonl(tmp_path / "v1.jsonl", record("عنوان", url="https://n.example/1")))
    v2 = write_jsonl(tmp_path / "v2.jsonl", record("عنوان معدل", url="https://n.example/1"))
    result = import_file(v2, user=staff_user)
    assert result.articles[0].status == REVISED
    article = Article.objects.get()
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]
    assert article.current_revision.title == "عنوان معدل"
    assert article.current_revision.created_by == staff_user


def test_bad_line_imports_nothing_from_the_file(db, tmp_path):
    path = write_jsonl(tmp_path / "news.jsonl", record("أ"), record("ب"), {"body": "بلا عنوان"})
    with pytest.raises(ArticleImportError) as caught:
        import_file(path)
    error = caught.value
    assert (error.path, error.line, error.field) == (str(path), 3, "title")
    assert str(error) == f"{path}: line 3: missing field 'title'"
    assert error.result.articles == [] and error.result.error is error
    assert Article.objects.count() == 0 and Source.objects.count() == 0


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"dateline": "م" * 101}, "field 'dateline' is too long (101 characters, at most 100)"),
        ({"author": "ك" * 201}, "field 'author' is too long"),
        ({"source_url": "not a url"}, "field 'source_url' is not a valid http(s) URL"),
        ({"source_url": "ftp://n.example/x"}, "field 'source_url' is not a valid http(s) URL"),
        ({"source_name": "م" * 201}, "field 'source_name' is too long"),
    ],
)
def test_what_the_database_would_refuse_is_caught_before_writing(db, tmp_path, extra, message):
    path = write_jsonl(tmp_path / "x.jsonl", record("صالح"), record("غير صالح", **extra))
    with pytest.raises(ArticleImportError, match=re.escape(message)) as caught:
        import_file(path)
    assert caught.value.line == 2
    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_each_article_is_committed_on_its_own(tmp_path, monkeypatch):
    """A database failure on the 3rd article keeps the first two, whole, and nothing of the 3rd."""
    real = article_services._revision_create
    calls = []

    def failing(**fields):
        calls.append(fields["document"].title)
        if len(calls) == 3:  # the 3rd article's row is already inserted in its transaction
            raise DatabaseError("disk full")
        return real(**fields)

    monkeypatch.setattr(article_services, "_revision_create", failing)
    path = write_jsonl(tmp_path / "n.jsonl", record("أ"), record("ب"), record("ج"), record("د"))
    with pytest.raises(ArticleImportError, match="line 3: the article could not be saved: disk full") as caught:
        import_file(path)
    assert [o.status for o in caught.value.result.articles] == [CREATED, CREATED]
    # Committed (transactional test: no wrapping transaction): two whole articles, nothing of the 3rd.
    assert Article.objects.count() == 2
    assert sorted(r.title for r in ArticleRevision.objects.all()) == ["أ", "ب"]
    assert not Article.objects.filter(current_revision__isnull=True).exists()
    # Importing again finishes the job without duplicates.
    monkeypatch.setattr(article_services, "_revision_create", real)
    again = import_file(path)
    assert [o.status for o in again.articles] == [UNCHANGED, UNCHANGED, CREATED, CREATED]
    assert Article.objects.count() == 4


def test_import_paths_keeps_going_after_a_bad_file(db, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "1.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "2.txt").write_text("عنوان\nمقدمة\nالثلاثاء 2021/13/45\nتعليق\nفقرة", "utf-8")
    write_jsonl(tmp_path / "sub" / "3.jsonl", record("خبر"), record("آخر"))
    (tmp_path / "notes.md").write_text("not an article")
    (tmp_path / ".hidden.txt").write_text("عنوان\nفقرة")
    seen = []
    report = import_paths([tmp_path], on_file=seen.append)
    assert [r.name.removeprefix(str(tmp_path)) for r in report.files] == ["/1.txt", "/2.txt", "/sub/3.jsonl"]
    assert seen == report.files
    assert (report.created, report.unchanged, report.revised) == (3, 0, 0)
    (failed,) = report.failed
    assert failed.error.line == 3 and "bad date" in failed.error.reason
    assert Article.objects.count() == 3


def test_explicit_files_are_reported_whatever_they_are(db, tmp_path):
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK")
    report = import_paths([notes, tmp_path / "missing.txt", SEED])
    errors = [str(r.error) for r in report.failed]
    assert errors == [
        f"{notes}: unsupported file type ('.docx'); supported: .txt, .json, .jsonl, .ndjson, .html, .htm",
        f"{tmp_path / 'missing.txt'}: no such file or folder",
    ]
    assert report.created == 1


def test_a_parser_crash_is_a_file_error_not_a_stopped_run(db, tmp_path, monkeypatch):
    def crash(data, fmt):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("newsreader.services.imports.parse_bytes", crash)
    page = tmp_path / "odd.html"
    page.write_text("<html>")
    report = import_paths([page, page])
    assert [str(r.error) for r in report.files] == [
        f"{page}: the file could not be parsed (RecursionError: maximum recursion depth exceeded)"
    ] * 2


def test_collect_files_order_and_filters(tmp_path):
    for name in ["b.json", "a.TXT", "c.html", "d.csv", ".e.txt"]:
        (tmp_path / name).write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "f.txt").write_text("x")
    assert [p.name for p in collect_files([tmp_path])] == ["a.TXT", "b.json", "c.html"]


def test_every_sample_imports(db):
    report = import_paths([SAMPLES_DIR], source_name="العرب")
    assert report.failed == []
    assert report.created == Article.objects.count() >= 6
    sources = set(Source.objects.values_list("name", flat=True))
    assert {"العرب", "وكالة الأنباء العربية", "صحيفة الخليج اليوم", "الشرق الإخباري", "بوابة الثقافة"} <= sources
    formats = {r.format for r in report.files}
    assert formats == {"text", "json", "jsonl", "html"}
    assert not Article.objects.filter(dateline="").exists()
    assert not Article.objects.filter(published_on__isnull=True).exists()


class _Deadlock(Exception):
    sqlstate = "40P01"


def test_a_deadlocked_article_is_tried_again(db, tmp_path, monkeypatch):
    real = article_services.article_save
    calls = []

    def deadlocking(**fields):
        calls.append(fields["title"])
        if len(calls) == 1:
            raise OperationalError("deadlock detected") from _Deadlock()
        return real(**fields)

    monkeypatch.setattr("newsreader.services.imports.article_save", deadlocking)
    result = import_file(write_jsonl(tmp_path / "d.jsonl", record("أ")))
    assert calls == ["أ", "أ"] and result.articles[0].status == CREATED


def test_other_operational_errors_are_not_retried(db, tmp_path, monkeypatch):
    calls = []

    def broken(**fields):
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("newsreader.services.imports.article_save", broken)
    with pytest.raises(ArticleImportError, match="line 1: the article could not be saved: server closed"):
        import_file(write_jsonl(tmp_path / "e.jsonl", record("أ")))
    assert calls == [1]


def test_errors_survive_pickling_between_processes():
    error = ArticleImportError("missing field 'title'", line=7, column=2, field="title", path="a.jsonl")
    copy = pickle.loads(pickle.dumps(error))
    fields = (copy.reason, copy.line, copy.column, copy.field, copy.path)
    assert fields == ("missing field 'title'", 7, 2, "title", "a.jsonl")
    assert str(copy) == "a.jsonl: line 7, column 2: missing field 'title'"


def synchronous_commit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_relaxed_commits_do_nothing_inside_a_transaction(db):
    with relaxed_commits():
        assert synchronous_commit() == "on"


@pytest.mark.django_db(transaction=True)
def test_relaxed_commits_for_the_run_only():
    assert synchronous_commit() == "on"
    with relaxed_commits():
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"


@pytest.mark.django_db(transaction=True)
def test_parallel_import_in_worker_processes(tmp_path, staff_user):
    for n in range(6):
        write_jsonl(tmp_path / f"{n}.jsonl", record(f"خبر {n} أ", source="وكالة"), record(f"خبر {n} ب", source="وكالة"))
    (tmp_path / "7.txt").write_text("عنوان\nالثلاثاء 2021/13/45\nفقرة", "utf-8")
    write_jsonl(tmp_path / "8.jsonl", record("خبر 0 أ", source="وكالة"))  # the same article as in 0.jsonl
    report = import_paths([tmp_path], jobs=2, durable=False, user=staff_user)
    assert [r.name.removeprefix(f"{tmp_path}/") for r in report.files] == [
        "0.jsonl", "1.jsonl", "2.jsonl", "3.jsonl", "4.jsonl", "5.jsonl", "7.txt", "8.jsonl"
    ]  # in order, whatever worker finished first
    assert (report.created, report.unchanged, len(report.failed)) == (12, 1, 1)
    assert report.failed[0].error.line == 2 and "bad date" in report.failed[0].error.reason
    assert Article.objects.count() == 12
    assert Source.objects.filter(name="وكالة").count() == 1
    assert set(ArticleRevision.objects.values_list("created_by", flat=True)) == {staff_user.pk}
