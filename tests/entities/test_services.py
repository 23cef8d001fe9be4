"""Linking annotations to entities, keeping the derived rows right, merging and splitting."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation
from annotations.services import (
    annotation_delete,
    annotation_set_hidden,
    annotation_update,
    annotations_delete_many,
    annotations_moderate,
)
from entities.keys import entity_key
from entities.models import Entity, EntityAlias, EntityMention, EntityRedirect, SpeakerQuote
from entities.services import entities_relink, entity_merge, entity_rename, entity_split
from newsreader.document import compose
from newsreader.services.articles import article_revise


def entity_of(annotation) -> Entity:
    return EntityMention.objects.select_related("entity").get(annotation=annotation).entity


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("بايدن", "وبايدن"),
        ("بايدن", "لبايدن"),
        ("الكاظمي", "بالكاظمي"),
        ("الكاظمي", "والكاظمي"),
        ("بايدن", "بايدنُ"),
        ("ترمب", "ترامب"),
        ("الأمم المتحدة", "للأمم المتّحدة"),
        ("إيران", "ايران"),
        ("مصطفى", "مصطفي"),
    ],
)
def test_names_with_the_same_key(a, b):
    assert entity_key(a) == entity_key(b) != ""


@pytest.mark.parametrize(("a", "b"), [("بايدن", "جو بايدن"), ("العراق", "إيران"), ("ولد", "بلد")])
def test_names_with_different_keys(a, b):
    assert entity_key(a) != entity_key(b)


def test_punctuation_has_no_key():
    assert entity_key("«»!") == ""


def test_mentions_with_the_same_normalised_name_are_one_entity(user, other_user, articles, mark):
    a = mark(user, articles["visit"], "بايدن", occurrence=1)
    b = mark(other_user, articles["washington"], "بايدن", occurrence=1)
    c = mark(user, articles["washington"], "بالكاظمي")
    d = mark(user, articles["reception"], "الكاظمي")
    assert entity_of(a) == entity_of(b)
    assert entity_of(c) == entity_of(d) != entity_of(a)
    biden = entity_of(a)
    assert (biden.label, biden.name, biden.public_mentions, biden.public_articles) == ("PER", "بايدن", 2, 2)
    # the name as marked, clitics and all, is kept on the mention
    assert EntityMention.objects.get(annotation=c).name == "بالكاظمي"


def test_the_label_is_part_of_the_identity(user, articles, mark):
    person = mark(user, articles["visit"], "بغداد", label="PER")
    place = mark(user, articles["visit"], "بغداد", label="LOC")
    assert entity_of(person) != entity_of(place)
    assert entity_of(place).label == "LOC"


def test_visibility_status_hidden_and_orphaned_decide_what_counts(user, staff_user, articles, mark):
    private = mark(user, articles["visit"], "بايدن", occurrence=1, visibility="private")
    suggestion = mark(None, articles["washington"], "بايدن", occurrence=1, status="suggested")
    public = mark(user, articles["washington"], "بايدن", occurrence=0)  # inside "جو بايدن"
    flags = lambda: dict(EntityMention.objects.values_list("annotation_id", "public"))  # noqa: E731
    assert flags() == {private.pk: False, suggestion.pk: False, public.pk: True}
    biden = entity_of(public)
    assert (biden.public_mentions, biden.public_articles) == (1, 1)

    annotation_update(user=user, annotation_id=private.pk, expected_version=None, visibility="public")
    assert flags()[private.pk] is True
    annotation_set_hidden(user=staff_user, annotation_id=public.pk, hidden=True)
    assert flags()[public.pk] is False
    biden.refresh_from_db()
    assert (biden.public_mentions, biden.public_articles) == (1, 1)
    annotations_moderate(annotation_ids=[public.pk], hidden=False)
    assert flags()[public.pk] is True
    annotation_update(user=staff_user, annotation_id=suggestion.pk, expected_version=None, status="accepted")
    assert flags()[suggestion.pk] is True
    biden.refresh_from_db()
    assert (biden.public_mentions, biden.public_articles) == (3, 2)


def test_an_edit_that_orphans_a_mention_stops_it_counting(user, articles, mark):
    article = articles["reception"]
    gone = mark(user, article, "الأمم المتحدة", label="ORG")
    kept = mark(user, article, "الكاظمي")
    revision = article.current_revision
    document = compose(title=revision.title, body="استقبل الكاظمي وفداً من البنك الدولي في بغداد.")
    article_revise(article=article, document=document, user=user, reason="test")
    rows = dict(EntityMention.objects.values_list("annotation_id", "public"))
    assert rows == {gone.pk: False, kept.pk: True}
    un = entity_of(gone)
    assert un.public_mentions == 0 and un.name == ""


def test_changing_the_span_or_label_moves_the_mention(user, articles, mark):
    annotation = mark(user, articles["visit"], "بايدن", occurrence=1)
    biden = entity_of(annotation)
    text = articles["visit"].current_revision.text
    start = text.index("الكاظمي")
    annotation_update(user=user, annotation_id=annotation.pk, expected_version=None, start=start, end=start + 7, exact="الكاظمي")
    kadhimi = entity_of(annotation)
    assert kadhimi != biden and kadhimi.name == "الكاظمي"
    biden.refresh_from_db()
    assert biden.public_mentions == 0
    annotation_update(user=user, annotation_id=annotation.pk, expected_version=None, label="ORG")
    assert entity_of(annotation).label == "ORG"


def test_deleting_removes_the_mention_and_recounts(user, articles, mark):
    a = mark(user, articles["visit"], "بايدن", occurrence=1)
    b = mark(user, articles["washington"], "بايدن", occurrence=1)
    biden = entity_of(a)
    annotation_delete(user=user, annotation_id=a.pk, expected_version=None)
    assert list(EntityMention.objects.values_list("annotation_id", flat=True)) == [b.pk]
    biden.refresh_from_db()
    assert (biden.public_mentions, biden.public_articles) == (1, 1)
    annotations_delete_many(annotation_ids=[b.pk])
    assert not EntityMention.objects.exists()
    biden.refresh_from_db()
    assert biden.public_mentions == 0


def test_an_unrelated_change_writes_nothing(user, articles, mark, say):
    speaker = mark(user, articles["visit"], "بايدن", occurrence=1)
    say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=speaker)
    with CaptureQueriesContext(connection) as queries:
        annotation_update(user=user, annotation_id=speaker.pk, expected_version=None, note="مهم")
    writes = [q["sql"] for q in queries.captured_queries if "entities_" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []


# --- quotes and speakers --------------------------------------------------------------


def test_a_quote_is_attributed_to_its_speakers_entity(user, articles, mark, say):
    speaker = mark(user, articles["visit"], "بايدن", occurrence=1)
    quote = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=speaker)
    row = SpeakerQuote.objects.get(annotation=quote)
    assert row.entity == entity_of(speaker) and row.speaker_annotation_id == speaker.pk and row.public
    assert row.speaker_name == "بايدن" and row.quote_type == "direct"
    assert entity_of(speaker).public_quotes == 1


def test_a_private_speaker_keeps_the_quote_from_counting_for_everyone(user, articles, mark, say):
    # (A public quote cannot name a private speaker; the speaker is made private after.)
    speaker = mark(user, articles["visit"], "بايدن", occurrence=1)
    quote = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=speaker)
    assert SpeakerQuote.objects.get(annotation=quote).public is True
    annotation_update(user=user, annotation_id=speaker.pk, expected_version=None, visibility="private")
    assert SpeakerQuote.objects.get(annotation=quote).public is False
    annotation_update(user=user, annotation_id=speaker.pk, expected_version=None, visibility="public")
    assert SpeakerQuote.objects.get(annotation=quote).public is True


def test_a_free_text_speaker_joins_the_marked_person(user, articles, mark, say):
    kadhimi = entity_of(mark(user, articles["reception"], "الكاظمي"))
    quote = say(user, articles["reception"], "إن الحكومة ملتزمة بإجراء الانتخابات في موعدها", speaker_name="والكاظمي")
    row = SpeakerQuote.objects.get(annotation=quote)
    assert row.entity == kadhimi and row.label == "" and row.speaker_annotation_id is None


def test_a_free_text_speaker_becomes_the_person_once_marked(user, articles, mark, say):
    quote = say(user, articles["undated"], "إن الموازنة جاهزة", speaker_name="وزير المالية")
    speaker = SpeakerQuote.objects.get(annotation=quote).entity
    assert speaker.label == "" and speaker.public_quotes == 1 and speaker.name == "وزير المالية"
    marked = mark(user, articles["undated"], "وزير المالية")
    person = entity_of(marked)
    assert SpeakerQuote.objects.get(annotation=quote).entity == person
    assert not Entity.objects.filter(pk=speaker.pk).exists()
    assert EntityRedirect.objects.get(old_id=speaker.pk).entity == person
    person.refresh_from_db()
    assert (person.label, person.public_quotes, person.public_mentions) == ("PER", 1, 1)


def test_a_quote_with_no_speaker_is_kept_for_the_quote_search(user, articles, say):
    quote = say(user, articles["undated"], "إن الموازنة جاهزة")
    row = SpeakerQuote.objects.get(annotation=quote)
    assert row.entity is None and row.public


def test_deleting_the_speaker_keeps_the_quote_with_the_speakers_name(user, articles, mark, say):
    speaker = mark(user, articles["visit"], "بايدن", occurrence=1)
    biden = entity_of(speaker)
    mark(user, articles["washington"], "بايدن", occurrence=1)
    quote = say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=speaker)
    annotation_delete(user=user, annotation_id=speaker.pk, expected_version=None)
    row = SpeakerQuote.objects.get(annotation=quote)
    # the service kept the speaker's words as speaker_name, which names the same person
    assert row.entity == biden and row.speaker_annotation_id is None and row.label == ""


# --- merge and split --------------------------------------------------------------------


@pytest.fixture
def bidens(user, articles, mark, say):
    """Three names of one man, one of them speaking."""
    short = mark(user, articles["visit"], "بايدن", occurrence=1)
    mark(user, articles["washington"], "بايدن", occurrence=1)
    joe = mark(user, articles["washington"], "جو بايدن")
    title = mark(user, articles["visit"], "الرئيس الأميركي جو بايدن")
    say(user, articles["washington"], "أن القوات الأميركية لن تكون في مهمة قتالية في العراق مع نهاية العام", speaker=joe)
    return entity_of(short), entity_of(joe), entity_of(title)


def test_merge_makes_one_entity_with_every_name(staff_user, bidens, mark, user, articles):
    short, joe, title = bidens
    merged = entity_merge(user=staff_user, target=short, sources=[joe, title])
    assert merged.pk == short.pk
    assert (merged.public_mentions, merged.public_articles, merged.public_quotes) == (4, 2, 1)
    assert set(EntityAlias.objects.filter(entity=merged).values_list("key", flat=True)) == {
        entity_key("بايدن"), entity_key("جو بايدن"), entity_key("الرئيس الأميركي جو بايدن")
    }
    assert not Entity.objects.filter(pk__in=[joe.pk, title.pk]).exists()
    assert set(EntityRedirect.objects.filter(entity=merged).values_list("old_id", flat=True)) == {joe.pk, title.pk}
    assert set(SpeakerQuote.objects.values_list("entity_id", flat=True)) == {merged.pk}
    # a name of a merged entity marked later joins the merged one
    later = mark(user, articles["reception"], "الكاظمي")  # unrelated
    assert entity_of(later) != merged
    again = mark(user, articles["visit"], "جو بايدن")
    assert entity_of(again) == merged


def test_merging_twice_keeps_old_links_working(staff_user, bidens):
    short, joe, title = bidens
    entity_merge(user=staff_user, target=joe, sources=[title])
    entity_merge(user=staff_user, target=short, sources=[joe])
    assert dict(EntityRedirect.objects.values_list("old_id", "entity_id")) == {title.pk: short.pk, joe.pk: short.pk}


def test_merge_refuses_other_labels_missing_entities_and_non_staff(staff_user, user, bidens, articles, mark):
    short, joe, _ = bidens
    place = entity_of(mark(user, articles["visit"], "بغداد", label="LOC"))
    with pytest.raises(ValidationError) as caught:
        entity_merge(user=staff_user, target=short, sources=[place])
    assert caught.value.error_dict["entities"][0].code == "label_mismatch"
    with pytest.raises(ValidationError) as caught:
        entity_merge(user=staff_user, target=short, sources=[999999])
    assert caught.value.error_dict["entities"][0].code == "not_found"
    with pytest.raises(ValidationError):
        entity_merge(user=staff_user, target=short, sources=[short])
    with pytest.raises(PermissionDenied):
        entity_merge(user=user, target=short, sources=[joe])
    assert Entity.objects.filter(pk=joe.pk).exists()


def test_split_moves_names_with_their_mentions_and_quotes(staff_user, bidens, user, articles, mark):
    short, joe, title = bidens
    merged = entity_merge(user=staff_user, target=short, sources=[joe, title])
    new = entity_split(user=staff_user, entity=merged, names=["جو بايدن", "الرئيس الأميركي جو بايدن"], name="جو بايدن")
    merged.refresh_from_db()
    assert (merged.public_mentions, merged.public_quotes) == (2, 0)
    assert (new.label, new.name, new.name_locked, new.public_mentions, new.public_quotes) == ("PER", "جو بايدن", True, 2, 1)
    assert set(EntityAlias.objects.filter(entity=new).values_list("key", flat=True)) == {
        entity_key("جو بايدن"), entity_key("الرئيس الأميركي جو بايدن")
    }
    # the moved names now resolve to the new entity
    assert entity_of(mark(user, articles["visit"], "جو بايدن")) == new


def test_split_by_alias_id_and_its_errors(staff_user, user, bidens):
    short, joe, title = bidens
    merged = entity_merge(user=staff_user, target=short, sources=[joe, title])
    alias = EntityAlias.objects.get(entity=merged, key=entity_key("جو بايدن"))
    new = entity_split(user=staff_user, entity=merged, alias_ids=[alias.pk])
    assert new.name == "جو بايدن" and not new.name_locked
    with pytest.raises(ValidationError) as caught:
        entity_split(user=staff_user, entity=new, names=["جو بايدن"])
    assert caught.value.error_dict["names"][0].code == "all_names"
    with pytest.raises(ValidationError) as caught:
        entity_split(user=staff_user, entity=merged, names=["ماكرون"])
    assert caught.value.error_dict["names"][0].code == "not_found"
    with pytest.raises(ValidationError) as caught:
        entity_split(user=staff_user, entity=merged, names=[])
    assert caught.value.error_dict["names"][0].code == "required"
    with pytest.raises(PermissionDenied):
        entity_split(user=user, entity=merged, names=["بايدن"])


def test_rename_locks_the_name_until_cleared(staff_user, bidens):
    short, _, _ = bidens
    renamed = entity_rename(user=staff_user, entity=short, name="  جو   بايدن ")
    assert (renamed.name, renamed.name_locked) == ("جو بايدن", True)
    cleared = entity_rename(user=staff_user, entity=short, name="")
    assert (cleared.name, cleared.name_locked) == ("بايدن", False)


# --- rebuilding ---------------------------------------------------------------------------


def test_relink_rebuilds_the_same_rows_and_keeps_merges(staff_user, bidens, user, articles, say):
    short, joe, title = bidens
    entity_merge(user=staff_user, target=short, sources=[joe])
    say(user, articles["undated"], "إن الموازنة جاهزة", speaker_name="وزير المالية")

    def snapshot():
        return (
            sorted(EntityMention.objects.values_list("annotation_id", "entity_id", "public", "name")),
            sorted(SpeakerQuote.objects.values_list("annotation_id", "entity_id", "public", "speaker_name")),
            sorted(Entity.objects.values_list("id", "name", "public_mentions", "public_articles", "public_quotes")),
        )

    before = snapshot()
    EntityMention.objects.all().delete()
    SpeakerQuote.objects.all().delete()
    Entity.objects.update(public_mentions=0, public_articles=0, public_quotes=0, name="")
    assert entities_relink() == Annotation.objects.count()
    assert snapshot() == before
