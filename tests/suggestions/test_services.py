"""Each suggester end to end on the seed article: stored as suggestions through the annotation services."""

from datetime import timedelta
from pathlib import Path

import pytest

from annotations.models import Annotation
from annotations.services import annotation_create
from suggestions import services
from suggestions.models import CrfModelVersion

S = Annotation.Status


def suggestions(article, **filters):
    return Annotation.objects.filter(article=article, status=S.SUGGESTED, **filters).order_by("start")


def mark(user, article, word, label, *, occurrence=0):
    text = article.current_revision.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return annotation_create(
        user=user, article=article, kind="entity", start=start, end=start + len(word), exact=word, label=label
    )


def occurrences(text, word):
    found, i = [], text.find(word)
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1)
    return found


def test_import_suggests_quotes_with_their_speaker(seed):
    quote = suggestions(seed, kind="quote", exact="لن نكون مع نهاية العام في مهمّة قتاليّة").get()
    assert quote.quote_type == "direct"
    assert quote.suggester == "quotes" and 0 < quote.confidence <= 1
    assert quote.creator is None and quote.visibility == "public"
    assert quote.revision_id == seed.current_revision_id
    text = seed.current_revision.text
    assert text[quote.cue_start : quote.cue_end] == "وقال"
    # No entity is marked yet: the speaker is named, not linked.
    assert quote.speaker is None and quote.speaker_name == "بايدن"
    # Headline scare quotes are not speech.
    assert not suggestions(seed, kind="quote", exact="المهمّة القتالية").exists()


def test_string_matching_suggests_every_other_mention(seed, user):
    text = seed.current_revision.text
    human = mark(user, seed, "بايدن", "PER", occurrence=1)
    services.article_suggest(article_id=seed.pk)
    found = suggestions(seed, kind="entity", label__code="PER", exact="بايدن")
    expected = [i for i in occurrences(text, "بايدن") if i != human.start]
    assert [a.start for a in found] == expected
    assert all(a.suggester == "gazetteer" and a.end == a.start + 5 and a.creator is None for a in found)
    # The human's own mention is not suggested again.
    assert not suggestions(seed, start=human.start).filter(kind="entity").exists()


def test_quote_speaker_links_to_the_suggested_entity(seed, user):
    mark(user, seed, "بايدن", "PER", occurrence=1)
    services.article_suggest(article_id=seed.pk)
    quote = suggestions(seed, kind="quote", exact="لن نكون مع نهاية العام في مهمّة قتاليّة").get()
    assert quote.speaker is not None
    assert quote.speaker.exact == "بايدن" and quote.speaker.start == 740
    assert quote.speaker.status == S.SUGGESTED


def test_string_matching_is_clitic_aware(seed, user):
    text = seed.current_revision.text
    first = mark(user, seed, "الكاظمي", "PER")
    services.article_suggest(article_id=seed.pk)
    found = {a.start: a for a in suggestions(seed, kind="entity", label__code="PER")}
    clitic = text.index("والكاظمي") + 1
    assert clitic in found and found[clitic].exact == "الكاظمي" and found[clitic].end == clitic + 7
    assert first.start not in found


def test_a_name_marked_in_another_article_is_suggested_here(import_seed, user, source):
    from tests.factories import make_article

    other = make_article(source=source, title="زيارة", body="التقى الكاظمي وزير الخارجية في بغداد.")
    mark(user, other, "الكاظمي", "PER")
    seed = import_seed()
    assert suggestions(seed, kind="entity", label__code="PER", exact="الكاظمي").count() >= 3


def test_rejected_suggestion_is_not_suggested_again(seed, user, run_on_commit):
    mark(user, seed, "بايدن", "PER", occurrence=1)
    services.article_suggest(article_id=seed.pk)
    victim = suggestions(seed, kind="entity", start=617).get()
    services.suggestion_reject(user=user, annotation_id=victim.pk)
    result = services.article_suggest(article_id=seed.pk)
    assert not suggestions(seed, kind="entity", start=617).exists()
    assert Annotation.objects.get(pk=victim.pk).status == S.REJECTED
    assert result.created == []  # the others were kept, not recreated
    assert suggestions(seed, kind="entity", label__code="PER", exact="بايدن").count() == 5


def test_rerunning_keeps_existing_suggestions(seed):
    before = set(suggestions(seed).values_list("pk", flat=True))
    result = services.article_suggest(article_id=seed.pk)
    assert result.created == [] and result.kept == len(before)
    assert set(suggestions(seed).values_list("pk", flat=True)) == before


def test_accept_makes_it_the_users_annotation_and_it_teaches_the_matcher(seed, user, import_seed):
    mark(user, seed, "بايدن", "PER", occurrence=1)
    services.article_suggest(article_id=seed.pk)
    suggestion = suggestions(seed, kind="entity", start=617).get()
    accepted = services.suggestion_accept(user=user, annotation_id=suggestion.pk)
    assert accepted.pk == suggestion.pk
    assert accepted.status == S.ACCEPTED and accepted.creator == user and accepted.suggester == "gazetteer"
    assert accepted.version == suggestion.version + 1
    from annotations import outbox

    outbox.drain()  # the CRF's counter reads the event log after the commit
    assert services.crf_new_annotations() == 2


def test_bert_not_installed_is_reported(seed, settings):
    status = services.suggesters_status()
    bert = next(s for s in status["suggesters"] if s["name"] == "bert")
    assert bert["available"] is False and "not installed" in bert["detail"]
    assert services.bert_model() is None
    assert not suggestions(seed, suggester="bert").exists()


@pytest.fixture
def tiny_bert(tmp_path, settings):
    from tests.arabic.ner.test_bert import build_tiny_model

    path = build_tiny_model(tmp_path / "bert", favour="B-PERS")
    settings.SUGGESTIONS_BERT_MODEL = str(path)
    return path


def test_bert_installed_suggests(seed, tiny_bert):
    status = services.suggesters_status()
    assert next(s for s in status["suggesters"] if s["name"] == "bert")["available"] is True
    result = services.article_suggest(article_id=seed.pk)
    assert "bert" in result.suggesters
    # The tiny model tags every word B-PERS: every word becomes a PER suggestion by "bert".
    found = suggestions(seed, kind="entity", suggester="bert")
    assert found.count() > 100
    assert all(a.label.code == "PER" for a in found[:50])


def test_crf_trains_from_the_corpus_and_suggests(seed, user, settings):
    for word, label, occurrence in (
        ("بايدن", "PER", 1),
        ("الكاظمي", "PER", 0),
        ("واشنطن", "LOC", 0),
        ("بغداد", "LOC", 0),
        ("العراق", "LOC", 0),
    ):
        mark(user, seed, word, label, occurrence=occurrence)
    row = services.crf_train()
    assert isinstance(row, CrfModelVersion)
    assert row.n_annotations == 5 and row.n_sentences >= 1 and set(row.labels) == {"LOC", "PER"}
    assert str(settings.SUGGESTIONS_MODEL_DIR) in row.path
    assert services.crf_current() == row
    result = services.article_suggest(article_id=seed.pk)
    assert "crf" in result.suggesters
    status = services.suggesters_status()
    assert next(s for s in status["suggesters"] if s["name"] == "crf")["version"] == row.version
    assert services.crf_new_annotations(row) == 0


def test_no_training_data_means_no_model(seed):
    assert services.crf_train() is None
    assert services.crf_current() is None


def test_quotes_by_a_title_link_to_the_named_speaker(user, source):
    """The quote finder resolves "الوزير الفرنسي" to the name the article gives: both quotes link to its entity."""
    from tests.factories import make_article

    body = (
        "وقال وزير الخارجية الفرنسي جان إيف لودريان إن الحوار ضروري. "
        "وأكد الوزير الفرنسي أن الزيارة كانت ناجحة."
    )
    article = make_article(source=source, title="زيارة", body=body)
    person = mark(user, article, "جان إيف لودريان", "PER")
    services.article_suggest(article_id=article.pk)
    quotes = list(suggestions(article, kind="quote"))
    assert [q.exact for q in quotes] == ["الحوار ضروري", "الزيارة كانت ناجحة"]
    assert [q.speaker_id for q in quotes] == [person.pk, person.pk]


def test_suggestions_are_written_in_batches_and_capped_per_article(seed, user, settings, monkeypatch):
    """Past the bulk limit they are written batch after batch; past the article's cap the surest are kept."""
    from annotations import services as annotation_services

    mark(user, seed, "بايدن", "PER", occurrence=1)  # the matcher then suggests Biden's other mentions
    Annotation.objects.filter(status=S.SUGGESTED).delete()
    services.article_suggest(article_id=seed.pk)
    everything = sorted(suggestions(seed).values_list("confidence", flat=True), reverse=True)
    assert len(everything) > 7
    Annotation.objects.filter(status=S.SUGGESTED).delete()

    sizes = []
    real = annotation_services.annotations_bulk_create

    def spy(**kwargs):
        sizes.append(len(kwargs["items"]))
        return real(**kwargs)

    monkeypatch.setattr(annotation_services, "annotations_bulk_create", spy)
    monkeypatch.setattr(annotation_services, "MAX_BULK_ITEMS", 3)
    settings.SUGGESTIONS_MAX_PER_ARTICLE = 7
    result = services.article_suggest(article_id=seed.pk)
    made = list(suggestions(seed))
    assert len(made) == len(result.created) == 7
    assert sorted((a.confidence for a in made), reverse=True) == everything[:7]
    assert sum(sizes) == 7 and max(sizes) <= 3 and len(sizes) >= 3
    # A quote whose speaker entity was left out keeps the speaker's words instead.
    for quote in suggestions(seed, kind="quote"):
        assert quote.speaker_id is None or Annotation.objects.filter(pk=quote.speaker_id).exists()


def test_the_cap_grows_with_the_text_and_has_a_ceiling(settings):
    settings.SUGGESTIONS_CHARS_PER_SUGGESTION = 25
    settings.SUGGESTIONS_MAX_PER_ARTICLE = 500
    assert services.suggestions_cap(0) == 1
    assert services.suggestions_cap(9_000) == 361
    assert services.suggestions_cap(1_000_000) == 500


def test_the_cap_keeps_the_surest_items():
    items = [{"confidence": c} for c in (0.2, 0.9, 0.5, 0.9, 0.1)]
    assert services._within_cap(items, cap=3) == {1, 2, 3}
    assert services._within_cap(items, cap=10) == {0, 1, 2, 3, 4}
    assert services._within_cap(items, cap=0) == set()


def test_a_suggested_quote_is_gathered_on_its_speakers_page(user, source, consumers_run_at_once, client):
    """A titled subject with a rank gives the person, not the ministry: the quote links to the person's entity
    annotation, and the person's speaker page lists it."""
    from django.urls import reverse

    from entities.models import EntityMention
    from tests.factories import make_article

    body = "وأوضح المتحدث باسم وزارة الدفاع العقيد سامي نور للصحافيين أن القوات انسحبت من المدينة."
    article = make_article(source=source, title="انسحاب", body=body)
    ministry = mark(user, article, "وزارة الدفاع", "ORG")
    person = mark(user, article, "سامي نور", "PER")
    services.article_suggest(article_id=article.pk)
    (quote,) = suggestions(article, kind="quote")
    assert quote.exact == "القوات انسحبت من المدينة"
    assert quote.speaker_id == person.pk != ministry.pk
    entity = EntityMention.objects.get(annotation=person).entity
    client.force_login(user)
    # a suggestion counts on the pages once accepted (entities.visibility.COUNTED), not before
    assert client.get(reverse("entities:speaker", args=[entity.pk])).status_code == 404
    services.suggestion_accept(user=user, annotation_id=quote.pk)
    page = client.get(reverse("entities:speaker", args=[entity.pk]))
    assert page.status_code == 200
    assert "القوات انسحبت من المدينة" in page.content.decode()
    other = EntityMention.objects.get(annotation=ministry).entity
    assert client.get(reverse("entities:speaker", args=[other.pk])).status_code == 404


def test_the_team_model_and_the_default_model_load_through_one_cached_loader(seed, user, settings, monkeypatch, caplog):
    from arabic.ner.crf import CrfModel
    from suggestions import learning

    settings.SUGGESTIONS_BASE_MODEL = "auto"
    for word, label in (("بايدن", "PER"), ("واشنطن", "LOC")):
        mark(user, seed, word, label)
    row = services.crf_train()
    through, reads = [], []
    load_once, read = learning.load_once, CrfModel.load
    monkeypatch.setattr(learning, "load_once", lambda path, *a: through.append(a[-1]) or load_once(path, *a))
    monkeypatch.setattr(CrfModel, "load", classmethod(lambda cls, path: reads.append(str(path)) or read(path)))
    team = services.crf_model()
    assert team is services.crf_model() and team.version == row.version and reads.count(row.path) == 1
    assert learning.base_model() is not None
    assert through == ["CRF model", "CRF model", "default entity model"]
    # an unreadable file: None and a log line, as before
    bad = CrfModelVersion.objects.create(
        version="bad", trained_at=row.trained_at + timedelta(seconds=1), n_annotations=1, path=row.path + ".bad"
    )
    Path(bad.path).write_bytes(b"not a model")
    assert services.crf_current() == bad and services.crf_model() is None
    assert "CRF model " + bad.path + " could not be loaded" in caplog.text
