"""Export, import into an empty database, export again: the same annotations (W3C and doccano)."""

from __future__ import annotations

import pytest

from annotations.exports import import_file
from annotations.exports.import_records import ImportFailed
from annotations.models import Annotation
from newsreader.models import Article
from newsreader.services.articles import article_save
from tests.annotations.conftest import seed_parts
from tests.annotations.exports.conftest import doccano_summary, flush_articles, run_export, w3c_summary
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

SUMMARY = {"w3c": w3c_summary, "doccano": doccano_summary}


@pytest.fixture
def suggestion(seed_article, loc):
    """A reviewed machine suggestion: status, suggester and confidence must survive too."""
    from annotations.services import annotation_create

    text = seed_article.current_revision.text
    start = text.index("بغداد")
    return annotation_create(
        user=None, article=seed_article, kind="entity", start=start, end=start + 5, exact="بغداد", label=loc,
        status="accepted", suggester="crf-1", confidence=0.75,
    )  # fmt: skip


@pytest.mark.parametrize("format_name", ["w3c", "doccano"])
def test_round_trip_into_an_empty_database(format_name, annotated, user):
    before = run_export(format_name, user=user)
    # The same annotations, seen through the other format too.
    other = "doccano" if format_name == "w3c" else "w3c"
    other_before = run_export(other, user=user)
    assert Annotation.objects.count() == 6
    flush_articles()
    assert not Article.objects.exists()

    result = import_file(format_name, before, user=user, create_articles=True)

    assert result.created == 6 and result.skipped == 0
    assert [a.article_created for a in result.articles] == [True]
    after = run_export(format_name, user=user)
    assert SUMMARY[format_name](after) == SUMMARY[format_name](before)
    assert SUMMARY[other](run_export(other, user=user)) == SUMMARY[other](other_before)
    # The speaker link is a link again (not a name), to the new entity.
    quote = Annotation.objects.get(kind="quote", speaker__isnull=False)
    assert quote.speaker.exact == "بايدن" and quote.speaker.article_id == quote.article_id
    assert quote.revision.text[quote.cue_start : quote.cue_end] == "قال"


@pytest.mark.parametrize("format_name", ["w3c", "doccano"])
def test_round_trip_onto_the_article_imported_again(format_name, annotated, user):
    """The article is recreated by article_save (as an article import would); the file finds it by its text."""
    before = run_export(format_name, user=user)
    source_name = annotated["joe"].article.source.name
    flush_articles()
    recreated = article_save(source=SourceFactory(name=source_name), **seed_parts()).article

    result = import_file(format_name, before, user=user)

    assert [(a.article_id, a.created, a.article_created) for a in result.articles] == [(recreated.pk, 6, False)]
    assert SUMMARY[format_name](run_export(format_name, user=user)) == SUMMARY[format_name](before)


@pytest.mark.parametrize("format_name", ["w3c", "doccano"])
def test_status_suggester_and_confidence_survive(format_name, annotated, suggestion, user, staff_user):
    before = run_export(format_name, user=staff_user)
    flush_articles()
    import_file(format_name, before, user=user, create_articles=True)
    imported = Annotation.objects.get(exact="بغداد")
    assert (imported.status, imported.suggester, imported.confidence) == ("accepted", "crf-1", 0.75)
    assert imported.creator == user  # the importer is the creator


@pytest.mark.parametrize("format_name", ["w3c", "doccano"])
def test_importing_twice_adds_nothing(format_name, annotated, user):
    data = run_export(format_name, user=user)
    result = import_file(format_name, data, user=user)
    assert (result.created, result.skipped) == (0, 6)
    assert Annotation.objects.count() == 6


@pytest.mark.parametrize("format_name", ["w3c", "doccano"])
def test_another_user_gets_their_own_copy(format_name, annotated, user, other_user):
    data = run_export(format_name, user=user)
    result = import_file(format_name, data, user=other_user)
    assert (result.created, result.skipped) == (6, 0)
    copies = Annotation.objects.filter(creator=other_user)
    quote = copies.get(speaker__isnull=False)
    assert quote.speaker.creator == other_user  # linked to the new copy of the speaker, not the original


@pytest.mark.parametrize("format_name", ["w3c", "doccano"])
def test_dry_run_saves_nothing(format_name, annotated, user):
    data = run_export(format_name, user=user)
    flush_articles()
    result = import_file(format_name, data, user=user, create_articles=True, dry_run=True)
    assert result.dry_run and result.created == 6
    assert not Article.objects.exists() and not Annotation.objects.exists()


def test_one_bad_annotation_imports_nothing(annotated, user):
    """All or nothing: an unknown label in one item leaves the database as it was, articles included."""
    data = run_export("w3c", user=user).replace(b'"value":"LOC"', b'"value":"PLACE"')
    flush_articles()
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", data, user=user, create_articles=True)
    assert [(e["index"], e["field"], e["code"]) for e in failed.value.errors] == [(0, "body", "unknown_label")]
    assert "Unknown label 'PLACE'" in failed.value.errors[0]["message"]
    assert not Article.objects.exists() and not Annotation.objects.exists()
