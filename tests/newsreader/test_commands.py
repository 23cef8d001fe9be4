"""``import_articles`` and ``load_samples``."""

import json
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from newsreader.models import Article, Source
from tests.conftest import SAMPLES_DIR

SEED = SAMPLES_DIR / "000_42df4bdc5be6c26b.txt"
SAMPLE_FILES = sorted(p for p in SAMPLES_DIR.iterdir() if not p.name.startswith("."))


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path):
    """Two good files and two bad ones."""
    (tmp_path / "good.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "good.jsonl").write_text(
        json.dumps({"title": "خبر", "body": "دبي – نص", "source_name": "الخليج"}, ensure_ascii=False) + "\n", "utf-8"
    )
    (tmp_path / "more" / "bad.jsonl").write_text('{"title": "أ", "body": "ب"}\n{"body": "ج"}\n', "utf-8")
    (tmp_path / "broken.json").write_text('{"title": "x",\n "body": }', "utf-8")
    return tmp_path


def test_good_and_bad_files(db, folder):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 of 4 files could not be imported") as caught:
        call_command("import_articles", str(folder), "--source", "العرب", stdout=out, stderr=err)
    assert caught.value.returncode == 1
    errors = err.getvalue().splitlines()
    assert errors == [
        f"failed: {folder / 'broken.json'}: line 2, column 10: invalid JSON: Expecting value",
        f"failed: {folder / 'more' / 'bad.jsonl'}: line 2: missing field 'title'",
    ]
    assert out.getvalue().strip() == "4 files: 2 created, 0 unchanged, 0 revised, 2 failed"
    assert sorted(Source.objects.values_list("name", flat=True)) == ["الخليج", "العرب"]
    assert Article.objects.count() == 2  # nothing of bad.jsonl, not even its good first line


def test_exit_status_from_the_command_line(db, folder, capsys, monkeypatch):
    # Django is set up already. Setting it up again would point the logging handlers at this
    # test's captured stderr, closed after the test: every later log line (django-axes logs
    # each failed login) would print a "Logging error" block instead.
    monkeypatch.setattr("django.setup", lambda *args, **kwargs: None)
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(
            ["manage.py", "import_articles", str(folder / "broken.json"), str(folder / "good.txt")]
        )
    assert caught.value.code == 1
    captured = capsys.readouterr()
    assert f"{folder / 'broken.json'}: line 2, column 10: invalid JSON" in captured.err
    assert "CommandError: 1 of 2 files could not be imported (see above)" in captured.err
    assert "2 files: 1 created, 0 unchanged, 0 revised, 1 failed" in captured.out


def test_success_and_idempotency(db):
    out, err = run("import_articles", str(SEED))
    assert (out.strip(), err) == ("1 file: 1 created, 0 unchanged, 0 revised, 0 failed", "")
    out, _ = run("import_articles", str(SEED))
    assert out.strip() == "1 file: 0 created, 1 unchanged, 0 revised, 0 failed"
    assert Article.objects.count() == 1


def test_verbosity(db, folder):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(folder), verbosity=0, stdout=out, stderr=err)
    assert out.getvalue() == ""  # quiet: no summary...
    assert err.getvalue().count("failed: ") == 2  # ...but every failure
    out, _ = run("import_articles", str(folder / "good.txt"), str(folder / "more" / "good.jsonl"), verbosity=2)
    assert out.splitlines() == [
        f"{folder / 'good.txt'}: 0 created, 1 unchanged, 0 revised",
        f"{folder / 'more' / 'good.jsonl'}: 0 created, 1 unchanged, 0 revised",
        "2 files: 0 created, 2 unchanged, 0 revised, 0 failed",
    ]


def test_user_option(db, staff_user):
    run("import_articles", str(SEED), "--user", staff_user.username)
    assert Article.objects.get().current_revision.created_by == staff_user
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("import_articles", str(SEED), "--user", "nobody")


def test_no_files(db, tmp_path):
    with pytest.raises(CommandError, match="no importable files found"):
        run("import_articles", str(tmp_path))


def test_progress_bar_only_on_a_terminal(db, tmp_path, capsys):
    for n in range(12):
        (tmp_path / f"{n:02d}.txt").write_text(f"عنوان {n}\nبغداد – فقرة رقم {n}.", "utf-8")
    out, err = run("import_articles", str(tmp_path))
    assert out.strip() == "12 files: 12 created, 0 unchanged, 0 revised, 0 failed"
    assert "file/s" not in capsys.readouterr().err  # stderr is not a terminal here


def test_load_samples_into_an_empty_database(db):
    out, err = run("load_samples")
    assert err == ""
    count = Article.objects.count()
    assert count >= 8
    assert out.strip() == f"{len(SAMPLE_FILES)} files: {count} created, 0 unchanged, 0 revised, 0 failed"
    seed = Article.objects.get(current_revision__title__startswith="بايدن يحدّد")
    assert seed.source.name == "العرب" and seed.dateline == "واشنطن"
    out, _ = run("load_samples")
    assert out.strip() == "The database already has articles; samples not loaded."
    out, _ = run("load_samples", "--force")
    assert f"0 created, {count} unchanged" in out
    assert Article.objects.count() == count


def test_load_samples_leaves_an_existing_database_alone(db, article):
    out, _ = run("load_samples")
    assert "samples not loaded" in out
    assert Article.objects.count() == 1


def test_jobs_must_be_positive(db):
    with pytest.raises(CommandError, match="--jobs must be at least 1"):
        run("import_articles", str(SEED), "--jobs", "0")


@pytest.mark.django_db(transaction=True)
def test_parallel_durable_run(folder):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(folder), "--jobs", "2", "--durable", stdout=out, stderr=err)
    assert out.getvalue().strip() == "4 files: 2 created, 0 unchanged, 0 revised, 2 failed"
    assert err.getvalue().count("failed: ") == 2
    assert Article.objects.count() == 2
