"""manage.py export_annotations and import_annotations."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation
from newsreader.models import Article
from tests.annotations.exports.conftest import QUOTE, annotated, doccano_summary, flush_articles  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def export(*args) -> str:
    out = io.StringIO()
    call_command("export_annotations", *args, stdout=out)
    return out.getvalue()


def test_export_to_stdout_is_public_only_by_default(annotated, user, make_entity):
    make_entity(user, "واشنطن", visibility="private")
    data = export("--format", "doccano")
    (line,) = data.splitlines()
    assert len(json.loads(line)["label"]) == 4  # not the private one
    assert len(json.loads(export("--format", "doccano", "--user", user.username))["label"]) == 5


def test_export_to_a_file(annotated, user, tmp_path, seed_article):
    target = tmp_path / "out.zip"
    err = io.StringIO()
    call_command(
        "export_annotations", "--format", "brat", "-o", str(target), "--source", seed_article.source.slug,
        "--from", "2021-07-01", "--to", "2021-07-31", stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert f"{seed_article.pk}.ann" in " ".join(zipfile.ZipFile(target).namelist())
    assert f"wrote {target}" in err.getvalue()


def test_export_base_url_and_article(annotated, seed_article):
    document = json.loads(export("--format", "w3c", "--article", str(seed_article.pk), "--base-url", "https://news.example/"))
    assert document["articles"][0]["id"] == f"https://news.example/articles/{seed_article.pk}/"
    assert document["total"] == 6


def test_export_statuses(annotated, seed_article, make_entity):
    make_entity(None, "واشنطن", status="suggested")
    assert export("--format", "conll").count("B-") == 4
    assert export("--format", "conll", "--status", "suggested").count("B-") == 1
    assert export("--format", "conll", "--status", "human,suggested").count("B-") == 5
    assert export("--format", "conll", "--status", "all").count("B-") == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "w3c", "--user", "nobody"], "no user named 'nobody'"),
        (["--format", "w3c", "--source", "nowhere"], "no source with the slug 'nowhere'"),
        (["--format", "w3c", "--from", "2021-08-01", "--to", "2021-07-01"], "--to is before --from"),
        (["--format", "w3c", "--status", "maybe"], "unknown status 'maybe'"),
        (["--format", "brat"], "give -o FILE"),
        (["--format", "w3c", "-o", "/nonexistent/dir/out.jsonld"], "cannot write"),
    ],
)
def test_export_errors(db, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)


def test_export_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        export("--format", "w3c", "--from", "July")


def test_round_trip_through_the_commands(annotated, user, tmp_path):
    path = tmp_path / "annotations.jsonl"
    call_command("export_annotations", "--format", "doccano", "--user", user.username, "-o", str(path), stderr=io.StringIO())
    before = doccano_summary(path.read_bytes())
    flush_articles()
    out = io.StringIO()
    call_command("import_annotations", str(path), "--user", user.username, "--create-articles", "-v", "2", stdout=out)
    assert "imported 6 annotations (0 duplicates skipped) in 1 article" in out.getvalue()
    assert "(article created): 6 created" in out.getvalue()
    call_command("export_annotations", "--format", "doccano", "--user", user.username, "-o", str(path), stderr=io.StringIO())
    assert doccano_summary(path.read_bytes()) == before


def test_import_dry_run_and_format_by_extension(annotated, user, other_user, tmp_path):
    path = tmp_path / "export.jsonld"
    path.write_text(export("--format", "w3c", "--user", user.username))
    out = io.StringIO()
    call_command("import_annotations", str(path), "--user", other_user.username, "--dry-run", stdout=out)
    assert "would import 6 annotations" in out.getvalue()
    assert not Annotation.objects.filter(creator=other_user).exists()


def test_import_failure_prints_every_problem(seed_article, user, tmp_path):
    text = seed_article.current_revision.text
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps({"text": text, "label": [[0, 5, "PERSON"]]}) + "\n{oops\n", encoding="utf-8"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problems in the file; nothing was imported"):
        call_command("import_annotations", str(path), "--user", user.username, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"{path}: line 1: label[0][2]: Unknown label 'PERSON'")
    assert lines[1].startswith(f"{path}: line 2: Malformed JSON")
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["file.txt", "--user", "x"], "say which format"),
        (["file.jsonl", "--user", "nobody"], "no user named 'nobody'"),
        (["missing.jsonl", "--user", "{user}"], "cannot read missing.jsonl"),
        (["file.jsonl", "--user", "{user}", "--article", "999999"], "no article 999999"),
        (["file.jsonl", "--user", "{user}", "--group", "nobody"], "no group with the slug 'nobody'"),
    ],
)
def test_import_errors(user, args, message):
    args = [arg.replace("{user}", user.username) for arg in args]
    with pytest.raises(CommandError, match=message):
        call_command("import_annotations", *args)


def test_import_into_an_article_as_a_group(annotated, user, member, group, seed_article, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(export("--format", "doccano", "--user", user.username))
    call_command(
        "import_annotations", str(path), "--user", member.username, "--article", str(seed_article.pk),
        "--visibility", "group", "--group", group.slug, stdout=io.StringIO(),
    )  # fmt: skip
    copies = Annotation.objects.filter(creator=member)
    assert copies.count() == 6 and set(copies.values_list("group__slug", flat=True)) == {group.slug}
    assert Article.objects.count() == 1
    assert copies.get(exact=QUOTE).speaker.creator == member


def test_brat_to_a_binary_stdout(annotated, seed_article, capfdbinary):
    call_command("export_annotations", "--format", "brat")
    data = capfdbinary.readouterr().out
    assert f"newsreader-brat/{seed_article.pk}.txt" in zipfile.ZipFile(io.BytesIO(data)).namelist()
