"""Carry-over: editing the seed article's text keeps, moves or orphans its annotations (never deletes them)."""

import pytest

from annotations.models import Annotation
from annotations.services import annotations_carry_over
from newsreader.document import compose
from newsreader.services.articles import article_revise
from tests.annotations.conftest import seed_parts, span_of

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"
DAESH_PARAGRAPH = "ويوجد في الوقت الراهن 2500 جندي"


@pytest.fixture
def marks(user, make_entity, make_quote, seed_article, text):
    """Title entity, body entity, the speaker, his quote (with cue), and داعش in the last paragraph."""
    speaker = make_entity(user, needle="بايدن", occurrence=3)
    assert text[speaker.end : speaker.end + 10] == " للصحافيين"
    cue = span_of(text, "وقال بايدن للصحافيين")
    daesh_paragraph = text.index(DAESH_PARAGRAPH)
    daesh = text.index("داعش", daesh_paragraph)
    return {
        "title": make_entity(user, needle="بايدن"),
        "kazimi": make_entity(user, needle="مصطفى الكاظمي"),
        "speaker": speaker,
        "quote": make_quote(user, speaker=speaker, cue_start=cue[0], cue_end=cue[0] + 4),
        "daesh": annotation_at(user, seed_article, daesh, "داعش"),
    }


def annotation_at(user, article, start, exact):
    from annotations.services import annotation_create

    return annotation_create(user=user, article=article, kind="entity", start=start, end=start + len(exact), label="ORG")


def revise(article, edit) -> tuple:
    parts = seed_parts()
    parts.pop("published_on")
    parts["body"] = edit(list(parts["body"]))
    previous = article.current_revision
    revision = article_revise(article=article, document=compose(**parts), reason="test edit")
    return previous, revision


def state(annotation):
    annotation.refresh_from_db()
    return annotation


def assert_on(annotation, revision, exact=None):
    annotation = state(annotation)
    assert annotation.revision_id == revision.pk and not annotation.orphaned
    assert revision.text[annotation.start : annotation.end] == (exact or annotation.exact)
    assert annotation.prefix == revision.text[max(0, annotation.start - 32) : annotation.start]
    assert annotation.suffix == revision.text[annotation.end : annotation.end + 32]
    return annotation


def assert_orphaned(annotation, previous):
    before = (annotation.start, annotation.end, annotation.exact)
    annotation = state(annotation)
    assert annotation.orphaned and annotation.orphaned_at is not None
    # left where its offsets are still true
    assert annotation.revision_id == previous.pk and (annotation.start, annotation.end, annotation.exact) == before
    assert previous.text[annotation.start : annotation.end] == annotation.exact
    return annotation


def test_insert_before_shifts_everything(seed_article, marks):
    added = "فقرة جديدة في بداية المقال."
    previous, revision = revise(seed_article, lambda body: [added, *body])
    shift = len(added) + 2
    assert_on(marks["title"], revision)
    assert state(marks["title"]).start == 0  # the title did not move
    for name in ("kazimi", "speaker", "quote", "daesh"):
        old_start = marks[name].start
        annotation = assert_on(marks[name], revision)
        assert annotation.start == old_start + shift and annotation.version == 2
    quote = state(marks["quote"])
    assert revision.text[quote.cue_start : quote.cue_end] == "وقال"
    assert quote.speaker_id == marks["speaker"].pk
    assert Annotation.objects.count() == 5


def test_change_inside_the_span_orphans_only_that_annotation(seed_article, marks):
    previous, revision = revise(seed_article, lambda body: [p.replace("نهاية العام", "نهاية السنة") for p in body])
    assert_orphaned(marks["quote"], previous)
    for name in ("title", "kazimi", "speaker", "daesh"):
        assert_on(marks[name], revision)
    assert Annotation.objects.count() == 5


def test_deleting_the_sentence_orphans_even_if_the_word_occurs_elsewhere(seed_article, marks, text):
    assert text.count("داعش") >= 2  # another mention exists, in another context
    previous, revision = revise(seed_article, lambda body: [p for p in body if not p.startswith(DAESH_PARAGRAPH)])
    assert_orphaned(marks["daesh"], previous)
    for name in ("title", "kazimi", "speaker", "quote"):
        assert_on(marks[name], revision)


def test_changing_diacritics_only_moves_the_quote(seed_article, marks):
    plain = "لن نكون مع نهاية العام في مهمة قتالية"
    previous, revision = revise(seed_article, lambda body: [p.replace(QUOTE, plain) for p in body])
    quote = assert_on(marks["quote"], revision, exact=plain)
    assert quote.exact == plain  # stored text follows the new revision
    assert quote.speaker_id == marks["speaker"].pk
    assert_on(marks["speaker"], revision)


def test_diacritics_changed_outside_spans_keep_them(seed_article, marks):
    previous, revision = revise(seed_article, lambda body: [p.replace("حسّاس", "حساس") for p in body])
    for annotation in marks.values():
        assert_on(annotation, revision)


def test_duplicated_sentence_keeps_one_copy(seed_article, marks, text):
    def duplicate(body):
        index = next(i for i, p in enumerate(body) if QUOTE in p)
        return body[: index + 1] + [body[index]] + body[index + 1 :]

    previous, revision = revise(seed_article, duplicate)
    assert revision.text.count(QUOTE) == 2
    quote = assert_on(marks["quote"], revision, exact=QUOTE)
    speaker = assert_on(marks["speaker"], revision)
    # quote and speaker stay together in one copy, the cue with them
    assert quote.speaker_id == speaker.pk
    assert 0 < quote.start - speaker.start < 100
    assert revision.text[quote.cue_start : quote.cue_end] == "وقال"
    assert Annotation.objects.filter(orphaned=True).count() == 0


def test_moved_paragraph_is_found_again(seed_article, marks):
    def move_last_first(body):
        return [body[-1], *body[:-1]]

    previous, revision = revise(seed_article, move_last_first)
    for annotation in marks.values():
        assert_on(annotation, revision)


def test_orphaned_speaker_leaves_the_quote_its_name(seed_article, marks):
    previous, revision = revise(
        seed_article, lambda body: [p.replace("وقال بايدن للصحافيين", "وقال الرئيس للصحافيين") for p in body]
    )
    assert_orphaned(marks["speaker"], previous)
    quote = assert_on(marks["quote"], revision)
    assert quote.speaker_id is None and quote.speaker_name == "بايدن"
    assert quote.cue_start is not None and revision.text[quote.cue_start : quote.cue_end] == "وقال"


def test_several_revisions_in_a_row(seed_article, marks):
    first_previous, _ = revise(seed_article, lambda body: [p.replace("نهاية العام", "نهاية السنة") for p in body])
    _, last = revise(seed_article, lambda body: ["تمهيد.", *[p.replace("نهاية العام", "نهاية السنة") for p in body]])
    assert_orphaned(marks["quote"], first_previous)  # stays on revision 1
    for name in ("title", "kazimi", "speaker", "daesh"):
        assert_on(marks[name], last)


def test_orphans_are_not_carried_again_and_nothing_is_deleted(seed_article, marks):
    revise(seed_article, lambda body: body[:1])
    count = Annotation.objects.count()
    orphans = set(Annotation.objects.filter(orphaned=True).values_list("pk", flat=True))
    assert {marks["quote"].pk, marks["daesh"].pk} <= orphans
    revise(seed_article, lambda body: body[:2])
    assert Annotation.objects.count() == count
    assert orphans <= set(Annotation.objects.filter(orphaned=True).values_list("pk", flat=True))


def test_result_lists_each_outcome(seed_article, marks):
    parts = seed_parts()
    parts.pop("published_on")
    plain = "لن نكون مع نهاية العام في مهمة قتالية"
    parts["body"] = [p.replace(QUOTE, plain) for p in parts["body"] if not p.startswith(DAESH_PARAGRAPH)]
    from newsreader.services.articles import _revision_create

    previous = seed_article.current_revision
    revision = _revision_create(article=seed_article, document=compose(**parts))
    result = annotations_carry_over(previous=previous, revision=revision)
    assert set(result.kept) == {marks[n].pk for n in ("title", "kazimi", "speaker")}
    assert result.moved == [marks["quote"].pk]
    assert result.orphaned == [marks["daesh"].pk]
    assert annotations_carry_over(previous=None, revision=revision).kept == []


def test_two_annotations_landing_on_one_span_do_not_collide(user, source, default_labels):
    from annotations.services import annotation_create
    from tests.factories import make_article

    paragraph = "قال الكاظمي إن الحوار مستمر."
    article = make_article(source=source, title="عنوان", body=[paragraph, paragraph])
    text = article.current_revision.text
    first, second = span_of(text, "الكاظمي", 0), span_of(text, "الكاظمي", 1)
    a = annotation_create(user=user, article=article, kind="entity", start=first[0], end=first[1], label="PER")
    b = annotation_create(user=user, article=article, kind="entity", start=second[0], end=second[1], label="PER")
    previous = article.current_revision
    # One copy goes: both annotations would land on the one left; the second one is orphaned, not lost.
    revision = article_revise(article=article, document=compose(title="عنوان", body=[paragraph]))
    a, b = state(a), state(b)
    assert sorted([a.orphaned, b.orphaned]) == [False, True]
    kept = a if not a.orphaned else b
    assert kept.revision_id == revision.pk and revision.text[kept.start : kept.end] == "الكاظمي"
    orphan = b if kept is a else a
    assert orphan.revision_id == previous.pk
