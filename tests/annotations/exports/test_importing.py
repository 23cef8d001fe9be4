"""The import rules shared by every format: finding articles, visibility, groups, duplicates, big files."""

from __future__ import annotations

import json

import pytest

from annotations.exports import import_file, importing
from annotations.exports.import_records import ImportFailed
from annotations.models import Annotation
from newsreader.document import compose
from newsreader.models import Article
from newsreader.services.articles import article_revise
from tests.annotations.conftest import seed_parts, span_of
from tests.annotations.exports.conftest import QUOTE, codes, run_export
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_signed_out_users_cannot_import(annotated, user):
    from django.contrib.auth.models import AnonymousUser

    data = run_export("doccano", user=user)
    for nobody in (None, AnonymousUser()):
        with pytest.raises(ImportFailed) as failed:
            import_file("doccano", data, user=nobody)
        assert codes(failed.value) == [(None, None, "not_authenticated")]


def test_unknown_format(user):
    with pytest.raises(ImportFailed) as failed:
        import_file("brat", b"T1\tPER 0 5\tx", user=user)
    assert codes(failed.value) == [(None, "format", "invalid_choice")]


def test_an_older_revision_is_found_and_the_offsets_carried(annotated, user, other_user, seed_article):
    """A file made before the article was edited: found by the old text, every span moved to the new one."""
    data = run_export("doccano", user=user)
    parts = seed_parts()
    intro = "مقدمة أضيفت لاحقا."
    article_revise(
        article=seed_article,
        document=compose(title=parts["title"], subtitle=parts["subtitle"], caption=parts["caption"], body=[intro, *parts["body"]]),
    )
    seed_article.refresh_from_db()
    text = seed_article.current_revision.text
    result = import_file("doccano", data, user=other_user)
    assert [(a.article_id, a.created) for a in result.articles] == [(seed_article.pk, 6)]
    quote = Annotation.objects.get(creator=other_user, kind="quote", speaker__isnull=False)
    assert quote.revision_id == seed_article.current_revision_id
    assert (quote.start, quote.end) == span_of(text, QUOTE)
    assert text[quote.cue_start : quote.cue_end] == "قال"
    assert quote.speaker.exact == "بايدن" and quote.speaker.start == span_of(text, "وقال بايدن")[0] + 5


def test_article_option_takes_one_article_only(annotated, user, source, per):
    from annotations.services import annotation_create

    second = make_article(source=source, title="خبر ثان", body="قال الوزير كلاما.")
    start, end = span_of(second.current_revision.text, "الوزير")
    annotation_create(user=user, article=second, kind="entity", start=start, end=end, label=per)
    data = run_export("doccano", user=user)
    with pytest.raises(ImportFailed) as failed:
        import_file("doccano", data, user=user, article=annotated["joe"].article)
    assert codes(failed.value) == [(None, "article", "several_articles")]


def test_visibility_override_and_group(annotated, user, other_user, group, member):
    data = run_export("w3c", user=user)
    import_file("w3c", data, user=other_user, visibility="private")
    assert set(Annotation.objects.filter(creator=other_user).values_list("visibility", flat=True)) == {"private"}
    # A member shares a copy with the group.
    import_file("w3c", data, user=member, visibility="group", group=group)
    assert set(Annotation.objects.filter(creator=member).values_list("visibility", "group__slug")) == {("group", group.slug)}


def test_group_annotations_need_a_group_the_user_belongs_to(seed_article, member, other_user, group, make_entity, loc):
    make_entity(member, "واشنطن", label=loc, visibility="group", group=group)
    data = run_export("w3c", user=member)
    Annotation.objects.all().delete()
    # The group named in the file (by slug), for a member: kept.
    assert import_file("w3c", data, user=member).created == 1
    assert Annotation.objects.get().group == group
    # Not a member: the services refuse.
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", data, user=other_user)
    assert codes(failed.value) == [(0, "group", "not_a_member")]
    # A group this database does not have.
    with pytest.raises(ImportFailed) as failed:
        import_file("w3c", data.replace(f'"group":"{group.slug}"'.encode(), b'"group":"elsewhere"'), user=other_user)
    assert codes(failed.value) == [(0, "group", "unknown_group")]


def test_the_same_span_twice_in_a_file_is_imported_once(seed_article, text, user):
    start, end = span_of(text, "واشنطن")
    record = {"text": text, "label": [[start, end, "LOC"], [start, end, "LOC"], [start, end, "ORG"]]}
    result = import_file("doccano", json.dumps(record).encode(), user=user)
    assert (result.created, result.skipped) == (2, 1)


def test_big_files_are_created_in_chunks_with_their_speakers(annotated, user, other_user, monkeypatch):
    """More annotations than one bulk request takes: entities first, quotes then find their speakers' ids."""
    monkeypatch.setattr(importing, "MAX_BULK_ITEMS", 2)
    result = import_file("w3c", run_export("w3c", user=user), user=other_user)
    assert result.created == 6
    quote = Annotation.objects.get(creator=other_user, kind="quote", speaker__isnull=False)
    assert quote.speaker.creator == other_user and quote.speaker.exact == "بايدن"


def test_a_cue_not_in_the_current_text(seed_article, text, user):
    """The line's text is an edited copy whose cue word is not in the article: a clear error."""
    edited = text.replace("وقال بايدن للصحافيين", "وصرّح بايدن للصحافيين")
    quote = span_of(edited, QUOTE)
    cue = span_of(edited, "صرّح")
    record = {
        "text": edited,
        "entities": [
            {"id": 1, "label": "QUOTE_DIRECT", "start_offset": quote[0], "end_offset": quote[1]},
            {"id": 2, "label": "CUE", "start_offset": cue[0], "end_offset": cue[1]},
        ],
        "relations": [{"from_id": 1, "to_id": 2, "type": "CUE"}],
    }
    with pytest.raises(ImportFailed) as failed:
        import_file("doccano", json.dumps(record).encode(), user=user, article=seed_article)
    assert codes(failed.value) == [(1, "entities[1]", "cue_not_found")]


def test_an_article_found_by_its_url(user, source, per):
    article = make_article(source=source, title="خبر", body="قال الوزير كلاما.", source_url="https://paper.example/1")
    record = {
        "text": "نسخة أخرى من النص: قال الوزير كلاما.",
        "label": [[23, 29, "PER"]],
        "meta": {"article": {"source_url": "https://paper.example/1"}},
    }
    result = import_file("doccano", json.dumps(record).encode(), user=user)
    assert result.articles[0].article_id == article.pk
    assert Annotation.objects.get().exact == "الوزير"  # found again in the article's own text


def test_articles_without_annotations_are_only_needed_when_creating(seed_article, annotated, user, other_user, source):
    """An export of a whole source lists every article; one missing here that has no annotations is no error."""
    make_article(source=source, title="خبر بلا تعليقات", body="فقرة.")
    data = run_export("w3c", user=user)
    Article.objects.filter(pk=seed_article.pk + 1).update(current_revision=None)
    from newsreader.models import ArticleRevision

    ArticleRevision.objects.filter(article_id=seed_article.pk + 1).delete()
    Article.objects.filter(pk=seed_article.pk + 1).delete()
    assert import_file("w3c", data, user=other_user).created == 6
